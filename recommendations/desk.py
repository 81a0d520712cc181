"""The editors' desk: what the admin index shows an editor before the list of models.

Overdue answers, this month's deadlines, what changed lately, what failed (reminders,
imports) and how many targets have each status. Each list is short and comes with its total
and a link to the changelist filtered to all of it; the links use the changelists' own
filters, so the total and the changelist agree. Reads only: the rules are the status rule's
(`status.py`), `Target.days_overdue()` and the selectors'.

A fixed number of queries, whatever the number of rows: one per list, one per total, one per
history table and one per model named in the recent changes; the counts by status are
cached under the data version.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from recommendations.choices import ImportJobStatus, ReminderStatus, TargetStatus
from recommendations.data_version import cached_read
from recommendations.models import (
    Assessment,
    Event,
    ImportJob,
    Recommendation,
    Reminder,
    Response,
    Target,
)
from recommendations.selectors import overdue_targets, status_counts

# How many rows each list of the desk shows; its link opens all of them.
DESK_ROWS = 10

# The records whose history the desk reads, with what their label needs loaded.
HISTORY_LABELS: dict[type[models.Model], tuple[str, ...]] = {
    Recommendation: ("document",),
    Target: ("state", "body", "recommendation__document"),
    Response: ("target__state", "target__body", "target__recommendation__document"),
    Assessment: ("target__state", "target__body", "target__recommendation__document"),
}

HISTORY_TYPES = {
    "+": gettext_lazy("Added"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


@dataclass(frozen=True)
class DeskList:
    """Up to DESK_ROWS rows, how many there are in all, and the changelist of all of them."""

    rows: list
    total: int
    url: str


@dataclass(frozen=True)
class Deadline:
    day: date
    what: str
    label: str
    url: str


@dataclass(frozen=True)
class Change:
    when: datetime
    who: AbstractBaseUser | None
    what: str
    how: str
    label: str
    url: str | None


@dataclass(frozen=True)
class StatusCount:
    status: TargetStatus
    count: int
    url: str


@dataclass
class Desk:
    """The sections an editor may see; a section they may not see is None."""

    today: date
    overdue: DeskList | None = None
    deadlines: list[Deadline] | None = None
    deadline_totals: list[tuple[str, DeskList]] = field(default_factory=list)
    changes: list[Change] | None = None
    failed_reminders: DeskList | None = None
    failed_imports: DeskList | None = None
    statuses: list[StatusCount] | None = None


def changelist_url(model: type[models.Model], **filters) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def change_url(model: type[models.Model], pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def _listed(rows: models.QuerySet, url: str) -> DeskList:
    return DeskList(rows=list(rows[:DESK_ROWS]), total=rows.count(), url=url)


def month_bounds(today: date) -> tuple[date, date]:
    """The first day of `today`'s month and of the next."""
    first = today.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following


def target_status_counts(today: date) -> dict[TargetStatus, int]:
    """How many targets have each status today: a count over the whole table, cached until
    the next write (or tomorrow, when due dates pass)."""
    return cached_read(
        "desk-status-counts",
        QueryDict(),
        lambda: status_counts(Target.objects.all(), today=today),
    )


def statuses(today: date) -> list[StatusCount]:
    """Each status with its count and the target changelist filtered to it (by the same
    status rule: TargetStatusFilter)."""
    return [
        StatusCount(status, count, changelist_url(Target, status=status.value))
        for status, count in target_status_counts(today).items()
    ]


def overdue(today: date) -> DeskList:
    """The longest overdue answers first; the total is the status count's."""
    return DeskList(
        rows=overdue_targets(DESK_ROWS),
        total=target_status_counts(today).get(TargetStatus.RESPONSE_OVERDUE, 0),
        url=changelist_url(Target, status=TargetStatus.RESPONSE_OVERDUE.value),
    )


@dataclass(frozen=True)
class DeadlineKind:
    """One kind of deadline this month: its DESK_ROWS earliest, as rows, and all of them."""

    what: str
    listed: DeskList
    rows: list[Deadline]


def target_deadlines(date_field: str, what: str, today: date) -> DeadlineKind:
    """The targets whose `date_field` falls in this month, by the changelist's date filter."""
    first, following = month_bounds(today)
    bounds = {f"{date_field}__gte": first.isoformat(), f"{date_field}__lt": following.isoformat()}
    targets = (
        Target.objects.filter(**bounds)
        .select_related("state", "body", "recommendation__document")
        .order_by(date_field, "pk")
    )
    listed = _listed(targets, changelist_url(Target, **bounds))
    rows = [
        Deadline(getattr(target, date_field), what, str(target), change_url(Target, target.pk))
        for target in listed.rows
    ]
    return DeadlineKind(what, listed, rows)


def event_deadlines(today: date) -> DeadlineKind:
    """The UN calendar's events of this month."""
    first, following = month_bounds(today)
    bounds = {"date__gte": first.isoformat(), "date__lt": following.isoformat()}
    listed = _listed(
        Event.objects.filter(**bounds).order_by("date", "name"), changelist_url(Event, **bounds)
    )
    rows = [
        Deadline(event.date, event.get_kind_display(), event.name, change_url(Event, event.pk))
        for event in listed.rows
    ]
    return DeadlineKind(gettext("UN calendar events"), listed, rows)


def recent_changes(models_shown: list[type[models.Model]]) -> list[Change]:
    """The latest DESK_ROWS changes to the records, from their history (every write path
    records one: admin, API, imports). Each record is named as its own pages name it; a
    deleted one by its kind and id, without a link."""
    records = []
    for model in models_shown:
        records += model.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[:DESK_ROWS]
    records = sorted(records, key=lambda record: record.history_date, reverse=True)[:DESK_ROWS]
    live = {
        model: model.objects.select_related(*HISTORY_LABELS[model]).in_bulk(
            {record.id for record in records if record.instance_type is model}
        )
        for model in models_shown
        if any(record.instance_type is model for record in records)
    }
    changes = []
    for record in records:
        model = record.instance_type
        row = live[model].get(record.id)
        changes.append(
            Change(
                when=record.history_date,
                who=record.history_user,
                what=model._meta.verbose_name,
                how=HISTORY_TYPES.get(record.history_type, record.history_type),
                label=record_label(row) if row else f"{model._meta.verbose_name} #{record.id}",
                url=change_url(model, record.id) if row else None,
            )
        )
    return changes


def record_label(row: models.Model) -> str:
    """A response or an assessment is named with its target: its own name is a date."""
    if isinstance(row, Response | Assessment):
        return gettext("%(target)s: %(record)s") % {"target": row.target, "record": row}
    return str(row)


def failed_reminders() -> DeskList:
    rows = Reminder.objects.filter(status=ReminderStatus.FAILED).select_related(
        "rule", "target__state", "target__body", "target__recommendation__document"
    )
    return _listed(
        rows.order_by("-created_at", "pk"),
        changelist_url(Reminder, status__exact=ReminderStatus.FAILED.value),
    )


def failed_imports() -> DeskList:
    # The uploaded file stays in the database; the desk never reads it.
    rows = ImportJob.objects.filter(status=ImportJobStatus.FAILED).defer("content")
    return _listed(
        rows.order_by("-created_at", "-pk"),
        changelist_url(ImportJob, status__exact=ImportJobStatus.FAILED.value),
    )


def editors_desk(*, viewable: set[type[models.Model]], today: date | None = None) -> Desk:
    """The desk of somebody who may view the models in `viewable`: a section reads only
    models they may view."""
    today = today or timezone.localdate()
    desk = Desk(today=today)
    kinds = []
    if Target in viewable:
        desk.statuses = statuses(today)
        desk.overdue = overdue(today)
        kinds += [
            target_deadlines("response_due", gettext("Response due"), today),
            target_deadlines("follow_up_due", gettext("Follow-up due"), today),
        ]
    if Event in viewable:
        kinds.append(event_deadlines(today))
    if kinds:
        rows = sorted((row for kind in kinds for row in kind.rows), key=lambda row: row.day)
        desk.deadlines = rows[:DESK_ROWS]
        desk.deadline_totals = [(kind.what, kind.listed) for kind in kinds]
    histories = [model for model in HISTORY_LABELS if model in viewable]
    if histories:
        desk.changes = recent_changes(histories)
    if Reminder in viewable:
        desk.failed_reminders = failed_reminders()
    if ImportJob in viewable:
        desk.failed_imports = failed_imports()
    return desk
