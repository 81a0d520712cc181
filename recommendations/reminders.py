"""Follow-up reminders, after healthchecks' `sendalerts`: the database is the queue.

`reminders_sweep()` finds every due reminder, in one query over every active rule joined
with the recipients, and records the new ones with one `INSERT … SELECT … ON CONFLICT DO NOTHING`
under the unique key (rule, target, recipient, occurrence), so a sweep run twice, or two at
once, records nothing twice. Each reminder stores the facts of why it is due (the trigger,
the due date, the event); the sentence is written from them when the digest is, in the
recipient's language. The sweep takes back the claims of deliveries that died and queues
one digest per recipient whose digest is due. `deliver_digest()` claims a recipient's
reminders with a guarded UPDATE, sends one e-mail outside the transaction and records the
outcome. `reminders_resend()` puts failed reminders back in the queue.

Whether a response is due soon or overdue is the status rule's to say (`status.status_in()`,
over the stored `Target.status` every write keeps current); the other triggers read the
latest response and assessment themselves.
"""

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import (
    CharField,
    DateField,
    Exists,
    Expression,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Greatest
from django.db.models.lookups import Exact
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext

from recommendations.choices import (
    Digest,
    EventKind,
    Implementation,
    Position,
    ReminderStatus,
    ReminderTrigger,
    TargetStatus,
)
from recommendations.expressions import DaysBefore, DaysBetween
from recommendations.languages import recipient_language
from recommendations.models import (
    Assessment,
    Reminder,
    ReminderChange,
    ReminderPreference,
    ReminderRule,
    ReminderSweep,
    Response,
    Target,
)
from recommendations.status import overdue, status_in

WEEKLY_DIGEST_DAY = calendar.MONDAY
SUBJECT_ITEMS = 3
EXCERPT_LENGTH = 200
SUPPORTING_POSITIONS = [Position.SUPPORTED, Position.PARTIALLY_SUPPORTED]
# A sweep the day after the last one, or again the same day, reads only what changed and
# what crossed a threshold since; after a missed day it reads every target.
INCREMENTAL_GAP_DAYS = 1


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
    # Due among the targets read: every target on a full sweep, else those written or whose
    # dates crossed a threshold since the last sweep.
    due: int = 0
    recorded: int = 0
    released: int = 0
    digests: dict[str, list[int]] = field(default_factory=dict)
    full: bool = True


def _is_latest(relation: str, date_field: str) -> Q:
    """The `relation` row joined to a target is its latest, as `latest_value()` orders them
    (by date, then the later-created). Joining the latest row instead of reading it through
    one subquery per value lets the facts and the occurrence read it as plain columns.

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


def _no_date() -> Cast:
    return Cast(Value(None), DateField())


# The facts a reminder records, by the Reminder field they go to; a trigger sets those its
# sentence names, the others stay empty.
FACTS: dict[str, Callable[[], Expression]] = {
    "due_on": _no_date,
    "position": lambda: Value("", output_field=CharField()),
    "last_assessed_on": _no_date,
    "event_name": lambda: Value("", output_field=CharField()),
    "event_kind": lambda: Value("", output_field=CharField()),
}


def _due(targets: QuerySet[Target], *, occurrence: Expression, **facts) -> QuerySet[Target]:
    """`targets` with the occurrence each is due for and every fact, named as FACTS."""
    return targets.annotate(
        occurrence=occurrence, **{name: facts.get(name) or empty() for name, empty in FACTS.items()}
    )


# A trigger returns the targets a rule finds due, as one query (or one per kind of
# addressee), each row annotated by _due(): the sweep joins them to the recipients.
DueTargets = list[QuerySet[Target]]


def response_due_soon(targets, rule: ReminderRule, today: date) -> DueTargets:
    """From N days before the response is due until that day, while nobody has answered."""
    due = targets.filter(
        status_in([TargetStatus.AWAITING_RESPONSE], today=today),
        response_due__gte=today,
        response_due__lte=today + timedelta(days=rule.days),
    )
    return [_due(due, occurrence=F("response_due"), due_on=F("response_due"))]


def response_overdue(targets, rule: ReminderRule, today: date) -> DueTargets:
    """N days after the due date (1: the day after), then every M days, while the status
    rule says the response is overdue.

    The occurrence is the latest repeat day reached, so a sweep after days of downtime
    records one reminder, not one per missed repeat.
    """
    # The first reminder of a response due on this day is due today.
    first_today = today - timedelta(days=rule.days)
    due = targets.filter(overdue(today=today), response_due__lte=first_today)
    occurrence = _latest_repeat(
        days_since_start=DaysBetween(Value(first_today), F("response_due")),
        period=rule.repeat_days,
        today=today,
    )
    return [_due(due, occurrence=occurrence, due_on=F("response_due"))]


def no_assessment(targets, rule: ReminderRule, today: date) -> DueTargets:
    """A target whose latest response supports it (fully or partly) and which has had no
    assessment for N days since that response or the latest assessment; again every N days
    while nothing new is assessed. Implemented targets need no more follow-up."""
    cutoff = today - timedelta(days=rule.days)
    responded, assessed = F("responses__date"), F("assessments__assessed_on")
    due = targets.filter(
        _is_latest("responses", "date"),
        responses__position__in=SUPPORTING_POSITIONS,
        responses__date__lte=cutoff,
    ).filter(_not_implemented(assessed_on__lte=cutoff))
    occurrence = _latest_repeat(
        days_since_start=DaysBetween(
            Value(today), Greatest(responded, Coalesce(assessed, responded))
        ),
        period=rule.days,
        today=today,
    )
    return [
        _due(
            due,
            occurrence=occurrence,
            due_on=responded,
            position=F("responses__position"),
            last_assessed_on=assessed,
        )
    ]


def follow_up_due(targets, rule: ReminderRule, today: date) -> DueTargets:
    """From N days before the follow-up date until that day."""
    due = targets.filter(
        follow_up_due__gte=today, follow_up_due__lte=today + timedelta(days=rule.days)
    )
    return [_due(due, occurrence=F("follow_up_due"), due_on=F("follow_up_due"))]


def event_soon(targets, rule: ReminderRule, today: date) -> DueTargets:
    """From N days before an event concerning the target's state or body until that day;
    one reminder per event date. Implemented targets are not raised again.

    One query for the targets addressed to a state, one for those addressed to a body: a
    target is addressed to one or the other, so the two never overlap."""
    window = (today, today + timedelta(days=rule.days))
    open_targets = targets.filter(_not_implemented())
    return [
        _due(
            open_targets.filter(**{f"{event}__date__range": window}),
            occurrence=F(f"{event}__date"),
            due_on=F(f"{event}__date"),
            event_name=F(f"{event}__name"),
            event_kind=F(f"{event}__kind"),
        )
        for event in ("state__events", "body__events")
    ]


TRIGGERS: dict[str, Callable[..., DueTargets]] = {
    ReminderTrigger.RESPONSE_DUE_SOON: response_due_soon,
    ReminderTrigger.RESPONSE_OVERDUE: response_overdue,
    ReminderTrigger.NO_ASSESSMENT: no_assessment,
    ReminderTrigger.FOLLOW_UP_DUE: follow_up_due,
    ReminderTrigger.EVENT_SOON: event_soon,
}


# The targets whose dates crossed one of a rule's thresholds on a day after `since` up to
# `today`: the reminders a sweep finds due without anybody having written anything. A
# crossing returns queries of target ids, or None when every target may have crossed (a
# repeat shorter than the days since the last sweep). Each is exact or wider than its
# trigger: the sweep runs the trigger's own query over the targets they name.
Crossed = list[QuerySet] | None


def _entered_window(due_date: str, rule: ReminderRule, since: date, today: date) -> list[QuerySet]:
    """The `due_date`s that came within the rule's N days: after since + N, up to today + N."""
    entered = (since + timedelta(days=rule.days + 1), today + timedelta(days=rule.days))
    return [Target.objects.filter(**{f"{due_date}__range": entered}).values("pk")]


def _repeat_reached(
    rows: QuerySet, start: str, *, first_after: int, period: int, since: date, today: date
) -> QuerySet:
    """The `rows` for which a day after `since`, up to `today`, is `first_after` days after
    `start`, or a whole number of `period`s after that: a repeat reached since."""
    days = DaysBetween(Value(today - timedelta(days=first_after)), F(start))
    return rows.annotate(days_into_repeat=days % period).filter(
        **{f"{start}__lte": today - timedelta(days=first_after)},
        days_into_repeat__lt=(today - since).days,
    )


def response_due_soon_crossed(rule: ReminderRule, since: date, today: date) -> Crossed:
    return _entered_window("response_due", rule, since, today)


def follow_up_due_crossed(rule: ReminderRule, since: date, today: date) -> Crossed:
    return _entered_window("follow_up_due", rule, since, today)


def response_overdue_crossed(rule: ReminderRule, since: date, today: date) -> Crossed:
    if (today - since).days >= rule.repeat_days:
        return None
    reached = partial(_repeat_reached, period=rule.repeat_days, since=since, today=today)
    return [reached(Target.objects.all(), "response_due", first_after=rule.days).values("pk")]


def no_assessment_crossed(rule: ReminderRule, since: date, today: date) -> Crossed:
    """The repeats count from the latest response or the latest assessment: the targets with
    any response or assessment dated a whole number of N days before a day since."""
    if (today - since).days >= rule.days:
        return None
    reached = partial(
        _repeat_reached, first_after=rule.days, period=rule.days, since=since, today=today
    )
    return [
        reached(Response.objects.all(), "date").values("target_id"),
        reached(Assessment.objects.all(), "assessed_on").values("target_id"),
    ]


def event_soon_crossed(rule: ReminderRule, since: date, today: date) -> Crossed:
    """The targets of an event whose date came within the rule's N days."""
    entered = (since + timedelta(days=rule.days + 1), today + timedelta(days=rule.days))
    return [
        Target.objects.filter(**{f"{event}__date__range": entered}).values("pk")
        for event in ("state__events", "body__events")
    ]


CROSSINGS: dict[str, Callable[[ReminderRule, date, date], Crossed]] = {
    ReminderTrigger.RESPONSE_DUE_SOON: response_due_soon_crossed,
    ReminderTrigger.RESPONSE_OVERDUE: response_overdue_crossed,
    ReminderTrigger.NO_ASSESSMENT: no_assessment_crossed,
    ReminderTrigger.FOLLOW_UP_DUE: follow_up_due_crossed,
    ReminderTrigger.EVENT_SOON: event_soon_crossed,
}


@dataclass(frozen=True)
class SweepScope:
    """What an incremental sweep reads: the targets written since the last sweep (its
    `ReminderChange` rows) and those whose dates crossed a threshold on a day after `since`."""

    since: date
    sweep: ReminderSweep

    def changed(self) -> list[QuerySet]:
        changes = ReminderChange.objects.filter(sweep=self.sweep)
        recommendations = changes.filter(recommendation_id__isnull=False)
        return [
            changes.filter(target_id__isnull=False).values("target_id"),
            Target.objects.filter(
                recommendation_id__in=recommendations.values("recommendation_id")
            ).values("pk"),
        ]

    def conditions(self, rules: list[ReminderRule], today: date) -> dict[int, Q | None]:
        """Each rule's condition on its targets that keeps this scope's: an empty Q when every
        target may be due, None when none is.

        The scope's ids are written to a temporary table and analysed before the rules'
        queries read them: four queries, whatever the number of rules. Given as a subquery,
        PostgreSQL could not tell how many ids it held and hashed the whole of the targets
        and reminders even for none; given as an array, it took thousands for a few and
        probed the reminders once per target."""
        conditions: dict[int, Q | None] = {}
        selects, params = [], []
        for rule in rules:
            crossed = CROSSINGS[rule.trigger](rule, self.since, today)
            if crossed is None:
                conditions[rule.pk] = Q()
                continue
            first, *rest = [*self.changed(), *crossed]
            ids, ids_params = first.union(*rest).query.sql_with_params()
            selects.append(f"SELECT %s, ids.* FROM ({ids}) ids")  # noqa: S608
            params += [rule.pk, *ids_params]
        if not selects:
            return conditions
        with connection.cursor() as cursor:
            # Dropped first: a sweep inside an outer transaction (a test's) finds the last
            # one's, which only the outer commit drops.
            cursor.execute(
                f"DROP TABLE IF EXISTS {SCOPE_TABLE}; CREATE TEMPORARY TABLE {SCOPE_TABLE}"
                " (rule_id bigint NOT NULL, target_id bigint NOT NULL) ON COMMIT DROP"
            )
            cursor.execute(
                f"INSERT INTO {SCOPE_TABLE} (rule_id, target_id) "  # noqa: S608
                + " UNION ALL ".join(selects),
                params,
            )
            cursor.execute(f"ANALYZE {SCOPE_TABLE}")
            cursor.execute(f"SELECT DISTINCT rule_id FROM {SCOPE_TABLE}")  # noqa: S608
            found = {rule_id for (rule_id,) in cursor.fetchall()}
        for rule in rules:
            if rule.pk not in conditions:
                conditions[rule.pk] = Q(pk__in=_scope_ids(rule)) if rule.pk in found else None
        return conditions


def _scope_ids(rule: ReminderRule) -> RawSQL:
    ids = f"SELECT target_id FROM {SCOPE_TABLE} WHERE rule_id = %s"  # noqa: S608
    return RawSQL(ids, [rule.pk])  # noqa: S611


# Written by `SweepScope.conditions`, dropped when the sweep's transaction ends.
SCOPE_TABLE = "reminder_sweep_scope"


def _day(day: date) -> str:
    # The active language's date format: "7 December 2026", "2026년 12월 7일", "2026年12月7日".
    return formats.date_format(day)


def reminder_reason(reminder: Reminder) -> str:
    """Why the reminder is due, as the e-mail says it, written from the facts it recorded."""
    trigger = reminder.trigger
    if not trigger:  # recorded before the facts were
        return reminder.reason
    if trigger == ReminderTrigger.RESPONSE_DUE_SOON:
        return gettext("Response due on %(day)s") % {"day": _day(reminder.due_on)}
    if trigger == ReminderTrigger.RESPONSE_OVERDUE:
        return gettext("Response overdue: it was due on %(day)s") % {"day": _day(reminder.due_on)}
    if trigger == ReminderTrigger.FOLLOW_UP_DUE:
        return gettext("Follow-up due on %(day)s") % {"day": _day(reminder.due_on)}
    if trigger == ReminderTrigger.EVENT_SOON:
        return gettext("%(event)s (%(kind)s) on %(day)s") % {
            "event": reminder.event_name,
            "kind": EventKind(reminder.event_kind).label.lower(),
            "day": _day(reminder.due_on),
        }
    facts = {"position": Position(reminder.position).label, "day": _day(reminder.due_on)}
    if reminder.last_assessed_on is None:
        return gettext("%(position)s on %(day)s; never assessed") % facts
    return gettext("%(position)s on %(day)s; last assessed on %(assessed)s") % {
        **facts,
        "assessed": _day(reminder.last_assessed_on),
    }


def _recipients(due: QuerySet[Target], rule: ReminderRule) -> list[QuerySet[Target]]:
    """`due` once per way `rule` names recipients, each row annotated with its `recipient`:
    the owner and each watcher who is active and has an address, and each listed address.
    An address that opted out of reminders is left out, however it is addressed."""
    named = []
    if rule.send_to_owner:
        named.append(
            due.filter(
                recommendation__owner__is_active=True, recommendation__owner__email__gt=""
            ).annotate(recipient=F("recommendation__owner__email"))
        )
    if rule.send_to_watchers:
        # One filter() call: one join, so the same watcher is active and has the address.
        named.append(
            due.filter(
                recommendation__watchers__is_active=True, recommendation__watchers__email__gt=""
            ).annotate(recipient=F("recommendation__watchers__email"))
        )
    named += [
        due.annotate(recipient=Value(address, output_field=CharField()))
        for address in rule.addresses()
    ]
    opted_out = ReminderPreference.objects.filter(
        reminders_enabled=False, user__email__iexact=OuterRef("recipient")
    )
    return [rows.filter(~Exists(opted_out)) for rows in named]


KEY = ("rule_id", "target_id", "recipient", "occurrence")


def _due_rows(
    rules: list[ReminderRule], *, today: date, scope: SweepScope | None = None
) -> list[QuerySet[Target]]:
    """One query per rule, trigger query and way of naming recipients: every reminder due
    today (of the targets `scope` names, if given), annotated with its KEY and FACTS."""
    conditions = scope.conditions(rules, today) if scope else {}
    rows = []
    for rule in rules:
        scoped = rule.scope(Target.objects.order_by())
        if scope:
            if conditions[rule.pk] is None:
                continue
            scoped = scoped.filter(conditions[rule.pk])
        for due in TRIGGERS[rule.trigger](scoped, rule, today):
            keyed = due.annotate(
                rule_id=Value(rule.pk), target_id=F("pk"), trigger=Value(rule.trigger)
            )
            rows += _recipients(keyed, rule)
    return rows


def _due_count(rows: list[QuerySet[Target]]) -> int:
    """How many reminders are due, recorded or not: distinct keys (an owner who also
    watches, two events on one day, come once)."""
    first, *rest = [part.values(*KEY) for part in rows]
    return first.union(*rest).count() if rest else first.distinct().count()


def _not_recorded(rows: list[QuerySet[Target]]) -> QuerySet:
    """The reminders of `rows` not recorded yet, in one query of their KEY, trigger and FACTS
    (a key may come more than once: an owner who also watches, two events on one day)."""
    recorded = Reminder.objects.filter(
        rule_id=OuterRef("rule_id"),
        target_id=OuterRef("target_id"),
        recipient=OuterRef("recipient"),
        occurrence=OuterRef("occurrence"),
    )
    first, *rest = [part.filter(~Exists(recorded)).values(*COLUMNS) for part in rows]
    return first.union(*rest, all=True) if rest else first


COLUMNS = (*KEY, "trigger", *FACTS)


def _new_reminders(rules: list[ReminderRule], *, today: date) -> tuple[int, list[Reminder]]:
    """How many reminders are due today under `rules` (at least one), and those not recorded
    yet, unsaved, once per key: two queries, whatever the number of rows."""
    rows = _due_rows(rules, today=today)
    reminders: dict[tuple, Reminder] = {}
    for row in _not_recorded(rows):
        reminders.setdefault(tuple(row[name] for name in KEY), Reminder(**row))
    return _due_count(rows), list(reminders.values())


def due_reminders_insert(
    rules: list[ReminderRule], *, today: date, scope: SweepScope | None, now: datetime
) -> tuple[str, list] | None:
    """The statement that records the reminders due today under `rules` among the targets
    `scope` names (all without it) that are not recorded yet, once per key, and returns how
    many are due and how many it recorded; None when no rule has anything to read.

    One statement: the due rows are found once, counted, and inserted, those recorded
    already skipped by the unique key's index (ON CONFLICT). The first sweep of a large
    installation records a million: as model instances they were built in Python and sent
    back one by one, and counting the due ones apart found them all a second time. A
    `NOT EXISTS` on the reminders in the same statement was planned, with their statistics
    of an empty table, as a scan of the table per row, a table this statement was filling."""
    rows = _due_rows(rules, today=today, scope=scope)
    if not rows:
        return None
    first, *rest = [part.values(*COLUMNS) for part in rows]
    due, params = (first.union(*rest, all=True) if rest else first).query.sql_with_params()
    quoted = connection.ops.quote_name
    constant = {
        "status": ReminderStatus.PENDING,
        "attempts": 0,
        "last_error": "",
        "reason": "",
        "claimed_by": "",
        "created_at": now,
    }
    columns = ", ".join(map(quoted, COLUMNS))
    key = ", ".join(map(quoted, KEY))
    table = quoted(Reminder._meta.db_table)
    return (
        f"WITH due AS MATERIALIZED (SELECT DISTINCT ON ({key}) {columns}"  # noqa: S608
        f" FROM ({due}) due_rows),"
        f" new AS (INSERT INTO {table} ({columns}, {', '.join(map(quoted, constant))})"
        f" SELECT {columns}, {', '.join(['%s'] * len(constant))} FROM due"
        " ON CONFLICT DO NOTHING RETURNING 1)"
        " SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM new)",
        [*params, *constant.values()],
    )


def _reminders_insert(
    rules: list[ReminderRule], *, today: date, scope: SweepScope | None, now: datetime
) -> tuple[int, int]:
    """Record what due_reminders_insert() says; returns how many are due and how many it
    recorded."""
    statement = due_reminders_insert(rules, today=today, scope=scope, now=now)
    if statement is None:
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchone()


def rules_to_sweep(rules: QuerySet[ReminderRule]) -> list[ReminderRule]:
    """The active rules that name somebody to remind: the others find nothing to record."""
    rules = rules.filter(active=True).prefetch_related("states", "themes")
    return [
        rule for rule in rules if rule.send_to_owner or rule.send_to_watchers or rule.addresses()
    ]


def reminders_preview(*, today: date) -> list[DueReminder]:
    """The reminders a sweep today would record: due and not recorded yet. Writes nothing."""
    rules = {rule.pk: rule for rule in rules_to_sweep(ReminderRule.objects.all())}
    if not rules:
        return []
    _, new = _new_reminders(list(rules.values()), today=today)
    return [
        DueReminder(
            rules[reminder.rule_id],
            reminder.target_id,
            reminder.recipient,
            reminder.occurrence,
            reminder_reason(reminder),
        )
        for reminder in new
    ]


def _sweep_scope(
    *, today: date, now: datetime, full: bool
) -> tuple[ReminderSweep, SweepScope | None]:
    """This sweep's row, with the writes since the last sweep marked as its own, and what it
    must read: None for every target.

    Every target when asked (`full`), when no sweep has committed (the first run), when
    the last was for a day other than yesterday or today (a missed day, or a clock set
    back), or when a write reached every target (a rule, an event, a user's address or
    opt-out, a body's kind: the triggers log them as full sweeps). A write committed after
    the marking is the next sweep's: it is read again then, which records nothing twice."""
    last = ReminderSweep.objects.order_by("-pk").first()
    sweep = ReminderSweep.objects.create(swept_for=today, started_at=now)
    if full or last is None or not 0 <= (today - last.swept_for).days <= INCREMENTAL_GAP_DAYS:
        # Before the targets are read: what this deletes, they show.
        ReminderChange.objects.filter(sweep__isnull=True).delete()
        return sweep, None
    ReminderChange.objects.filter(sweep__isnull=True).update(sweep=sweep)
    if ReminderChange.objects.filter(sweep=sweep, full_sweep=True).exists():
        return sweep, None
    return sweep, SweepScope(since=last.swept_for, sweep=sweep)


def _reminders_record(*, today: date, now: datetime, full: bool) -> tuple[int, int, bool]:
    """Record every reminder due today that is not recorded yet. Returns how many are due
    among the targets read, how many were recorded, and whether every target was read."""
    # Locked, so that a sweep running at the same time waits for this one, then finds it all
    # recorded: the count of new reminders is exact, and two INSERTs of the same keys in
    # different orders cannot deadlock on the unique index. ON CONFLICT DO NOTHING stays
    # the guarantee that nothing is recorded twice.
    rules = rules_to_sweep(ReminderRule.objects.select_for_update(no_key=True).order_by("pk"))
    sweep, scope = _sweep_scope(today=today, now=now, full=full)
    due, recorded = _reminders_insert(rules, today=today, scope=scope, now=now) if rules else (0, 0)
    ReminderChange.objects.filter(sweep=sweep).delete()
    ReminderSweep.objects.filter(pk=sweep.pk).update(full=scope is None, due=due, recorded=recorded)
    return due, recorded, scope is None


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def _release_stale_claims(*, now: datetime) -> int:
    """Give back reminders claimed by a delivery that died (killed worker, lost task)."""
    return Reminder.objects.filter(
        status=ReminderStatus.SENDING, claimed_at__lt=_stale_before(now)
    ).update(status=ReminderStatus.PENDING, claimed_by="")


def digest_is_due(*, weekly: bool, oldest: datetime, today: date) -> bool:
    """Daily: at every sweep. Weekly: on Mondays, or once a reminder has waited a week (a
    missed Monday delays nobody by two). The watchlists' digests follow the same rule."""
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
    # Grouped by recipient in SQL, each one's ids as one array: a backlog of a million pending
    # reminders was a million rows, each with two timestamps, made into Python objects.
    pending = (
        Reminder.objects.filter(status=ReminderStatus.PENDING)
        .values("recipient")
        .annotate(
            oldest=Min("created_at"),
            ids=ArrayAgg("pk", order_by="pk"),
            attempted=ArrayAgg("pk", filter=Q(claimed_at__isnull=False), order_by="pk"),
        )
        .order_by("recipient")
    )
    digests = {}
    for row in pending:
        recipient = row["recipient"]
        if digest_is_due(weekly=recipient.lower() in weekly, oldest=row["oldest"], today=today):
            digests[recipient] = row["ids"]
        elif row["attempted"]:
            digests[recipient] = row["attempted"]
    return digests


def _enqueue_digests(digests: dict[str, list[int]]) -> None:
    # Imported here: tasks.py imports this module.
    from recommendations.tasks import deliver_digest as deliver_digest_task

    for recipient, reminder_ids in digests.items():
        transaction.on_commit(partial(deliver_digest_task.delay, recipient, reminder_ids))


def reminders_sweep(
    *, today: date | None = None, now: datetime | None = None, full: bool = False
) -> SweepReport:
    """Record every due reminder once, release dead claims, queue the digests that are due.

    Reads what changed since the last sweep, or every target when `full` or when it must
    (`_sweep_scope()`): both record the same reminders.

    The deliveries are queued when the transaction commits, so a worker never looks for
    rows it cannot see yet.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    with transaction.atomic():
        due, recorded, full = _reminders_record(today=today, now=now, full=full)
        released = _release_stale_claims(now=now)
        digests = digests_due(today=today)
        _enqueue_digests(digests)
    return SweepReport(due=due, recorded=recorded, released=released, digests=digests, full=full)


def _claim(*, recipient: str, reminder_ids: list[int], claim: str, now: datetime) -> list[int]:
    """Take the reminders no other delivery holds; returns the ids this claim now owns.

    The UPDATE repeats the expected state in its WHERE, so of two deliveries racing for a
    row only one writes it; SKIP LOCKED spares the wait.
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


def addressee_name(target: Target) -> str:
    """The state in the active language (pycountry's names), or the body's acronym."""
    return target.state.localized_name() if target.state else str(target.body)


def target_label(target: Target) -> str:
    """'China — A/HRC/25/CRP.1 para 1221 (a)': who, and where the recommendation is written."""
    recommendation = target.recommendation
    document = recommendation.document
    where = (document.symbol or document.title) if document else ""
    if recommendation.paragraph:
        where = gettext("%(document)s para %(paragraph)s") % {
            "document": where,
            "paragraph": recommendation.paragraph,
        }
    return f"{addressee_name(target)} — {where.strip() or recommendation.excerpt(60)}"


def _digest_item(reminder: Reminder) -> dict:
    target = reminder.target
    recommendation = target.recommendation
    admin_path = reverse("admin:recommendations_target_change", args=[target.pk])
    return {
        "label": target_label(target),
        "addressee": addressee_name(target),
        "symbol": recommendation.document.symbol if recommendation.document else "",
        "paragraph": recommendation.paragraph,
        "excerpt": recommendation.excerpt(EXCERPT_LENGTH),
        "rule": reminder.rule.name,
        "reason": reminder_reason(reminder),
        "admin_url": f"{settings.SITE_URL}{admin_path}",
        "status_url": f"{settings.SITE_URL}/api/recommendations/{recommendation.pk}/status/",
    }


def _digest_message(*, recipient: str, reminders: list[Reminder]) -> EmailMultiAlternatives:
    """The digest, written in the recipient's language: their preference, else English."""
    with translation.override(recipient_language(recipient)):
        return _digest_message_in_active_language(recipient=recipient, reminders=reminders)


def _digest_message_in_active_language(
    *, recipient: str, reminders: list[Reminder]
) -> EmailMultiAlternatives:
    items = [_digest_item(reminder) for reminder in reminders]
    labels = [item["label"] for item in items]
    headline = ", ".join(labels[:SUBJECT_ITEMS])
    more = len(labels) - SUBJECT_ITEMS
    if more > 0:
        headline = ngettext(
            "%(first)s, and %(count)d more", "%(first)s, and %(count)d more", more
        ) % {"first": headline, "count": more}
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
