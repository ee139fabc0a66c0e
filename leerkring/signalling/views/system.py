"""The system level (schakel-/stelselniveau): system partners see the signals escalated to
them and answer. They see the signal's text, theme, region, level and dates, the question put
to them and the earlier answers — never people's names, never minutes, nothing else from
inside a community (DESIGN.md §2). An answer is feedback to the community
(`lifecycle.signal_respond(source="system")`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from leerkring.core.paging import KnownCountPaginator

from .. import lifecycle, permissions, selectors
from ..forms_venster import SystemAnswerForm
from ..models import Signal, SignalResponse
from ._venster_common import programme_or_404

SIGNALS_PER_PAGE = 50


@login_required
def system_inbox(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(slug)
    if not permissions.can_view_system_inbox(request.user, programme):
        raise PermissionDenied
    # The count is kept per programme: counting read every escalated signal.
    page = KnownCountPaginator(
        selectors.system_inbox(programme=programme),
        SIGNALS_PER_PAGE,
        count=selectors.system_inbox_count(programme=programme),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "signalling/system_inbox.html",
        {
            "programme": programme,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "nav_section": "programme",
            "current_programme": programme,
        },
    )


@login_required
def system_signal(request: HttpRequest, pk: int) -> HttpResponse:
    """A signal that was never escalated to the system level does not exist for a system
    partner: 404, not 403, so its existence is not given away."""
    try:
        signal = selectors.system_signal(pk=pk)
    except Signal.DoesNotExist as error:
        raise Http404 from error
    if not permissions.can_view_escalated_signal(request.user, signal):
        raise Http404
    if not permissions.can_answer_as_system_partner(request.user, signal):
        raise PermissionDenied
    open_escalation = next(
        (e for e in reversed(signal.system_escalations) if e.closed_at is None), None
    )
    form = SystemAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.signal_respond(
                signal=signal,
                by=request.user,
                text=form.cleaned_data["text"],
                source=SignalResponse.Source.SYSTEM,
                escalation=open_escalation or (signal.system_escalations or [None])[-1],
                guard_confirmed=form.cleaned_data["guard_confirmed"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Je antwoord is verstuurd naar de gemeenschap en het coördinatiepunt.")
            )
            return redirect("signalling:system_signal", pk=signal.pk)
    return render(
        request,
        "signalling/system_signal.html",
        {
            "signal": signal,
            "programme": signal.community.programme,
            "escalations": signal.system_escalations,
            "answers": selectors.signal_answers(signal=signal),
            "form": form,
            "nav_section": "programme",
        },
    )
