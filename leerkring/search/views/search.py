"""One search box over everything a person may see (issue "Dissemination" §4).

Every signed-in person may search; what they find is decided per source by
`search.selectors` with the apps' own rules, so the page itself needs no further check.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from .. import fulltext, selectors
from ..providers import SOURCES


@login_required
@require_http_methods(["GET", "HEAD"])
def search(request: HttpRequest) -> HttpResponse:
    q, trimmed = fulltext.query_clean(request.GET.get("q"))
    kind = request.GET.get("type", "")
    if kind not in SOURCES:
        kind = ""
    context = {
        "q": q,
        "trimmed": trimmed,
        "max_length": fulltext.MAX_QUERY_LENGTH,
        "kind": kind,
        "kind_label": SOURCES[kind].label if kind else "",
        "sources": SOURCES.values(),
        "searched": bool(fulltext.query_words(q)),
        "query_string": urlencode({"q": q, "type": kind}),
        "nav_section": "search",
    }
    if context["searched"]:
        context.update(
            selectors.search_results(
                user=request.user, q=q, kind=kind, page=request.GET.get("page")
            )
        )
    return render(request, "search/search.html", context)
