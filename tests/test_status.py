from datetime import date

import pytest

from recommendations.choices import TargetStatus
from recommendations.status import derive_status

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
