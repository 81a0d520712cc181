"""Page numbers with a `count` by default; a cursor for harvesting large sets."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination

from recommendations.paginators import CachedCountPaginator

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# Parameters that choose a page of the matching rows, not which rows match.
PAGING_PARAMETERS = ("page", "page_size", "ordering", "format")


class NumberedPages(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def django_paginator_class(self, rows, per_page):
        return CachedCountPaginator(
            rows, per_page, name="api", params=self.request.query_params, paging=PAGING_PARAMETERS
        )


class CursorPages(CursorPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
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
                "description": (
                    "Cursor pages for harvesting: start with an empty value, then follow "
                    "`next`. Pages go by id; no `count`."
                ),
                "schema": {"type": "string"},
            },
        ]
