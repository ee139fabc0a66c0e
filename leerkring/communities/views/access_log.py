"""The programme's access log: who read or exported personal data, what and when
(core.AccessRecord), for its coordinators and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from leerkring.core import access_log as log

from .. import permissions
from ..models import Programme

RECORDS_PER_PAGE = 100


@login_required
def access_log(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_access_log(request.user, programme):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    records = log.for_programme(programme.pk)
    if kind in log.Kind.values:
        records = records.filter(kind=kind)
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/access_log.html",
        {
            "programme": programme,
            "current_programme": programme,
            "page": page,
            "kinds": log.Kind.choices,
            "kind": kind,
            "query_string": f"kind={kind}" if kind else "",
            "retention_days": log.retention_days(),
            "nav_section": "programme",
        },
    )
