"""What the public pages read: only what anybody may see. Owners, watchers and assessment
authors are never read here; campaigns through Campaign.objects.visible_to(None) only.
Each page takes a fixed number of queries whatever the data's size (lists are bounded)."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import pgettext

from campaigns.models import Campaign
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
from recommendations.selectors import (
    recommendation_stats,
    recommendations_for_api,
    status_counts,
    targets_with_latest,
)
from recommendations.state_names import state_name
from recommendations.status import status_in

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


def latest_responses(limit: int = 10):
    return Response.objects.select_related(
        "target__state", "target__body", "target__recommendation__document"
    ).order_by("-date", "-pk")[:limit]


def recommendation_page(pk: int) -> Recommendation | None:
    return (
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


@dataclass(frozen=True)
class TimelineRow:
    date: date
    what: str  # what happened, in the reader's language
    word: str  # a status word's value, for its badge
    label: str
    detail: str = ""


def timeline_rows(target: Target) -> list[TimelineRow]:
    """A target's timeline (selectors.recommendation_timelines) as the page shows it."""
    rows = []
    for event in target.timeline:
        if isinstance(event, Response):
            document = event.document
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
    by_mechanism = (
        targets.order_by()
        .values("recommendation__issued_by__acronym", "recommendation__issued_by__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "recommendation__issued_by__acronym")
    )
    by_year = (
        targets.exclude(recommendation__issued_on=None)
        .order_by()
        .values("recommendation__issued_on__year")
        .annotate(count=Count("pk"))
        .order_by("recommendation__issued_on__year")
    )
    latest = (
        targets_with_latest(targets)
        .select_related("recommendation__document", "recommendation__issued_by")
        .order_by(F("recommendation__issued_on").desc(nulls_last=True), "-pk")[:LIST_MAX]
    )
    return {
        "total": targets.count(),
        # Each status as it reads today (status_on).
        "by_status": list(status_counts(targets, today=timezone.localdate()).items()),
        "by_mechanism": _with_bodies(list(by_mechanism)),
        "by_year": list(by_year),
        "targets": list(latest),
    }


def _with_bodies(rows: list[dict]) -> list[dict]:
    """Each row with its issuing body, for its name in the reader's language: one query."""
    bodies = Body.objects.in_bulk(
        [row["recommendation__issued_by__acronym"] for row in rows], field_name="acronym"
    )
    for row in rows:
        row["body"] = bodies.get(row["recommendation__issued_by__acronym"])
    return rows


def body_issued(body: Body) -> dict:
    """What a body issued: its documents with how many recommendations each holds."""
    return {
        "documents": list(
            Document.objects.filter(body=body)
            .annotate(count=Count("recommendations"))
            .order_by("-date", "symbol")[:LIST_MAX]
        ),
        "issued": Recommendation.objects.filter(issued_by=body).count(),
    }


def document_page(pk: int) -> Document | None:
    return (
        Document.objects.select_related("body", "state")
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


def search(params: QueryDict) -> dict:
    """The recommendations the API's filters match for `params`, a page of them, and the
    counts by status, state, issuing body, theme and year of all that match. A value that
    names nothing is an error naming its parameter, as in the API."""
    filterset = RecommendationFilterSet(
        params, queryset=recommendations_for_api(staff=False), request=None
    )
    if not filterset.is_valid():
        return {"errors": filterset.errors, "page": None, "facets": {}, "filters": []}
    paginator = Paginator(filterset.qs, SEARCH_PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    stats = recommendation_stats(
        recommendations=filterset.qs,
        targets=filterset.matching_targets(Target.objects.all()),
    )
    facets = {
        name: [
            {
                **bucket,
                "label": _facet_label(param, bucket),
                "url": "?" + _with(params, param, bucket[param]),
            }
            for bucket in stats[name][:FACET_VALUES]
        ]
        for name, param in FACETS.items()
    }
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
        for bucket in stats["by_year"]
    ]
    filters = [
        {"name": name, "value": value, "url": "?" + _without(params, name)}
        for name, value in params.items()
        if name not in ("page", "q") and value
    ]
    return {
        "errors": {},
        "page": page,
        "total": stats["recommendations"],
        "facets": facets,
        "filters": filters,
        "query": params.get("q", ""),
    }


FACET_VALUES = 12


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
