"""Raising a signal from the community page (issue "Het venster" §1), and the community's own
signals, paged, behind the community page's short list.

Any member raises one; it stays a draft inside the closed community until the lead or
facilitator passes it on. A coordinator may raise one on behalf of a community: they stand
outside the closed room already, so it is passed on at once, after the same personal-data check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community

from .. import guard, lifecycle, permissions, selectors
from ..forms import GuardConfirmForm, SignalForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signal_raise(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not permissions.can_raise_signal(request.user, community):
        raise PermissionDenied
    on_behalf = not community_permissions.is_member(request.user, community)
    form = SignalForm(request.POST or None, community=community)
    confirm_form = GuardConfirmForm(request.POST or None, prefix="guard") if on_behalf else None
    findings: list[guard.Finding] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        meeting = data.pop("meeting")
        confirmed = bool(
            confirm_form is not None
            and confirm_form.is_valid()
            and confirm_form.cleaned_data["confirmed"]
        )
        try:
            signal = lifecycle.signal_raise(
                community=community,
                by=request.user,
                meeting=meeting,
                on_behalf=on_behalf,
                guard_confirmed=confirmed,
                **data,
            )
        except lifecycle.PersonalDataFound as error:
            findings = error.findings
            form.add_error(None, error.messages)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if on_behalf:
                messages.success(request, _("Het signaal is namens de gemeenschap doorgegeven."))
            else:
                messages.success(
                    request,
                    _(
                        "Het signaal is opgeslagen als concept. De communitytrekker of "
                        "procesbegeleider geeft het door."
                    ),
                )
            return redirect("signalling:signal_detail", signal.pk)
    return render(
        request,
        "signalling/signal_form.html",
        {
            "community": community,
            "form": form,
            "confirm_form": confirm_form,
            "on_behalf": on_behalf,
            "findings": findings,
            "nav_section": "community",
        },
    )


SIGNALS_PER_PAGE = 20


@login_required
def community_signal_list(request: HttpRequest, pk: int) -> HttpResponse:
    """All the community's signals with their answers, newest first, a page at a time. Members
    only, like the panel: drafts and the community's own view belong to the closed room."""
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not community_permissions.is_member(request.user, community):
        raise PermissionDenied
    page = selectors.community_signals_page(
        community=community, page_number=request.GET.get("page"), per_page=SIGNALS_PER_PAGE
    )
    return render(
        request,
        "signalling/community_signals.html",
        {
            "community": community,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "can_raise": permissions.can_raise_signal(request.user, community),
            "can_view_programme": community_permissions.can_view_programme(
                request.user, community.programme
            ),
            "nav_section": "home",
        },
    )
