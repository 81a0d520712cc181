"""Writes of targets, responses and assessments go through the services: the model's rules
answer as 400s naming the field, and statuses are current as soon as the write returns."""

from datetime import date

import pytest
import time_machine

from recommendations.models import Assessment, Response, Target
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    RecommendationFactory,
    ResponseFactory,
    TargetFactory,
    UserFactory,
    state,
)

pytestmark = pytest.mark.django_db


def test_a_target_with_both_a_state_and_a_body_is_a_400_saying_so(editor_api):
    BodyFactory(acronym="UNHCR")

    response = editor_api.post(
        "/api/targets/",
        {"recommendation": RecommendationFactory().pk, "state": "CHN", "body": "UNHCR"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["body"] == ["Choose a state or a body, not both."]
    assert not Target.objects.exists()


def test_a_target_with_neither_is_a_400_naming_the_state(editor_api):
    response = editor_api.post(
        "/api/targets/", {"recommendation": RecommendationFactory().pk}, format="json"
    )

    assert response.status_code == 400
    assert "Choose the state or the body" in response.json()["state"][0]


def test_a_second_target_for_the_same_addressee_is_a_400_not_a_500(editor_api):
    target = TargetFactory(state=state("CHN"))

    response = editor_api.post(
        "/api/targets/",
        {"recommendation": target.recommendation_id, "state": "CHN"},
        format="json",
    )

    assert response.status_code == 400
    assert "already exists" in str(response.json())


@time_machine.travel(date(2026, 11, 23), tick=False)
def test_a_target_whose_due_date_passed_is_stored_as_overdue(editor_api):
    response = editor_api.post(
        "/api/targets/",
        {
            "recommendation": RecommendationFactory().pk,
            "state": "CHN",
            "response_due": "2011-09-15",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "response_overdue"
    assert Target.objects.get().status == "response_overdue"


def test_a_response_refreshes_the_targets_status_in_the_same_write(editor_api):
    target = TargetFactory()

    response = editor_api.post(
        "/api/responses/",
        {"target": target.pk, "position": "rejected", "date": "2014-03-17", "text": "Migrants."},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["position"] == "rejected"
    target.refresh_from_db()
    assert target.status == "rejected"
    assert target.history.first().status == "rejected"


def test_changing_a_responses_position_refreshes_the_status(editor_api):
    response = ResponseFactory(position="noted")
    Target.objects.filter(pk=response.target_id).update(status="noted")

    answer = editor_api.patch(
        f"/api/responses/{response.pk}/", {"position": "supported"}, format="json"
    )

    assert answer.status_code == 200
    assert Target.objects.get(pk=response.target_id).status == "supported"


def test_a_response_cannot_move_to_another_target(editor_api):
    response = ResponseFactory()
    other = TargetFactory()

    answer = editor_api.patch(f"/api/responses/{response.pk}/", {"target": other.pk}, format="json")

    assert answer.status_code == 200
    assert answer.json()["target"] == response.target_id
    assert Response.objects.get(pk=response.pk).target_id == response.target_id


def test_deleting_a_response_brings_the_status_back(superuser_api):
    response = ResponseFactory(position="supported")
    target = response.target

    answer = superuser_api.delete(f"/api/responses/{response.pk}/")

    assert answer.status_code == 204
    target.refresh_from_db()
    assert target.status == "awaiting_response"


def test_an_assessment_is_recorded_with_its_writer_as_author(editor_api, editor):
    target = TargetFactory()

    response = editor_api.post(
        "/api/assessments/",
        {
            "target": target.pk,
            "implementation": "not_implemented",
            "assessed_on": "2023-08-11",
            "summary": "The NGOs' letter of 11 August 2023 reports forced returns continuing.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["author"] == "editor"
    assert Assessment.objects.get().author == editor
    target.refresh_from_db()
    assert target.status == "not_implemented"


def test_the_author_of_an_assessment_is_shown_to_staff_only(api_client, editor_api):
    assessment = AssessmentFactory(author=UserFactory(username="researcher"))

    assert "author" not in api_client.get(f"/api/assessments/{assessment.pk}/").json()
    assert editor_api.get(f"/api/assessments/{assessment.pk}/").json()["author"] == "researcher"


def test_deleting_an_assessment_refreshes_the_status(superuser_api):
    assessment = AssessmentFactory(implementation="implemented")
    Target.objects.filter(pk=assessment.target_id).update(status="implemented")

    assert superuser_api.delete(f"/api/assessments/{assessment.pk}/").status_code == 204
    assert Target.objects.get(pk=assessment.target_id).status == "awaiting_response"


def test_a_missing_required_field_is_named(editor_api):
    response = editor_api.post("/api/responses/", {"target": TargetFactory().pk}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"position", "date"}


def test_a_malformed_body_is_a_400(editor_api):
    response = editor_api.post("/api/responses/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
