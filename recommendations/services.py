"""Writes. Every write of a recommendation, a target, a response or an assessment comes through
here, from the API, the admin, the importers, the demo loader and the commands alike.

Single writes take validated values as keyword arguments, run `full_clean()`, and keep their
history through simple_history (the user and change reason given, or the request's user).
Writers of what a status derives from lock the target row first and derive its status after,
from a fresh read, in the same transaction: concurrent writers of one target take turns, and
the last to commit stores the status of everything committed. The importers' bulk writes are
set-based services here too, with the same locks and the same history conventions."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from recommendations import data_version, selectors
from recommendations.models import (
    Assessment,
    Recommendation,
    ReminderPreference,
    Response,
    Target,
)
from recommendations.selectors import latest_value
from recommendations.status import derive_status

ModelT = TypeVar("ModelT", bound=models.Model)

RECOMPUTE_BATCH = 5000
BULK_BATCH = 2000


def target_derive_status(*, target: Target, today: date) -> str:
    latest_assessment = target.latest_assessment()
    latest_response = target.latest_response()
    return derive_status(
        implementation=latest_assessment.implementation if latest_assessment else None,
        position=latest_response.position if latest_response else None,
        response_due=target.response_due,
        today=today,
    )


def _history_as(row: models.Model, *, user, change_reason: str | None) -> None:
    """Who made the change and why, for the history record the next save writes. Without a
    user, simple_history's middleware names the request's user (the admin's, the API's)."""
    if user is not None:
        row._history_user = user
    if change_reason:
        row._change_reason = change_reason


def targets_lock(*, ids: Iterable[int]) -> dict[int, Target]:
    """Lock targets (in id order, so two writers of several never deadlock) and read them.

    Every writer of something a status derives from locks the target first and derives after,
    inside its transaction: concurrent writers of one target take turns, and each one's reads
    see what the others committed. FOR NO KEY UPDATE serialises them as FOR UPDATE would but,
    unlike it, does not block inserting rows that merely point at the target (a reminder).
    """
    locked = Target.objects.select_for_update(no_key=True).filter(pk__in=set(ids)).order_by("pk")
    return {target.pk: target for target in locked}


def _target_lock(pk: int) -> Target:
    return Target.objects.select_for_update(no_key=True).get(pk=pk)


def _target_status_store(
    *, target: Target, today: date | None, user=None, change_reason: str | None = None
) -> bool:
    """Store a locked target's status as the rule derives it from a fresh read; True when it
    changed. The change has its history record, like any other."""
    status = target_derive_status(target=target, today=today or timezone.localdate())
    if status == target.status:
        return False
    target.status = status
    _history_as(target, user=user, change_reason=change_reason)
    target.save(update_fields=["status"])
    return True


@transaction.atomic
def target_refresh_status(
    *, target: Target, today: date | None = None, user=None, change_reason: str | None = None
) -> bool:
    """Store the target's status as the rule derives it now; True when it changed."""
    locked = _target_lock(target.pk)
    changed = _target_status_store(
        target=locked, today=today, user=user, change_reason=change_reason
    )
    target.status = locked.status
    return changed


def _split_relations(model: type[models.Model], fields: dict) -> tuple[dict, dict]:
    """Plain fields and many-to-many relations, which are set once the row has its id."""
    many_to_many = {field.name for field in model._meta.many_to_many}
    relations = {name: fields.pop(name) for name in list(fields) if name in many_to_many}
    return fields, relations


def _row_write(
    row: ModelT, *, fields: dict, relations: dict, user, change_reason: str | None
) -> ModelT:
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    _history_as(row, user=user, change_reason=change_reason)
    row.save()
    for name, objects in relations.items():
        getattr(row, name).set(objects)
    return row


@transaction.atomic
def row_create(
    *, model: type[ModelT], user=None, change_reason: str | None = None, **fields
) -> ModelT:
    """Validate and create a row of reference data (a body, a document, ...) with its
    many-to-many relations."""
    fields, relations = _split_relations(model, fields)
    return _row_write(
        model(), fields=fields, relations=relations, user=user, change_reason=change_reason
    )


@transaction.atomic
def row_update(*, row: ModelT, user=None, change_reason: str | None = None, **fields) -> ModelT:
    """Validate and save the fields given of a row of reference data; relations given are set,
    others stay."""
    fields, relations = _split_relations(type(row), fields)
    return _row_write(
        row, fields=fields, relations=relations, user=user, change_reason=change_reason
    )


def _recommendation_issuers_check(recommendation: Recommendation, relations: dict) -> None:
    """A recommendation must keep an issuer, whichever of its issuers the write changes."""

    def issuers(name: str) -> list:
        if name in relations:
            return list(relations[name])
        return list(getattr(recommendation, name).all()) if recommendation.pk else []

    Recommendation.validate_issuers(
        issued_by=recommendation.issued_by,
        recommending_states=issuers("recommending_states"),
        organizations=issuers("organizations"),
    )


@transaction.atomic
def recommendation_create(
    *, user=None, change_reason: str | None = None, **fields
) -> Recommendation:
    """Create a recommendation with its relations (recommending states, themes, ...)."""
    fields, relations = _split_relations(Recommendation, fields)
    recommendation = Recommendation(**fields)
    _recommendation_issuers_check(recommendation, relations)
    return _row_write(
        recommendation, fields={}, relations=relations, user=user, change_reason=change_reason
    )


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, user=None, change_reason: str | None = None, **fields
) -> Recommendation:
    """Change the fields given; relations given are set, others stay."""
    fields, relations = _split_relations(Recommendation, fields)
    for name, value in fields.items():
        setattr(recommendation, name, value)
    _recommendation_issuers_check(recommendation, relations)
    return _row_write(
        recommendation, fields={}, relations=relations, user=user, change_reason=change_reason
    )


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation, user=None) -> None:
    """Delete a recommendation with its targets and what they answered."""
    _history_as(recommendation, user=user, change_reason=None)
    recommendation.delete()


@transaction.atomic
def target_create(
    *,
    recommendation: Recommendation,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
    **fields,
) -> Target:
    """A new addressee: nothing answered yet, so its status comes from its due date alone."""
    target = Target(recommendation=recommendation, **fields)
    target.status = derive_status(
        implementation=None,
        position=None,
        response_due=target.response_due,
        today=today or timezone.localdate(),
    )
    return _row_write(target, fields={}, relations={}, user=user, change_reason=change_reason)


@transaction.atomic
def target_update(
    *,
    target: Target,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
    **fields,
) -> Target:
    """Change a target's addressee or due dates; its status is derived again in the same save."""
    locked = _target_lock(target.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status = target_derive_status(target=locked, today=today or timezone.localdate())
    return _row_write(locked, fields={}, relations={}, user=user, change_reason=change_reason)


@transaction.atomic
def target_delete(*, target: Target, user=None) -> None:
    _history_as(target, user=user, change_reason=None)
    target.delete()


AnswerT = TypeVar("AnswerT", Response, Assessment)


def _answer_create(
    model: type[AnswerT], *, target: Target, today, user, change_reason, fields: dict
) -> AnswerT:
    locked = _target_lock(target.pk)
    answer = _row_write(
        model(target=locked),
        fields=fields,
        relations={},
        user=user,
        change_reason=change_reason,
    )
    _target_status_store(target=locked, today=today, user=user, change_reason=change_reason)
    return answer


def _answer_update(answer: AnswerT, *, today, user, change_reason, fields: dict) -> AnswerT:
    # Moved to another target (the admin allows it), both targets' statuses change.
    targets = {answer.target_id, getattr(fields.get("target"), "pk", answer.target_id)}
    locked = targets_lock(ids=targets)
    _row_write(answer, fields=fields, relations={}, user=user, change_reason=change_reason)
    for target in locked.values():
        _target_status_store(target=target, today=today, user=user, change_reason=change_reason)
    return answer


def _answer_delete(answer: Response | Assessment, *, today, user, change_reason) -> None:
    locked = _target_lock(answer.target_id)
    _history_as(answer, user=user, change_reason=change_reason)
    answer.delete()
    _target_status_store(target=locked, today=today, user=user, change_reason=change_reason)


@transaction.atomic
def response_create(
    *,
    target: Target,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
    **fields,
) -> Response:
    """Record what an addressee said; the target's status is derived again under its lock."""
    return _answer_create(
        Response, target=target, today=today, user=user, change_reason=change_reason, fields=fields
    )


@transaction.atomic
def response_update(
    *,
    response: Response,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
    **fields,
) -> Response:
    return _answer_update(
        response, today=today, user=user, change_reason=change_reason, fields=fields
    )


@transaction.atomic
def response_delete(
    *, response: Response, today: date | None = None, user=None, change_reason: str | None = None
) -> None:
    _answer_delete(response, today=today, user=user, change_reason=change_reason)


@transaction.atomic
def assessment_create(
    *,
    target: Target,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
    **fields,
) -> Assessment:
    """Record how far a target is implemented; its status is derived again under its lock."""
    return _answer_create(
        Assessment,
        target=target,
        today=today,
        user=user,
        change_reason=change_reason,
        fields=fields,
    )


@transaction.atomic
def assessment_update(
    *,
    assessment: Assessment,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
    **fields,
) -> Assessment:
    return _answer_update(
        assessment, today=today, user=user, change_reason=change_reason, fields=fields
    )


@transaction.atomic
def assessment_delete(
    *,
    assessment: Assessment,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
) -> None:
    _answer_delete(assessment, today=today, user=user, change_reason=change_reason)


def target_status_drift(
    *, today: date, targets: QuerySet[Target] | None = None
) -> dict[str, list[int]]:
    """Targets whose stored status differs from the rule's, as {new status: [target ids]}.

    One query streams every target (or those of `targets`) with its latest response and
    assessment; the rule runs in Python so that it stays the one function in status.py.
    """
    targets = Target.objects.all() if targets is None else targets
    rows = (
        targets.annotate(
            latest_position=latest_value(Response, "position"),
            latest_implementation=latest_value(Assessment, "implementation"),
        )
        .order_by()
        .values_list("pk", "status", "response_due", "latest_position", "latest_implementation")
    )
    drift: dict[str, list[int]] = defaultdict(list)
    for pk, stored, response_due, position, implementation in rows.iterator(
        chunk_size=RECOMPUTE_BATCH
    ):
        status = derive_status(
            implementation=implementation,
            position=position,
            response_due=response_due,
            today=today,
        )
        if status != stored:
            drift[status].append(pk)
    return drift


def target_statuses_recompute(
    *,
    today: date | None = None,
    dry_run: bool = False,
    targets: QuerySet[Target] | None = None,
    change_reason: str = "Status recomputed",
    user=None,
) -> int:
    """Recompute stored statuses set-based: every target's, or those of `targets` (an import's).

    Returns how many differ (fixed unless dry_run). Changed rows are written in batches with
    their history, so a status that changes because a date passed shows in the target's
    history like any other change. Each batch is locked and derived again before it is
    written, as every other writer of a status does.
    """
    today = today or timezone.localdate()
    drift = target_status_drift(today=today, targets=targets)
    ids = sorted(pk for pks in drift.values() for pk in pks)
    if dry_run or not ids:
        return len(ids)
    changed = 0
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        with transaction.atomic():
            # Locked, then derived again: a writer may have committed since the first read.
            locked = targets_lock(ids=ids[start : start + RECOMPUTE_BATCH])
            fresh = target_status_drift(today=today, targets=Target.objects.filter(pk__in=locked))
            batch = []
            for status, pks in fresh.items():
                for pk in pks:
                    locked[pk].status = status
                    batch.append(locked[pk])
            bulk_update_with_history(
                batch,
                Target,
                ["status"],
                default_change_reason=change_reason,
                default_user=user,
            )
            changed += len(batch)
            data_version.data_changed()
    return changed


def target_statuses_initialize(*, targets: QuerySet[Target], today: date | None = None) -> None:
    """Derive the status of targets created in the running transaction, set-based.

    For bulk creation (imports): the targets and their responses and assessments are written
    first, then one UPDATE per status sets the targets and their creation history records, so
    a new target's history starts with its derived status rather than "awaiting response"
    followed by a change nobody made.
    """
    drift = target_status_drift(today=today or timezone.localdate(), targets=targets)
    history = Target.history.model
    for status, ids in drift.items():
        for start in range(0, len(ids), RECOMPUTE_BATCH):
            batch = ids[start : start + RECOMPUTE_BATCH]
            Target.objects.filter(pk__in=batch).update(status=status)
            history.objects.filter(id__in=batch, history_type="+").update(status=status)


@dataclass(frozen=True)
class BulkHistory:
    """Who wrote a bulk write, why and when: every history record it adds says so, as
    `_history_as` says it for single writes."""

    user: object = None
    change_reason: str | None = None
    date: datetime | None = None

    def options(self) -> dict:
        return {
            "batch_size": BULK_BATCH,
            "default_user": self.user,
            "default_change_reason": self.change_reason,
            "default_date": self.date,
        }


def rows_bulk_create(
    model: type[ModelT], *, rows: list[dict], history: BulkHistory
) -> list[ModelT]:
    """Create rows from field values (validated by the importer's parsers), in batches, each
    with its creation history record; returns them in order, with their ids.

    Set-based: no full_clean() per row, whose foreign-key checks would cost a query each.
    """
    created = [model(**values) for values in rows]
    bulk_create_with_history(created, model, **history.options())
    return created


def rows_bulk_update(
    model: type[ModelT], *, rows: list[ModelT], fields: list[str], history: BulkHistory
) -> None:
    """Write `fields` of rows read and changed by an import, in batches, with their history."""
    bulk_update_with_history(rows, model, fields, **history.options())


def recommendation_relations_bulk_add(*, name: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Add (recommendation id, related id) rows to a many-to-many relation of recommendations
    (recommending states, themes, ...), in batches; what is there stays."""
    field = Recommendation._meta.get_field(name)
    through = field.remote_field.through
    column = f"{field.m2m_reverse_field_name()}_id"
    through.objects.bulk_create(
        [through(**{"recommendation_id": pk, column: other}) for pk, other in sorted(pairs)],
        batch_size=BULK_BATCH,
    )


def targets_lock_for_bulk_write(*, recommendation_ids: Iterable[int]) -> list[Target]:
    """The targets of these recommendations, locked (in id order) for a bulk write of their
    due dates, responses and assessments; their statuses are derived after, by
    `target_statuses_after_bulk_write`, in the same transaction."""
    return list(
        Target.objects.select_for_update(no_key=True)
        .filter(recommendation_id__in=recommendation_ids)
        .order_by("pk")
    )


def target_statuses_after_bulk_write(
    *, created: Iterable[int], touched: Iterable[int], history: BulkHistory
) -> None:
    """Derive the statuses of the targets a bulk write created, and of the existing ones it
    touched (locked by `targets_lock_for_bulk_write`), from a fresh read."""
    created, touched = list(created), list(touched)
    if created:
        target_statuses_initialize(targets=Target.objects.filter(pk__in=created))
    if touched:
        target_statuses_recompute(
            targets=Target.objects.filter(pk__in=touched),
            change_reason=history.change_reason,
            user=history.user,
        )


def row_upsert(model: type[ModelT], *, lookup: dict, values: dict) -> tuple[ModelT, str]:
    """Create or update one row by its natural key; saves only when a value differs.

    Returns the row and what happened: "created", "updated" or "unchanged", so loading the
    same data twice writes nothing and adds no history.
    """
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        row.full_clean()
        row.save()
        return row, "created"
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if not changed:
        return row, "unchanged"
    for field in changed:
        setattr(row, field, values[field])
    row.full_clean()
    row.save()
    return row, "updated"


def m2m_set(manager, objects: Iterable[models.Model]) -> bool:
    """Set a many-to-many relation; True when it changed."""
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(wanted)
    return True


# The name the dashboard's counts are cached under, by the API's view and by the warm task.
DASHBOARD_STATS = "stats"


def preference_language_set(*, user, language: str) -> ReminderPreference:
    """Store `user`'s preferred language (a code of settings.LANGUAGES, or "" for none)."""
    preference = ReminderPreference.objects.filter(user=user).first() or ReminderPreference(
        user=user
    )
    preference.language = language
    preference.full_clean()
    preference.save()
    return preference


def dashboard_stats_warm() -> None:
    """Compute the unfiltered dashboard counts if the last write made them stale, so the
    next visitor does not wait for eleven aggregates over every row."""
    data_version.cached_read(
        DASHBOARD_STATS,
        QueryDict(),
        lambda: selectors.recommendation_stats(
            recommendations=Recommendation.objects.all(), targets=Target.objects.all()
        ),
    )
