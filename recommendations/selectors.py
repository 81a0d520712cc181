"""Reads shared by the API, the admin and the exports: each query in one findable place.

Every selector here runs a fixed number of queries, whatever the number of rows, so lists
and dashboards stay as fast for a thousand recommendations as for ten.
"""

import functools
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from recommendations.calendar import DeadlineFacts
from recommendations.choices import TargetStatus
from recommendations.expressions import DaysBetween
from recommendations.models import (
    Assessment,
    Body,
    Document,
    Organization,
    Recommendation,
    Response,
    State,
    SustainableDevelopmentGoal,
    Target,
    Theme,
    UprReview,
    UprSession,
)
from recommendations.search.highlight import excerpt_expression, excerpt_html
from recommendations.search.lexicon import Lexicon, glossary_terms, state_terms
from recommendations.search.query import ParsedSearch, search_parse
from recommendations.status import derive_status, overdue, status_in


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
    recommendations: QuerySet[Recommendation],
    targets: QuerySet[Target],
    members_of: Sequence[QuerySet] = (),
) -> QuerySet[Recommendation]:
    """The recommendations that have at least one of `targets` and are among each of
    `members_of`: querysets of one column of recommendation ids (those of a theme, of a
    recommending state...).

    As `EXISTS`, PostgreSQL walks the recommendations newest first and probes each for such a
    target until it has a page: quick when many match, but for the 4,621 targets of one state
    with one status among 1.6 million it probes 75,000 recommendations (0.5 to 1 s). When few
    targets match, their recommendation ids are collected first, in one `ARRAY(...)` that
    PostgreSQL evaluates once and cannot fold back into the walk, and only those
    recommendations are fetched and sorted (0.1 s). Each of `members_of` then narrows that
    array in its own, read by the ids it holds: for one state's 4,621 targets and a theme
    of 205,000 recommendations, the theme's index is read for the 4,621 and the
    recommendations for the 1,467 left (14 ms), where probing the theme for each of the
    4,621 recommendations read took twice as long. (Given both as `= ANY` of the
    recommendations' key, PostgreSQL read their every pair: 300 ms.)
    """
    columns = [
        (*members.query.values_select, *members.query.annotation_select) for members in members_of
    ]
    # Checked whichever way the list is read, so that a misuse fails every time.
    if any(members.query.default_cols for members in members_of) or any(
        len(names) != 1 for names in columns
    ):
        raise ValueError("members_of takes querysets of .values() of one column")
    if _estimated_rows(targets) <= FEW_TARGETS:
        ids = ArraySubquery(targets.order_by().values("recommendation_id"))
        for members, (column,) in zip(members_of, columns, strict=True):
            ids = ArraySubquery(members.order_by().filter(_EqualsAny(F(column), ids)))
        return recommendations.filter(_EqualsAny(F("pk"), ids))
    for members in members_of:
        recommendations = recommendations.filter(pk__in=members)
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


def search_parsed(terms: str) -> ParsedSearch:
    """`terms` as typed, parsed; Korean and Chinese words looked up in the lexicon, read
    (one query, for the bodies' names) only when the terms hold such a word."""
    lexicon: Lexicon | None = None

    def translate(word: str) -> list[list[str]]:
        nonlocal lexicon
        if lexicon is None:
            lexicon = search_lexicon()
        return lexicon.concepts(word)

    return search_parse(terms, translate)


def search_lexicon() -> Lexicon:
    """The glossary's terms, the states' names and the bodies' names in Korean and Chinese."""
    bodies: dict[str, list[str]] = {}
    for acronym, name, *translated in Body.objects.exclude(name_ko="", name_zh_hans="").values_list(
        "acronym", "name", "name_ko", "name_zh_hans"
    ):
        for rendering in translated:
            if rendering:
                bodies[rendering] = [acronym, name]
    return Lexicon.of(glossary_terms(), state_terms(), bodies)


def _text_matches(terms: str) -> Q:
    """Full-text, from the GIN index on the stored vector; the query a constant
    (search_query), so that PostgreSQL knows how many match: counting a common word's
    matches in parallel, as it then does, takes half the time."""
    return Q(search_vector=search_query(terms))


def search_query(terms: str) -> SearchQuery:
    """`terms` as the tsquery searched, rewritten with the synonyms, as a constant: one query.

    A constant, not the subquery that rewrites it, so that the planner reads the vectors'
    statistics and knows how many rows match: a common word makes it walk the newest
    recommendations for the ranked few (RankedSearch), a rare one read its matches from the
    GIN index."""
    rewritten = search_parsed(terms).expression()
    with connection.cursor() as cursor:
        sql, params = rewritten.sql, rewritten.params
        cursor.execute(f"SELECT ({sql})::text", params)
        return _TsQuery(cursor.fetchone()[0])


class _TsQuery(SearchQuery):
    """A tsquery already parsed and rewritten, as its text: taken as it is, not parsed again."""

    def __init__(self, tsquery: str):
        Func.__init__(self, output_field=SearchQueryField())
        self.tsquery = tsquery

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [self.tsquery]


def recommendations_search(
    recommendations: QuerySet[Recommendation], terms: str
) -> QuerySet[Recommendation]:
    """The API's `q`: the text and the metadata match, annotated with `search_rank`.

    Ordered by `search_rank` it ranks every match, reading each one's vector: RankedSearch
    ranks a bounded number of them."""
    query = search_query(terms)
    return recommendations.filter(search_vector=query).annotate(
        search_rank=SearchRank(F("search_vector"), query)
    )


# How many of a search's matches are ranked: the newest so many. The cost of ranking is
# bounded by it, not by how many match (docs/search.md, "Ranking").
SEARCH_RANKED_MATCHES = 500
NEWEST_FIRST = ("-issued_on", "-pk")


class RankedSearch:
    """A search's matches in the order numbered pages list them: the SEARCH_RANKED_MATCHES
    newest matches, best match first, then the older matches, newest first.

    Ranking every match read every match's vector (ts_rank), and sorting them every match's
    row: 0.2 to 0.5 s for a common word at a million. The newest matches are found by
    walking the recommendations newest first (recommendation_newest) until there are
    enough of them, or, for a rare word, from the GIN index; only they are ranked. The
    older ones follow in the same walk's order, so page N + 1 is the newest-first list's
    page N + 1: every match is on a page, once.

    A paginator reads `count()` (of every match) and slices it (search_pages()).
    """

    ordered = True

    def __init__(self, matches: QuerySet[Recommendation]):
        self.matches = matches
        self.model = matches.model

    def count(self) -> int:
        return self.matches.count()

    def __len__(self) -> int:
        return self.count()

    def _newest(self) -> QuerySet[Recommendation]:
        return self.matches.order_by(*NEWEST_FIRST)

    def __getitem__(self, rows: slice) -> list[Recommendation]:
        start, stop = rows.start or 0, rows.stop
        found: list[Recommendation] = []
        if start < SEARCH_RANKED_MATCHES:
            candidates = self._newest().values("pk")[:SEARCH_RANKED_MATCHES]
            ranked = self.matches.filter(pk__in=candidates).order_by("-search_rank", *NEWEST_FIRST)
            found += ranked[start : min(stop, SEARCH_RANKED_MATCHES)]
        if stop > SEARCH_RANKED_MATCHES:
            found += self._newest()[max(start, SEARCH_RANKED_MATCHES) : stop]
        return found


RANKED = "-search_rank"


def search_pages(rows: QuerySet[Recommendation]) -> "QuerySet[Recommendation] | RankedSearch":
    """What numbered pages slice: a search ordered by rank (the API's default with `q`) as
    RankedSearch; any other list as it is. Cursor pages, which go by id, and the stats,
    which count every match, take the queryset."""
    if rows.query.order_by and rows.query.order_by[0] == RANKED:
        return RankedSearch(rows.order_by())
    return rows


def search_excerpts(recommendations: Sequence[Recommendation], terms: str) -> None:
    """Give each of a page of recommendations `search_excerpt`: where its text matched
    `terms`, as HTML. One query, for the page's rows alone: ts_headline parses each text."""
    query = search_parsed(terms).expression()
    excerpts = dict(
        Recommendation.objects.filter(pk__in=[row.pk for row in recommendations])
        .annotate(excerpt=excerpt_expression(query))
        .values_list("pk", "excerpt")
    )
    for row in recommendations:
        row.search_excerpt = excerpt_html(excerpts.get(row.pk, ""))


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

    Built once per process and cloned per call, as DRF clones a view's `queryset`: resolving
    the annotations and the targets' subqueries cost more than a detail's SQL.
    """
    return _recommendations_for_api(staff).all()


@functools.cache
def _recommendations_for_api(staff: bool) -> QuerySet[Recommendation]:
    recommendations = (
        Recommendation.objects.defer(*Recommendation.SEARCH_COLUMNS)
        .prefetch_related(
            "document",
            "issued_by",
            # As a list: a related manager's queryset made per recommendation cost more
            # than its targets' query (docs/benchmarks.md).
            Prefetch(
                "targets",
                queryset=targets_with_latest(Target.objects.order_by("pk")),
                to_attr="listed_targets",
            ),
        )
        .annotate(
            # In the page's query, not one more each: the one value the API shows of each row,
            # in the models' order. A prefetch made a query, fifty model instances and a
            # related manager per recommendation (docs/benchmarks.md).
            recommending_state_codes=_related_values(State, "recommendations_made", "code", "name"),
            organization_names=_related_values(Organization, "recommendations", "name", "name"),
            theme_slugs=_related_values(Theme, "recommendations", "slug", "name"),
            sdg_codes=_related_values(
                SustainableDevelopmentGoal, "recommendations", "code", "code"
            ),
        )
    )
    if staff:
        recommendations = recommendations.prefetch_related("owner", "watchers")
    return recommendations


def _related_values(model, related_name: str, field: str, ordering: str) -> ArraySubquery:
    """`field` of the `model` rows related to the outer recommendation, in `ordering` (the
    model's own, as its related manager lists them)."""
    return ArraySubquery(
        model.objects.filter(**{related_name: OuterRef("pk")})
        .order_by(ordering, "pk")
        .values(field)
    )


@dataclass(frozen=True)
class StatusChange:
    """A change of a target's status, dated by when it happened in the world: the date of the
    response or assessment that made it, or the day after the response due date passed.
    `recorded_at` is when the tracker stored that status (the target's history), None when
    it never stored it as such (a due date passed between two writes)."""

    target_id: int
    status: str
    previous_status: str | None
    date: date
    recorded_at: datetime | None


# On one date: what was said, then how far it went, then the status that followed.
_TIMELINE_ORDER = {Response: 0, Assessment: 1, StatusChange: 2}


def _event_date(event) -> date:
    if isinstance(event, Response):
        return event.date
    if isinstance(event, Assessment):
        return event.assessed_on
    return event.date


def _recorded_statuses(target_ids: list[int]) -> dict[int, list[tuple[str, datetime]]]:
    """Each target's stored statuses as its history recorded them, oldest first; saves that
    kept the status are skipped."""
    records = (
        Target.history.filter(id__in=target_ids)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "status", "history_date")
    )
    recorded: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for target_id, status, recorded_at in records:
        if not recorded[target_id] or recorded[target_id][-1][0] != status:
            recorded[target_id].append((status, recorded_at))
    return recorded


def _latest(rows, day: date, on: str):
    return max(
        (row for row in rows if getattr(row, on) <= day),
        key=lambda row: (getattr(row, on), row.pk),
        default=None,
    )


def _status_changes(
    target: Target,
    *,
    since: date | None,
    recorded: list[tuple[str, datetime]],
    today: date,
) -> list[StatusChange]:
    """The target's statuses as the status rule gives them on each day something happened:
    from `since` (the recommendation's date), at each response and assessment, and the day
    after the due date passed unanswered. The rule is replayed, not restated."""
    responses = list(target.responses.all())
    assessments = list(target.assessments.all())
    days = {response.date for response in responses}
    days |= {assessment.assessed_on for assessment in assessments}
    if target.response_due and target.response_due + timedelta(days=1) <= today:
        days.add(target.response_due + timedelta(days=1))
    first_recorded = timezone.localdate(recorded[0][1]) if recorded else today
    # It starts unanswered: when it was issued, or on its first event if that came earlier.
    start = min([since or first_recorded, *days])
    changes: list[StatusChange] = []
    unmatched = list(recorded)
    for day, answered in [(start, False), *((day, True) for day in sorted(days))]:
        response = _latest(responses, day, "date") if answered else None
        assessment = _latest(assessments, day, "assessed_on") if answered else None
        status = derive_status(
            implementation=assessment.implementation if assessment else None,
            position=response.position if response else None,
            response_due=target.response_due,
            today=day,
        )
        previous = changes[-1].status if changes else None
        if status == previous:
            continue
        # When the tracker stored it: the next recorded change to this status.
        recorded_at = None
        for index, (stored, at) in enumerate(unmatched):
            if stored == status:
                recorded_at = at
                unmatched = unmatched[index + 1 :]
                break
        changes.append(
            StatusChange(
                target_id=target.pk,
                status=status,
                previous_status=previous,
                date=day,
                recorded_at=recorded_at,
            )
        )
    return changes


def recommendation_timelines(recommendation: Recommendation) -> list[Target]:
    """Every target, each with `timeline`: its responses, assessments and status changes,
    in the order they happened in the world (a response typed today for an answer of 2011
    changes the status in 2011; when it was typed stays in the history).

    Four queries whatever the number of targets and events: targets, responses,
    assessments, and the targets' history. Each target's latest response and assessment are
    the first of those read (`_latest_read`), not subqueries of the targets' query.
    """
    targets = list(
        recommendation.targets.order_by("pk")
        .select_related("state", "body")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("document").order_by(
                    *Response.LATEST_FIRST
                ),
            ),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("source_document").order_by(
                    *Assessment.LATEST_FIRST
                ),
            ),
        )
    )
    recorded = _recorded_statuses([target.pk for target in targets])
    since = recommendation.issued_on
    today = timezone.localdate()
    for target in targets:
        _latest_read(target)
        changes = _status_changes(target, since=since, recorded=recorded[target.pk], today=today)
        events = [*target.responses.all(), *target.assessments.all()]
        target.timeline = sorted(
            [*events, *changes],
            key=lambda event: (
                _event_date(event),
                _TIMELINE_ORDER[type(event)],
                changes.index(event) if isinstance(event, StatusChange) else event.pk,
            ),
        )
    return targets


def _latest_read(target: Target) -> None:
    """The values `targets_with_latest` annotates, from the target's responses and assessments
    prefetched latest first."""
    response = next(iter(target.responses.all()), None)
    assessment = next(iter(target.assessments.all()), None)
    target.latest_position = response.position if response else None
    target.latest_response_date = response.date if response else None
    target.latest_response_document = (
        response.document.symbol if response and response.document else None
    )
    target.latest_implementation = assessment.implementation if assessment else None
    target.latest_assessed_on = assessment.assessed_on if assessment else None


def status_counts(targets: QuerySet[Target], *, today: date) -> dict[TargetStatus, int]:
    """How many of `targets` have each status as it reads on `today` (status_in), the
    statuses with none left out, the most frequent first: one query."""
    counted = targets.aggregate(
        **{
            status.value: Count("pk", filter=status_in([status], today=today))
            for status in TargetStatus
        }
    )
    return dict(
        sorted(
            ((TargetStatus(status), count) for status, count in counted.items() if count),
            key=lambda item: -item[1],
        )
    )


def overdue_targets(limit: int = 10) -> list[Target]:
    """The targets whose response is overdue today, the longest overdue first (the due date
    furthest in the past), with their addressee and recommendation's document: one query.
    `Target.days_overdue()` says by how many days."""
    return list(
        Target.objects.filter(overdue(today=timezone.localdate()))
        .select_related("state", "body", "recommendation__document")
        .order_by("response_due", "pk")[:limit]
    )


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
    *,
    recommendations: QuerySet[Recommendation],
    targets: QuerySet[Target],
    breakdowns_only: bool = False,
) -> dict:
    """Counts for a dashboard, by status, addressee, issuing body, theme and year.

    `recommendations` and `targets` are what the list's filters matched: the recommendations,
    and those of their targets that meet the target-level filters. Each bucket counts both.
    Without a filter, one query over the counts the writes keep (StatsCount); with one,
    thirteen over the matching rows, whatever the data: eleven counts, then how late the
    first answers came (answered_late_stats) and the assessments by grade
    (assessment_grade_counts), which `breakdowns_only` leaves out (the search page's facets
    read the buckets alone).
    """
    if not recommendations.query.has_filters() and not targets.query.has_filters():
        return _stats_from_counts()
    # Filters may join many-valued relations and repeat rows: count each row once by id.
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
    stats = {
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
    if breakdowns_only:
        return stats
    return {
        **stats,
        "answered_late": answered_late_stats(targets=targets),
        "by_grade": [
            {
                "scale": row["scale"],
                "raw_grade": row["raw_grade"],
                "implementation": row["implementation"],
                "count": row["assessments"],
            }
            for row in assessment_grade_counts(
                assessments=Assessment.objects.filter(target__in=targets.order_by().values("pk"))
            )
        ],
    }


# The counts the writes keep, summed per bucket, each with the name and order the live
# aggregates give it: addressees by code, grades by scale and grade, as PostgreSQL sorts them.
STATS_COUNTS_SQL = """
WITH counts AS (
    SELECT dimension, key, sum(recommendations)::bigint AS recommendations,
           sum(targets)::bigint AS targets, sum(answered)::bigint AS answered,
           sum(answered_late)::bigint AS answered_late, sum(days_late)::bigint AS days_late,
           sum(assessments)::bigint AS assessments
    FROM recommendations_statscount GROUP BY dimension, key
)
SELECT c.*, coalesce(s.code, b.acronym, t.slug, c.key) AS code,
       coalesce(s.name, b.name, t.name) AS name
FROM counts c
LEFT JOIN recommendations_state s ON c.dimension = 'state' AND s.id::text = c.key
LEFT JOIN recommendations_body b ON c.dimension IN ('body', 'issuer') AND b.id::text = c.key
LEFT JOIN recommendations_theme t ON c.dimension = 'theme' AND t.id::text = c.key
ORDER BY CASE WHEN c.dimension = 'grade' THEN c.key::json ->> 0 END,
         CASE WHEN c.dimension = 'grade' THEN c.key::json ->> 1 END,
         coalesce(s.code, b.acronym, t.slug, c.key)
"""


def _stats_from_counts() -> dict:
    """recommendation_stats() without a filter, from the counts the database triggers keep
    (migration 0033): one query over a few hundred rows, whatever the data."""
    with connection.cursor() as cursor:
        cursor.execute(STATS_COUNTS_SQL)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    buckets: dict[str, list[dict]] = defaultdict(list)
    total = {"recommendations": 0, "targets": 0}
    answered: dict[str, dict] = {}
    grades = []
    for row in rows:
        counted = {"recommendations": row["recommendations"], "targets": row["targets"]}
        dimension = row["dimension"]
        if dimension == "total":
            total = counted
        elif dimension == "grade":
            if row["assessments"]:
                scale, raw_grade, implementation = json.loads(row["key"])
                grades.append(
                    {
                        "scale": scale,
                        "raw_grade": raw_grade,
                        "implementation": implementation,
                        "count": row["assessments"],
                    }
                )
        elif row["key"] and (counted["recommendations"] or counted["targets"]):
            buckets[dimension].append({**counted, "code": row["code"], "name": row["name"]})
        if dimension in ("state", "body") and row["answered"]:
            # One row per code, as the live aggregate groups them: a body may share a state's.
            addressee = answered.setdefault(
                row["code"],
                {"addressee": row["code"], "answered": 0, "answered_late": 0, "days_late": 0},
            )
            for name in ("answered", "answered_late", "days_late"):
                addressee[name] += row[name]

    def named(dimension: str, key_name: str) -> list[dict]:
        return _biggest_first(
            [
                {key_name: bucket["code"], **_counts(bucket), "name": bucket["name"]}
                for bucket in buckets[dimension]
            ],
            key_name,
        )

    return {
        **total,
        "by_status": _biggest_first(
            [{"status": bucket["code"], **_counts(bucket)} for bucket in buckets["status"]],
            "status",
        ),
        "by_state": named("state", "state"),
        "by_addressee_body": named("body", "body"),
        "by_body": named("issuer", "body"),
        "by_theme": named("theme", "theme"),
        "by_year": sorted(
            ({"year": int(bucket["code"]), **_counts(bucket)} for bucket in buckets["year"]),
            key=lambda bucket: bucket["year"],
        ),
        "answered_late": _answered_late(answered.values()),
        "by_grade": grades,
    }


def _counts(bucket: dict) -> dict:
    return {"recommendations": bucket["recommendations"], "targets": bucket["targets"]}


# The UN calendar: what the due date rules read, late answers, grades.


def targets_deadline_facts(
    targets: QuerySet[Target], *, chunk_size: int = 2000
) -> Iterator[tuple[dict, DeadlineFacts]]:
    """Each target's stored due dates with the facts calendar.py computes them from, in one
    streamed query. A UPR recommendation's session is the one its document's date falls in
    (the importers date a review's documents by the session's last day), or else the
    state's latest review before that date."""
    rows = (
        targets.alias(dated=Coalesce("recommendation__document__date", "recommendation__issued_on"))
        .annotate(
            issuer_kind=F("recommendation__issued_by__kind"),
            committee=Coalesce(
                "recommendation__issued_by__acronym", "recommendation__document__body__acronym"
            ),
            document_kind=F("recommendation__document__kind"),
            dated_on=F("dated"),
            paragraph=F("recommendation__paragraph"),
            response_by=F("recommendation__document__response_by"),
            response_within_days=F("recommendation__document__response_within_days"),
            follow_up_paragraphs=F("recommendation__document__follow_up_paragraphs"),
            follow_up_within_months=F("recommendation__document__follow_up_within_months"),
            follow_up_by=F("recommendation__document__follow_up_by"),
            upr_session_last_day=Coalesce(
                Subquery(
                    UprSession.objects.filter(
                        first_day__lte=OuterRef("dated"), last_day__gte=OuterRef("dated")
                    ).values("last_day")[:1]
                ),
                Subquery(
                    UprReview.objects.filter(
                        state=OuterRef("state"), session__first_day__lte=OuterRef("dated")
                    )
                    .order_by("-session__number")
                    .values("session__last_day")[:1]
                ),
            ),
        )
        .order_by()
        .values(
            "pk",
            "state_id",
            "response_due",
            "response_due_rule",
            "response_due_overridden",
            "follow_up_due",
            "follow_up_due_rule",
            "follow_up_due_overridden",
            "issuer_kind",
            "committee",
            "document_kind",
            "dated_on",
            "paragraph",
            "response_by",
            "response_within_days",
            "follow_up_paragraphs",
            "follow_up_within_months",
            "follow_up_by",
            "upr_session_last_day",
        )
    )
    for row in rows.iterator(chunk_size=chunk_size):
        yield (
            row,
            DeadlineFacts(
                addressed_to_state=row["state_id"] is not None,
                issuer_kind=row["issuer_kind"],
                committee=row["committee"],
                document_kind=row["document_kind"],
                dated=row["dated_on"],
                paragraph=row["paragraph"] or "",
                response_by=row["response_by"],
                response_within_days=row["response_within_days"],
                follow_up_paragraphs=[str(number) for number in row["follow_up_paragraphs"] or []],
                follow_up_within_months=row["follow_up_within_months"],
                follow_up_by=row["follow_up_by"],
                upr_session_last_day=row["upr_session_last_day"],
            ),
        )


def late_by_days() -> DaysBetween:
    """A response's days after its target's response due date, as SQL: `Response.late_by_days`
    (which gives None rather than zero or less)."""
    return DaysBetween(F("date"), F("target__response_due"))


def responses_answered_late(responses: QuerySet[Response]) -> QuerySet[Response]:
    """Responses given after their target's response due date."""
    return responses.filter(date__gt=F("target__response_due"))


def responses_answered_in_time(responses: QuerySet[Response]) -> QuerySet[Response]:
    """Responses given on or before their target's response due date, or with none due."""
    return responses.filter(
        Q(target__response_due__isnull=True) | Q(date__lte=F("target__response_due"))
    )


def responses_with_late_by_days(responses: QuerySet[Response]) -> QuerySet[Response]:
    """Responses annotated `days_late`, as Response.late_by_days() gives it, in the same
    query."""
    return responses.annotate(
        days_late=Case(
            When(date__gt=F("target__response_due"), then=late_by_days()),
            default=None,
            output_field=models.IntegerField(),
        )
    )


def answered_late_stats(*, targets: QuerySet[Target]) -> dict:
    """How many addressees with a response due date answered, how many of them late and how
    late on average (days), in all and per addressee. The answer is a target's first
    response. One query."""
    first_answer = Subquery(
        Response.objects.filter(target=OuterRef("pk")).order_by("date", "pk").values("date")[:1]
    )
    late = Q(days_late__gt=0)
    return _answered_late(
        targets.filter(response_due__isnull=False)
        .alias(first_answer=first_answer)
        .filter(first_answer__isnull=False)
        .alias(days_late=DaysBetween(F("first_answer"), F("response_due")))
        .order_by()
        .values(addressee=Coalesce("state__code", "body__acronym"))
        .annotate(
            answered=Count("pk"),
            answered_late=Count("pk", filter=late),
            days_late=Sum("days_late", filter=late, default=0),
        )
        .order_by("addressee")
    )


def _answered_late(rows) -> dict:
    """answered_late_stats() from its rows per addressee, each with the days late summed."""
    rows = list(rows)
    answered_late = sum(row["answered_late"] for row in rows)
    days_late = sum(row["days_late"] for row in rows)
    return {
        "answered": sum(row["answered"] for row in rows),
        "answered_late": answered_late,
        "average_days_late": _average(days_late, answered_late),
        "by_addressee": [
            {
                "addressee": row["addressee"],
                "answered": row["answered"],
                "answered_late": row["answered_late"],
                "average_days_late": _average(row["days_late"], row["answered_late"]),
            }
            for row in rows
        ],
    }


def _average(days: int, answers: int) -> float | None:
    return round(days / answers, 1) if answers else None


def assessments_graded(
    assessments: QuerySet[Assessment],
    *,
    scale: str | None = None,
    raw_grades: list[str] | None = None,
    implementations: list[str] | None = None,
) -> QuerySet[Assessment]:
    """Assessments by the grade their source gave (on a scale) or by the common level."""
    if scale:
        assessments = assessments.filter(scale=scale)
    if raw_grades:
        assessments = assessments.filter(raw_grade__in=raw_grades)
    if implementations:
        assessments = assessments.filter(implementation__in=implementations)
    return assessments


def targets_with_latest_grade(
    targets: QuerySet[Target], *, scale: str, raw_grades: list[str]
) -> QuerySet[Target]:
    """Targets whose latest assessment gave one of `raw_grades` on `scale`."""
    return targets_with_latest_in(
        targets_with_latest_in(targets, Assessment, "scale", [scale]),
        Assessment,
        "raw_grade",
        raw_grades,
    )


def assessment_grade_counts(*, assessments: QuerySet[Assessment]) -> list[dict]:
    """How many assessments gave each grade of each scale, with the common level it maps to.
    One query."""
    return list(
        assessments.exclude(scale="")
        .order_by()
        .values("scale", "raw_grade", "implementation")
        .annotate(assessments=Count("pk"))
        .order_by("scale", "raw_grade")
    )
