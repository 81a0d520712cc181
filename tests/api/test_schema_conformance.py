"""Every answer matches the OpenAPI schema, for data the fuzzer cannot make through the API:
each optional value both empty and set (no author, no document, no issuer, no date)."""

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from werkzeug.test import Client

from recommendations import services
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    OrganizationFactory,
    RecommendationFactory,
    TargetFactory,
    ThemeFactory,
    UserFactory,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_client():
    # As Django's own test client does: the request must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    app = get_wsgi_application()
    yield app, Client(app)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def every_shape(editor):
    full = RecommendationFactory(
        document=DocumentFactory(date=date(2014, 2, 7), url="https://undocs.org/A/HRC/25/CRP.1"),
        issued_on=date(2014, 2, 7),
        owner=editor,
    )
    full.themes.set([ThemeFactory()])
    full.recommending_states.set([state("USA")])
    full.organizations.set([OrganizationFactory(country=state("KOR"))])
    full.watchers.set([editor])
    target = TargetFactory(recommendation=full, response_due=date(2015, 1, 1))
    services.response_create(
        target=target, position="noted", date=date(2015, 3, 1), document=DocumentFactory()
    )
    services.response_create(target=target, position="rejected", date=date(2016, 3, 1))
    services.assessment_create(
        target=target, implementation="regressed", assessed_on=date(2020, 1, 1), author=editor
    )
    services.assessment_create(
        target=target,
        implementation="unknown",
        assessed_on=date(2021, 1, 1),
        source_document=DocumentFactory(),
        author=UserFactory(),
    )
    services.assessment_create(
        target=target, implementation="implemented", assessed_on=date(2022, 1, 1)
    )
    bare = RecommendationFactory(
        document=None, issued_by=None, issued_on=None, reiterates=full, paragraph=""
    )
    bare.organizations.set([OrganizationFactory(acronym="")])
    TargetFactory(recommendation=bare, state=None, body=BodyFactory(parent=BodyFactory()))
    RecommendationFactory(issued_by=BodyFactory())
    return {"full": full, "bare": bare, "target": target}


def test_every_answer_matches_the_schema_for_the_public_and_for_staff(
    wsgi_client, every_shape, editor
):
    app, client = wsgi_client
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    full, bare, target = every_shape["full"], every_shape["bare"], every_shape["target"]
    assessment = target.assessments.first()
    response = target.responses.first()
    reads = [
        ("/api/recommendations/", "/api/recommendations/"),
        ("/api/recommendations/", "/api/recommendations/?cursor="),
        ("/api/recommendations/{id}/", f"/api/recommendations/{full.pk}/"),
        ("/api/recommendations/{id}/", f"/api/recommendations/{bare.pk}/"),
        ("/api/recommendations/{id}/status/", f"/api/recommendations/{full.pk}/status/"),
        ("/api/recommendations/{id}/status/", f"/api/recommendations/{bare.pk}/status/"),
        ("/api/stats/", "/api/stats/"),
        ("/api/targets/", "/api/targets/"),
        ("/api/targets/{id}/", f"/api/targets/{target.pk}/"),
        ("/api/responses/", "/api/responses/"),
        ("/api/responses/{id}/", f"/api/responses/{response.pk}/"),
        ("/api/assessments/", "/api/assessments/"),
        ("/api/assessments/{id}/", f"/api/assessments/{assessment.pk}/"),
        ("/api/documents/", "/api/documents/"),
        ("/api/bodies/", "/api/bodies/"),
        ("/api/states/", "/api/states/?page_size=200"),
        ("/api/themes/", "/api/themes/"),
        ("/api/organizations/", "/api/organizations/"),
        ("/api/recommendations/", "/api/recommendations/?state=XXX"),
        ("/api/recommendations/{id}/", "/api/recommendations/999999/"),
    ]
    staff = {"Authorization": f"Token {Token.objects.create(user=editor).key}"}

    for template, path in reads:
        for headers in ({}, staff):
            answer = client.get(path, headers=headers)
            assert answer.status_code in (200, 400, 404), (path, answer.status_code)
            schema[template]["GET"].validate_response(answer)
