"""Every path that writes recommendations, targets, responses and assessments (the API, the
admin with its inlines, the importers, the demo loader) goes through the services: the same
history records, the status derived in the same transaction, under the target's lock."""

import io
from contextlib import contextmanager
from datetime import date

import psycopg
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from recommendations import services
from recommendations.choices import TargetStatus
from recommendations.importers.services import recommendations_import
from recommendations.models import Recommendation, Response, Target
from tests.factories import TargetFactory, state
from tests.importers.conftest import upr_info_csv
from tests.integration.conftest import database_url
from tests.test_admin import inline_management

TODAY = date(2026, 11, 23)


def target_history(target: Target) -> list[tuple]:
    return list(
        target.history.order_by("history_id").values_list(
            "history_type", "status", "history_user__username", "history_change_reason"
        )
    )


def response_history(target: Target) -> list[tuple]:
    return list(
        Response.history.filter(target_id=target.pk)
        .order_by("history_id")
        .values_list("history_type", "position", "history_user__username", "history_change_reason")
    )


@pytest.mark.django_db
def test_a_response_written_by_the_api_has_the_history_of_the_service(editor):
    target = TargetFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")

    answer = client.post(
        "/api/responses/",
        {"target": target.pk, "position": "rejected", "date": "2014-03-17"},
        format="json",
    )

    assert answer.status_code == 201, answer.json()
    assert response_history(target) == [("+", "rejected", "editor", None)]
    assert target_history(target)[-1] == ("~", TargetStatus.REJECTED, "editor", None)


@pytest.mark.django_db
def test_a_bad_response_to_the_api_is_a_400_naming_the_field(editor):
    target = TargetFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")

    answer = client.post(
        "/api/responses/",
        {"target": target.pk, "position": "rejected", "date": "2014-03-17", "paragraph": "x" * 51},
        format="json",
    )

    assert answer.status_code == 400
    assert "paragraph" in answer.json()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_the_admins_target_page_writes_its_inlines_with_the_history_of_the_service(
    editor_client,
):
    target = TargetFactory(response_due=date(2014, 6, 1))
    data = {
        "recommendation": str(target.recommendation.pk),
        "state": str(target.state.pk),
        "response_due": "2014-06-01",
        **inline_management("responses", 1),
        "responses-0-position": "rejected",
        "responses-0-date": "2014-03-17",
        **inline_management("assessments", 1),
        "assessments-0-implementation": "not_implemented",
        "assessments-0-assessed_on": "2015-01-01",
    }

    page = editor_client.post(
        reverse("admin:recommendations_target_change", args=[target.pk]), data
    )

    assert page.status_code == 302
    assert response_history(target) == [("+", "rejected", "editor", None)]
    history = target_history(target)
    assert history[-1] == ("~", TargetStatus.NOT_IMPLEMENTED, "editor", None)
    target.refresh_from_db()
    assert target.status == TargetStatus.NOT_IMPLEMENTED
    assert not services.target_status_drift(today=date.today())


@pytest.mark.django_db
def test_the_admins_recommendation_page_creates_targets_with_their_derived_status(
    editor_client,
):
    target = TargetFactory()
    recommendation = target.recommendation
    data = {
        "text": recommendation.text,
        "document": str(recommendation.document.pk),
        "paragraph": recommendation.paragraph,
        "issued_by": str(recommendation.issued_by.pk),
        **inline_management("targets", 2, initial=1),
        "targets-0-id": str(target.pk),
        "targets-0-recommendation": str(recommendation.pk),
        "targets-0-state": str(target.state.pk),
        "targets-0-response_due": "2014-06-01",
        "targets-1-recommendation": str(recommendation.pk),
        "targets-1-state": str(state("PRK").pk),
        "targets-1-response_due": "2099-01-01",
    }

    page = editor_client.post(
        reverse("admin:recommendations_recommendation_change", args=[recommendation.pk]), data
    )

    assert page.status_code == 302, page.context["errors"] if page.context else ""
    statuses = dict(recommendation.targets.values_list("state__code", "status"))
    assert statuses == {
        "CHN": TargetStatus.RESPONSE_OVERDUE,
        "PRK": TargetStatus.AWAITING_RESPONSE,
    }
    added = Target.objects.get(recommendation=recommendation, state__code="PRK")
    assert target_history(added) == [("+", TargetStatus.AWAITING_RESPONSE, "editor", None)]
    assert target_history(target)[-1] == ("~", TargetStatus.RESPONSE_OVERDUE, "editor", None)


@pytest.mark.django_db
def test_an_import_writes_history_with_its_user_and_reason_and_derives_statuses(editor):
    content = upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"]])

    recommendations_import(file_name="upr.csv", content=content, user=editor)

    target = Target.objects.get()
    reason = "Imported from upr.csv"
    assert response_history(target) == [("+", "noted", "editor", reason)]
    # A created target's history starts with its derived status.
    assert target_history(target) == [("+", TargetStatus.NOTED, "editor", reason)]

    changed = upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Accepted", "", "4"]])
    recommendations_import(file_name="upr.csv", content=changed, user=editor)

    assert response_history(target)[-1] == ("~", "supported", "editor", reason)
    assert target_history(target)[-1] == ("~", TargetStatus.SUPPORTED, "editor", reason)


@pytest.mark.django_db
def test_the_demo_loader_writes_history_and_derives_every_status():
    call_command("load_demo", stdout=io.StringIO())

    assert Recommendation.history.filter(history_type="+").count() == Recommendation.objects.count()
    assert Target.history.filter(history_type="+").count() == Target.objects.count()
    assert Response.history.filter(history_type="+").count() == Response.objects.count()
    assert not services.target_status_drift(today=date.today())


@contextmanager
def target_locked_elsewhere(target: Target):
    """Another session holds the target row's lock, as a concurrent writer would; this one
    gives up waiting for a lock after a moment instead of waiting for ever."""
    with psycopg.connect(database_url()) as other:
        other.execute("SELECT 1 FROM recommendations_target WHERE id = %s FOR UPDATE", [target.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
            other.rollback()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "write",
    [
        lambda target: services.response_create(
            target=target, position="noted", date=date(2020, 1, 1)
        ),
        lambda target: services.assessment_create(
            target=target, implementation="implemented", assessed_on=date(2020, 1, 1)
        ),
        lambda target: services.target_update(target=target, response_due=date(2020, 1, 1)),
        lambda target: services.target_refresh_status(target=target),
        lambda target: services.target_statuses_recompute(today=date(2099, 1, 1)),
    ],
    ids=["response", "assessment", "due date", "refresh", "recompute"],
)
def test_a_writer_waits_for_the_lock_of_the_target_it_derives_a_status_for(write):
    target = TargetFactory(response_due=date(2050, 1, 1))

    with target_locked_elsewhere(target), pytest.raises(OperationalError, match="lock timeout"):
        write(target)

    assert not Response.objects.exists()
    target.refresh_from_db()
    assert target.status == TargetStatus.AWAITING_RESPONSE


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_the_lock_of_a_target_it_answers_for():
    recommendations_import(
        file_name="upr.csv",
        content=upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"]]),
    )
    target = Target.objects.get()
    changed = upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Accepted", "", "4"]])

    with target_locked_elsewhere(target), pytest.raises(OperationalError, match="lock timeout"):
        recommendations_import(file_name="upr.csv", content=changed)

    assert Target.objects.get().status == TargetStatus.NOTED
