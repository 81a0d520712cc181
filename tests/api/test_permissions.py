"""Who may do what: anonymous, a logged-in non-editor, an editor and a superuser, on every
resource, with reading public (the default) and private."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from recommendations.models import (
    Assessment,
    Body,
    Document,
    Organization,
    Recommendation,
    Response,
    State,
    Target,
    Theme,
)
from tests.api.conftest import client_with_token
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    DocumentFactory,
    OrganizationFactory,
    RecommendationFactory,
    ResponseFactory,
    TargetFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Resource:
    model: type
    existing: Callable  # makes a row that nothing refers to; returns its lookup value
    new: Callable[[], dict]
    change: dict


RESOURCES = {
    "recommendations": Resource(
        Recommendation,
        lambda: RecommendationFactory().pk,
        lambda: {"text": "Respect non-refoulement.", "issued_by": BodyFactory().acronym},
        {"paragraph": "1221 (b)"},
    ),
    "targets": Resource(
        Target,
        lambda: TargetFactory().pk,
        lambda: {"recommendation": RecommendationFactory().pk, "state": "PRK"},
        {"response_due": "2030-01-01"},
    ),
    "responses": Resource(
        Response,
        lambda: ResponseFactory().pk,
        lambda: {"target": TargetFactory().pk, "position": "noted", "date": "2014-03-17"},
        {"text": "Economic migrants."},
    ),
    "assessments": Resource(
        Assessment,
        lambda: AssessmentFactory().pk,
        lambda: {
            "target": TargetFactory().pk,
            "implementation": "not_implemented",
            "assessed_on": "2023-10-09",
        },
        {"summary": "Forced returns continued."},
    ),
    "documents": Resource(
        Document,
        lambda: DocumentFactory().pk,
        lambda: {"symbol": "A/HRC/52/64", "title": "Report", "kind": "report"},
        {"title": "Report of the Secretary-General"},
    ),
    "bodies": Resource(
        Body,
        lambda: BodyFactory(acronym="WGAD").acronym,
        lambda: {
            "acronym": "SR-TORTURE",
            "name": "Special Rapporteur",
            "kind": "special_procedure",
        },
        {"name": "Working Group on Arbitrary Detention"},
    ),
    "states": Resource(
        State,
        lambda: "ATA",
        lambda: {"code": "XKX", "name": "Kosovo"},
        {"official_name": "Antarctica"},
    ),
    "themes": Resource(
        Theme,
        lambda: ThemeFactory(slug="trafficking").slug,
        lambda: {"slug": "torture", "name": "Torture"},
        {"uhri_code": "D26"},
    ),
    "organizations": Resource(
        Organization,
        lambda: OrganizationFactory().pk,
        lambda: {"name": "Human Rights Watch", "acronym": "HRW", "country": "USA"},
        {"acronym": "HRW"},
    ),
}

PUBLIC_READ = {
    "anonymous": {"list": 200, "retrieve": 200, "create": 401, "update": 401, "delete": 401},
    "reader": {"list": 200, "retrieve": 200, "create": 403, "update": 403, "delete": 403},
    "editor": {"list": 200, "retrieve": 200, "create": 201, "update": 200, "delete": 403},
    "superuser": {"list": 200, "retrieve": 200, "create": 201, "update": 200, "delete": 204},
}
PRIVATE_READ = {
    "anonymous": {"list": 401, "retrieve": 401},
    "reader": {"list": 200, "retrieve": 200},
    "editor": {"list": 200, "retrieve": 200},
    "superuser": {"list": 200, "retrieve": 200},
}


def client_for(role: str, request) -> APIClient:
    if role == "anonymous":
        return APIClient()
    user = request.getfixturevalue({"reader": "reader"}.get(role, role))
    return client_with_token(user)


def perform(client: APIClient, name: str, resource: Resource, action: str):
    """Prepare the rows the action needs, then do it; returns the answer and the stored-row
    count just before the request."""
    if action == "list":
        return client.get(f"/api/{name}/"), resource.model.objects.count()
    if action == "create":
        payload = resource.new()
        rows_before = resource.model.objects.count()
        return client.post(f"/api/{name}/", payload, format="json"), rows_before
    url = f"/api/{name}/{resource.existing()}/"
    rows_before = resource.model.objects.count()
    if action == "retrieve":
        return client.get(url), rows_before
    if action == "update":
        return client.patch(url, resource.change, format="json"), rows_before
    return client.delete(url), rows_before


CASES = [
    (name, role, action)
    for name in RESOURCES
    for role in PUBLIC_READ
    for action in PUBLIC_READ[role]
]


@pytest.mark.parametrize(("name", "role", "action"), CASES)
def test_with_public_reading_each_role_gets_the_expected_answer(request, name, role, action):
    resource = RESOURCES[name]
    client = client_for(role, request)

    response, rows_before = perform(client, name, resource, action)

    assert response.status_code == PUBLIC_READ[role][action], response.content
    rows_after = resource.model.objects.count()
    if action == "create":
        assert rows_after == rows_before + (response.status_code == 201)
    if action == "delete":
        assert rows_after == rows_before - (response.status_code == 204)


@pytest.mark.parametrize(
    ("name", "role", "action"),
    [
        (name, role, action)
        for name in RESOURCES
        for role in PRIVATE_READ
        for action in PRIVATE_READ[role]
    ],
)
def test_with_private_reading_only_logged_in_users_read(request, name, role, action):
    client = client_for(role, request)

    with override_settings(TRACKER_PUBLIC_READ=False):
        response, _ = perform(client, name, RESOURCES[name], action)

    assert response.status_code == PRIVATE_READ[role][action]


@pytest.mark.parametrize("path", ["/api/stats/", "/api/recommendations/{id}/status/"])
def test_the_status_and_stats_endpoints_follow_the_reading_setting(request, path, reader):
    path = path.format(id=RecommendationFactory().pk)

    assert APIClient().get(path).status_code == 200
    with override_settings(TRACKER_PUBLIC_READ=False):
        assert APIClient().get(path).status_code == 401
        assert client_with_token(reader).get(path).status_code == 200


def test_an_anonymous_write_is_told_how_to_authenticate():
    response = APIClient().post("/api/themes/", {"slug": "torture", "name": "Torture"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_editor_can_write_with_a_session_too(editor_client):
    response = editor_client.post(
        "/api/themes/", {"slug": "torture", "name": "Torture"}, content_type="application/json"
    )

    assert response.status_code == 201
    assert Theme.objects.filter(slug="torture").exists()


def test_a_bad_token_is_refused_even_for_reading():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get("/api/recommendations/").status_code == 401


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_the_schema_and_its_docs_follow_the_reading_setting(path, reader):
    assert APIClient().get(path).status_code == 200

    with override_settings(TRACKER_PUBLIC_READ=False):
        refused = APIClient().get(path)
        by_token = client_with_token(reader).get(path)
        session = APIClient()
        session.force_login(reader)
        by_session = session.get(path)

    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/json"
    assert refused.json() == {"detail": "Authentication credentials were not provided."}
    assert (by_token.status_code, by_session.status_code) == (200, 200)


def test_the_schema_takes_no_writes(editor_api):
    assert editor_api.post("/api/schema/", {}, format="json").status_code == 405
