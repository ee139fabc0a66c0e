"""The programme's events for its members, planning them (coordinators), and joint sessions
that communities plan together (their leads and facilitators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leerkring.communities.models import Community, Programme
from leerkring.core.id_lists import as_key, keys

from .. import permissions, selectors, services
from ..forms import EventForm
from ..models import Event

PAST_PER_PAGE = 20


@login_required
@require_http_methods(["GET", "HEAD"])
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_events(request.user, programme):
        raise PermissionDenied
    past = Paginator(
        selectors.events_of_programme(programme=programme, user=request.user, past=True),
        PAST_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {
            "programme": programme,
            "upcoming": selectors.events_of_programme(programme=programme, user=request.user),
            "page": past,
            "can_create": permissions.can_create_event(request.user, programme),
            "nav_section": "programme",
            "current_programme": programme,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_create_event(request.user, programme):
        raise PermissionDenied
    initial = {"kind": "knowledge_session", "audience": "public", "format": "online"}
    after = as_key(request.GET.get("after", ""))
    if after is not None:
        # "Plan the next one": the same plan a month later, from an event of this programme.
        previous = Event.objects.filter(programme=programme, pk=after).first()
        if previous is not None and not previous.is_joint:
            initial = EventForm.initial_for_next(previous)
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                programme=programme, by=request.user, **form.event_fields()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("De activiteit is opgeslagen als concept. Kondig haar aan als alles klopt."),
            )
            return redirect("events:event", event.pk)
    return render(
        request,
        "events/event_form.html",
        {
            "programme": programme,
            "form": form,
            "nav_section": "programme",
            "current_programme": programme,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def joint_session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """From a community's page: plan a session with communities on the same topics."""
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not permissions.can_propose_joint_session(request.user, community):
        raise PermissionDenied
    partners = (
        Community.objects.filter(programme_id=community.programme_id)
        .exclude(pk=community.pk)
        .exclude(status=Community.Status.ENDED)
        .only("pk", "name", "programme_id")
        .order_by("name")
    )
    suggested = keys(request.GET.getlist("with"))
    form = EventForm(
        request.POST or None,
        partners=partners,
        joint=True,
        initial={"audience": "programme", "format": "on_location", "partners": suggested},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.joint_session_propose(
                community=community,
                partners=form.cleaned_data["partners"],
                by=request.user,
                **form.event_fields(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "De sessie is voorgesteld. De andere gemeenschappen krijgen de vraag of ze meedoen."
                ),
            )
            return redirect("events:event", event.pk)
    return render(
        request,
        "events/joint_session_form.html",
        {"community": community, "form": form, "nav_section": "community"},
        status=400 if request.method == "POST" else 200,
    )
