"""What the public pages read: only what anybody may see, whoever reads them (staff work in
the admin). Staff-only fields are never read here; private documents and sources are
withheld by recommendations/visibility.py, and campaigns are read through
Campaign.objects.visible_to(). Each page takes a fixed number of queries whatever the
data's size (lists are bounded)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from campaigns.models import Campaign
from recommendations import data_version, visibility
from recommendations.api.filters import RecommendationFilterSet
from recommendations.choices import TargetStatus
from recommendations.models import (
    Assessment,
    Body,
    Document,
    Recommendation,
    Response,
    State,
    Target,
)
from recommendations.paginators import CachedCountPaginator
from recommendations.selectors import overdue_targets as shared_overdue_targets
from recommendations.selectors import (
    recommendation_stats,
    recommendations_for_api,
    search_excerpts,
    search_pages,
    search_parsed,
    status_counts,
    targets_with_latest,
)
from recommendations.state_names import state_name
from recommendations.status import status_in, status_on_expression
from website.charts import STATUS_LOOK, Bucket, ChartData

LIST_MAX = 50


def public_campaigns(user=None):
    return Campaign.objects.visible_to(user)


def headline_figures() -> dict:
    today = timezone.localdate()
    return {
        "recommendations": Recommendation.objects.count(),
        "targets": Target.objects.count(),
        "overdue": Target.objects.filter(
            status_in([TargetStatus.RESPONSE_OVERDUE], today=today)
        ).count(),
        "campaigns": public_campaigns().count(),
    }


def latest_responses(limit: int = 10) -> list[Response]:
    responses = Response.objects.select_related(
        "target__state", "target__body", "target__recommendation__document"
    ).order_by("-date", "-pk")[:limit]
    visibility.redacted(response.target.recommendation for response in responses)
    return visibility.redacted(responses)


def overdue_targets(limit: int = 10) -> list[Target]:
    """The longest overdue first (selectors.overdue_targets), a private document withheld."""
    return _shown_with_recommendation(shared_overdue_targets(limit))


def _shown_with_recommendation(targets) -> list[Target]:
    """Targets shown with their recommendation's document: a private one withheld."""
    targets = list(targets)
    visibility.redacted(target.recommendation for target in targets)
    return targets


def recommendation_page(pk: int) -> Recommendation | None:
    found = (
        Recommendation.objects.select_related("document__body", "issued_by", "reiterates__document")
        .prefetch_related(
            "recommending_states",
            "organizations",
            "themes",
            Prefetch("reiterated_by", queryset=Recommendation.objects.select_related("document")),
        )
        .filter(pk=pk)
        .first()
    )
    if found is not None:
        related = [found.reiterates] if found.reiterates else []
        visibility.redacted([found, *related, *found.reiterated_by.all()])
    return found


@dataclass(frozen=True)
class TimelineRow:
    date: date
    what: str  # what happened, in the reader's language
    word: str  # a status word's value, for its badge
    label: str
    detail: str = ""


def with_timeline_rows(targets: list[Target]) -> list[Target]:
    """Each target (selectors.recommendation_timelines) with `rows`, its timeline as the page
    shows it: the private documents read once for them all."""
    private = visibility.private_document_ids()
    for target in targets:
        target.rows = _timeline_rows(target, private)
    return targets


def _timeline_rows(target: Target, private: frozenset[int]) -> list[TimelineRow]:
    rows = []
    for event in target.timeline:
        if isinstance(event, Response):
            document = None if event.document_id in private else event.document
            rows.append(
                TimelineRow(
                    event.date,
                    pgettext("timeline", "answered"),
                    event.position,
                    event.get_position_display(),
                    (document.symbol or document.title) if document else "",
                )
            )
        elif isinstance(event, Assessment):
            rows.append(
                TimelineRow(
                    event.assessed_on,
                    pgettext("timeline", "assessed"),
                    event.implementation,
                    event.get_implementation_display(),
                    event.raw_grade,
                )
            )
        else:
            status = TargetStatus(event.status)
            rows.append(
                TimelineRow(
                    event.date, pgettext("timeline", "status became"), status.value, status.label
                )
            )
    return rows


def recommendation_campaigns(recommendation: Recommendation, user=None):
    return public_campaigns(user).filter(links__recommendation=recommendation).order_by("name")


def addressee_page(*, state: State | None = None, body: Body | None = None) -> dict:
    """A state's or a body's record: what it was asked, by which mechanisms, how it answered."""
    addressed = Q(state=state) if state else Q(body=body)
    targets = Target.objects.filter(addressed)
    latest = (
        targets_with_latest(targets.filter(recommendation__in=_newest_addressed(targets)))
        .select_related("recommendation__document", "recommendation__issued_by")
        .defer(*(f"recommendation__{column}" for column in Recommendation.SEARCH_COLUMNS))
        .order_by(F("recommendation__issued_on").desc(nulls_last=True), "-recommendation_id")[
            :LIST_MAX
        ]
    )
    return {
        "total": targets.count(),
        # Each status as it reads today (status_on).
        "by_status": list(status_counts(targets, today=timezone.localdate()).items()),
        "targets": _shown_with_recommendation(latest),
    }


def _newest_addressed(targets: QuerySet[Target]) -> QuerySet:
    """The ids of the LIST_MAX newest recommendations of `targets`, and of as many undated
    ones, for the page to keep the newest LIST_MAX of, the undated last.

    Sorted undated last in one query, PostgreSQL read every target of a busy state and its
    recommendation's date, then sorted them all. The dated ones are found by walking the
    recommendations newest first (recommendation_newest), each probed for a target of the
    addressee, until there are enough; the undated ones from the same index's NULLs."""
    ids = targets.values("recommendation_id")
    dated = ids.filter(recommendation__issued_on__isnull=False).order_by(
        "-recommendation__issued_on", "-recommendation_id"
    )
    undated = ids.filter(recommendation__issued_on__isnull=True).order_by("-recommendation_id")
    return dated[:LIST_MAX].union(undated[:LIST_MAX], all=True)


def body_issued(body: Body) -> dict:
    """What a body issued: its documents with how many recommendations each holds."""
    return {
        "documents": list(
            visibility.readable_documents(None, Document.objects.filter(body=body))
            .annotate(count=Count("recommendations"))
            .order_by("-date", "symbol")[:LIST_MAX]
        ),
        "issued": Recommendation.objects.filter(issued_by=body).count(),
    }


def document_page(pk: int) -> Document | None:
    return (
        visibility.readable_documents(None)
        .select_related("body", "state")
        .prefetch_related(
            "organizations",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related(
                    Prefetch(
                        "targets",
                        queryset=Target.objects.select_related("state", "body").order_by("pk"),
                    )
                ).order_by("paragraph", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


# Search: the API's recommendation filters over the same rows, with facets.

SEARCH_PAGE_SIZE = 25
FACETS = {
    "by_status": "status",
    "by_state": "state",
    "by_body": "body",
    "by_theme": "theme",
}


def search(params: QueryDict, recount: Callable[[str, str, str], object]) -> dict:
    """The recommendations the API's filters match for `params`, a page of them, and the
    counts by status, state, issuing body, theme and year of all that match. A value that
    names nothing is an error naming its parameter, as in the API.

    The counts are data_version.lasting_read()'s: just after a write, the last ones counted
    for the same filters, with recount() given their query string to queue counting them
    again (recounted()); the page then says they are being counted."""
    filterset = _api_filters(params)
    if not filterset.is_valid():
        return {"errors": filterset.errors, "page": None, "facets": {}, "filters": []}
    counts = _lasting(SEARCH_COUNTS, filterset, params, recount)
    paginator = CachedCountPaginator(
        search_pages(filterset.qs),
        SEARCH_PAGE_SIZE,
        name="search",
        params=params,
        paging=("page",),
        count=counts.value["total"],
        by_ids=lambda ids: recommendations_for_api(staff=False).filter(pk__in=ids),
    )
    page = paginator.get_page(params.get("page"))
    page.object_list = visibility.redacted(page.object_list)
    terms = filterset.form.cleaned_data.get("q")
    searched = search_parsed(terms) if terms else None
    if terms:
        search_excerpts(page.object_list, terms)
    facets = {
        name: [
            {
                **bucket,
                "label": _facet_label(param, bucket),
                "url": "?" + _with(params, param, bucket[param]),
            }
            for bucket in counts.value[name][:FACET_VALUES]
        ]
        for name, param in FACETS.items()
    }
    # Counts made before the last write may name a campaign made private since.
    public = set(
        Campaign.objects.filter(
            public=True, slug__in=[bucket["slug"] for bucket in counts.value["by_campaign"]]
        ).values_list("slug", flat=True)
    )
    facets["by_campaign"] = [
        {**bucket, "url": "?" + _with(params, "campaign", bucket["slug"])}
        for bucket in counts.value["by_campaign"]
        if bucket["slug"] in public
    ]
    facets["by_year"] = [
        {
            **bucket,
            "url": "?"
            + _with(
                _with_dict(params, "issued_on_after", f"{bucket['year']}-01-01"),
                "issued_on_before",
                f"{bucket['year']}-12-31",
            ),
        }
        for bucket in counts.value["by_year"]
    ]
    filters = [
        {"name": name, "value": value, "url": "?" + _without(params, name)}
        for name, value in params.items()
        if name not in ("page", "q") and value
    ]
    return {
        "errors": {},
        "page": page,
        "total": counts.value["total"],
        "counts_current": counts.current,
        "counted_at": counts.counted_at,
        "facets": facets,
        "filters": filters,
        "query": params.get("q", ""),
        # What a query in Korean or Chinese searched, in English.
        "searched": searched if searched and searched.translated else None,
    }


SEARCH_COUNTS = "search-counts"


def _lasting(
    name: str,
    filterset: RecommendationFilterSet,
    params: QueryDict,
    recount: Callable[[str, str, str], object],
    version: str | None = None,
) -> data_version.Counted:
    """COUNTED[name] over what `filterset` matches, as data_version.lasting_read() reads it
    (under `version`, if given); recount(name, query, version) queues its count after a
    write."""
    matching = _matching(params)
    return data_version.lasting_read(
        name,
        matching,
        lambda: COUNTED[name](filterset),
        lambda queued_at: recount(name, matching.urlencode(), queued_at),
        version,
    )


def recounted(name: str, query: str, version: str) -> None:
    """Count COUNTED[name] for `query` now, for the pages to read (the worker's task),
    unless a write since replaced `version`."""
    params = QueryDict(query)
    filterset = _api_filters(params)
    if name in COUNTED and filterset.is_valid():
        data_version.counted(
            name, _matching(params), lambda: COUNTED[name](filterset), queued_at=version
        )


def _matching(params: QueryDict) -> QueryDict:
    """The parameters that choose which recommendations match: not the page, nor the order."""
    matching = params.copy()
    for name in ("page", "ordering"):
        matching.pop(name, None)
    return matching


def _search_counts(filterset: RecommendationFilterSet) -> dict:
    stats = recommendation_stats(
        recommendations=filterset.qs,
        targets=filterset.matching_targets(Target.objects.all()),
        breakdowns_only=True,
    )
    return {
        "total": stats["recommendations"],
        **{name: stats[name] for name in (*FACETS, "by_year")},
        "by_campaign": _campaign_counts(filterset.qs),
    }


FACET_VALUES = 12


def _campaign_counts(recommendations: QuerySet[Recommendation]) -> list[dict]:
    """How many of `recommendations` each public campaign follows, the most first: one query."""
    return list(
        Campaign.objects.filter(public=True, links__recommendation__in=recommendations)
        .values("slug", "name")
        .annotate(recommendations=Count("links"))
        .order_by("-recommendations", "name")[:FACET_VALUES]
    )


def _api_filters(params: QueryDict) -> RecommendationFilterSet:
    """The API's recommendation filters over what an anonymous client of the API reads."""
    return RecommendationFilterSet(
        params, queryset=recommendations_for_api(staff=False), request=None
    )


def _facet_label(param: str, bucket: dict) -> str:
    """A facet value as the reader reads it: a status's word, a state's name in their
    language; a body's and a theme's names are data, in English."""
    if param == "status":
        return TargetStatus(bucket["status"]).label
    if param == "state":
        return state_name(bucket["state"]) or bucket["name"]
    return bucket["name"]


def _with_dict(params: QueryDict, name: str, value) -> QueryDict:
    copy = params.copy()
    copy[name] = str(value)
    copy.pop("page", None)
    return copy


def _with(params: QueryDict, name: str, value) -> str:
    return _with_dict(params, name, value).urlencode()


def _without(params: QueryDict, name: str) -> str:
    copy = params.copy()
    copy.pop(name, None)
    copy.pop("page", None)
    return copy.urlencode()


# Charts: the targets the API's filters match, counted by their status today in buckets (an
# issuing body, an addressee, a theme, a year). One grouped query per chart, and one for the
# bodies' names where bodies are the buckets, whatever the number of bars.

CHART_BARS_MAX = 15


def charts(
    params: QueryDict, kinds: Iterable[str], recount: Callable[[str, str, str], object]
) -> tuple[list[ChartData], dict]:
    """The charts of `kinds` over what the API's recommendation filters match for `params`,
    or the filters' errors, each naming its parameter. Their counts are lasting_read()'s, as
    a search's are (search()): just after a write, the last ones, marked, with recount()
    queueing them."""
    filterset = _api_filters(params)
    if not filterset.is_valid():
        return [], filterset.errors
    query = _without(params, "page")
    version = data_version.data_version()
    drawn = []
    for kind in kinds:
        rows = _lasting(f"chart:{kind}", filterset, params, recount, version)
        chart = CHART_KINDS[kind].chart(kind, rows.value, query)
        chart.counted_at, chart.current = rows.counted_at, rows.current
        drawn.append(chart)
    return drawn, {}


def chart_params(**filters: str) -> QueryDict:
    """The filters of a page's charts, as the query string of their embed and image URLs."""
    params = QueryDict(mutable=True)
    params.update(filters)
    return params


CHART_FORM = (
    "q",
    "state",
    "addressee_body",
    "body",
    "theme",
    "status",
    "issued_on_after",
    "issued_on_before",
)


def chart_form(params: QueryDict) -> dict:
    """The filters the charts page asks for, each labelled by the API's own description of
    it; any other filter of the API given is kept as it is."""
    filters = RecommendationFilterSet.base_filters
    return {
        "fields": [
            {
                "name": name,
                "label": filters[name].extra["help_text"],
                "value": params.get(name, ""),
                "choices": TargetStatus.choices if name == "status" else None,
            }
            for name in CHART_FORM
        ],
        "hidden": [
            (name, value)
            for name, value in params.items()
            if name not in CHART_FORM and name != "page"
        ],
    }


def _counted(targets: QuerySet[Target], *keys: str, **annotations) -> list[dict]:
    return list(
        targets.order_by()
        .annotate(**annotations, status_today=status_on_expression(today=timezone.localdate()))
        .values(*keys, "status_today")
        .annotate(count=Count("pk"))
    )


def _bucketed(rows: list[dict], key) -> dict:
    """Each key's counts by status; rows without a key (no body, no theme, no date) left out."""
    buckets: dict = {}
    for row in rows:
        if key(row) is not None:
            counts = buckets.setdefault(key(row), {})
            counts[TargetStatus(row["status_today"])] = row["count"]
    return buckets


def _chart(kind: str, buckets: list[Bucket], query: str, left_out: int = 0) -> ChartData:
    named = CHART_KINDS[kind]
    return ChartData(
        kind, str(named.title), str(named.bucket_name), buckets, query=query, left_out=left_out
    )


def _largest(kind: str, buckets: list[Bucket], query: str) -> ChartData:
    buckets = sorted(buckets, key=lambda bucket: (-bucket.total, bucket.label))
    return _chart(
        kind, buckets[:CHART_BARS_MAX], query, left_out=max(0, len(buckets) - CHART_BARS_MAX)
    )


def _by_status(kind: str, rows: list[dict], query: str) -> ChartData:
    counts = _bucketed(rows, lambda row: row["status_today"])
    buckets = [
        Bucket(str(status.label), {status: counts[status][status]}, status=status)
        for status in STATUS_LOOK
        if status in counts
    ]
    return _chart(kind, buckets, query)


def _body_buckets(counts: dict) -> list[Bucket]:
    bodies = Body.objects.in_bulk(list(counts))
    return [
        Bucket(
            body.localized_name(),
            counts[pk],
            url=reverse("website:body", args=[body.acronym]),
        )
        for pk, body in bodies.items()
    ]


def _by_body(kind: str, rows: list[dict], query: str) -> ChartData:
    return _largest(
        kind,
        _body_buckets(_bucketed(rows, lambda row: row["recommendation__issued_by"])),
        query,
    )


def _by_addressee(kind: str, rows: list[dict], query: str) -> ChartData:
    by_state = _bucketed(rows, lambda row: row["state__code"])
    names = {row["state__code"]: row["state__name"] for row in rows}
    states = [
        Bucket(
            state_name(code) or names[code],
            counts,
            url=reverse("website:state", args=[code]),
        )
        for code, counts in by_state.items()
    ]
    return _largest(kind, states + _body_buckets(_bucketed(rows, lambda row: row["body"])), query)


def _by_theme(kind: str, rows: list[dict], query: str) -> ChartData:
    names = {
        row["recommendation__themes__slug"]: row["recommendation__themes__name"] for row in rows
    }
    themes = [
        # A theme's name is data, in English.
        Bucket(
            names[slug],
            counts,
            url=reverse("website:search") + "?" + urlencode({"theme": slug}),
            lang="en",
        )
        for slug, counts in _bucketed(rows, lambda row: row["recommendation__themes__slug"]).items()
    ]
    return _largest(kind, themes, query)


def _by_year(kind: str, rows: list[dict], query: str) -> ChartData:
    years = _bucketed(rows, lambda row: row["year"])
    return _chart(kind, [Bucket(str(year), years[year]) for year in sorted(years)], query)


@dataclass(frozen=True)
class ChartKind:
    title: str
    bucket_name: str  # the table's first column
    # The grouped counts of the matching targets (what lasts in the cache), in any language.
    rows: Callable[[QuerySet[Target]], list[dict]]
    # The chart of those rows, in the reader's language.
    chart: Callable[[str, list[dict], str], ChartData]


CHART_KINDS = {
    "status": ChartKind(
        _("Recommendations by status"), _("Status"), lambda targets: _counted(targets), _by_status
    ),
    "body": ChartKind(
        _("Status by issuing body"),
        _("Issuing body"),
        lambda targets: _counted(targets, "recommendation__issued_by"),
        _by_body,
    ),
    "addressee": ChartKind(
        _("Status by addressee"),
        _("Addressee"),
        lambda targets: _counted(targets, "state__code", "state__name", "body"),
        _by_addressee,
    ),
    "theme": ChartKind(
        _("Status by theme"),
        _("Theme"),
        lambda targets: _counted(
            targets, "recommendation__themes__slug", "recommendation__themes__name"
        ),
        _by_theme,
    ),
    "year": ChartKind(
        _("Status over time, by year of issue"),
        _("Year"),
        lambda targets: _counted(targets, "year", year=ExtractYear("recommendation__issued_on")),
        _by_year,
    ),
}

# What lasting_read() keeps, by name: each computed over what a filter set matches.
COUNTED: dict[str, Callable[[RecommendationFilterSet], object]] = {
    SEARCH_COUNTS: _search_counts,
    **{
        f"chart:{kind}": (
            lambda filterset, kind=kind: CHART_KINDS[kind].rows(
                filterset.matching_targets(Target.objects.all())
            )
        )
        for kind in CHART_KINDS
    },
}
