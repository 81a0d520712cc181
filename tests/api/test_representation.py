"""The recommendations' and targets' answers are built directly from the rows
(RecommendationSerializer.to_representation and TargetSerializer's): they must read exactly
as DRF's fields wrote them, for every kind of relation and every kind of reader."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from recommendations import selectors, services
from recommendations.api.serializers import (
    RecommendationSerializer,
    TargetSerializer,
    TargetTimelineSerializer,
    TrackerModelSerializer,
)
from recommendations.models import SustainableDevelopmentGoal, Target
from tests.api.conftest import client_with_token
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


# DRF's field-by-field representation, as the serializers gave it before.
class FieldByFieldTarget(TargetSerializer):
    to_representation = TrackerModelSerializer.to_representation


class FieldByFieldRecommendation(RecommendationSerializer):
    targets = FieldByFieldTarget(many=True, read_only=True, source="listed_targets")
    to_representation = TrackerModelSerializer.to_representation


class FieldByFieldTimelineTarget(TargetTimelineSerializer):
    to_representation = TrackerModelSerializer.to_representation


@pytest.fixture
def related_every_way(editor):
    """A recommendation with every relation the API shows: a private document, an issuer,
    recommending states, organisations, themes, goals, an earlier one it reiterates, owner,
    watchers and a note; a state that answered in a private document, a body assessed on a
    private source, a target overdue and one with a follow-up date."""
    private = DocumentFactory(symbol="A/HRC/PRIVATE/1", public=False, date=date(2015, 1, 5))
    earlier = RecommendationFactory()
    recommendation = RecommendationFactory(
        document=private,
        issued_on=date(2015, 1, 5),
        reiterates=earlier,
        owner=editor,
        internal_note="Raise it at the next session.",
    )
    recommendation.recommending_states.set([state("KOR"), state("USA")])
    recommendation.organizations.set([OrganizationFactory(name="Human Rights Watch")])
    recommendation.themes.set([ThemeFactory(slug="non-refoulement"), ThemeFactory(slug="torture")])
    SustainableDevelopmentGoal.objects.get_or_create(code="16.10")
    recommendation.sdgs.set(SustainableDevelopmentGoal.objects.filter(code="16.10"))
    recommendation.watchers.set([editor, UserFactory(username="watcher", is_staff=True)])
    china = TargetFactory(recommendation=recommendation, state=state("CHN"))
    services.response_create(
        target=china, position="supported", date=date(2015, 3, 1), document=private
    )
    unhcr = TargetFactory(
        recommendation=recommendation, state=None, body=BodyFactory(acronym="UNHCR")
    )
    services.assessment_create(
        target=unhcr,
        implementation="partially_implemented",
        assessed_on=date(2016, 2, 1),
        source_document=private,
        source_public=False,
        summary="Access granted once.",
    )
    TargetFactory(
        recommendation=recommendation,
        state=state("PRK"),
        response_due=date(2015, 6, 1),
        follow_up_due=date(2016, 6, 1),
    )
    return recommendation


def request_of(user):
    request = Request(APIRequestFactory().get("/api/recommendations/"))
    request.user = user or AnonymousUser()
    return request


def as_json(data) -> object:
    return json.loads(JSONRenderer().render(data))


READERS = ["anonymous", "reader", "editor"]


@pytest.fixture
def reader_as(request, editor):
    users = {"anonymous": None, "reader": UserFactory(username="reader"), "editor": editor}
    return users[request.param]


def client_of(user, api_client):
    return api_client if user is None else client_with_token(user)


@pytest.mark.parametrize("reader_as", READERS, indirect=True)
def test_a_recommendation_reads_as_drfs_fields_wrote_it(reader_as, related_every_way, api_client):
    user = reader_as
    answer = client_of(user, api_client).get(f"/api/recommendations/{related_every_way.pk}/")
    rows = selectors.recommendations_for_api(staff=bool(user and user.is_staff)).filter(
        pk=related_every_way.pk
    )

    field_by_field = FieldByFieldRecommendation(rows[0], context={"request": request_of(user)})

    assert answer.json() == as_json(field_by_field.data)
    assert list(answer.json()) == list(field_by_field.data)
    # The private document is withheld from all but staff, who alone see the note.
    staff = user is not None and user.is_staff
    assert (answer.json()["document"] is not None) is staff
    assert ("internal_note" in answer.json()) is staff


@pytest.mark.parametrize("reader_as", READERS, indirect=True)
def test_a_page_of_targets_reads_as_drfs_fields_wrote_it(reader_as, related_every_way, api_client):
    user = reader_as
    answer = client_of(user, api_client).get(f"/api/targets/?recommendation={related_every_way.pk}")
    rows = selectors.targets_with_latest(Target.objects.order_by("pk")).filter(
        recommendation=related_every_way
    )

    field_by_field = FieldByFieldTarget(rows, many=True, context={"request": request_of(user)})

    assert answer.json()["results"] == as_json(field_by_field.data)


@pytest.mark.parametrize("reader_as", READERS, indirect=True)
def test_the_status_timelines_read_as_drfs_fields_wrote_them(
    reader_as, related_every_way, api_client
):
    user = reader_as
    answer = client_of(user, api_client).get(f"/api/recommendations/{related_every_way.pk}/status/")
    targets = selectors.recommendation_timelines(related_every_way)

    field_by_field = FieldByFieldTimelineTarget(
        targets, many=True, context={"request": request_of(user)}
    )

    assert answer.json()["targets"] == as_json(field_by_field.data)
    assert [event["kind"] for event in answer.json()["targets"][1]["timeline"]] == [
        "status_change",
        "assessment",
        "status_change",
    ]
