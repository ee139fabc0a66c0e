"""A community's meetings: the list, planning one meeting or a series, the meeting page and
editing a meeting. Access is decided in `meetings.permissions`; rules live in the services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from leerkring.communities.models import Community, Organisation

from .. import permissions, selectors, services
from ..forms import (
    MeetingEditForm,
    MeetingForm,
    MeetingObservationForm,
    SeriesDateFormSet,
    SeriesForm,
    local_datetime,
)
from ..models import Meeting
from ..workdays import public_holiday_name, series_dates


def _community(pk: int) -> Community:
    return get_object_or_404(Community.objects.select_related("programme__rule_profile"), pk=pk)


def _case_rotation(community: Community) -> bool:
    profile = getattr(community.programme, "rule_profile", None)
    return bool(profile and profile.case_rotation)


def _choosable(rotation: list[Organisation], *also: int | None):
    """The organisations a planner can pick: the community's member organisations, plus one
    already chosen earlier that has since left (so editing does not silently drop it)."""
    pks = {org.pk for org in rotation} | {pk for pk in also if pk}
    return Organisation.objects.filter(pk__in=pks).order_by("name")


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(pk)
    if not permissions.can_view_meeting_list(request.user, community):
        raise PermissionDenied
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "community": community,
            "can_open_meetings": permissions.can_open_meetings(request.user, community),
            "can_plan": permissions.can_plan_meetings(request.user, community),
            "nav_section": "community",
            **selectors.meetings_of_community(community=community),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(pk)
    if not permissions.can_plan_meetings(request.user, community):
        raise PermissionDenied
    case_rotation = _case_rotation(community)
    hosts = selectors.host_rotation(community=community)
    cases = selectors.case_rotation(community=community) if case_rotation else []
    initial = {
        "host_organisation": hosts[0].pk if hosts else None,
        "case_organisation": cases[0].pk if cases else None,
        "start_time": "13:00",
        "end_time": "16:00",
    }
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        organisations=_choosable(hosts),
        case_rotation=case_rotation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                community=community,
                by=request.user,
                already_held=form.cleaned_data["already_held"],
                **form.meeting_fields(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if meeting.status == Meeting.Status.HELD:
                messages.success(request, _("De bijeenkomst is vastgelegd als gehouden."))
            else:
                messages.success(request, _("De bijeenkomst is gepland."))
            return redirect("meetings:meeting_detail", meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "community": community,
            "form": form,
            "hosts": hosts,
            "cases": cases,
            "nav_section": "community",
        },
    )


def _series_formset(
    community: Community, form: SeriesForm, hosts: list, cases: list, rotation_kwargs: dict
) -> SeriesDateFormSet:
    """The proposal: dates in the community's rhythm, moved off holidays, with host and case
    organisations taking turns in rotation order."""
    data = form.cleaned_data
    proposed = series_dates(
        first=data["first_date"],
        interval_weeks=community.effective_meeting_interval_weeks,
        count=data.get("count"),
        until=data.get("until"),
    )
    initial = []
    for index, date in enumerate(proposed):
        host = selectors.rotation_turn(hosts, index)
        case = selectors.rotation_turn(cases, index)
        initial.append(
            {
                "scheduled": date.scheduled,
                "date": date.date,
                "host_organisation": host.pk if host else None,
                "case_organisation": case.pk if case else None,
            }
        )
    return SeriesDateFormSet(initial=initial, prefix="dates", form_kwargs=rotation_kwargs)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_series(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps without JavaScript: the series' shape, then a preview of the proposed dates in
    which each date can be moved or left out before everything is saved at once."""
    community = _community(pk)
    if not permissions.can_plan_meetings(request.user, community):
        raise PermissionDenied
    case_rotation = _case_rotation(community)
    hosts = selectors.host_rotation(community=community)
    cases = selectors.case_rotation(community=community) if case_rotation else []
    rotation_kwargs = {"organisations": _choosable(hosts), "case_rotation": case_rotation}
    step = request.POST.get("step", "")
    form = SeriesForm(request.POST or None, initial={"start_time": "13:00", "end_time": "16:00"})
    formset = None
    if request.method == "POST" and step == "save":
        formset = SeriesDateFormSet(request.POST, prefix="dates", form_kwargs=rotation_kwargs)
        if form.is_valid() and formset.is_valid():
            saved = _series_save(request, community, form, formset)
            if saved is not None:
                return saved
    elif request.method == "POST" and form.is_valid():
        formset = _series_formset(community, form, hosts, cases, rotation_kwargs)
    context = {
        "community": community,
        "form": form,
        "formset": formset,
        "case_rotation": case_rotation,
        "interval_weeks": community.effective_meeting_interval_weeks,
        "interval_from_community": bool(community.meeting_interval_weeks),
        "nav_section": "community",
    }
    if formset is not None:
        context["rows"] = _preview_rows(formset)
        return render(request, "meetings/meeting_plan_series.html", {**context, "preview": True})
    return render(request, "meetings/meeting_plan_series.html", {**context, "preview": False})


def _preview_rows(formset) -> list[dict]:
    """Each row with why its date differs from the rhythm (a public holiday), if it does."""
    rows = []
    for number, row in enumerate(formset.forms, start=1):
        scheduled = _as_date(row["scheduled"].value())
        date = _as_date(row["date"].value())
        holiday = None
        if scheduled and scheduled != date and public_holiday_name(scheduled):
            holiday = {"date": scheduled, "name": public_holiday_name(scheduled)}
        rows.append({"number": number, "form": row, "holiday": holiday})
    return rows


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _series_save(request, community, form, formset) -> HttpResponse | None:
    common = form.cleaned_data
    meetings, rows = [], []
    for row in formset.forms:
        if formset._should_delete_form(row):
            continue
        data = row.cleaned_data
        fields = {
            "starts_at": local_datetime(data["date"], common["start_time"]),
            "ends_at": local_datetime(data["date"], common["end_time"]),
            "format": common["format"],
            "online_url": (
                "" if common["format"] == Meeting.Format.PHYSICAL else common["online_url"]
            ),
            "place": common["place"],
            "address": common["address"],
            "host_organisation": data.get("host_organisation"),
        }
        if "case_organisation" in data:
            fields["case_organisation"] = data.get("case_organisation")
        meetings.append(fields)
        rows.append(row)
    try:
        created = services.meeting_series_create(
            community=community, by=request.user, meetings=meetings
        )
    except services.MeetingSeriesError as error:
        rows[error.index].add_service_errors(error)
        return None
    messages.success(
        request,
        ngettext(
            "%(count)s bijeenkomst is gepland.",
            "%(count)s bijeenkomsten zijn gepland.",
            len(created),
        )
        % {"count": len(created)},
    )
    return redirect("meetings:meeting_list", community.pk)


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(selectors.meeting_with_context(), pk=pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    if not permissions.can_view_meeting(request.user, meeting):
        raise PermissionDenied
    can_edit_agenda = permissions.can_edit_agenda(request.user, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "agenda": selectors.meeting_agenda(meeting=meeting, can_edit=can_edit_agenda),
            "can_edit_meeting": permissions.can_edit_meeting(request.user, meeting),
            "can_edit_agenda": can_edit_agenda,
            "case_rotation": _case_rotation(meeting.community),
            "nav_section": "community",
            "mail_progress": selectors.meeting_mail_progress(meeting=meeting)
            if permissions.can_follow_meeting_mail(request.user, meeting)
            else None,
            **selectors.meeting_rsvp_context(meeting=meeting, user=request.user),
            **selectors.meeting_outcomes_context(meeting=meeting, user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    if not permissions.can_edit_meeting(request.user, meeting):
        raise PermissionDenied
    community = meeting.community
    case_rotation = _case_rotation(community)
    hosts = selectors.host_rotation(community=community)
    form = MeetingEditForm(
        request.POST or None,
        initial=MeetingEditForm.initial_for(meeting),
        organisations=_choosable(hosts, meeting.host_organisation_id, meeting.case_organisation_id),
        case_rotation=case_rotation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.meeting_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De bijeenkomst is bijgewerkt."))
            return redirect("meetings:meeting_detail", meeting.pk)
        meeting.refresh_from_db()
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "community": community,
            "meeting": meeting,
            "form": form,
            "hosts": hosts,
            "nav_section": "community",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_observation(request: HttpRequest, pk: int) -> HttpResponse:
    """The community decides whether the evaluation may observe this meeting."""
    meeting = _meeting(pk)
    if not permissions.can_manage_observation(request.user, meeting):
        raise PermissionDenied
    evaluators = services.programme_evaluators(meeting)
    form = MeetingObservationForm(
        request.POST or None,
        evaluators=evaluators,
        initial={
            "open_to_observation": meeting.open_to_observation,
            "observers": list(meeting.observers.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_observation_set(
                meeting=meeting,
                by=request.user,
                open_to_observation=form.cleaned_data["open_to_observation"],
                observers=list(form.cleaned_data["observers"]),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De keuze over observatie is opgeslagen."))
            return redirect("meetings:meeting_detail", meeting.pk)
    return render(
        request,
        "meetings/meeting_observation.html",
        {
            "community": meeting.community,
            "meeting": meeting,
            "form": form,
            "evaluators": evaluators,
            "nav_section": "community",
        },
    )
