"""JSON bodies nested deeper than TRACKER_JSON_MAX_DEPTH are refused before anything
parses them: Python's parser, and Django's lookups after it, recurse once per level."""

import pytest

from recommendations.api.parsers import json_depth
from recommendations.models import Recommendation, Theme
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[["', 0),
        ("[]", 1),
        ('{"a": [1, {"b": "]]}}"}]}', 3),
        ('["a \\"[[[ quoted", {"b": "\\\\"}]', 2),
        ('{"é": ["ü", ["字"]]}', 3),
        ("[" * 5000 + "]" * 5000, 5000),
        ('[[ "unterminated [[', 4),
    ],
)
def test_the_depth_counts_brackets_outside_strings(text, depth):
    assert json_depth(text) == depth


def test_a_body_nested_500_deep_is_a_400_not_a_recursion_error(editor_api):
    BodyFactory(acronym="CAT")
    body = '{"text": "x", "issued_by": "CAT", "themes": ' + "[" * 500 + "]" * 500 + "}"

    response = editor_api.post("/api/recommendations/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested deeper than 32 levels."}
    assert not Recommendation.objects.exists()


def test_a_body_nested_100_000_deep_is_refused_as_quickly(editor_api):
    body = "[" * 100_000 + "]" * 100_000

    response = editor_api.post("/api/themes/", body, content_type="application/json")

    assert response.status_code == 400


def test_the_depth_limit_is_a_setting_and_a_body_within_it_is_parsed(editor_api, settings):
    settings.TRACKER_JSON_MAX_DEPTH = 1
    nested = {"slug": "torture", "name": "Torture", "extra": {"ignored": True}}

    refused = editor_api.post("/api/themes/", nested, format="json")
    accepted = editor_api.post(
        "/api/themes/", {"slug": "torture", "name": "Torture"}, format="json"
    )

    assert refused.status_code == 400
    assert accepted.status_code == 201
    assert Theme.objects.filter(slug="torture").exists()


def test_a_body_that_is_not_in_its_declared_charset_is_a_400(editor_api):
    response = editor_api.post(
        "/api/themes/", b'{"slug": "\xff"}', content_type="application/json; charset=utf-8"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
