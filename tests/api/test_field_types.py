"""Writes take only the JSON types the schema gives: DRF would read 2.9 as the id 2, 5 as
the text "5", an object as an empty list of related rows, and "" as a null relation."""

import pytest

from recommendations.models import Body, Document, Response, Theme
from tests.factories import BodyFactory, DocumentFactory, OrganizationFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "received"),
    [(2.9, "float"), (2.0, "float"), ("2.9", "str"), ("2.0", "str"), ("2", "str"), (True, "bool")],
)
def test_an_id_must_be_a_json_integer(editor_api, value, received):
    TargetFactory(pk=2)

    response = editor_api.post(
        "/api/responses/",
        {"target": value, "position": "noted", "date": "2014-03-17"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"target": [f"Expected an integer id, received {received}."]}
    assert not Response.objects.exists()


def test_an_integer_id_still_names_its_row(editor_api):
    target = TargetFactory()

    response = editor_api.post(
        "/api/responses/",
        {"target": target.pk, "position": "noted", "date": "2014-03-17"},
        format="json",
    )

    assert response.status_code == 201
    assert Response.objects.get().target == target


def test_an_id_of_a_generated_relation_is_strict_too(editor_api):
    target = TargetFactory()
    document = DocumentFactory()

    response = editor_api.post(
        "/api/responses/",
        {"target": target.pk, "position": "noted", "date": "2014-03-17", "document": 1.5},
        format="json",
    )
    accepted = editor_api.post(
        "/api/responses/",
        {"target": target.pk, "position": "noted", "date": "2014-03-17", "document": document.pk},
        format="json",
    )

    assert response.json() == {"document": ["Expected an integer id, received float."]}
    assert accepted.status_code == 201


def test_an_id_too_large_for_the_database_names_nothing(editor_api):
    response = editor_api.post(
        "/api/responses/",
        {"target": 10**30, "position": "noted", "date": "2014-03-17"},
        format="json",
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["target"][0]


@pytest.mark.parametrize(("value", "received"), [(5, "int"), (["CAT"], "list"), ({}, "dict")])
def test_a_natural_key_must_be_a_string(editor_api, value, received):
    BodyFactory(acronym="CAT")

    response = editor_api.post(
        "/api/documents/", {"title": "Report", "kind": "report", "body": value}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"body": [f"Expected a string, received {received}."]}
    assert not Document.objects.exists()


def test_an_empty_string_is_not_a_null_relation(editor_api):
    response = editor_api.post(
        "/api/bodies/",
        {"acronym": "WGAD", "name": "Working Group", "kind": "special_procedure", "parent": ""},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"parent": ["An empty string names nothing."]}
    assert not Body.objects.filter(acronym="WGAD").exists()


def test_related_rows_must_be_a_json_array(editor_api):
    OrganizationFactory(name="Human Rights Watch")

    refused = editor_api.post(
        "/api/documents/",
        {"title": "Report", "kind": "report", "organizations": {"Human Rights Watch": 1}},
        format="json",
    )

    assert refused.status_code == 400
    assert list(refused.json()) == ["organizations"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("value", [5, 5.5, True, ["Torture"], {"en": "Torture"}])
def test_text_must_be_a_string(editor_api, value):
    response = editor_api.post("/api/themes/", {"slug": "torture", "name": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert not Theme.objects.exists()


def test_each_name_a_state_goes_by_must_be_a_string(editor_api):
    response = editor_api.post(
        "/api/states/", {"code": "XKX", "name": "Kosovo", "other_names": [0]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["other_names"]
