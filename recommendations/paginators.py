"""Django's paginator with the count of the matching rows cached until the next write.

At a million recommendations, counting the rows a filter or a search matches takes longer
than building the page of them: the API's lists and the admin's changelists count once per
data version (recommendations/data_version.py) and set of filters.
"""

from collections.abc import Iterable

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.functional import cached_property

from recommendations import data_version


class CachedCountPaginator(Paginator):
    def __init__(
        self, rows, per_page, *, name: str, params: QueryDict, paging: Iterable[str], **kwargs
    ):
        """`name` says whose list it is (the same parameters can mean other rows elsewhere);
        `params` are the request's query parameters, and those named in `paging` choose a page
        or an order of the rows, not which rows match: they are not part of the count's key."""
        super().__init__(rows, per_page, **kwargs)
        self.name = name
        self.matching = params.copy()
        for name in paging:
            self.matching.pop(name, None)

    @cached_property
    def count(self) -> int:
        return data_version.cached_read(
            f"count:{self.name}:{self.object_list.model._meta.label}",
            self.matching,
            lambda: Paginator.count.func(self),
        )
