"""Reads shared by the API, the admin and the exports: each query in one findable place.

Every selector here runs a fixed number of queries, whatever the number of rows, so lists
and dashboards stay as fast for a thousand recommendations as for ten.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from recommendations.models import (
    SEARCH_CONFIG,
    Assessment,
    Document,
    Recommendation,
    Response,
    Target,
)


def latest_value(model: type[models.Model], field_name: str) -> Subquery:
    """One value of a target's latest response or assessment, as the status rule orders them."""
    return Subquery(
        model.objects.filter(target=OuterRef("pk"))
        .order_by(*model.LATEST_FIRST)
        .values(field_name)[:1]
    )


def targets_with_latest(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Targets with their addressee and the latest response's and assessment's values."""
    return targets.select_related("state", "body").annotate(
        latest_position=latest_value(Response, "position"),
        latest_response_date=latest_value(Response, "date"),
        latest_response_document=latest_value(Response, "document__symbol"),
        latest_implementation=latest_value(Assessment, "implementation"),
        latest_assessed_on=latest_value(Assessment, "assessed_on"),
    )


def targets_with_latest_in(
    targets: QuerySet[Target], model: type[models.Model], field_name: str, values: list[str]
) -> QuerySet[Target]:
    """Targets whose latest response (or assessment) has one of the values in field_name."""
    alias = f"filter_latest_{field_name}"
    return targets.alias(**{alias: latest_value(model, field_name)}).filter(
        **{f"{alias}__in": values}
    )


# Up to this many matching targets (by PostgreSQL's estimate), a filtered list starts from
# the targets; above it, from the recommendations in date order. See
# recommendations_with_a_target_in().
FEW_TARGETS = 10_000


def recommendations_with_a_target_in(
    recommendations: QuerySet[Recommendation], targets: QuerySet[Target]
) -> QuerySet[Recommendation]:
    """The recommendations that have at least one of `targets`.

    As `EXISTS`, PostgreSQL walks the recommendations newest first and probes each for such a
    target until it has a page: quick when many match, but for the 4,621 targets of one state
    with one status among 1.6 million it probes 75,000 recommendations (0.5 to 1 s). When few
    targets match, their recommendation ids are collected first, in one `ARRAY(...)` that
    PostgreSQL evaluates once and cannot fold back into the walk, and only those
    recommendations are fetched and sorted (0.1 s).
    """
    if _estimated_rows(targets) <= FEW_TARGETS:
        ids = ArraySubquery(targets.order_by().values("recommendation_id"))
        return recommendations.filter(_EqualsAny(F("pk"), ids))
    return recommendations.filter(Exists(targets.filter(recommendation=OuterRef("pk"))))


class _EqualsAny(Func):
    """`value = ANY(array)`: true when the array holds the value."""

    arity = 2
    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _estimated_rows(rows: QuerySet) -> float:
    """How many rows PostgreSQL's planner expects the query to return: a plan, not a run."""
    return json.loads(rows.explain(format="json"))[0]["Plan"]["Plan Rows"]


def _text_search_query(terms: str) -> SearchQuery:
    return SearchQuery(terms, config=SEARCH_CONFIG, search_type="websearch")


def _text_matches(terms: str) -> Q:
    """Full-text, from the GIN index on the stored vector."""
    return Q(search_vector=_text_search_query(terms))


def recommendations_search(
    recommendations: QuerySet[Recommendation], terms: str
) -> QuerySet[Recommendation]:
    """The API's `q`: the text matches, annotated with `search_rank`."""
    return recommendations.filter(_text_matches(terms)).annotate(
        search_rank=SearchRank(F("search_vector"), _text_search_query(terms))
    )


def recommendations_admin_search(
    recommendations: QuerySet[Recommendation], terms: str
) -> QuerySet[Recommendation]:
    """The admin's search: the text matches, or the document's symbol, or the paragraph.

    The documents are looked up first, so that on PostgreSQL each alternative is an index
    scan of the recommendations and none needs a join.
    """
    terms = terms.strip()
    documents = list(
        Document.objects.filter(symbol__icontains=terms).order_by().values_list("pk", flat=True)
    )
    return recommendations.filter(
        _text_matches(terms) | Q(document__in=documents) | Q(paragraph=terms)
    )


def recommendations_for_api(*, staff: bool) -> QuerySet[Recommendation]:
    """What a recommendation's API representation reads, in one query per relation.

    Documents and bodies are prefetched, not joined: a join comes before the sort, so a
    search would join every match to its document to keep fifty.
    """
    recommendations = Recommendation.objects.prefetch_related(
        "document",
        "issued_by",
        "recommending_states",
        "organizations",
        "themes",
        Prefetch("targets", queryset=targets_with_latest(Target.objects.order_by("pk"))),
    )
    if staff:
        recommendations = recommendations.prefetch_related("owner", "watchers")
    return recommendations


@dataclass(frozen=True)
class StatusChange:
    """A change of a target's stored status, as its history recorded it."""

    target_id: int
    status: str
    previous_status: str | None
    recorded_at: datetime

    @property
    def date(self) -> date:
        return timezone.localdate(self.recorded_at)


# On one date: what was said, then how far it went, then the status that followed.
_TIMELINE_ORDER = {Response: 0, Assessment: 1, StatusChange: 2}


def _event_date(event) -> date:
    if isinstance(event, Response):
        return event.date
    if isinstance(event, Assessment):
        return event.assessed_on
    return event.date


def _status_changes(target_ids: list[int]) -> dict[int, list[StatusChange]]:
    """Each target's recorded status changes, oldest first; saves that kept it are skipped."""
    records = (
        Target.history.filter(id__in=target_ids)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "status", "history_date")
    )
    changes: dict[int, list[StatusChange]] = defaultdict(list)
    for target_id, status, recorded_at in records:
        previous = changes[target_id][-1].status if changes[target_id] else None
        if status != previous:
            changes[target_id].append(
                StatusChange(
                    target_id=target_id,
                    status=status,
                    previous_status=previous,
                    recorded_at=recorded_at,
                )
            )
    return changes


def recommendation_timelines(recommendation: Recommendation) -> list[Target]:
    """Every target, each with `timeline`: its responses, assessments and recorded status
    changes in date order.

    Four queries whatever the number of targets and events: targets, responses,
    assessments, and the targets' history.
    """
    targets = list(
        targets_with_latest(recommendation.targets.order_by("pk")).prefetch_related(
            Prefetch("responses", queryset=Response.objects.select_related("document")),
            Prefetch("assessments", queryset=Assessment.objects.select_related("source_document")),
        )
    )
    changes = _status_changes([target.pk for target in targets])
    for target in targets:
        target.timeline = sorted(
            [*target.responses.all(), *target.assessments.all(), *changes[target.pk]],
            key=lambda event: (
                _event_date(event),
                _TIMELINE_ORDER[type(event)],
                event.recorded_at if isinstance(event, StatusChange) else event.pk,
            ),
        )
    return targets


def status_summary(targets) -> dict[str, int]:
    """How many targets have each status: the recommendation's status at a glance."""
    today = timezone.localdate()
    return dict(Counter(target.current_status(today).value for target in targets))


def _rows(queryset: QuerySet, key: str, name: str | None = None, **counts) -> list[dict]:
    values = {"key": F(key), **({"name": F(name)} if name else {})}
    return list(queryset.order_by().values(**values).annotate(**counts))


def _breakdown(key_name: str, *row_sets: list[dict]) -> list[dict]:
    """One bucket per key with both counts; rows without a key (no issuing body, no theme,
    no date) are left out."""
    buckets: dict = {}
    for rows in row_sets:
        for row in rows:
            if row["key"] is None:
                continue
            bucket = buckets.setdefault(
                row["key"], {key_name: row["key"], "recommendations": 0, "targets": 0}
            )
            bucket.update((name, value) for name, value in row.items() if name != "key")
    return list(buckets.values())


def _biggest_first(buckets: list[dict], key_name: str) -> list[dict]:
    return sorted(
        buckets,
        key=lambda bucket: (-bucket["recommendations"], -bucket["targets"], bucket[key_name]),
    )


def recommendation_stats(
    *, recommendations: QuerySet[Recommendation], targets: QuerySet[Target]
) -> dict:
    """Counts for a dashboard, by status, addressee, issuing body, theme and year.

    `recommendations` and `targets` are what the list's filters matched: the recommendations,
    and those of their targets that meet the target-level filters. Each bucket counts both.
    Eleven queries, whatever the data.
    """
    # Filters may join many-valued relations and repeat rows: count each row once by id. With
    # no filter there is nothing to repeat, and the whole tables are counted as they are.
    if recommendations.query.has_filters():
        recommendations = Recommendation.objects.filter(
            pk__in=recommendations.order_by().values("pk")
        )
    if targets.query.has_filters():
        targets = Target.objects.filter(pk__in=targets.order_by().values("pk"))
    per_target = {
        "recommendations": Count("recommendation", distinct=True),
        "targets": Count("pk"),
    }
    return {
        "recommendations": recommendations.count(),
        "targets": targets.count(),
        "by_status": _biggest_first(
            _breakdown("status", _rows(targets, "status", **per_target)), "status"
        ),
        "by_state": _biggest_first(
            _breakdown("state", _rows(targets, "state__code", "state__name", **per_target)),
            "state",
        ),
        "by_addressee_body": _biggest_first(
            _breakdown("body", _rows(targets, "body__acronym", "body__name", **per_target)),
            "body",
        ),
        "by_body": _biggest_first(
            _breakdown(
                "body",
                _rows(
                    recommendations,
                    "issued_by__acronym",
                    "issued_by__name",
                    recommendations=Count("pk"),
                ),
                _rows(
                    targets,
                    "recommendation__issued_by__acronym",
                    "recommendation__issued_by__name",
                    targets=Count("pk"),
                ),
            ),
            "body",
        ),
        "by_theme": _biggest_first(
            _breakdown(
                "theme",
                _rows(recommendations, "themes__slug", "themes__name", recommendations=Count("pk")),
                _rows(
                    targets,
                    "recommendation__themes__slug",
                    "recommendation__themes__name",
                    targets=Count("pk"),
                ),
            ),
            "theme",
        ),
        "by_year": sorted(
            _breakdown(
                "year",
                _rows(
                    recommendations.annotate(year=ExtractYear("issued_on")),
                    "year",
                    recommendations=Count("pk"),
                ),
                _rows(
                    targets.annotate(year=ExtractYear("recommendation__issued_on")),
                    "year",
                    targets=Count("pk"),
                ),
            ),
            key=lambda bucket: bucket["year"],
        ),
    }
