"""The CoP monitor's pages: the programme matrix and a community's own monitor.

The matrix is for the programme's coordinators and evaluators; a community's monitor also for
its lead and facilitator, to help them steer — it shows no other community, so it is never a
ranking (issue "Evaluation and monitor" §3). The checks are in `evaluation.monitor`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Programme

from .. import monitor, permissions, selectors
from ..forms_monitor import MonitorFilterForm


def _legend() -> list[tuple[str, str]]:
    return [(key, monitor.STATUS_LABELS[key]) for key in monitor.STATUS_ORDER]


@login_required
def programme_monitor(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_programme_monitor(request.user, programme):
        raise PermissionDenied
    form = MonitorFilterForm(request.GET or None)
    filters = form.filters()
    rows = selectors.programme_monitor(programme=programme, **filters)
    return render(
        request,
        "evaluation/monitor_programme.html",
        {
            "programme": programme,
            "form": form,
            "filters": filters,
            "rows": rows,
            "checks": monitor.CHECKS,
            "legend": _legend(),
            "can_edit_rules": community_permissions.can_edit_rule_profile(request.user, programme),
            "nav_section": "programme",
            "current_programme": programme,
        },
    )


@login_required
def community_monitor(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not permissions.can_view_community_monitor(request.user, community):
        raise PermissionDenied
    checks = selectors.community_monitor(community=community)
    return render(
        request,
        "evaluation/monitor_community.html",
        {
            "community": community,
            "programme": community.programme,
            "checks": checks,
            "counts": monitor.status_counts(checks),
            "legend": _legend(),
            "can_view_matrix": permissions.can_view_programme_monitor(
                request.user, community.programme
            ),
            "can_edit_rules": community_permissions.can_edit_rule_profile(
                request.user, community.programme
            ),
        },
    )
