"""Writes. Every path that changes a response, an assessment or a due date comes through here,
so the stored `Target.status` is refreshed in the same transaction, whoever wrote."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from recommendations import data_version, selectors
from recommendations.models import Assessment, Recommendation, Response, Target
from recommendations.selectors import latest_value
from recommendations.status import derive_status

ModelT = TypeVar("ModelT", bound=models.Model)

RECOMPUTE_BATCH = 5000


def target_derive_status(*, target: Target, today: date) -> str:
    latest_assessment = target.latest_assessment()
    latest_response = target.latest_response()
    return derive_status(
        implementation=latest_assessment.implementation if latest_assessment else None,
        position=latest_response.position if latest_response else None,
        response_due=target.response_due,
        today=today,
    )


def target_refresh_status(*, target: Target, today: date | None = None) -> bool:
    """Store the target's status as the rule derives it now; True when it changed."""
    status = target_derive_status(target=target, today=today or timezone.localdate())
    if status == target.status:
        return False
    target.status = status
    target.save(update_fields=["status"])
    return True


def recommendation_refresh_statuses(
    *, recommendation: Recommendation, today: date | None = None
) -> int:
    return sum(
        target_refresh_status(target=target, today=today) for target in recommendation.targets.all()
    )


@transaction.atomic
def row_save(*, row: ModelT, relations: dict[str, Iterable[models.Model]] | None = None) -> ModelT:
    """Validate and save one row, then set the many-to-many relations given (others stay)."""
    row.full_clean()
    row.save()
    for name, objects in (relations or {}).items():
        getattr(row, name).set(objects)
    return row


@transaction.atomic
def recommendation_save(
    *, recommendation: Recommendation, relations: dict[str, Iterable[models.Model]] | None = None
) -> Recommendation:
    """Save a recommendation with its relations; it must keep an issuer."""
    relations = relations or {}

    def issuers(name: str) -> list:
        if name in relations:
            return list(relations[name])
        return list(getattr(recommendation, name).all()) if recommendation.pk else []

    Recommendation.validate_issuers(
        issued_by=recommendation.issued_by,
        recommending_states=issuers("recommending_states"),
        organizations=issuers("organizations"),
    )
    return row_save(row=recommendation, relations=relations)


@transaction.atomic
def target_save(*, target: Target, today: date | None = None) -> Target:
    target.full_clean()
    target.save()
    target_refresh_status(target=target, today=today)
    return target


@transaction.atomic
def response_save(*, response: Response, today: date | None = None) -> Response:
    response.full_clean()
    response.save()
    target_refresh_status(target=response.target, today=today)
    return response


def response_create(*, target: Target, today: date | None = None, **fields) -> Response:
    return response_save(response=Response(target=target, **fields), today=today)


@transaction.atomic
def response_delete(*, response: Response, today: date | None = None) -> None:
    target = response.target
    response.delete()
    target_refresh_status(target=target, today=today)


@transaction.atomic
def assessment_save(*, assessment: Assessment, today: date | None = None) -> Assessment:
    assessment.full_clean()
    assessment.save()
    target_refresh_status(target=assessment.target, today=today)
    return assessment


def assessment_create(*, target: Target, today: date | None = None, **fields) -> Assessment:
    return assessment_save(assessment=Assessment(target=target, **fields), today=today)


@transaction.atomic
def assessment_delete(*, assessment: Assessment, today: date | None = None) -> None:
    target = assessment.target
    assessment.delete()
    target_refresh_status(target=target, today=today)


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
    history like any other change.
    """
    drift = target_status_drift(today=today or timezone.localdate(), targets=targets)
    changed = sum(len(ids) for ids in drift.values())
    if dry_run or not changed:
        return changed
    for status, ids in drift.items():
        for start in range(0, len(ids), RECOMPUTE_BATCH):
            with transaction.atomic():
                batch = list(Target.objects.filter(pk__in=ids[start : start + RECOMPUTE_BATCH]))
                for target in batch:
                    target.status = status
                bulk_update_with_history(
                    batch,
                    Target,
                    ["status"],
                    default_change_reason=change_reason,
                    default_user=user,
                )
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
