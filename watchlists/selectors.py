"""Reads of the watchlists: the query a watchlist saves, checked and run by the API's own
FilterSets."""

from django.http import QueryDict
from django.utils.translation import gettext

from recommendations.api.filters import (
    RecommendationFilterSet,
    RecommendationsAndTargetsFilterSet,
    TargetFilterSet,
)
from watchlists.choices import Resource

FILTERSETS: dict[str, type[RecommendationsAndTargetsFilterSet]] = {
    Resource.RECOMMENDATIONS: RecommendationFilterSet,
    Resource.TARGETS: TargetFilterSet,
}
# How a list is shown, not what it matches: a saved query may carry them (copied from a
# browser's address bar), and they are left out.
PRESENTATION_PARAMETERS = frozenset({"ordering", "page", "cursor", "page_size", "format"})


def query_filterset(*, resource: str, query: str) -> RecommendationsAndTargetsFilterSet:
    """The list's FilterSet bound to the saved query, as the API binds a request's."""
    filterset_class = FILTERSETS[resource]
    params = QueryDict(query, mutable=True)
    for name in PRESENTATION_PARAMETERS:
        params.pop(name, None)
    return filterset_class(params, queryset=filterset_class._meta.model.objects.all(), request=None)


def query_errors(*, resource: str, query: str) -> list[str]:
    """What is wrong with a query, one sentence per parameter, naming it; none if it is good.

    The same checks as the API's list (a value that names nothing is refused), and two of a
    saved search's own: every parameter is one of the list's filters (a typo would watch
    everything), and at least one is given."""
    filterset = query_filterset(resource=resource, query=query)
    params = filterset.data
    known = set(filterset.base_filters) - PRESENTATION_PARAMETERS
    errors = [
        gettext("%(parameter)s: not a filter of this list.") % {"parameter": name}
        for name in sorted(set(params) - known)
    ]
    if not any(value for name, value in params.items() if name in known):
        errors.append(gettext("Give at least one filter: a watchlist of everything is too much."))
    if not filterset.is_valid():
        errors += [
            gettext("%(parameter)s: %(reason)s") % {"parameter": name, "reason": reason}
            for name, reasons in filterset.errors.items()
            for reason in reasons
        ]
    return errors
