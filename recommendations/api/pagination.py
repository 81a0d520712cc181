"""Page numbers with a `count` by default; a cursor for harvesting large sets."""

from django.utils.translation import gettext
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination

from recommendations import paginators
from recommendations.paginators import CachedCountPaginator
from recommendations.selectors import search_pages

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# Parameters that choose a page of the matching rows, not which rows match.
PAGING_PARAMETERS = ("page", "page_size", "ordering", "format")


class PageSizeMixin:
    """`page_size`: a whole number from 1; more than MAX_PAGE_SIZE gets MAX_PAGE_SIZE. DRF
    would serve the default size for `page_size=abc`; a client's mistake is a 400 here."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        try:
            size = int(asked) if asked.isascii() and asked.isdigit() else 0
        except ValueError:
            # More digits than Python converts: far over the maximum.
            size = self.max_page_size
        if size < 1:
            raise ValidationError({self.page_size_query_param: [gettext("A whole number from 1.")]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = gettext("Rows per page, at most %(max)d.") % {
                    "max": self.max_page_size
                }
        return parameters


def past_numbered_pages_message(page_size: int) -> str:
    return gettext(
        "`page` numbers stop at row %(rows)s (page %(last)s at %(size)s rows a page). To "
        "read further, use `cursor=`: start with an empty cursor and follow `next`."
    ) % {
        "rows": f"{paginators.MAX_NUMBERED_ROWS:,}",
        "last": paginators.last_numbered_page(page_size),
        "size": page_size,
    }


class NumberedPages(PageSizeMixin, PageNumberPagination):
    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = gettext(
                    "A page number. Pages by number stop at row %(rows)s (page * page_size); "
                    "past it the answer is a 404: use `cursor` to read further."
                ) % {"rows": f"{paginators.MAX_NUMBERED_ROWS:,}"}
        return parameters

    def get_page_number(self, request, paginator):
        # An empty page number names no page: a 404, as `page=abc` is, not page 1 quietly.
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)
        number = super().get_page_number(request, paginator)
        # Checked before the rows are counted: a page past the cap costs no query. A number
        # of more digits than any page allowed is past it, and never given to int(), which
        # refuses strings of thousands of digits.
        # Spaces, a sign and other scripts' digits are read as Django's paginator reads them.
        digits = str(number).strip().lstrip("+").lstrip("0")
        if digits.isdecimal() and (len(digits) > 9 or not paginator.allows(int(digits))):
            raise NotFound(past_numbered_pages_message(paginator.per_page))
        return number

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, rows, per_page):
        # A list's rows before any filter: what a page shows of each (paginators.py). Another
        # action may page other rows than the view's (a watchlist's events): read as they are.
        listed = getattr(self.view, "action", None) == "list"
        unfiltered = self.view.get_queryset() if listed else None
        if unfiltered is not None and unfiltered.model is not rows.model:
            unfiltered = None
        return CachedCountPaginator(
            search_pages(rows),
            per_page,
            name="api",
            params=self.request.query_params,
            paging=PAGING_PARAMETERS,
            by_ids=None if unfiltered is None else lambda ids: unfiltered.filter(pk__in=ids),
        )


class CursorPages(PageSizeMixin, CursorPagination):
    # Creation order: a harvest resumed later picks up the rows added since, and a row
    # added during a harvest neither shifts nor repeats the pages.
    ordering = "pk"

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # The position is compared with the primary key: a forged one must not reach the query.
        if cursor is not None and cursor.position is not None and not cursor.position.isdigit():
            raise NotFound(self.invalid_cursor_message)
        return cursor


class PageOrCursorPagination(BasePagination):
    """Numbered pages (`page`, `page_size`, with `count`); `cursor` switches to cursor pages.

    Start a harvest with an empty `?cursor=` and follow `next` until it is null. Cursor
    pages go by id, whatever `ordering` says, so no row is missed or repeated.
    """

    def paginate_queryset(self, queryset, request, view=None):
        if CursorPages.cursor_query_param in request.query_params:
            # Cursor pages take no page number, but a page that is not one is still the
            # 404 it is on numbered pages, not silently ignored.
            page = request.query_params.get(NumberedPages.page_query_param, "1")
            if not (page.isascii() and page.isdigit()):
                raise NotFound(NumberedPages.invalid_page_message.format(page_number=page))
            self.pages = CursorPages()
        else:
            self.pages = NumberedPages()
        return self.pages.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.pages.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "How many match; numbered pages only.",
                },
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            *NumberedPages().get_schema_operation_parameters(view),
            {
                "name": CursorPages.cursor_query_param,
                "required": False,
                "in": "query",
                "description": gettext(
                    "Cursor pages for harvesting: start with an empty value, then follow "
                    "`next`. Pages go by id; no `count`."
                ),
                "schema": {"type": "string"},
            },
        ]
