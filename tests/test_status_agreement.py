"""Every reader of "overdue" agrees with the status rule: random histories of due dates,
responses and assessments, entered in any order with dates in any order, are written
through the services on one day and read on another, by the stored status, the API's
filters, the admin's filter and the reminder sweep."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from recommendations import reminders, services
from recommendations.choices import Implementation, Position, TargetStatus
from recommendations.models import DataVersion, Reminder, Target
from recommendations.status import derive_status
from tests.factories import RecommendationFactory, UserFactory, state

TODAY = date(2026, 11, 23)
DAYS = st.dates(min_value=TODAY - timedelta(days=60), max_value=TODAY + timedelta(days=30))

responses = st.tuples(st.just("response"), st.sampled_from(Position.values), DAYS)
assessments = st.tuples(st.just("assessment"), st.sampled_from(Implementation.values), DAYS)
histories = st.lists(
    st.tuples(st.none() | DAYS, st.lists(responses | assessments, max_size=4)),
    min_size=1,
    max_size=4,
)


def latest(history: list[tuple[str, str, date]], kind: str) -> str | None:
    """The value of the latest row of `kind`: by date, then entered later."""
    rows = [(day, index, value) for index, (k, value, day) in enumerate(history) if k == kind]
    return max(rows)[2] if rows else None


def expected_status(response_due: date | None, history, today: date) -> TargetStatus:
    return derive_status(
        implementation=latest(history, "assessment"),
        position=latest(history, "response"),
        response_due=response_due,
        today=today,
    )


def at(day: date):
    return time_machine.travel(datetime.combine(day, time(7), tzinfo=UTC), tick=False)


@pytest.fixture
def owner(db):
    return UserFactory(username="alice", is_staff=True)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=histories, written_on=DAYS)
def test_every_reader_of_a_status_agrees_with_the_status_rule(
    owner, editor_client, histories, written_on
):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=owner)[0].key}")
    # Each example in a transaction rolled back at its end: the next starts from nothing.
    with transaction.atomic():
        DataVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
        expected: dict[int, TargetStatus] = {}
        with at(written_on):
            for response_due, history in histories:
                target = services.target_create(
                    recommendation=RecommendationFactory(owner=owner),
                    state=state("CHN"),
                    response_due=response_due,
                )
                for kind, value, day in history:
                    if kind == "response":
                        services.response_create(target=target, position=value, date=day)
                    else:
                        services.assessment_create(
                            target=target, implementation=value, assessed_on=day
                        )
                stored = Target.objects.get(pk=target.pk).status
                assert stored == expected_status(response_due, history, written_on)
                expected[target.pk] = expected_status(response_due, history, TODAY)
        due = {pk: due for pk, (due, _) in zip(expected, histories, strict=True)}

        def having(*statuses) -> set[int]:
            return {pk for pk, status in expected.items() if status in statuses}

        def listed(query: str) -> set[int]:
            response = api.get(f"/api/targets/?page_size=100&{query}")
            assert response.status_code == 200, response.content
            return {item["id"] for item in response.json()["results"]}

        with at(TODAY):
            shown = {
                item["id"]: item["status"] for item in api.get("/api/targets/").json()["results"]
            }
            assert shown == expected
            for status in {*expected.values(), TargetStatus.RESPONSE_OVERDUE}:
                assert listed(f"status={status}") == having(status), status
            assert listed("overdue=true") == having(TargetStatus.RESPONSE_OVERDUE)
            assert listed("overdue=false") == set(expected) - having(TargetStatus.RESPONSE_OVERDUE)
            changelist = editor_client.get(
                reverse("admin:recommendations_target_changelist"), {"status": "response_overdue"}
            )
            assert {target.pk for target in changelist.context["cl"].result_list} == having(
                TargetStatus.RESPONSE_OVERDUE
            )
            reminders.reminders_sweep()

        def reminded(rule: str) -> set[int]:
            return set(Reminder.objects.filter(rule__name=rule).values_list("target_id", flat=True))

        assert reminded("Response overdue, every 30 days") == having(TargetStatus.RESPONSE_OVERDUE)
        assert reminded("Response due in 14 days") == {
            pk
            for pk in having(TargetStatus.AWAITING_RESPONSE)
            if due[pk] and due[pk] <= TODAY + timedelta(days=14)
        }
        transaction.set_rollback(True)
