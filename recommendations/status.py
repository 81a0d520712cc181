"""The status rule: one word per target, from its latest assessment, latest response and due date.

`derive_status()` is the rule. It is pure: it is given the latest rows' values and today's
date, so the admin, the API, the importers and the nightly recompute all derive the same
word. "Latest" means the latest date, and on one date the later-created row (the higher
primary key): see `Target.latest_response()` and the recompute's subqueries, which order the
same way.

Every write to a response, an assessment or a due date stores the derived word on the target
in the same transaction. Only the rule's last two steps depend on the day: a target stored
as awaiting a response becomes overdue when its due date passes, with no write. `status_on()`
reads a stored status on any day, and `status_in()` is the same as a filter, so every reader
(API filters, admin filters, reminder triggers, the timeline) asks these two and none
restates the rule.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, CharField, F, Q, Value, When

from recommendations.choices import Implementation, TargetStatus


def derive_status(
    *,
    implementation: str | None,
    position: str | None,
    response_due: date | None,
    today: date,
) -> TargetStatus:
    if implementation and implementation != Implementation.UNKNOWN:
        return TargetStatus(implementation)
    if position:
        return TargetStatus(position)
    if response_due and response_due < today:
        return TargetStatus.RESPONSE_OVERDUE
    return TargetStatus.AWAITING_RESPONSE


# The words of the rule's last two steps: no assessment that says how far it went, no response.
UNANSWERED = frozenset({TargetStatus.AWAITING_RESPONSE, TargetStatus.RESPONSE_OVERDUE})


def status_on(*, stored: str, response_due: date | None, today: date) -> TargetStatus:
    """The status on `today` of a target whose stored status is `stored`, derived on some
    earlier (or later) day: an unanswered target is derived again from its due date."""
    if stored in UNANSWERED:
        return derive_status(
            implementation=None, position=None, response_due=response_due, today=today
        )
    return TargetStatus(stored)


def status_in(statuses: Iterable[str], *, today: date) -> Q:
    """The targets whose status on `today` is one of `statuses`: `status_on()` as a filter,
    over the stored (indexed) status and the due date."""
    statuses = set(statuses)
    answered = sorted(statuses - UNANSWERED)
    unanswered = Q(status__in=sorted(UNANSWERED))
    past_due = Q(response_due__lt=today)
    matches = [Q(status__in=answered)] if answered else []
    if TargetStatus.RESPONSE_OVERDUE in statuses:
        matches.append(unanswered & past_due)
    if TargetStatus.AWAITING_RESPONSE in statuses:
        matches.append(unanswered & (Q(response_due__isnull=True) | Q(response_due__gte=today)))
    if not matches:
        return Q(pk__in=[])
    condition = matches[0]
    for match in matches[1:]:
        condition |= match
    return condition


def status_on_expression(*, today: date) -> Case:
    """`status_on()` as an SQL expression, to count targets by their status on `today` in one
    grouped query: the stored word, an unanswered one derived again by `status_in()`."""
    return Case(
        *(
            When(status_in([word], today=today), then=Value(word.value))
            for word in sorted(UNANSWERED)
        ),
        default=F("status"),
        output_field=CharField(),
    )


def overdue(*, today: date) -> Q:
    """The targets whose response is overdue on `today`, as the status rule says."""
    return status_in([TargetStatus.RESPONSE_OVERDUE], today=today)


def not_overdue(*, today: date) -> Q:
    """Every other target."""
    return status_in(set(TargetStatus) - {TargetStatus.RESPONSE_OVERDUE}, today=today)
