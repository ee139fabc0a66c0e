"""The national coordination meeting (LCC): a coordinator plans one, its agenda is drawn from
the current top five and the signals new since the previous LCC, and per signal the meeting
records a decision — a lifecycle step (`lifecycle.coordination_decide`). Once recorded as held
the meeting is a record: its page shows the agenda and top five kept at that moment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import coordination, lifecycle, permissions, ranking, selectors
from ..forms_venster import CoordinationMeetingForm, DecisionForm
from ..models import CoordinationMeeting
from ._venster_common import programme_or_404


def _context(programme) -> dict:
    return {
        "programme": programme,
        "nav_section": "programme",
        "current_programme": programme,
        "venster_tab": "lcc",
        "can_manage": True,
    }


@login_required
def lcc_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(slug)
    if not permissions.can_manage_venster(request.user, programme):
        raise PermissionDenied
    form = CoordinationMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = coordination.coordination_meeting_plan(
                programme=programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het overleg is gepland; de agenda staat klaar."))
            return redirect("signalling:lcc", pk=meeting.pk)
    return render(
        request,
        "signalling/lcc_list.html",
        {
            **_context(programme),
            "meetings": selectors.coordination_meetings(programme=programme),
            "form": form,
        },
    )


def _managed_meeting(request: HttpRequest, pk: int) -> CoordinationMeeting:
    meeting = get_object_or_404(
        CoordinationMeeting.objects.select_related("programme", "programme__rule_profile"),
        pk=pk,
    )
    if not permissions.can_manage_venster(request.user, meeting.programme):
        raise PermissionDenied
    return meeting


def _agenda_page(request: HttpRequest, meeting: CoordinationMeeting, bound=None) -> HttpResponse:
    """A recorded meeting shows what it discussed as it stood then; a meeting still ahead (or
    being held) shows the agenda drawn from the venster now, with decision forms only while
    a decision taken now belongs to it."""
    previous = selectors.previous_coordination_meeting(coordination_meeting=meeting)
    decisions = list(selectors.lcc_decisions(coordination_meeting=meeting))
    decided = {d.signal_id: d for d in decisions}
    closed_reason = selectors.decisions_closed_reason(coordination_meeting=meeting)
    context = {
        **_context(meeting.programme),
        "meeting": meeting,
        "previous": previous,
        "decisions": decisions,
        "closed_reason": closed_reason,
        "can_record_held": not meeting.is_recorded and meeting.held_on <= timezone.localdate(),
    }
    if meeting.is_recorded:
        items = list(selectors.lcc_agenda_kept(coordination_meeting=meeting))
        for item in items:
            item.decision = decided.get(item.signal_id)
        context.update({"items": items, "top": list(meeting.top_themes.select_related("theme"))})
        return render(request, "signalling/lcc_record.html", context)
    signals = list(
        selectors.lcc_agenda_signals(
            coordination_meeting=meeting, since=previous.held_on if previous else None
        )[: selectors.LCC_AGENDA_LIMIT + 1]
    )
    more = len(signals) > selectors.LCC_AGENDA_LIMIT
    signals = signals[: selectors.LCC_AGENDA_LIMIT]
    for signal in signals:
        signal.decision = decided.get(signal.pk)
        if (
            not closed_reason
            and signal.decision is None
            and signal.state not in selectors.VENSTER_CLOSED_STATES
        ):
            signal.form = (
                bound
                if bound is not None and bound.signal_pk == signal.pk
                else DecisionForm(signal=signal)
            )
    context.update(
        {
            "top": ranking.top_five(programme=meeting.programme),
            "signals": signals,
            "more": more,
        }
    )
    return render(request, "signalling/lcc_detail.html", context)


@login_required
def lcc_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _agenda_page(request, _managed_meeting(request, pk))


@login_required
@require_POST
def lcc_decide(request: HttpRequest, pk: int, signal_pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    signal = (
        selectors.venster_base(programme=meeting.programme)
        .select_related("community")
        .filter(pk=signal_pk)
        .first()
    )
    if signal is None:
        raise Http404
    form = DecisionForm(request.POST, signal=signal)
    form.signal_pk = signal.pk
    if form.is_valid():
        try:
            lifecycle.coordination_decide(
                coordination_meeting=meeting,
                signal=signal,
                by=request.user,
                decision=form.cleaned_data["decision"],
                resulting_state=form.cleaned_data["resulting_state"],
                guard_confirmed=form.cleaned_data["guard_confirmed"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "meeting_closed":
                # Not this meeting's decision to take: say so at the top of its page.
                messages.error(request, " ".join(error.messages))
                return redirect("signalling:lcc", pk=meeting.pk)
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Besluit vastgelegd voor ‘%(title)s’.") % {"title": signal.title}
            )
            return redirect(reverse("signalling:lcc", args=[meeting.pk]) + "#decisions")
    return _agenda_page(request, meeting, bound=form)


@login_required
@require_POST
def lcc_record_held(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting took place: fix what it discussed."""
    meeting = _managed_meeting(request, pk)
    try:
        coordination.coordination_meeting_record_held(coordination_meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Het overleg is vastgelegd als gehouden; de agenda en de top vijf staan vast."),
        )
    return redirect("signalling:lcc", pk=meeting.pk)
