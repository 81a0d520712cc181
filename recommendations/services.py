"""Writes. Every write of a recommendation, a target, a response or an assessment comes through
here, from the API, the admin, the importers, the demo loader and the commands alike.

Single writes take validated values as keyword arguments, run `full_clean()`, and keep their
history through simple_history (the user and change reason given, or the request's user).
Writers of what a status derives from lock the target row first and derive its status after,
from a fresh read, in the same transaction: concurrent writers of one target take turns, and
the last to commit stores the status of everything committed. The importers' bulk writes are
set-based services here too, with the same locks and the same history conventions."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from psycopg import sql as psycopg_sql

from recommendations import calendar, data_version, selectors
from recommendations.choices import DeadlineRule, EventKind
from recommendations.models import (
    AffectedGroup,
    Assessment,
    Body,
    Document,
    Event,
    GradeMapping,
    Organization,
    Recommendation,
    ReminderPreference,
    Response,
    State,
    Target,
    Theme,
    UprReview,
    UprSession,
)
from recommendations.search.metadata import search_metadata_write
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
    _row_write(row, fields=fields, relations=relations, user=user, change_reason=change_reason)
    search_names_refresh(row=row)
    return row


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
    _row_write(
        recommendation, fields={}, relations=relations, user=user, change_reason=change_reason
    )
    recommendation_search_refresh(ids=[recommendation.pk])
    return recommendation


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, user=None, change_reason: str | None = None, **fields
) -> Recommendation:
    """Change the fields given; relations given are set, others stay."""
    fields, relations = _split_relations(Recommendation, fields)
    for name, value in fields.items():
        setattr(recommendation, name, value)
    _recommendation_issuers_check(recommendation, relations)
    _row_write(
        recommendation, fields={}, relations=relations, user=user, change_reason=change_reason
    )
    recommendation_search_refresh(ids=[recommendation.pk])
    return recommendation


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
    """A new addressee: nothing answered yet, so its status comes from its due date alone.

    A due date given is the editor's and overrides the UN calendar's rule; a date not given
    is computed by the rule (calendar.py), in the same transaction."""
    given = _due_dates_given_by_editor(fields)
    target = Target(recommendation=recommendation, **fields)
    target.status = derive_status(
        implementation=None,
        position=None,
        response_due=target.response_due,
        today=today or timezone.localdate(),
    )
    _row_write(target, fields={}, relations={}, user=user, change_reason=change_reason)
    recommendation_search_refresh(ids=[target.recommendation_id])
    if len(given) < len(DEADLINES):
        targets_initialize(targets=Target.objects.filter(pk=target.pk), today=today)
        target.refresh_from_db()
    return target


@transaction.atomic
def target_update(
    *,
    target: Target,
    today: date | None = None,
    user=None,
    change_reason: str | None = None,
    **fields,
) -> Target:
    """Change a target's addressee or due dates; its status is derived again in the same save.

    A due date changed here is the editor's: it overrides the rule, and recomputing keeps it.
    `<date>_overridden=False` with the date unchanged hands the date back to the rule."""
    locked = _target_lock(target.pk)
    released = _due_dates_released(locked, fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status = target_derive_status(target=locked, today=today or timezone.localdate())
    _row_write(locked, fields={}, relations={}, user=user, change_reason=change_reason)
    recommendation_search_refresh(ids=[locked.recommendation_id])
    if released:
        target_deadlines_recompute(
            targets=Target.objects.filter(pk=locked.pk),
            today=today,
            user=user,
            change_reason=change_reason or "Due date handed back to the rule",
        )
        locked.refresh_from_db()
    return locked


@transaction.atomic
def target_delete(*, target: Target, user=None) -> None:
    _history_as(target, user=user, change_reason=None)
    target.delete()
    recommendation_search_refresh(ids=[target.recommendation_id])


# The rows whose names a recommendation's search vector holds, and how a recommendation
# reaches each (search/metadata.py writes the names).
SEARCHED_NAMES = {
    Theme: ["themes"],
    AffectedGroup: ["affected_groups"],
    Body: ["issued_by", "targets__body"],
    Organization: ["organizations"],
    State: ["recommending_states", "targets__state"],
    Document: ["document"],
}


def recommendation_search_refresh(*, ids: Iterable[int]) -> int:
    """Write the metadata's names into these recommendations' search vectors: after any write
    of their relations or addressees. Set-based, one statement; returns how many changed."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    with connection.cursor() as cursor:
        return search_metadata_write(cursor, ids=ids)


def search_names_refresh(*, row: models.Model) -> int:
    """After a theme, a body, a state, ... is renamed: the search vectors of the
    recommendations that name it."""
    paths = SEARCHED_NAMES.get(type(row))
    if not paths:
        return 0
    naming = Q()
    for path in paths:
        naming |= Q(**{path: row})
    ids = Recommendation.objects.filter(naming).values_list("pk", flat=True).distinct()
    return recommendation_search_refresh(ids=ids)


AnswerT = TypeVar("AnswerT", Response, Assessment)


def _answer_create(
    model: type[AnswerT], *, target: Target, today, user, change_reason, fields: dict
) -> AnswerT:
    if model is Assessment:
        fields = _assessment_grade_mapped(fields, assessment=None)
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
    if isinstance(answer, Assessment):
        fields = _assessment_grade_mapped(fields, assessment=answer)
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
    *,
    today: date,
    targets: QuerySet[Target] | None = None,
    response_due: dict[int, date | None] | None = None,
) -> dict[str, list[int]]:
    """Targets whose stored status differs from the rule's, as {new status: [target ids]}.

    One query streams every target (or those of `targets`) with its latest response and
    assessment; the rule runs in Python so that it stays the one function in status.py.
    `response_due` gives due dates about to be written, {target id: date}, in place of the
    stored ones.
    """
    response_due = response_due or {}
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
    for pk, stored, due, position, implementation in rows.iterator(chunk_size=RECOMPUTE_BATCH):
        status = derive_status(
            implementation=implementation,
            position=position,
            response_due=response_due.get(pk, due),
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
            Target.objects.bulk_update(batch, ["status"], batch_size=BULK_BATCH)
            history_record(
                Target,
                ids=[target.pk for target in batch],
                history_type="~",
                history=BulkHistory(user=user, change_reason=change_reason),
            )
            changed += len(batch)
            data_version.data_changed()
    return changed


def targets_initialize(
    *, targets: QuerySet[Target], today: date | None = None, creation_records: bool = True
) -> None:
    """Derive the due dates and status of targets created in the running transaction,
    set-based, and write each target once: the rules' due dates (calendar.py, overridden
    dates left out), and the status the rule derives from them and the latest response and
    assessment.

    For bulk creation (imports), where targets and their responses and assessments are
    written first. With `creation_records` the targets' creation history records are set too,
    so a new target's history starts with its derived values rather than defaults followed
    by a change nobody made; an import records them after (`target_statuses_after_bulk_write`).
    """
    changes = _deadline_changes(targets)
    due = {pk: values["response_due"] for pk, values in changes.items() if "response_due" in values}
    drift = target_status_drift(
        today=today or timezone.localdate(), targets=targets, response_due=due
    )
    for status, ids in drift.items():
        for pk in ids:
            changes.setdefault(pk, {})["status"] = status
    rows_set(Target, values=changes)
    if creation_records:
        rows_set(Target.history.model, values=changes, key="id", history_type="+")


@dataclass(frozen=True)
class BulkHistory:
    """Who wrote a bulk write, why and when: every history record it adds says so, as
    `_history_as` says it for single writes."""

    user: object = None
    change_reason: str | None = None
    date: datetime | None = None


def rows_bulk_create(
    model: type[ModelT], *, rows: list[dict], history: BulkHistory | None
) -> list[int]:
    """Create rows from field values (validated by the importer's parsers) with one COPY,
    and their creation history records; returns their ids, in order.

    Set-based: no full_clean() per row, whose foreign-key checks would cost a query each, and
    no model instances: COPY streams the values, the ids are drawn from the table's sequence
    first. With `history=None` the caller records the history once the rows are final (new
    targets: after their due dates and statuses are derived, `target_statuses_after_bulk_write`).
    A target's due date given without its rule is the imported file's.
    """
    if not rows:
        return []
    if model is Target:
        rows = [_imported_due_date_rules(values) for values in rows]
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    # psycopg adapts the parsers' values (str, int, date, datetime, bool) itself; a value a
    # row does not give is the field's default, or now for an auto_now(_add) timestamp.
    now = timezone.now()
    defaults = [
        (
            field.attname,
            now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default(),
        )
        for field in fields
        if not field.primary_key
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = sorted(pk for (pk,) in cursor.fetchall())
        _copy(
            cursor,
            meta.db_table,
            [meta.pk.column, *(field.column for field in fields if not field.primary_key)],
            (
                [pk, *(values.get(name, default) for name, default in defaults)]
                for pk, values in zip(ids, rows, strict=True)
            ),
        )
    if history is not None:
        history_record(model, ids=ids, history_type="+", history=history)
    return ids


def _copy(cursor, table: str, columns: list[str], rows: Iterable[list]) -> None:
    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(table),
        psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, columns)),
    )
    # psycopg's own cursor: Django's wrapper has no copy().
    with cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def rows_set(
    model: type[models.Model],
    *,
    values: dict[int, dict],
    key: str | None = None,
    history_type: str | None = None,
) -> None:
    """Set columns of many rows, {key: {column: value}}, with COPY into a staging table and
    one UPDATE ... FROM per set of columns given: Django's bulk_update builds a CASE of one
    branch per row, whose compiling and evaluating grow with the square of the batch (it
    took two thirds of an import). `history_type` limits the rows of a history table."""
    if not values:
        return
    table = model._meta.db_table
    key = key or model._meta.pk.column
    by_columns: dict[tuple, dict[int, dict]] = defaultdict(dict)
    for pk, row in values.items():
        by_columns[tuple(sorted(row))][pk] = row
    condition = (
        psycopg_sql.SQL(" AND t.history_type = {}").format(psycopg_sql.Literal(history_type))
        if history_type
        else psycopg_sql.SQL("")
    )
    # The staging tables empty at commit: COPY and UPDATE must share a transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        quoted = cursor.cursor.connection
        for columns, rows in by_columns.items():
            staging = (
                "import_" + hashlib.sha256(f"{table}:{key}:{columns}".encode()).hexdigest()[:16]
            )
            identifiers = [psycopg_sql.Identifier(name) for name in (key, *columns)]
            statements = [
                psycopg_sql.SQL(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
                    "SELECT {columns} FROM {table} WITH NO DATA"
                ),
                psycopg_sql.SQL("TRUNCATE {staging}"),
                psycopg_sql.SQL(
                    "UPDATE {table} AS t SET {assignments} FROM {staging} AS s "
                    "WHERE t.{key} = s.{key}{condition}"
                ),
            ]
            create, truncate, update = (
                statement.format(
                    staging=psycopg_sql.Identifier(staging),
                    table=psycopg_sql.Identifier(table),
                    key=identifiers[0],
                    condition=condition,
                    columns=psycopg_sql.SQL(", ").join(identifiers),
                    assignments=psycopg_sql.SQL(", ").join(
                        psycopg_sql.SQL("{name} = s.{name}").format(name=name)
                        for name in identifiers[1:]
                    ),
                ).as_string(quoted)
                for statement in statements
            )
            cursor.execute(create)
            cursor.execute(truncate)
            _copy(
                cursor,
                staging,
                [key, *columns],
                ([pk, *(row[name] for name in columns)] for pk, row in sorted(rows.items())),
            )
            cursor.execute(update)


def history_record(
    model: type[models.Model], *, ids: list[int], history_type: str, history: BulkHistory
) -> None:
    """Add a history record of each of these rows, as stored now, for a bulk write: the
    record simple_history's save() would add, built by the database from the row itself, so
    COPY and UPDATE writes keep their history with one INSERT ... SELECT per batch."""
    if not ids:
        return
    historical = model.history.model._meta
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    columns = [field.column for field in historical.concrete_fields if field.name not in own]
    tracked = psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, columns))
    statement = psycopg_sql.SQL(
        "INSERT INTO {history} ({tracked}, history_date, history_change_reason, history_type, "
        "history_user_id) SELECT {tracked}, %s, %s, %s, %s FROM {table} WHERE {pk} = ANY(%s) "
        "ORDER BY {pk}"
    ).format(
        history=psycopg_sql.Identifier(historical.db_table),
        tracked=tracked,
        table=psycopg_sql.Identifier(model._meta.db_table),
        pk=psycopg_sql.Identifier(model._meta.pk.column),
    )
    # Without a user, the request's (simple_history's middleware), as its own writes do.
    user = history.user or model.history.model.get_default_history_user(None)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BULK_BATCH):
            cursor.execute(
                statement.as_string(cursor.cursor.connection),
                [
                    history.date or timezone.now(),
                    history.change_reason,
                    history_type,
                    user.pk if user is not None else None,
                    sorted(ids[start : start + BULK_BATCH]),
                ],
            )


def rows_bulk_update(
    model: type[ModelT], *, rows: list[ModelT], fields: list[str], history: BulkHistory
) -> None:
    """Write `fields` of rows read and changed by an import, in batches, with their history.

    Targets' due dates an editor set are kept: an import never overwrites them."""
    if not rows:
        return
    if model is Target:
        fields = _due_dates_overridden_kept(rows, fields)
    model.objects.bulk_update(rows, fields, batch_size=BULK_BATCH)
    history_record(model, ids=[row.pk for row in rows], history_type="~", history=history)


def recommendation_relations_bulk_add(*, name: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Add (recommendation id, related id) rows to a many-to-many relation of recommendations
    (recommending states, themes, ...); what is there stays. COPY into a staging table, then
    one INSERT ... ON CONFLICT DO NOTHING: a pair another import added meanwhile is kept once."""
    pairs = sorted(pairs)
    if not pairs:
        return
    field = Recommendation._meta.get_field(name)
    through = field.remote_field.through._meta
    columns = ["recommendation_id", f"{field.m2m_reverse_field_name()}_id"]
    names = psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, columns))
    staging_table = f"import_{through.db_table}"
    staging = psycopg_sql.Identifier(staging_table)
    statements = [
        psycopg_sql.SQL(
            "CREATE TEMPORARY TABLE IF NOT EXISTS {} ({} bigint, {} bigint) ON COMMIT DELETE ROWS"
        ).format(staging, *map(psycopg_sql.Identifier, columns)),
        psycopg_sql.SQL("TRUNCATE {}").format(staging),
        psycopg_sql.SQL(
            "INSERT INTO {} ({}) SELECT {} FROM {} ORDER BY 1, 2 ON CONFLICT DO NOTHING"
        ).format(psycopg_sql.Identifier(through.db_table), names, names, staging),
    ]
    # The staging table empties at commit: COPY and INSERT must share a transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        create, truncate, insert = (
            statement.as_string(cursor.cursor.connection) for statement in statements
        )
        cursor.execute(create)
        cursor.execute(truncate)
        _copy(cursor, staging_table, columns, pairs)
        cursor.execute(insert)


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
    touched (locked by `targets_lock_for_bulk_write`), from a fresh read. The created ones,
    written without history (`rows_bulk_create(history=None)`), get their creation records
    here, so a new target's history starts with its derived due dates and status."""
    created, touched = list(created), list(touched)
    if created:
        targets_initialize(targets=Target.objects.filter(pk__in=created), creation_records=False)
        history_record(Target, ids=created, history_type="+", history=history)
    if touched:
        target_deadlines_recompute(
            targets=Target.objects.filter(pk__in=touched),
            change_reason=history.change_reason,
            user=history.user,
        )
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
    search_names_refresh(row=row)
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
    """Sum the rows of changes the writes appended to the dashboard's counts back to one per
    bucket (StatsCount), then cache the unfiltered dashboard if the last write made it
    stale."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT stats_count_compact()")
    data_version.cached_read(
        DASHBOARD_STATS,
        QueryDict(),
        lambda: selectors.recommendation_stats(
            recommendations=Recommendation.objects.all(), targets=Target.objects.all()
        ),
    )


# The UN calendar: due dates computed by the rules of calendar.py, each with its rule's name;
# an editor's date overrides the rule and is kept by every recomputation and import.

DEADLINES = {
    "response_due": calendar.response_deadline,
    "follow_up_due": calendar.follow_up_deadline,
}
DEADLINE_FIELDS = [
    field for name in DEADLINES for field in (name, f"{name}_rule", f"{name}_overridden")
]
# Rules computed from the calendar: a date of theirs goes when the rule no longer applies. A
# date an import gave (or one from before the rules) stays until a rule gives one.
COMPUTED_RULES = frozenset(DeadlineRule) - {DeadlineRule.EDITOR, DeadlineRule.IMPORTED}


def _due_dates_given_by_editor(fields: dict) -> set[str]:
    """Mark the due dates given to a new target as the editor's; returns their names."""
    given = {name for name in DEADLINES if fields.get(name)}
    for name in DEADLINES:
        fields.pop(f"{name}_rule", None)
        fields[f"{name}_overridden"] = name in given
        if name in given:
            fields[f"{name}_rule"] = DeadlineRule.EDITOR
    return given


def _due_dates_released(target: Target, fields: dict) -> list[str]:
    """Sort an editor's change of a target's due dates: a changed date overrides the rule
    (set in `fields`); an override unticked with the date unchanged is released. Returns
    the released dates' names."""
    released = []
    for name in DEADLINES:
        fields.pop(f"{name}_rule", None)
        if name in fields and fields[name] != getattr(target, name):
            fields[f"{name}_overridden"] = True
            fields[f"{name}_rule"] = DeadlineRule.EDITOR if fields[name] else ""
        elif fields.get(f"{name}_overridden") is False and getattr(target, f"{name}_overridden"):
            released.append(name)
    return released


def _deadline_changes(targets: QuerySet[Target]) -> dict[int, dict]:
    """{target id: {field: value}} for the targets whose due dates the rules now set
    otherwise; overridden dates are left out. One query, streamed."""
    changes: dict[int, dict] = {}
    for row, facts in selectors.targets_deadline_facts(targets, chunk_size=RECOMPUTE_BATCH):
        values = {}
        for name, rule in DEADLINES.items():
            if row[f"{name}_overridden"]:
                continue
            deadline = rule(facts)
            if deadline:
                new = (deadline.due, deadline.rule.value)
            elif row[f"{name}_rule"] in COMPUTED_RULES:
                new = (None, "")
            else:
                continue
            if (row[name], row[f"{name}_rule"]) != new:
                values[name], values[f"{name}_rule"] = new
        if values:
            changes[row["pk"]] = values
    return changes


def target_deadlines_recompute(
    *,
    targets: QuerySet[Target] | None = None,
    today: date | None = None,
    user=None,
    change_reason: str | None = "Deadlines recomputed",
    dry_run: bool = False,
) -> int:
    """Compute every target's due dates again (or those of `targets`), set-based: one query
    reads them with what the rules read, then each batch is locked, read again (an editor
    may have set a date since) and written with its history, a fixed number of queries per
    batch. Dates an editor set are kept. Statuses follow the response due dates. Returns how
    many targets changed (would change, with dry_run)."""
    targets = Target.objects.all() if targets is None else targets
    ids = sorted(_deadline_changes(targets))
    if dry_run or not ids:
        return len(ids)
    changed = 0
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        with transaction.atomic():
            locked = targets_lock(ids=ids[start : start + RECOMPUTE_BATCH])
            fresh = _deadline_changes(Target.objects.filter(pk__in=locked))
            batch = []
            for pk, values in sorted(fresh.items()):
                for name, value in values.items():
                    setattr(locked[pk], name, value)
                batch.append(locked[pk])
            Target.objects.bulk_update(
                batch,
                [field for field in DEADLINE_FIELDS if not field.endswith("_overridden")],
                batch_size=BULK_BATCH,
            )
            history_record(
                Target,
                ids=[target.pk for target in batch],
                history_type="~",
                history=BulkHistory(user=user, change_reason=change_reason),
            )
            due_changed = [pk for pk, values in fresh.items() if "response_due" in values]
            if due_changed:
                target_statuses_recompute(
                    targets=Target.objects.filter(pk__in=due_changed),
                    today=today,
                    change_reason=change_reason or "Status recomputed",
                    user=user,
                )
            changed += len(batch)
            data_version.data_changed()
    return changed


def _imported_due_date_rules(values: dict) -> dict:
    values = dict(values)
    for name in DEADLINES:
        if values.get(name) and not values.get(f"{name}_rule"):
            values[f"{name}_rule"] = DeadlineRule.IMPORTED
    return values


def _due_dates_overridden_kept(rows: list[Target], fields: list[str]) -> list[str]:
    """The guard of the importers' bulk writes of targets: a due date an editor set is put
    back as stored (the row read may have been changed in memory); a date the import changes
    records that the file gave it. Returns the fields to write. One query."""
    names = [name for name in DEADLINES if name in fields]
    if not names or not rows:
        return fields
    stored = {
        row["pk"]: row
        for row in Target.objects.filter(pk__in=[row.pk for row in rows]).values(
            "pk", *DEADLINE_FIELDS
        )
    }
    for row in rows:
        for name in names:
            before = stored[row.pk]
            if before[f"{name}_overridden"]:
                setattr(row, name, before[name])
                setattr(row, f"{name}_rule", before[f"{name}_rule"])
                setattr(row, f"{name}_overridden", True)
            elif getattr(row, name) != before[name] and f"{name}_rule" not in fields:
                setattr(row, f"{name}_rule", DeadlineRule.IMPORTED if getattr(row, name) else "")
    return [*fields, *(f"{name}_rule" for name in names if f"{name}_rule" not in fields)]


@transaction.atomic
def document_follow_up_apply(
    *,
    document: Document,
    text: str | list[str],
    today: date | None = None,
    user=None,
    change_reason: str | None = "Follow-up paragraphs read from the document",
) -> calendar.FollowUpRequest | None:
    """Read the follow-up request of concluding observations (their text, or their list of
    paragraphs), store the paragraphs and the period or date it names on the document, and
    compute the follow-up due dates of the document's targets. None when it asks nothing."""
    request = calendar.follow_up_request(text)
    if request is None:
        return None
    row_update(
        row=document,
        user=user,
        change_reason=change_reason,
        follow_up_paragraphs=request.paragraphs,
        follow_up_within_months=request.within_months,
        follow_up_by=request.by,
    )
    target_deadlines_recompute(
        targets=Target.objects.filter(recommendation__document=document),
        today=today,
        user=user,
        change_reason=change_reason,
    )
    return request


def _assessment_grade_mapped(fields: dict, *, assessment: Assessment | None) -> dict:
    """An assessment graded on a scale takes its common level from the grade's mapping: a
    treaty body's 'B' is partially implemented. An implementation given that contradicts the
    grade is refused; the grade is stored as the mapping spells it."""
    if "scale" not in fields and "raw_grade" not in fields:
        return fields
    scale = fields.get("scale", assessment.scale if assessment else "")
    raw_grade = (fields.get("raw_grade", assessment.raw_grade if assessment else "") or "").strip()
    if not scale and not raw_grade:
        return fields
    if not scale or not raw_grade:
        missing = "scale" if not scale else "raw_grade"
        raise ValidationError({missing: "Give the scale and the grade together."})
    mapping = GradeMapping.objects.filter(scale=scale, raw_grade__iexact=raw_grade).first()
    if mapping is None:
        grades = GradeMapping.objects.filter(scale=scale).values_list("raw_grade", flat=True)
        raise ValidationError(
            {"raw_grade": f"Not a grade of this scale; its grades are: {', '.join(grades)}."}
        )
    implementation = fields.get("implementation")
    given = implementation and implementation != (assessment.implementation if assessment else None)
    if given and implementation != mapping.implementation:
        raise ValidationError(
            {
                "implementation": (
                    f"Grade {mapping.raw_grade} means {mapping.get_implementation_display()}."
                )
            }
        )
    return {
        **fields,
        "scale": scale,
        "raw_grade": mapping.raw_grade,
        "implementation": mapping.implementation,
    }


@transaction.atomic
def upr_review_write(*, review: UprReview | None = None, user=None, **fields) -> UprReview:
    """Record a state's review at a session, or correct one, and refresh the calendar events
    of the states concerned."""
    # The stored row, not the one a form already changed.
    before = State.objects.filter(upr_reviews=review).first() if review else None
    if review is None:
        review = row_create(model=UprReview, user=user, **fields)
    else:
        review = row_update(row=review, user=user, **fields)
    upr_events_refresh(states={review.state, before} - {None})
    return review


def upr_reviews_record(reviews: Iterable[tuple[State, int]], *, source: str) -> int:
    """Record the reviews an import names (state, session number), keeping those known, and
    refresh the events of their states. Returns the reviews recorded."""
    reviews = set(reviews)
    sessions = UprSession.objects.in_bulk({number for _, number in reviews}, field_name="number")
    known = set(
        UprReview.objects.filter(
            state__in={state for state, _ in reviews}, session__number__in=sessions
        ).values_list("state_id", "session__number")
    )
    new = [
        UprReview(state=state, session=sessions[number], source=source[:500])
        for state, number in reviews
        if number in sessions and (state.pk, number) not in known
    ]
    # Another import may record the same review meanwhile: the unique constraint keeps one.
    UprReview.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        upr_events_refresh(states={review.state for review in new})
    return len(new)


@transaction.atomic
def upr_session_write(*, session: UprSession | None = None, user=None, **fields) -> UprSession:
    """Create a UPR session, or change one (OHCHR gives its dates or the stakeholders'
    deadline), and refresh the events of the states it reviews or will."""
    if session is None:
        session = row_create(model=UprSession, user=user, **fields)
    else:
        session = row_update(row=session, user=user, **fields)
    previous = session.number - calendar.SESSIONS_PER_CYCLE
    upr_events_refresh(
        states=State.objects.filter(
            upr_reviews__session__number__in=[session.number, previous]
        ).distinct()
    )
    return session


@transaction.atomic
def upr_events_refresh(*, states: Iterable[State] | None = None) -> int:
    """For each state with a UPR review since the second cycle (or each of `states`): an
    event for its next review, dated by that session's first day (estimated when the session
    is), one for the stakeholders' submissions before it once OHCHR has announced their
    deadline, and one for the mid-term report of its last review. Kept up to date by their
    kind, session and state, so running it again writes nothing. Returns the events written."""
    reviews = UprReview.objects.select_related("state", "session").order_by(
        "state_id", "-session__number"
    )
    if states is not None:
        reviews = reviews.filter(state__in=[state.pk for state in states])
    latest: dict[int, UprReview] = {}
    for review in reviews:
        latest.setdefault(review.state_id, review)
    sessions = {session.number: session for session in UprSession.objects.all()}
    written = 0
    for review in latest.values():
        last = review.session
        planned = []
        number = calendar.upr_next_review_session(last.number, last.cycle)
        if number in sessions:
            upcoming = sessions[number]
            planned.append(
                (
                    EventKind.REVIEW,
                    upcoming,
                    upcoming.first_day,
                    upcoming.estimated,
                    f"{review.state}: Universal Periodic Review, session {number} "
                    f"(cycle {upcoming.cycle})",
                )
            )
            if not upcoming.stakeholder_deadline:
                # An announced deadline withdrawn: its event goes with it.
                _, deleted = Event.objects.filter(
                    kind=EventKind.SUBMISSIONS, upr_session=upcoming, states=review.state
                ).delete()
                written += deleted.get(Event._meta.label, 0)
            else:
                planned.append(
                    (
                        EventKind.SUBMISSIONS,
                        upcoming,
                        upcoming.stakeholder_deadline,
                        False,
                        f"{review.state}: stakeholder submissions for its review at "
                        f"session {number}",
                    )
                )
        planned.append(
            (
                EventKind.DEADLINE,
                last,
                calendar.upr_mid_term_due(last.last_day),
                last.estimated,
                f"{review.state}: UPR mid-term report on the review of session {last.number}",
            )
        )
        for kind, session, day, estimated, name in planned:
            event = Event.objects.filter(
                kind=kind, upr_session=session, states=review.state
            ).first()
            values = {"name": name, "date": day, "estimated": estimated}
            if event is None:
                event = row_create(model=Event, kind=kind, upr_session=session, **values)
                event.states.set([review.state])
                written += 1
            elif any(getattr(event, key) != value for key, value in values.items()):
                row_update(row=event, **values)
                written += 1
    return written
