"""Page-number pagination: `?page=2&page_size=100`, at most 100 a page.

Every list answers `{"count", "next", "previous", "results"}`. Pages rather than cursors,
because the venster's order (waiting for feedback first, then the newest) is the page's order
and its page counts come from the cached overview figures, not from a second scan.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from leerkring.core.paging import KnownCountPaginator
from leerkring.search.selectors import RANK_CANDIDATES


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    page_size_query_description = "Results per page (at most 100)."
    page_query_description = "Page number, from 1."

    def paginate_known(self, rows, request, view=None, *, count: int):
        """Like `paginate_queryset`, for rows whose total is known already."""
        self.django_paginator_class = lambda *a, **k: KnownCountPaginator(*a, count=count, **k)
        try:
            return self.paginate_queryset(rows, request, view)
        finally:
            del self.django_paginator_class

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise NotFound(_("Deze pagina bestaat niet.")) from error


class SearchPagination(PagePagination):
    """Pages of a list that a search may cap (the venster): beside the count, `capped` says
    whether the search found more than its `RANK_CANDIDATES` newest matches, of which only
    those were ranked and are listed, as the search page says "more than 200"."""

    capped = False

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "capped": self.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        described["properties"] = {
            "count": properties["count"],
            "capped": {
                "type": "boolean",
                "description": (
                    f"True when a search (`q`) matched more than {RANK_CANDIDATES} signals: only "
                    f"the newest {RANK_CANDIDATES} are ranked and listed (and counted); a sharper "
                    "query finds older ones."
                ),
            },
            **{key: value for key, value in properties.items() if key != "count"},
        }
        described["required"] = ["count", "capped", "results"]
        return described
