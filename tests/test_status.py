from datetime import date

import pytest

from recommendations.choices import TargetStatus
from recommendations.models import Target
from recommendations.status import (
    derive_status,
    not_overdue,
    overdue,
    status_in,
    status_on,
    status_on_expression,
)
from tests.factories import TargetFactory

TODAY = date(2026, 11, 23)
YESTERDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("implementation", "position", "response_due", "expected"),
    [
        # 1. The latest assessment decides, whatever the response and due date say.
        ("implemented", "supported", YESTERDAY, TargetStatus.IMPLEMENTED),
        ("partially_implemented", "noted", None, TargetStatus.PARTIALLY_IMPLEMENTED),
        ("not_implemented", None, None, TargetStatus.NOT_IMPLEMENTED),
        ("regressed", "supported", None, TargetStatus.REGRESSED),
        # ... unless it is "unknown": then the response decides.
        ("unknown", "supported", None, TargetStatus.SUPPORTED),
        ("unknown", None, YESTERDAY, TargetStatus.RESPONSE_OVERDUE),
        ("unknown", None, None, TargetStatus.AWAITING_RESPONSE),
        # 2. The latest response's position, even after the due date passed.
        (None, "supported", YESTERDAY, TargetStatus.SUPPORTED),
        (None, "partially_supported", None, TargetStatus.PARTIALLY_SUPPORTED),
        (None, "noted", None, TargetStatus.NOTED),
        (None, "rejected", None, TargetStatus.REJECTED),
        (None, "other", None, TargetStatus.OTHER),
        # 3. Overdue once the due date has passed: not on the day itself.
        (None, None, YESTERDAY, TargetStatus.RESPONSE_OVERDUE),
        (None, None, TODAY, TargetStatus.AWAITING_RESPONSE),
        (None, None, date(2026, 12, 1), TargetStatus.AWAITING_RESPONSE),
        # 4. Nothing known: awaiting a response.
        (None, None, None, TargetStatus.AWAITING_RESPONSE),
    ],
)
def test_derive_status_follows_the_rule_in_order(implementation, position, response_due, expected):
    status = derive_status(
        implementation=implementation, position=position, response_due=response_due, today=TODAY
    )
    assert status == expected


STORED = [*TargetStatus]
DUE_DATES = [None, YESTERDAY, TODAY, date(2026, 11, 24)]


@pytest.mark.parametrize(
    ("stored", "response_due", "expected"),
    [
        # Answered or assessed: the stored word holds, whatever the date.
        (TargetStatus.REJECTED, YESTERDAY, TargetStatus.REJECTED),
        (TargetStatus.IMPLEMENTED, YESTERDAY, TargetStatus.IMPLEMENTED),
        # Unanswered: derived again from the due date, either way.
        (TargetStatus.AWAITING_RESPONSE, YESTERDAY, TargetStatus.RESPONSE_OVERDUE),
        (TargetStatus.AWAITING_RESPONSE, TODAY, TargetStatus.AWAITING_RESPONSE),
        (TargetStatus.RESPONSE_OVERDUE, TODAY, TargetStatus.AWAITING_RESPONSE),
        (TargetStatus.RESPONSE_OVERDUE, None, TargetStatus.AWAITING_RESPONSE),
    ],
)
def test_a_stored_status_is_read_on_a_later_day_as_the_rule_derives_it(
    stored, response_due, expected
):
    assert status_on(stored=stored, response_due=response_due, today=TODAY) == expected


def every_stored_status_and_due_date() -> dict[int, TargetStatus]:
    """A target for each stored status and due date, with the status status_on() reads."""
    return {
        TargetFactory(status=stored, response_due=response_due).pk: status_on(
            stored=stored, response_due=response_due, today=TODAY
        )
        for stored in STORED
        for response_due in DUE_DATES
    }


@pytest.mark.django_db
def test_the_status_filter_matches_exactly_the_targets_status_on_says():
    targets = every_stored_status_and_due_date()

    for status in TargetStatus:
        matched = set(
            Target.objects.filter(status_in([status], today=TODAY)).values_list("pk", flat=True)
        )
        assert matched == {pk for pk, derived in targets.items() if derived == status}, status
    assert set(Target.objects.filter(overdue(today=TODAY)).values_list("pk", flat=True)) == {
        pk for pk, derived in targets.items() if derived == TargetStatus.RESPONSE_OVERDUE
    }
    assert set(Target.objects.filter(not_overdue(today=TODAY)).values_list("pk", flat=True)) == {
        pk for pk, derived in targets.items() if derived != TargetStatus.RESPONSE_OVERDUE
    }


@pytest.mark.django_db
def test_the_status_expression_reads_each_target_as_status_on_says():
    targets = every_stored_status_and_due_date()

    read = Target.objects.annotate(today=status_on_expression(today=TODAY)).values_list(
        "pk", "today"
    )

    assert dict(read) == targets
