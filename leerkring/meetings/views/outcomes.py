"""The wrap-up of a meeting: the facilitator records lessons, agreements and signals
explicitly (report §5.1.3: naming them at the meeting is what lets results travel).

For the lead and facilitator (`permissions.can_record_outcomes`). Plain forms that work on a
phone without JavaScript: one page with three short forms, and a page per edit or delete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.signalling import services as signal_services
from leerkring.signalling.models import Signal

from .. import permissions, selectors, services
from ..forms_outcomes import AgreementForm, LessonForm, SignalForm
from ..models import Agreement, Lesson, Meeting


@dataclass(frozen=True)
class OutcomeKind:
    """One kind of outcome: how to find it, which form edits it, which services change it."""

    key: str
    model: type[models.Model]
    anchor: str
    added: Any
    saved: Any
    deleted: Any


KINDS = {
    "lesson": OutcomeKind(
        "lesson",
        Lesson,
        "lessons",
        gettext_lazy("Leerpunt toegevoegd."),
        gettext_lazy("Leerpunt opgeslagen."),
        gettext_lazy("Leerpunt verwijderd."),
    ),
    "agreement": OutcomeKind(
        "agreement",
        Agreement,
        "agreements",
        gettext_lazy("Afspraak toegevoegd."),
        gettext_lazy("Afspraak opgeslagen."),
        gettext_lazy("Afspraak verwijderd."),
    ),
    "signal": OutcomeKind(
        "signal",
        Signal,
        "signals",
        gettext_lazy("Signaal toegevoegd."),
        gettext_lazy("Signaal opgeslagen."),
        gettext_lazy("Signaal verwijderd."),
    ),
}


def _meeting_to_wrap_up(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(selectors.meeting_with_context(), pk=pk)
    if not permissions.can_record_outcomes(request.user, meeting):
        raise PermissionDenied
    return meeting


def _kind(kind: str) -> OutcomeKind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _item(meeting: Meeting, kind: OutcomeKind, item_pk: int):
    """An outcome of *this* meeting only; another meeting's id is a 404."""
    item = get_object_or_404(kind.model, pk=item_pk, meeting=meeting)
    item.community = meeting.community
    return item


def _form(kind: OutcomeKind, meeting: Meeting, data=None, item=None):
    if kind.key == "lesson":
        return LessonForm(data, instance=item, prefix="lesson")
    if kind.key == "agreement":
        return AgreementForm(
            data, instance=item, community=meeting.community, meeting=meeting, prefix="agreement"
        )
    initial = None
    if item is not None:
        initial = {name: getattr(item, name) for name in signal_services.SIGNAL_FIELDS}
    return SignalForm(data, initial=initial, prefix="signal")


def _save(kind: OutcomeKind, meeting: Meeting, form, by, item=None):
    data = form.cleaned_data
    if kind.key == "lesson":
        if item is None:
            return services.lesson_create(meeting=meeting, by=by, **data)
        return services.lesson_update(lesson=item, by=by, **data)
    if kind.key == "agreement":
        if item is None:
            return services.agreement_create(meeting=meeting, by=by, **data)
        return services.agreement_update(agreement=item, by=by, **data)
    if item is None:
        return signal_services.signal_create(
            community=meeting.community, meeting=meeting, by=by, **data
        )
    return signal_services.signal_update(signal=item, by=by, **data)


def _wrapup_url(meeting: Meeting, kind: OutcomeKind | None = None) -> str:
    url = reverse("meetings:wrapup", args=[meeting.pk])
    return f"{url}#{kind.anchor}" if kind else url


def _render_wrapup(request: HttpRequest, meeting: Meeting, bound=None) -> HttpResponse:
    forms = {key: _form(kind, meeting) for key, kind in KINDS.items()}
    if bound is not None:
        forms[bound[0]] = bound[1]
    return render(
        request,
        "meetings/wrapup.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "lesson_form": forms["lesson"],
            "agreement_form": forms["agreement"],
            "signal_form": forms["signal"],
            "nav_section": "community",
            **selectors.meeting_outcomes_context(meeting=meeting, user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def wrapup(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_wrap_up(request, pk)
    return _render_wrapup(request, meeting)


@login_required
@require_POST
def wrapup_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    meeting = _meeting_to_wrap_up(request, pk)
    outcome = _kind(kind)
    form = _form(outcome, meeting, request.POST)
    if form.is_valid():
        try:
            _save(outcome, meeting, form, request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, outcome.added)
            return redirect(_wrapup_url(meeting, outcome))
    return _render_wrapup(request, meeting, bound=(outcome.key, form))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wrapup_edit(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    meeting = _meeting_to_wrap_up(request, pk)
    outcome = _kind(kind)
    item = _item(meeting, outcome, item_pk)
    form = _form(outcome, meeting, request.POST or None, item)
    if request.method == "POST" and form.is_valid():
        try:
            _save(outcome, meeting, form, request.user, item)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, outcome.saved)
            return redirect(_wrapup_url(meeting, outcome))
    return render(
        request,
        "meetings/wrapup_edit.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "kind": outcome.key,
            "item": item,
            "form": form,
            "nav_section": "community",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wrapup_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    meeting = _meeting_to_wrap_up(request, pk)
    outcome = _kind(kind)
    item = _item(meeting, outcome, item_pk)
    if request.method == "POST":
        if outcome.key == "lesson":
            services.lesson_delete(lesson=item, by=request.user)
        elif outcome.key == "agreement":
            services.agreement_delete(agreement=item, by=request.user)
        else:
            signal_services.signal_delete(signal=item, by=request.user)
        messages.success(request, outcome.deleted)
        return redirect(_wrapup_url(meeting, outcome))
    return render(
        request,
        "meetings/wrapup_delete.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "kind": outcome.key,
            "item": item,
            "nav_section": "community",
        },
    )
