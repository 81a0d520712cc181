"""Django's paginator with the count of the matching rows cached until the next write.

At a million recommendations, counting the rows a filter or a search matches takes longer
than building the page of them: the API's lists and the admin's changelists count once per
data version (recommendations/data_version.py) and set of filters.

Pages by number stop at MAX_NUMBERED_ROWS: a page is read with OFFSET, which makes PostgreSQL
read and drop every row before it (page 18,000 of fifty at a million took 7.5 s). The API's
cursor pages go straight to their rows and reach every one.
"""

from collections.abc import Iterable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property

from recommendations import data_version

MAX_NUMBERED_ROWS = 10_000
# OFFSET makes PostgreSQL build every row it skips, with the subqueries of its SELECT list
# (the API's related codes and names): from this row on, a page reads the ids of its rows
# first, from the index alone, then those rows. Before it, the rows skipped cost less than
# one more query.
IDS_FIRST_FROM_ROW = 200


def last_numbered_page(per_page: int) -> int:
    return max(1, MAX_NUMBERED_ROWS // per_page)


class CachedCountPaginator(Paginator):
    def __init__(
        self,
        rows,
        per_page,
        *,
        name: str,
        params: QueryDict,
        paging: Iterable[str],
        count: int | None = None,
        **kwargs,
    ):
        """`name` says whose list it is (the same parameters can mean other rows elsewhere);
        `params` are the request's query parameters, and those named in `paging` choose a page
        or an order of the rows, not which rows match: they are not part of the count's key.
        A `count` the caller already has is taken as it is: it may have been made before the
        last write, so it sets the number of pages but never cuts a page short."""
        super().__init__(rows, per_page, **kwargs)
        self.name = name
        self.known_count = count
        self.matching = params.copy()
        for name in paging:
            self.matching.pop(name, None)

    def allows(self, number: int) -> bool:
        """Whether page `number` ends within the first MAX_NUMBERED_ROWS rows."""
        return number <= last_numbered_page(self.per_page)

    @cached_property
    def num_pages(self) -> int:
        # The last page offered (a changelist's links, the API's `next` and `page=last`) is
        # the last one allowed.
        return min(Paginator.num_pages.func(self), last_numbered_page(self.per_page))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.known_count is None and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int):
        """Rows `bottom` to `top`; from IDS_FIRST_FROM_ROW on, their ids first, then them."""
        rows = self.object_list
        if bottom < IDS_FIRST_FROM_ROW or not isinstance(rows, QuerySet):
            return rows[bottom:top]
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = rows.filter(pk__in=ids).order_by().in_bulk()
        return [found[pk] for pk in ids if pk in found]

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return data_version.cached_read(
            f"count:{self.name}:{self.object_list.model._meta.label}",
            self.matching,
            lambda: Paginator.count.func(self),
        )
