"""The public pages: server-rendered, for anybody (while TRACKER_PUBLIC_READ is on), showing
only what website/selectors.py reads, through website/caching.py's gate."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_exempt

from campaigns.brief import full_citation
from recommendations.models import Body, State
from recommendations.selectors import recommendation_timelines
from watchlists.selectors import canonical_query
from website import selectors, tasks
from website.caching import public_page
from website.charts import draw


@public_page
def home(request):
    return render(
        request,
        "website/home.html",
        {
            "figures": selectors.headline_figures(),
            "responses": selectors.latest_responses(),
            "overdue": selectors.overdue_targets(),
            "campaigns": selectors.public_campaigns(request.user).order_by("name"),
            "charts": _page_charts(request, ["body", "year"]),
        },
    )


@public_page
def recommendation(request, pk: int):
    found = selectors.recommendation_page(pk)
    if found is None:
        raise Http404
    targets = selectors.with_timeline_rows(recommendation_timelines(found))
    return render(
        request,
        "website/recommendation.html",
        {
            "recommendation": found,
            "citation": full_citation(found),
            "targets": targets,
            "campaigns": selectors.recommendation_campaigns(found, request.user),
        },
    )


@public_page
def state(request, code: str):
    found = get_object_or_404(State, code=code.upper())
    return render(
        request,
        "website/addressee.html",
        {
            "addressee": found,
            **selectors.addressee_page(state=found),
            "charts": _page_charts(request, ["year", "body"], state=found.code),
        },
    )


@public_page
def body(request, acronym: str):
    found = get_object_or_404(Body, acronym=acronym)
    return render(
        request,
        "website/addressee.html",
        {
            "addressee": found,
            **selectors.addressee_page(body=found),
            **selectors.body_issued(found),
            "charts": _page_charts(request, ["year", "body"], addressee_body=found.acronym),
            "issued_charts": _page_charts(request, ["status", "addressee"], body=found.acronym),
        },
    )


@public_page
def document(request, pk: int):
    found = selectors.document_page(pk)
    if found is None:
        raise Http404
    return render(request, "website/document.html", {"document": found})


@public_page
def search(request):
    found = selectors.search(request.GET, recount=tasks.queue_recount)
    # What "Watch this search" saves: the filters, not the page.
    found["watch_query"] = canonical_query(request.GET.urlencode())
    if not found.get("counts_current", True):
        request.counted_before_last_write = True
    return render(request, "website/search.html", found, status=400 if found["errors"] else 200)


def _drawn(request, params, kinds) -> tuple[list, dict]:
    """The charts of `kinds` for the filters in `params`, each with its drawing."""
    found, errors = selectors.charts(params, kinds, recount=tasks.queue_recount)
    if not all(chart.current for chart in found):
        request.counted_before_last_write = True
    return [(chart, draw(chart)) for chart in found], errors


def _page_charts(request, kinds, **filters) -> list:
    """A page's own charts, filtered by its state or body: a row that exists, so no error."""
    return _drawn(request, selectors.chart_params(**filters), kinds)[0]


@public_page
def charts(request):
    drawn, errors = _drawn(request, request.GET, selectors.CHART_KINDS)
    return render(
        request,
        "website/charts.html",
        {"charts": drawn, "errors": errors, "form": selectors.chart_form(request.GET)},
        status=400 if errors else 200,
    )


def _one_chart(request, kind: str) -> dict:
    """The chart of `kind` and its drawing, or the filters' errors."""
    if kind not in selectors.CHART_KINDS:
        raise Http404
    drawn, errors = _drawn(request, request.GET, [kind])
    chart, drawing = drawn[0] if drawn else (None, None)
    return {"chart": chart, "drawing": drawing, "errors": errors}


# Other sites may frame this page, and only this one: every other page keeps
# X-Frame-Options: DENY (settings.X_FRAME_OPTIONS). The site sends no Content-Security-Policy,
# so no frame-ancestors rule needs lifting here.
@xframe_options_exempt
@public_page
def chart_embed(request, kind: str):
    found = _one_chart(request, kind)
    return render(
        request, "website/chart_embed.html", found, status=400 if found["errors"] else 200
    )


@public_page
def chart_svg(request, kind: str):
    found = _one_chart(request, kind)
    if found["errors"]:
        return HttpResponse(
            "\n".join(f"{name}: {' '.join(reasons)}" for name, reasons in found["errors"].items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    # The SVG's template is named .html so that makemessages reads its strings.
    return render(
        request,
        "website/charts/_svg.html",
        {**found, "standalone": True},
        content_type="image/svg+xml",
    )
