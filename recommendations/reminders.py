"""Follow-up reminders, after healthchecks' `sendalerts`: the database is the queue.

`reminders_sweep()` finds every due reminder with one set-based query per active rule and
records it under the unique key (rule, target, recipient, occurrence), so a sweep run twice,
or two at once, records nothing twice. It takes back the claims of deliveries that died and
queues one digest per recipient whose digest is due. `deliver_digest()` claims a recipient's
reminders with a guarded UPDATE, sends one e-mail outside the transaction and records the
outcome. `reminders_resend()` puts failed reminders back in the queue.

Triggers read due dates, responses and assessments themselves, never the stored
`Target.status`, so a stale status hides no reminder.
"""

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from recommendations.choices import (
    Digest,
    EventKind,
    Implementation,
    Position,
    ReminderStatus,
    ReminderTrigger,
)
from recommendations.models import (
    Assessment,
    Reminder,
    ReminderPreference,
    ReminderRule,
    Response,
    Target,
)
from recommendations.selectors import latest_value

INSERT_BATCH = 2000
READ_CHUNK = 5000
WEEKLY_DIGEST_DAY = calendar.MONDAY
SUBJECT_ITEMS = 3
EXCERPT_LENGTH = 200
SUPPORTING_POSITIONS = [Position.SUPPORTED, Position.PARTIALLY_SUPPORTED]


@dataclass(frozen=True, slots=True)
class DueReminder:
    rule: ReminderRule
    target_id: int
    recipient: str
    occurrence: date
    reason: str

    @property
    def key(self) -> tuple[int, int, str, date]:
        return (self.rule.pk, self.target_id, self.recipient, self.occurrence)


@dataclass
class SweepReport:
    due: int = 0
    recorded: int = 0
    released: int = 0
    digests: dict[str, list[int]] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _day(value: date) -> str:
    # Cached: a sweep formats the same few hundred dates for a hundred thousand rows.
    return dateformat.format(value, "j F Y")


def _unanswered(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Targets still waiting for a response, as the status rule sees it: no response, and no
    assessment that says how far it is implemented."""
    return targets.exclude(Exists(Response.objects.filter(target=OuterRef("pk")))).exclude(
        Exists(
            Assessment.objects.filter(target=OuterRef("pk")).exclude(
                implementation=Implementation.UNKNOWN
            )
        )
    )


def _not_implemented(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Targets whose latest assessment, if any, does not say implemented: still worth raising."""
    return targets.annotate(
        latest_implementation=latest_value(Assessment, "implementation")
    ).filter(
        Q(latest_implementation__isnull=True) | ~Q(latest_implementation=Implementation.IMPLEMENTED)
    )


# A trigger yields, for each due row, the row (target id and recipient columns), the
# occurrence it is for and why it is due. One query per rule; recipients ride along as columns.
DueRows = Iterator[tuple[dict, date, str]]


def response_due_soon(targets, rule: ReminderRule, today: date, columns: list[str]) -> DueRows:
    """From N days before the response is due until that day, while nobody has answered."""
    due = _unanswered(targets).filter(
        response_due__gte=today, response_due__lte=today + timedelta(days=rule.days)
    )
    for row in due.values("pk", "response_due", *columns).iterator(chunk_size=READ_CHUNK):
        yield row, row["response_due"], f"Response due on {_day(row['response_due'])}"


def response_overdue(targets, rule: ReminderRule, today: date, columns: list[str]) -> DueRows:
    """N days after the due date (1: the day after), then every M days, until an answer.

    The occurrence is the latest repeat day reached, so a sweep after days of downtime
    records one reminder, not one per missed repeat.
    """
    due = _unanswered(targets).filter(response_due__lte=today - timedelta(days=rule.days))
    for row in due.values("pk", "response_due", *columns).iterator(chunk_size=READ_CHUNK):
        first = row["response_due"] + timedelta(days=rule.days)
        repeats = (today - first).days // rule.repeat_days
        occurrence = first + timedelta(days=repeats * rule.repeat_days)
        yield row, occurrence, f"Response overdue: it was due on {_day(row['response_due'])}"


def no_assessment(targets, rule: ReminderRule, today: date, columns: list[str]) -> DueRows:
    """A target whose latest response supports it (fully or partly) and which has had no
    assessment for N days since that response or the latest assessment; again every N days
    while nothing new is assessed. Implemented targets need no more follow-up."""
    cutoff = today - timedelta(days=rule.days)
    due = (
        _not_implemented(targets)
        .annotate(
            latest_position=latest_value(Response, "position"),
            latest_response_on=latest_value(Response, "date"),
            latest_assessed_on=latest_value(Assessment, "assessed_on"),
        )
        .filter(latest_position__in=SUPPORTING_POSITIONS, latest_response_on__lte=cutoff)
        .filter(Q(latest_assessed_on__isnull=True) | Q(latest_assessed_on__lte=cutoff))
    )
    rows = due.values("pk", "latest_position", "latest_response_on", "latest_assessed_on", *columns)
    for row in rows.iterator(chunk_size=READ_CHUNK):
        responded, assessed = row["latest_response_on"], row["latest_assessed_on"]
        since = max(responded, assessed or responded)
        periods = (today - since).days // rule.days
        occurrence = since + timedelta(days=periods * rule.days)
        position = Position(row["latest_position"]).label
        last = f"last assessed on {_day(assessed)}" if assessed else "never assessed"
        yield row, occurrence, f"{position} on {_day(responded)}; {last}"


def follow_up_due(targets, rule: ReminderRule, today: date, columns: list[str]) -> DueRows:
    """From N days before the follow-up date until that day."""
    due = targets.filter(
        follow_up_due__gte=today, follow_up_due__lte=today + timedelta(days=rule.days)
    )
    for row in due.values("pk", "follow_up_due", *columns).iterator(chunk_size=READ_CHUNK):
        yield row, row["follow_up_due"], f"Follow-up due on {_day(row['follow_up_due'])}"


def event_soon(targets, rule: ReminderRule, today: date, columns: list[str]) -> DueRows:
    """From N days before an event concerning the target's state or body until that day;
    one reminder per event date. Implemented targets are not raised again."""
    window = (today, today + timedelta(days=rule.days))
    open_targets = _not_implemented(targets)
    event_columns = ["pk", "event_name", "event_kind", "event_date", *columns]
    by_state = (
        open_targets.filter(state__events__date__range=window)
        .annotate(
            event_name=F("state__events__name"),
            event_kind=F("state__events__kind"),
            event_date=F("state__events__date"),
        )
        .values(*event_columns)
    )
    by_body = (
        open_targets.filter(body__events__date__range=window)
        .annotate(
            event_name=F("body__events__name"),
            event_kind=F("body__events__kind"),
            event_date=F("body__events__date"),
        )
        .values(*event_columns)
    )
    for row in by_state.union(by_body).iterator(chunk_size=READ_CHUNK):
        kind = EventKind(row["event_kind"]).label.lower()
        yield row, row["event_date"], f"{row['event_name']} ({kind}) on {_day(row['event_date'])}"


TRIGGERS: dict[str, Callable[..., DueRows]] = {
    ReminderTrigger.RESPONSE_DUE_SOON: response_due_soon,
    ReminderTrigger.RESPONSE_OVERDUE: response_overdue,
    ReminderTrigger.NO_ASSESSMENT: no_assessment,
    ReminderTrigger.FOLLOW_UP_DUE: follow_up_due,
    ReminderTrigger.EVENT_SOON: event_soon,
}

OWNER = ("recommendation__owner__email", "recommendation__owner__is_active")
WATCHER = ("recommendation__watchers__email", "recommendation__watchers__is_active")


def _recipient_columns(rule: ReminderRule) -> list[str]:
    return [*(OWNER if rule.send_to_owner else ()), *(WATCHER if rule.send_to_watchers else ())]


def _row_recipients(row: dict, addresses: list[str]) -> Iterator[str]:
    for email, active in (OWNER, WATCHER):
        if row.get(email) and row[active]:
            yield row[email]
    yield from addresses


def _addresses_where(**preference) -> set[str]:
    emails = ReminderPreference.objects.filter(**preference).values_list("user__email", flat=True)
    return {email.lower() for email in emails if email}


def reminders_due(*, today: date) -> list[DueReminder]:
    """Every reminder due today under the active rules, recorded or not; reads only.

    A user who switched reminders off gets none, whichever way they would be addressed.
    """
    opted_out = _addresses_where(reminders_enabled=False)
    rules = ReminderRule.objects.filter(active=True).prefetch_related("states", "themes")
    due: dict[tuple, DueReminder] = {}
    for rule in rules:
        targets = rule.scope(Target.objects.order_by())
        addresses = rule.addresses()
        rows = TRIGGERS[rule.trigger](targets, rule, today, _recipient_columns(rule))
        for row, occurrence, reason in rows:
            for recipient in _row_recipients(row, addresses):
                if recipient.lower() in opted_out:
                    continue
                reminder = DueReminder(rule, row["pk"], recipient, occurrence, reason)
                due.setdefault(reminder.key, reminder)
    return list(due.values())


def _not_recorded(due: list[DueReminder]) -> list[DueReminder]:
    """Those of `due` not recorded yet: one query, so a daily sweep over long-overdue targets
    inserts only the new occurrences instead of re-sending every row to the unique index."""
    if not due:
        return []
    recorded = set(
        Reminder.objects.filter(
            rule__in={reminder.rule.pk for reminder in due},
            occurrence__gte=min(reminder.occurrence for reminder in due),
        )
        .order_by()
        .values_list("rule_id", "target_id", "recipient", "occurrence")
    )
    return [reminder for reminder in due if reminder.key not in recorded]


def reminders_preview(*, today: date) -> list[DueReminder]:
    """The reminders a sweep today would record: due and not recorded yet. Writes nothing."""
    return _not_recorded(reminders_due(today=today))


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def _release_stale_claims(*, now: datetime) -> int:
    """Give back reminders claimed by a delivery that died (killed worker, lost task)."""
    return Reminder.objects.filter(
        status=ReminderStatus.SENDING, claimed_at__lt=_stale_before(now)
    ).update(status=ReminderStatus.PENDING, claimed_by="")


def _digest_is_due(*, weekly: bool, oldest: datetime, today: date) -> bool:
    """Daily: at every sweep. Weekly: on Mondays, or once a reminder has waited a week (a
    missed Monday delays nobody by two)."""
    if not weekly or today.weekday() == WEEKLY_DIGEST_DAY:
        return True
    return timezone.localdate(oldest) <= today - timedelta(days=7)


def digests_due(*, today: date) -> dict[str, list[int]]:
    """The pending reminders to deliver now, by recipient. A reminder whose delivery was
    already attempted (a retry, a released claim) goes at once, whatever the digest."""
    weekly = _addresses_where(digest=Digest.WEEKLY)
    pending: dict[str, list[tuple[int, datetime, datetime | None]]] = defaultdict(list)
    rows = (
        Reminder.objects.filter(status=ReminderStatus.PENDING)
        .order_by("recipient", "pk")
        .values_list("pk", "recipient", "created_at", "claimed_at")
    )
    for pk, recipient, created_at, claimed_at in rows.iterator(chunk_size=READ_CHUNK):
        pending[recipient].append((pk, created_at, claimed_at))
    digests = {}
    for recipient, reminders in pending.items():
        oldest = min(created_at for _, created_at, _ in reminders)
        if _digest_is_due(weekly=recipient.lower() in weekly, oldest=oldest, today=today):
            digests[recipient] = [pk for pk, _, _ in reminders]
        elif attempted := [pk for pk, _, claimed_at in reminders if claimed_at]:
            digests[recipient] = attempted
    return digests


def _enqueue_digests(digests: dict[str, list[int]]) -> None:
    # Imported here: tasks.py imports this module.
    from recommendations.tasks import deliver_digest as deliver_digest_task

    for recipient, reminder_ids in digests.items():
        transaction.on_commit(partial(deliver_digest_task.delay, recipient, reminder_ids))


def reminders_sweep(*, today: date | None = None, now: datetime | None = None) -> SweepReport:
    """Record every due reminder once, release dead claims, queue the digests that are due.

    The deliveries are queued when the transaction commits, so a worker never looks for
    rows it cannot see yet.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    due = reminders_due(today=today)
    new = _not_recorded(due)
    with transaction.atomic():
        # A sweep running at the same time may insert some of `new` first: the unique
        # constraint keeps one row, the other insert is ignored.
        Reminder.objects.bulk_create(
            [
                Reminder(
                    rule_id=reminder.rule.pk,
                    target_id=reminder.target_id,
                    recipient=reminder.recipient,
                    occurrence=reminder.occurrence,
                    reason=reminder.reason,
                    created_at=now,
                )
                for reminder in new
            ],
            ignore_conflicts=True,
            batch_size=INSERT_BATCH,
        )
        released = _release_stale_claims(now=now)
        digests = digests_due(today=today)
        _enqueue_digests(digests)
    return SweepReport(due=len(due), recorded=len(new), released=released, digests=digests)


def _claim(*, recipient: str, reminder_ids: list[int], claim: str, now: datetime) -> list[int]:
    """Take the reminders no other delivery holds; returns the ids this claim now owns.

    The UPDATE repeats the expected state in its WHERE, so of two deliveries racing for a
    row only one writes it; SKIP LOCKED (PostgreSQL; SQLite ignores it) spares the wait.
    """
    stale_before = _stale_before(now)
    with transaction.atomic():
        free = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(pk__in=reminder_ids, recipient=recipient)
            .claimable(claim=claim, stale_before=stale_before)
            .values_list("pk", flat=True)
        )
        Reminder.objects.filter(pk__in=free).claimable(
            claim=claim, stale_before=stale_before
        ).update(status=ReminderStatus.SENDING, claimed_at=now, claimed_by=claim)
    return list(
        Reminder.objects.filter(
            pk__in=free, status=ReminderStatus.SENDING, claimed_by=claim, claimed_at=now
        ).values_list("pk", flat=True)
    )


def target_label(target: Target) -> str:
    """'China — A/HRC/25/CRP.1 para 1221 (a)': who, and where the recommendation is written."""
    recommendation = target.recommendation
    document = recommendation.document
    where = (document.symbol or document.title) if document else ""
    if recommendation.paragraph:
        where = f"{where} para {recommendation.paragraph}".strip()
    return f"{target.addressee} — {where or recommendation.excerpt(60)}"


def _digest_item(reminder: Reminder) -> dict:
    target = reminder.target
    recommendation = target.recommendation
    admin_path = reverse("admin:recommendations_target_change", args=[target.pk])
    return {
        "label": target_label(target),
        "addressee": str(target.addressee),
        "symbol": recommendation.document.symbol if recommendation.document else "",
        "paragraph": recommendation.paragraph,
        "excerpt": recommendation.excerpt(EXCERPT_LENGTH),
        "rule": reminder.rule.name,
        "reason": reminder.reason,
        "admin_url": f"{settings.SITE_URL}{admin_path}",
        "status_url": f"{settings.SITE_URL}/api/recommendations/{recommendation.pk}/status/",
    }


def _digest_message(*, recipient: str, reminders: list[Reminder]) -> EmailMultiAlternatives:
    items = [_digest_item(reminder) for reminder in reminders]
    labels = [item["label"] for item in items]
    headline = ", ".join(labels[:SUBJECT_ITEMS])
    if len(labels) > SUBJECT_ITEMS:
        headline += f", and {len(labels) - SUBJECT_ITEMS} more"
    context = {"items": items, "count": len(items), "headline": headline}
    # One line, whatever the template's line breaks: a header cannot hold a newline.
    subject = " ".join(render_to_string("emails/reminder-digest-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject,
        render_to_string("emails/reminder-digest-body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [recipient],
    )
    message.attach_alternative(
        render_to_string("emails/reminder-digest-body.html", context), "text/html"
    )
    return message


def deliver_digest(
    *, recipient: str, reminder_ids: list[int], claim: str, final_attempt: bool
) -> int:
    """Send `recipient` one e-mail listing those of `reminder_ids` still waiting; returns how
    many it listed (0: another delivery has them, or they are sent).

    Claimed in one short transaction, sent outside it, then recorded. An SMTP error is
    recorded on the rows and raised for the task to retry; on the final attempt the rows
    are marked failed, for an editor to resend from the admin.
    """
    claimed = _claim(
        recipient=recipient, reminder_ids=reminder_ids, claim=claim, now=timezone.now()
    )
    if not claimed:
        return 0
    reminders = list(
        Reminder.objects.filter(pk__in=claimed)
        .select_related("rule", "target__state", "target__body", "target__recommendation__document")
        .order_by("occurrence", "pk")
    )
    if not reminders:  # their targets were deleted since the claim
        return 0
    ours = Reminder.objects.filter(pk__in=claimed, status=ReminderStatus.SENDING, claimed_by=claim)
    try:
        _digest_message(recipient=recipient, reminders=reminders).send()
    except (SMTPException, OSError) as error:
        # Still ours until the retry: the claim restarts now, so no sweep takes it meanwhile.
        ours.update(
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}",
            claimed_at=timezone.now(),
            status=ReminderStatus.FAILED if final_attempt else ReminderStatus.SENDING,
        )
        raise
    ours.update(
        status=ReminderStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
    )
    return len(reminders)


@transaction.atomic
def reminders_resend(*, reminder_ids: list[int]) -> int:
    """Queue failed reminders again, one digest per recipient; others are left alone."""
    failed = list(
        Reminder.objects.select_for_update()
        .filter(pk__in=reminder_ids, status=ReminderStatus.FAILED)
        .values_list("pk", "recipient")
    )
    Reminder.objects.filter(pk__in=[pk for pk, _ in failed], status=ReminderStatus.FAILED).update(
        status=ReminderStatus.PENDING, claimed_by=""
    )
    digests: dict[str, list[int]] = defaultdict(list)
    for pk, recipient in failed:
        digests[recipient].append(pk)
    _enqueue_digests(digests)
    return len(failed)
