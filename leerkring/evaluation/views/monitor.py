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


def _summary(summary) -> list[dict]:
    """Per check, how many communities have each status, in the legend's order."""
    return [
        {
            "key": key,
            "title": title,
            "cells": [
                (status, monitor.STATUS_LABELS[status], summary.counts.get(key, {}).get(status, 0))
                for status in monitor.STATUS_ORDER
            ],
        }
        for key, title, _short, _source in monitor.CHECKS
    ]


@login_required
def programme_monitor(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_programme_monitor(request.user, programme):
        raise PermissionDenied
    form = MonitorFilterForm(request.GET or None)
    filters = form.filters()
    matrix = selectors.programme_monitor_page(
        programme=programme, page=request.GET.get("page"), **filters
    )
    return render(
        request,
        "evaluation/monitor_programme.html",
        {
            "programme": programme,
            "form": form,
            "filters": filters,
            "rows": matrix.rows,
            "page": matrix.page,
            "page_range": matrix.page.paginator.get_elided_page_range(
                matrix.page.number, on_each_side=2, on_ends=1
            ),
            "summary": _summary(matrix.summary),
            "summary_total": matrix.summary.communities,
            "computed_at": matrix.summary.computed_at,
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
