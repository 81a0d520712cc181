"""The public pages: server-rendered, for anybody (while TRACKER_PUBLIC_READ is on), showing
only what website/selectors.py reads."""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from campaigns.brief import full_citation
from recommendations.api.permissions import may_read
from recommendations.models import Body, State
from recommendations.selectors import overdue_targets, recommendation_timelines
from website import selectors


def readable(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_read(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@readable
def home(request):
    return render(
        request,
        "website/home.html",
        {
            "figures": selectors.headline_figures(),
            "responses": selectors.latest_responses(),
            "overdue": overdue_targets(),
            "campaigns": selectors.public_campaigns(request.user).order_by("name"),
        },
    )


@readable
def recommendation(request, pk: int):
    found = selectors.recommendation_page(pk)
    if found is None:
        raise Http404
    targets = recommendation_timelines(found)
    for target in targets:
        target.rows = selectors.timeline_rows(target)
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


@readable
def state(request, code: str):
    found = get_object_or_404(State, code=code.upper())
    return render(
        request,
        "website/addressee.html",
        {"addressee": found, **selectors.addressee_page(state=found)},
    )


@readable
def body(request, acronym: str):
    found = get_object_or_404(Body, acronym=acronym)
    return render(
        request,
        "website/addressee.html",
        {
            "addressee": found,
            **selectors.addressee_page(body=found),
            **selectors.body_issued(found),
        },
    )


@readable
def document(request, pk: int):
    found = selectors.document_page(pk)
    if found is None:
        raise Http404
    return render(request, "website/document.html", {"document": found})


@readable
def search(request):
    found = selectors.search(request.GET)
    return render(request, "website/search.html", found, status=400 if found["errors"] else 200)
