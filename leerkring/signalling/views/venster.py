"""The venster: every signal a programme's communities passed on, in one table (report
§3.2.4). Coordinators work in it; the leads and facilitators of its communities consult it
read-only. It never shows people's names — the community is what matters here.

Filters, search, sort, view and page all live in the query string, so a view can be shared.
The page is a fixed number of queries whatever the number of signals.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from leerkring.core import id_lists
from leerkring.core.paging import KnownCountPaginator
from leerkring.search.selectors import RANK_CANDIDATES

from .. import permissions, search, selectors
from ..forms_venster import ThemeLinkForm, VensterFilterForm
from ._venster_common import programme_or_404

# Twenty rows keep the venster readable on a phone, where each row takes a screen's height;
# at a desk the coordinator may choose more rows per page.
SIGNALS_PER_PAGE = 20
PER_PAGE_CHOICES = (20, 50, 100)


def _per_page(request: HttpRequest) -> int:
    value = id_lists.as_key(request.GET.get("per_page", ""))
    return value if value in PER_PAGE_CHOICES else SIGNALS_PER_PAGE


_COLUMNS = [
    ("subject", _("Onderwerp"), ""),
    ("date", _("Datum"), "-"),
    ("community", _("Gemeenschap"), ""),
    ("level", _("Niveau van oplossing"), "-"),
    ("state", _("Status"), ""),
]


def _sort_columns(sort: str) -> dict[str, dict]:
    """Per sortable column: its heading, its aria-sort state and the sort its link asks for."""
    columns = {}
    for key, label, first in _COLUMNS:
        if sort == key:
            state, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "", f"{first}{key}"
        columns[key] = {"label": label, "aria_sort": state, "sort": next_sort}
    return columns


@login_required
def venster(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(slug)
    if not permissions.can_view_venster(request.user, programme):
        raise PermissionDenied
    can_manage = permissions.can_manage_venster(request.user, programme)
    form = VensterFilterForm.for_programme(request.GET, programme=programme)
    filters = form.filters()
    sort = filters.pop("sort", "")
    by_theme = filters.pop("view", "") == "themes"
    counts = selectors.venster_counts(programme=programme, **filters)
    groups = (
        selectors.venster_theme_groups(programme=programme, now=counts["as_of"], **filters)
        if by_theme
        else None
    )
    q = filters.get("q", "")
    capped = False
    # The table does not show the description; search snippets fetch it for their page.
    if search.query_words(q) and not by_theme:
        # As the API: the newest matches only, ranked; the page says when there were more.
        rest = {name: value for name, value in filters.items() if name != "q"}
        signals = selectors.venster_search(
            programme=programme, q=q, sort=sort, defer=("description",), **rest
        )
        capped, count = signals.capped, signals.count()
    else:
        signals = selectors.venster_rows(
            programme=programme,
            counts=counts,
            sort=sort,
            group_by_theme=by_theme,
            groups=groups,
            defer=("description",),
            **filters,
        )
        count = len(signals) if isinstance(signals, selectors.SegmentedRows) else counts["matching"]
    per_page = _per_page(request)
    # The (cached) state counts above the table already hold the count, so the table does
    # not scan the signals a second time to count them.
    page = KnownCountPaginator(signals, per_page, count=count).get_page(request.GET.get("page"))
    search.attach_snippets(page.object_list, q)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "counts": counts,
        "groups": groups,
        "by_theme": by_theme,
        "columns": _sort_columns(sort),
        "filtered": bool(filters),
        # Open while a filter is in use, or when one was refused (its message inside).
        "more_filters": any(name != "q" for name in (*filters, *form.errors)),
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "per_page_default": SIGNALS_PER_PAGE,
        "active_state": filters.get("state", ""),
        "searching": bool(search.query_words(q)),
        "capped": capped,
        "rank_candidates": RANK_CANDIDATES,
        "full_text": search.is_full_text(),
        "can_manage": can_manage,
        "link_form": (
            ThemeLinkForm(programme=programme, initial={"next": request.get_full_path()})
            if can_manage and form.themes
            else None
        ),
        "feedback_days": selectors.feedback_deadline_days(programme),
        "nav_section": "programme",
        "current_programme": programme,
        "venster_tab": "venster",
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "signalling/partials/venster_results.html", context)
    return render(request, "signalling/venster.html", context)
