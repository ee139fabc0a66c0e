"""The knowledge view across communities (issue "Dissemination" §3): "what are the other
communities working on?" — per community its theme, recent topics, and what it chose to share.

Only shape and shared things reach this page (DESIGN.md §2); `selectors.knowledge_entries`
decides what that is. The page is paged by community so it stays fast at national scale.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from leerkring.communities.models import Programme

from .. import permissions, selectors
from ..forms_products import KnowledgeFilterForm

COMMUNITIES_PER_PAGE = 20


@login_required
@require_http_methods(["GET", "HEAD"])
def knowledge(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_knowledge(request.user, programme):
        raise PermissionDenied
    form = KnowledgeFilterForm(request.GET or None, programme=programme)
    filters = form.filters() if request.GET else {}
    communities = selectors.knowledge_communities(
        programme=programme,
        topic=filters.get("topic", ""),
        community_id=filters.get("community"),
    )
    paginator = Paginator(communities, COMMUNITIES_PER_PAGE)
    count = selectors.knowledge_count(
        programme=programme, topic=filters.get("topic", ""), community_id=filters.get("community")
    )
    if count is not None:
        # The kept count, not a count of every community of the programme.
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    entries = selectors.knowledge_entries(programme=programme, communities=list(page.object_list))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "dissemination/knowledge.html",
        {
            "programme": programme,
            "form": form,
            "page": page,
            "entries": entries,
            "one_community": bool(filters.get("community")),
            "filtered": bool(filters),
            "query_string": urlencode(query),
            "can_view_catalogue": permissions.can_view_catalogue(request.user, programme),
            "topic_days": selectors.KNOWLEDGE_TOPIC_DAYS,
            "nav_section": "programme",
            "current_programme": programme,
        },
    )
