from datetime import date

import pytest
from django.core.exceptions import ValidationError

from recommendations import services
from recommendations.choices import TargetStatus
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def stored_status(target) -> str:
    target.refresh_from_db()
    return target.status


def test_creating_a_response_stores_the_new_status():
    target = TargetFactory(response_due=date(2026, 1, 1))
    services.target_refresh_status(target=target, today=TODAY)
    assert stored_status(target) == TargetStatus.RESPONSE_OVERDUE

    services.response_create(
        target=target, position="supported", date=date(2026, 2, 1), today=TODAY
    )

    assert stored_status(target) == TargetStatus.SUPPORTED


def test_the_latest_response_by_date_wins_not_the_latest_entered():
    target = TargetFactory()
    services.response_create(target=target, position="noted", date=date(2022, 5, 1), today=TODAY)
    services.response_create(
        target=target, position="supported", date=date(2019, 3, 1), today=TODAY
    )

    assert stored_status(target) == TargetStatus.NOTED


def test_two_responses_on_one_date_go_to_the_later_created():
    target = TargetFactory()
    services.response_create(target=target, position="noted", date=date(2022, 5, 1), today=TODAY)
    services.response_create(
        target=target, position="supported", date=date(2022, 5, 1), today=TODAY
    )

    assert stored_status(target) == TargetStatus.SUPPORTED


def test_two_assessments_on_one_date_go_to_the_later_created():
    target = TargetFactory()
    for implementation in ("implemented", "regressed"):
        services.assessment_create(
            target=target, implementation=implementation, assessed_on=date(2023, 1, 1), today=TODAY
        )

    assert stored_status(target) == TargetStatus.REGRESSED


def test_an_unknown_assessment_leaves_the_response_in_charge():
    target = TargetFactory()
    services.response_create(
        target=target, position="supported", date=date(2019, 3, 1), today=TODAY
    )
    services.assessment_create(
        target=target,
        implementation="partially_implemented",
        assessed_on=date(2021, 1, 1),
        today=TODAY,
    )
    services.assessment_create(
        target=target, implementation="unknown", assessed_on=date(2022, 11, 1), today=TODAY
    )

    assert stored_status(target) == TargetStatus.SUPPORTED


def test_deleting_the_only_response_brings_back_the_due_date():
    target = TargetFactory(response_due=date(2026, 1, 1))
    response = services.response_create(
        target=target, position="rejected", date=date(2026, 2, 1), today=TODAY
    )

    services.response_delete(response=response, today=TODAY)

    assert stored_status(target) == TargetStatus.RESPONSE_OVERDUE


def test_moving_the_due_date_updates_the_status():
    target = TargetFactory(response_due=date(2027, 1, 1))
    services.target_refresh_status(target=target, today=TODAY)
    assert stored_status(target) == TargetStatus.AWAITING_RESPONSE

    services.target_update(target=target, response_due=date(2026, 6, 1), today=TODAY)

    assert stored_status(target) == TargetStatus.RESPONSE_OVERDUE


def test_a_bad_response_is_refused_and_the_status_is_unchanged():
    target = TargetFactory()

    with pytest.raises(ValidationError) as error:
        services.response_create(target=target, position="approved", date=date(2026, 2, 1))

    assert "position" in error.value.message_dict
    assert target.responses.count() == 0
    assert stored_status(target) == TargetStatus.AWAITING_RESPONSE


def test_status_changes_are_kept_in_the_history():
    target = TargetFactory()
    services.response_create(
        target=target, position="supported", date=date(2019, 3, 1), today=TODAY
    )

    statuses = list(target.history.order_by("history_id").values_list("status", flat=True))

    assert statuses == [TargetStatus.AWAITING_RESPONSE, TargetStatus.SUPPORTED]
