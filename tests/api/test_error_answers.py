"""Every error under /api/ answers JSON, whether DRF or Django produced it; other pages
keep Django's HTML."""

import pytest
from django.test import Client

from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def assert_json_detail(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str)
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/no-such-resource/",
        "/api/recommendations/abc/",
        "/api/recommendations/2.9/",
        "/api/targets/-1/",
        "/api/recommendations/1/no-such-action/",
    ],
)
def test_an_unknown_path_or_an_id_that_is_not_a_number_is_a_json_404(api_client, path):
    assert assert_json_detail(api_client.get(path), 404) == {"detail": "Not found."}


def test_an_unknown_path_outside_the_api_is_still_an_html_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_object_that_does_not_exist_is_a_json_404(api_client):
    assert_json_detail(api_client.get("/api/recommendations/987654/"), 404)


def test_a_method_an_endpoint_does_not_take_is_a_json_405(editor_api):
    body = assert_json_detail(editor_api.put("/api/stats/", {}, format="json"), 405)

    assert body["detail"] == 'Method "PUT" not allowed.'


def test_a_malformed_body_is_a_json_400(editor_api):
    response = editor_api.post(
        "/api/themes/", '{"slug": "torture",', content_type="application/json"
    )

    assert assert_json_detail(response, 400)["detail"].startswith("JSON parse error")


def test_a_body_over_the_limit_is_a_json_413(editor_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    ThemeFactory(slug="torture")

    response = editor_api.patch("/api/themes/torture/", {"name": "x" * 2000}, format="json")

    assert assert_json_detail(response, 413) == {"detail": "The request body is too large."}


def test_the_default_limit_refuses_a_ten_megabyte_body_with_a_json_413(editor_api):
    response = editor_api.post(
        "/api/themes/", {"slug": "torture", "name": "x" * 10_000_000}, format="json"
    )

    assert_json_detail(response, 413)


def test_a_bad_host_header_under_the_api_is_a_json_400(settings):
    settings.ALLOWED_HOSTS = ["tracker.example.org"]

    response = Client().get("/api/themes/", HTTP_HOST="evil.example.com")

    assert assert_json_detail(response, 400) == {"detail": "Bad request."}


@pytest.mark.urls("tests.api.urls_with_a_bug")
def test_a_bug_under_the_api_is_a_json_500():
    response = Client(raise_request_exception=False).get("/api/failing/")

    assert_json_detail(response, 500)


@pytest.mark.urls("tests.api.urls_with_a_bug")
def test_a_bug_outside_the_api_is_still_an_html_page():
    response = Client(raise_request_exception=False).get("/failing/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/targets/?format=csv", "/api/stats/?format=xlsx"])
def test_a_method_no_endpoint_takes_is_a_405_whatever_the_query_asks(editor_api, path):
    response = editor_api.generic("TRACE", path)

    assert assert_json_detail(response, 405) == {"detail": 'Method "TRACE" not allowed.'}
    assert "GET" in response["Allow"]
