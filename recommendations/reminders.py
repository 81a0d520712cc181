"""Follow-up reminders, after healthchecks' `sendalerts`: the database is the queue.

`reminders_sweep()` finds every due reminder, one query per active rule joined with the
recipients, and records it under the unique key (rule, target, recipient, occurrence), so a
sweep run twice, or two at once, records nothing twice. The occurrence and the reason are
computed in SQL and the rows written with INSERT ... SELECT: no due row passes through
Python, on PostgreSQL as on SQLite. It takes back the claims of deliveries that died and
queues one digest per recipient whose digest is due. `deliver_digest()` claims a recipient's
reminders with a guarded UPDATE, sends one e-mail outside the transaction and records the
outcome. `reminders_resend()` puts failed reminders back in the queue.

Triggers read due dates, responses and assessments themselves, never the stored
`Target.status`, so a stale status hides no reminder.
"""

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Lower
from django.db.models.lookups import Exact, IsNull
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from recommendations.choices import (
    Digest,
    EventKind,
    Implementation,
    Position,
    ReminderStatus,
    ReminderTrigger,
)
from recommendations.expressions import DaysBefore, DaysBetween, JoinedText, day_text
from recommendations.models import (
    Assessment,
    Recommendation,
    Reminder,
    ReminderPreference,
    ReminderRule,
    Response,
    Target,
)

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


def _is_latest(relation: str, date_field: str) -> Q:
    """The `relation` row joined to a target is its latest, as `latest_value()` orders them
    (by date, then the later-created). Joining the latest row instead of reading it through
    one subquery per value lets the reason and the occurrence read it as plain columns.

    Must sit in the same `filter()` as the other conditions on `relation`: Django joins a
    multi-valued relation once per `filter()` call."""
    model = Target._meta.get_field(relation).related_model
    joined_date, joined_pk = OuterRef(f"{relation}__{date_field}"), OuterRef(f"{relation}__pk")
    later = model.objects.filter(target=OuterRef("pk")).filter(
        Q(**{f"{date_field}__gt": joined_date})
        | Q(**{date_field: joined_date, "pk__gt": joined_pk})
    )
    return ~Q(Exists(later))


def _not_implemented(**latest_assessment) -> Q:
    """The target's latest assessment, if it has one, does not say implemented (and matches
    the lookups `latest_assessment` on it): the target is still worth raising."""
    return Q(assessments__isnull=True) | (
        _is_latest("assessments", "assessed_on")
        & ~Q(Exact(F("assessments__implementation"), Implementation.IMPLEMENTED))
        & Q(**{f"assessments__{lookup}": value for lookup, value in latest_assessment.items()})
    )


def _latest_repeat(*, days_since_start: Expression, period: int, today: date) -> DaysBefore:
    """The latest day of start, start + `period` days, start + 2 `period`... reached by
    `today`, start being `days_since_start` days before it: the occurrence a sweep after
    days of downtime records once, not once per missed repeat."""
    return DaysBefore(Value(today), days_since_start % period)


# A trigger returns the targets a rule finds due, as one query (or one per kind of
# addressee), each row annotated with the occurrence it is due for and why: both computed
# in SQL, so that the sweep records them without a row passing through Python.
DueTargets = list[QuerySet[Target]]


def response_due_soon(targets, rule: ReminderRule, today: date) -> DueTargets:
    """From N days before the response is due until that day, while nobody has answered."""
    due = _unanswered(targets).filter(
        response_due__gte=today, response_due__lte=today + timedelta(days=rule.days)
    )
    return [
        due.annotate(
            occurrence=F("response_due"),
            reason=JoinedText(Value("Response due on "), day_text("response_due")),
        )
    ]


def response_overdue(targets, rule: ReminderRule, today: date) -> DueTargets:
    """N days after the due date (1: the day after), then every M days, until an answer.

    The occurrence is the latest repeat day reached, so a sweep after days of downtime
    records one reminder, not one per missed repeat.
    """
    # The first reminder of a response due on this day is due today.
    first_today = today - timedelta(days=rule.days)
    due = _unanswered(targets).filter(response_due__lte=first_today)
    return [
        due.annotate(
            occurrence=_latest_repeat(
                days_since_start=DaysBetween(Value(first_today), F("response_due")),
                period=rule.repeat_days,
                today=today,
            ),
            reason=JoinedText(Value("Response overdue: it was due on "), day_text("response_due")),
        )
    ]


def no_assessment(targets, rule: ReminderRule, today: date) -> DueTargets:
    """A target whose latest response supports it (fully or partly) and which has had no
    assessment for N days since that response or the latest assessment; again every N days
    while nothing new is assessed. Implemented targets need no more follow-up."""
    cutoff = today - timedelta(days=rule.days)
    position, responded = F("responses__position"), F("responses__date")
    assessed = F("assessments__assessed_on")
    due = targets.filter(
        _is_latest("responses", "date"),
        responses__position__in=SUPPORTING_POSITIONS,
        responses__date__lte=cutoff,
    ).filter(_not_implemented(assessed_on__lte=cutoff))
    position_label = Case(
        *(
            When(Exact(position, value), then=Value(str(label)))
            for value, label in Position.choices
        ),
        output_field=CharField(),
    )
    last = Case(
        When(IsNull(assessed, True), then=Value("never assessed")),
        default=JoinedText(Value("last assessed on "), day_text(assessed)),
        output_field=CharField(),
    )
    return [
        due.annotate(
            occurrence=_latest_repeat(
                days_since_start=DaysBetween(
                    Value(today), Greatest(responded, Coalesce(assessed, responded))
                ),
                period=rule.days,
                today=today,
            ),
            reason=JoinedText(
                position_label, Value(" on "), day_text(responded), Value("; "), last
            ),
        )
    ]


def follow_up_due(targets, rule: ReminderRule, today: date) -> DueTargets:
    """From N days before the follow-up date until that day."""
    due = targets.filter(
        follow_up_due__gte=today, follow_up_due__lte=today + timedelta(days=rule.days)
    )
    return [
        due.annotate(
            occurrence=F("follow_up_due"),
            reason=JoinedText(Value("Follow-up due on "), day_text("follow_up_due")),
        )
    ]


def event_soon(targets, rule: ReminderRule, today: date) -> DueTargets:
    """From N days before an event concerning the target's state or body until that day;
    one reminder per event date. Implemented targets are not raised again.

    One query for the targets addressed to a state, one for those addressed to a body: a
    target is addressed to one or the other, so the two never overlap."""
    window = (today, today + timedelta(days=rule.days))
    open_targets = targets.filter(_not_implemented())
    due = []
    for addressee in ("state", "body"):
        event = f"{addressee}__events"
        kind_label = Case(
            *(
                When(Exact(F(f"{event}__kind"), value), then=Value(str(label).lower()))
                for value, label in EventKind.choices
            ),
            output_field=CharField(),
        )
        due.append(
            open_targets.filter(**{f"{event}__date__range": window}).annotate(
                occurrence=F(f"{event}__date"),
                reason=JoinedText(
                    F(f"{event}__name"),
                    Value(" ("),
                    kind_label,
                    Value(") on "),
                    day_text(f"{event}__date"),
                ),
            )
        )
    return due


TRIGGERS: dict[str, Callable[..., DueTargets]] = {
    ReminderTrigger.RESPONSE_DUE_SOON: response_due_soon,
    ReminderTrigger.RESPONSE_OVERDUE: response_overdue,
    ReminderTrigger.NO_ASSESSMENT: no_assessment,
    ReminderTrigger.FOLLOW_UP_DUE: follow_up_due,
    ReminderTrigger.EVENT_SOON: event_soon,
}


def _owners() -> QuerySet:
    """(recommendation id, e-mail) of each recommendation's owner, if active with an address."""
    owners = Recommendation.objects.order_by().filter(owner__is_active=True)
    return owners.exclude(owner__email="").values("pk", "owner__email")


def _watchers() -> QuerySet:
    """(recommendation id, e-mail) of each watcher of a recommendation, if active with an
    address."""
    watchers = Recommendation.watchers.through.objects.order_by().filter(user__is_active=True)
    return watchers.exclude(user__email="").values("recommendation_id", "user__email")


def _opted_out() -> QuerySet:
    """The addresses of users who switched reminders off, in lower case."""
    return ReminderPreference.objects.filter(reminders_enabled=False).values(
        address=Lower("user__email")
    )


def _sql(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _due_targets_sql(
    rules: list[ReminderRule], *, today: date, columns: tuple[str, ...], among: str = ""
) -> tuple[str, list]:
    """One SELECT of rule_id and `columns` over the targets each rule finds due today; only
    those listed for the rule in the table `among`, of (rule_id, target_id), if given."""
    selects, params = [], []
    for rule in rules:
        for due in TRIGGERS[rule.trigger](rule.scope(Target.objects.order_by()), rule, today):
            if among:
                listed = RawSQL(f"SELECT target_id FROM {among} WHERE rule_id = %s", [rule.pk])
                due = due.filter(pk__in=listed)
            due_sql, due_params = _sql(due.values(*columns))
            # Django 5.2 selects the columns of values() in the order given.
            selects.append(f"SELECT %s AS rule_id, rule_due.* FROM ({due_sql}) AS rule_due")
            params += [rule.pk, *due_params]
    return " UNION ALL ".join(selects), params


def _due_keys_sql(rules: list[ReminderRule], *, today: date) -> tuple[str, list]:
    """One SELECT of (rule_id, target_id, recipient, occurrence): the key of every reminder
    due today under `rules`, recorded or not.

    The owners and the watchers are joined once for all the rules that name them. A key
    may come twice (an owner who also watches, two events on one day); never an address
    that opted out, however it is addressed.
    """
    due_sql, params = _due_targets_sql(
        rules, today=today, columns=("pk", "recommendation_id", "occurrence")
    )
    ctes = [f"due (rule_id, target_id, recommendation_id, occurrence) AS ({due_sql})"]
    selects, select_params = [], []
    for name, people, rule_ids in (
        ("owner", _owners(), [rule.pk for rule in rules if rule.send_to_owner]),
        ("watcher", _watchers(), [rule.pk for rule in rules if rule.send_to_watchers]),
    ):
        if not rule_ids:
            continue
        people_sql, people_params = _sql(people)
        ctes.append(f"{name} (recommendation_id, email) AS ({people_sql})")
        params += people_params
        selects.append(
            f"SELECT due.rule_id, due.target_id, {name}.email AS recipient, due.occurrence "
            f"FROM due JOIN {name} ON {name}.recommendation_id = due.recommendation_id "
            f"WHERE due.rule_id IN ({', '.join(['%s'] * len(rule_ids))})"
        )
        select_params += rule_ids
    addresses = [(rule.pk, address) for rule in rules for address in rule.addresses()]
    if addresses:
        rows = ", ".join(["(%s, %s)"] * len(addresses))
        ctes.append(f"address (rule_id, email) AS (VALUES {rows})")
        params += [value for row in addresses for value in row]
        selects.append(
            "SELECT due.rule_id, due.target_id, address.email AS recipient, due.occurrence "
            "FROM due JOIN address ON address.rule_id = due.rule_id"
        )
    opted_out_sql, opted_out_params = _sql(_opted_out())
    return (
        f"WITH {', '.join(ctes)} SELECT rule_id, target_id, recipient, occurrence "
        f"FROM ({' UNION ALL '.join(selects)}) AS due_key "
        f"WHERE LOWER(recipient) NOT IN ({opted_out_sql})",
        [*params, *select_params, *opted_out_params],
    )


def _rules_to_sweep(rules: QuerySet[ReminderRule]) -> list[ReminderRule]:
    """The active rules that name somebody to remind: the others find nothing to record."""
    rules = rules.filter(active=True).prefetch_related("states", "themes")
    return [
        rule for rule in rules if rule.send_to_owner or rule.send_to_watchers or rule.addresses()
    ]


# The sweep's scratch tables, private to its connection and dropped before it commits.
DUE_KEYS = "reminder_sweep_due"
NEW_KEYS = "reminder_sweep_new"


@contextmanager
def _new_reminders(rules: list[ReminderRule], *, today: date) -> Iterator[tuple[int, str, list]]:
    """Find the reminders due today under `rules` (at least one) that are not recorded yet.
    Yields how many are due, recorded or not, and a SELECT of (rule_id, target_id,
    recipient, occurrence, reason) over the new ones, with its parameters.

    The keys of the due reminders are found first and kept in a temporary table, to be
    counted and compared with those recorded; the reasons are then written for the new
    ones only, on most days a few of many.
    """
    due_keys_sql, params = _due_keys_sql(rules, today=today)
    reminders_table = connection.ops.quote_name(Reminder._meta.db_table)
    # In a transaction of their own, so that an error drops the tables with everything else.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {DUE_KEYS} AS {due_keys_sql}", params)
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT rule_id, target_id, recipient, occurrence "
            f"FROM {DUE_KEYS}) AS due_key"
        )
        (due,) = cursor.fetchone()
        cursor.execute(
            f"CREATE TEMPORARY TABLE {NEW_KEYS} AS SELECT * FROM {DUE_KEYS} AS due "
            f"WHERE NOT EXISTS (SELECT 1 FROM {reminders_table} AS recorded "
            "WHERE recorded.rule_id = due.rule_id AND recorded.target_id = due.target_id "
            "AND recorded.recipient = due.recipient AND recorded.occurrence = due.occurrence)"
        )
        reasons_sql, params = _due_targets_sql(
            rules, today=today, columns=("pk", "occurrence", "reason"), among=NEW_KEYS
        )
        yield (
            due,
            "SELECT new.rule_id, new.target_id, new.recipient, new.occurrence, reason.reason "
            f"FROM {NEW_KEYS} AS new JOIN ({reasons_sql}) AS reason "
            "ON reason.rule_id = new.rule_id AND reason.pk = new.target_id "
            "AND reason.occurrence = new.occurrence",
            params,
        )
        cursor.execute(f"DROP TABLE {NEW_KEYS}")
        cursor.execute(f"DROP TABLE {DUE_KEYS}")


def reminders_preview(*, today: date) -> list[DueReminder]:
    """The reminders a sweep today would record: due and not recorded yet. Writes nothing."""
    rules = {rule.pk: rule for rule in _rules_to_sweep(ReminderRule.objects.all())}
    if not rules:
        return []
    occurrence = Reminder._meta.get_field("occurrence")
    preview: dict[tuple, DueReminder] = {}
    with (
        _new_reminders(list(rules.values()), today=today) as (_, new_sql, params),
        connection.cursor() as cursor,
    ):
        cursor.execute(new_sql, params)
        for rule_id, target_id, recipient, day, reason in cursor.fetchall():
            reminder = DueReminder(
                rules[rule_id], target_id, recipient, occurrence.to_python(day), reason
            )
            preview.setdefault(reminder.key, reminder)
    return list(preview.values())


def _new_reminder_values(*, now: datetime) -> tuple[list[str], list[str], list]:
    """The columns of a new Reminder, the SQL of their values in a SELECT from the new
    reminders (aliased `new`), and those values' parameters: the columns the sweep
    computes, and every other as a new Reminder has it."""
    pending = Reminder(created_at=now)
    computed = ("rule_id", "target_id", "recipient", "occurrence", "reason")
    columns, values, params = [], [], []
    for model_field in Reminder._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(connection.ops.quote_name(model_field.column))
        if model_field.attname in computed:
            values.append(f"new.{model_field.attname}")
        else:
            values.append("%s")
            params.append(
                model_field.get_db_prep_save(getattr(pending, model_field.attname), connection)
            )
    return columns, values, params


def _reminders_record(*, today: date, now: datetime) -> tuple[int, int]:
    """Record every reminder due today that is not recorded yet, with one INSERT ... SELECT
    ... ON CONFLICT DO NOTHING. Returns how many are due and how many were recorded."""
    # Locked, so that a sweep running at the same time waits for this one, then finds it all
    # recorded: two INSERTs of the same keys in different orders can deadlock on the unique
    # index. SQLite ignores the lock; it has one writer at a time anyway.
    rules = _rules_to_sweep(ReminderRule.objects.select_for_update(no_key=True).order_by("pk"))
    if not rules:
        return 0, 0
    columns, values, value_params = _new_reminder_values(now=now)
    with (
        _new_reminders(rules, today=today) as (due, new_sql, params),
        connection.cursor() as cursor,
    ):
        # ON CONFLICT: a key found twice (an owner who also watches). WHERE true: SQLite reads
        # an ON after a bare SELECT's FROM as a join's.
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Reminder._meta.db_table)} "
            f"({', '.join(columns)}) SELECT {', '.join(values)} FROM ({new_sql}) AS new "
            "WHERE true ON CONFLICT DO NOTHING",
            [*value_params, *params],
        )
        return due, cursor.rowcount


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


def _addresses_where(**preference) -> set[str]:
    emails = ReminderPreference.objects.filter(**preference).values_list("user__email", flat=True)
    return {email.lower() for email in emails if email}


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
    with transaction.atomic():
        due, recorded = _reminders_record(today=today, now=now)
        released = _release_stale_claims(now=now)
        digests = digests_due(today=today)
        _enqueue_digests(digests)
    return SweepReport(due=due, recorded=recorded, released=released, digests=digests)


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
