"""Django's paginator with the count of the matching rows cached until the next write.

At a million recommendations, counting the rows a filter or a search matches takes longer
than building the page of them: the API's lists and the admin's changelists count once per
data version (recommendations/data_version.py) and set of filters.

Pages by number stop at MAX_NUMBERED_ROWS: a page is read with OFFSET, which makes PostgreSQL
read and drop every row before it (page 18,000 of fifty at a million took 7.5 s). The API's
cursor pages go straight to their rows and reach every one. The admin's changelists count no
further than those pages reach (`counts_to_pages`): past them they say "more than".
"""

from collections.abc import Callable, Iterable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property

from recommendations import data_version

MAX_NUMBERED_ROWS = 10_000


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
        by_ids: Callable[[list[int]], QuerySet] | None = None,
        counts_to_pages: bool = False,
        **kwargs,
    ):
        """`name` says whose list it is (the same parameters can mean other rows elsewhere);
        `params` are the request's query parameters, and those named in `paging` choose a page
        or an order of the rows, not which rows match: they are not part of the count's key.
        A `count` the caller already has is taken as it is: it may have been made before the
        last write, so it sets the number of pages but never cuts a page short.

        `by_ids(ids)`: the rows of those ids, as the page shows them, without the filters
        that chose them. Given, a page reads its rows' ids first, then those rows (_rows()).

        `counts_to_pages`: count no more rows than the numbered pages reach, and one more to
        know there are more (`count_capped`). Just after a write, counting every match of a
        broad search took longer than its page at a million recommendations."""
        super().__init__(rows, per_page, **kwargs)
        self.name = name
        self.known_count = count
        self.by_ids = by_ids
        self.counts_to_pages = counts_to_pages
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
        """Rows `bottom` to `top`; with `by_ids`, their ids first, then them. Finding a page
        reads many rows (the filtered-out ones, the ones OFFSET skips, the ones sorted): as
        ids, they are read from covering indexes (newest first, a recommendation's date by its
        id); whole, each was a wide row from the table, and OFFSET made PostgreSQL build every
        row it skipped, the subqueries of its SELECT list included. The rows are then read
        by their ids alone: with the filters again, PostgreSQL ran them again too."""
        rows = self.object_list
        if self.by_ids is None or not isinstance(rows, QuerySet):
            return rows[bottom:top]
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = self.by_ids(ids).order_by().in_bulk()
        return [found[pk] for pk in ids if pk in found]

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        if self.counts_to_pages:
            name, counted = f"count-to-{MAX_NUMBERED_ROWS}:{self.name}", self._count_to_pages
        else:
            name, counted = f"count:{self.name}", lambda: Paginator.count.func(self)
        return data_version.cached_read(
            f"{name}:{self.object_list.model._meta.label}", self.matching, counted
        )

    def _count_to_pages(self) -> int:
        # Unordered: sorted, PostgreSQL would sort every match before it kept the first ones.
        # The ids alone: a changelist made DISTINCT (by a filter through the responses or the
        # themes, which can repeat a row) would otherwise hash every column of every match
        # before the LIMIT, where DISTINCT ids stop at the first ones.
        return self.object_list.order_by().values("pk")[: MAX_NUMBERED_ROWS + 1].count()

    @property
    def count_capped(self) -> bool:
        """Whether more rows match than the count went to: then it is MAX_NUMBERED_ROWS + 1."""
        return self.counts_to_pages and self.count > MAX_NUMBERED_ROWS

    @property
    def count_cap(self) -> int:
        return MAX_NUMBERED_ROWS
