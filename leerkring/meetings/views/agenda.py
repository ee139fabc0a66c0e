"""Building a meeting's agenda: items with work form, topic and the perspective of the
inburgeraar, guests, order, publishing to members, and a print view (report §3.2.2).

Every change is a plain form post that returns to the builder, so it works without
JavaScript and with the keyboard alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.core.confirm import confirm_page, confirmation_needed

from .. import permissions, selectors, services
from ..forms import AgendaItemForm, GuestForm, WorkFormForm
from ..models import AgendaItem, Guest, Meeting


def _meeting_to_edit(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(selectors.meeting_with_context(), pk=pk)
    if not permissions.can_edit_agenda(request.user, meeting):
        raise PermissionDenied
    return meeting


def _item_of(meeting: Meeting, item_pk: int) -> AgendaItem:
    """An item of *this* meeting only, so an id cannot reach into another agenda."""
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    item.meeting = meeting
    return item


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meetings:agenda", args=[meeting.pk]) + anchor)


def _render_builder(
    request: HttpRequest,
    meeting: Meeting,
    *,
    item_form: AgendaItemForm | None = None,
    guest_form: GuestForm | None = None,
    work_form_form: WorkFormForm | None = None,
    status: int = 200,
) -> HttpResponse:
    work_forms = selectors.work_forms_for(programme_id=meeting.community.programme_id)
    return render(
        request,
        "meetings/agenda_builder.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "agenda": selectors.meeting_agenda(meeting=meeting, can_edit=True),
            "item_form": item_form or AgendaItemForm(work_forms=work_forms),
            "guest_form": guest_form or GuestForm(),
            "work_form_form": work_form_form or WorkFormForm(),
            "nav_section": "community",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder; a POST adds an item at the end (the first one brings the look-back at open
    agreements, see `services.agenda_item_add`). Opening the builder changes nothing."""
    meeting = _meeting_to_edit(request, pk)
    if request.method != "POST":
        return _render_builder(request, meeting)
    work_forms = selectors.work_forms_for(programme_id=meeting.community.programme_id)
    form = AgendaItemForm(request.POST, work_forms=work_forms)
    if form.is_valid():
        try:
            item = services.agenda_item_add(meeting=meeting, by=request.user, **form.item_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het agendapunt is toegevoegd."))
            return _back(meeting, f"#item-{item.pk}")
    return _render_builder(request, meeting, item_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agenda_item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_to_edit(request, pk)
    item = _item_of(meeting, item_pk)
    work_forms = selectors.work_forms_for(programme_id=meeting.community.programme_id)
    form = AgendaItemForm(
        request.POST or None, initial=AgendaItemForm.initial_for(item), work_forms=work_forms
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, by=request.user, **form.item_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het agendapunt is bijgewerkt."))
            return _back(meeting, f"#item-{item.pk}")
    return render(
        request,
        "meetings/agenda_item_form.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "item": item,
            "form": form,
            "nav_section": "community",
        },
    )


@login_required
@require_POST
def agenda_item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_to_edit(request, pk)
    item = _item_of(meeting, item_pk)
    if confirmation_needed(request):
        return confirm_page(
            request,
            title=_("Agendapunt verwijderen"),
            message=_("“%(title)s” gaat van de agenda af. Dit kun je niet ongedaan maken.")
            % {"title": item.title},
            action=_("Ja, agendapunt verwijderen"),
            back_url=reverse("meetings:agenda", args=[meeting.pk]) + "#agenda-heading",
            delete=True,
            context={"community": meeting.community, "nav_section": "community"},
        )
    services.agenda_item_delete(item=item, by=request.user)
    messages.success(request, _("“%(title)s” is van de agenda gehaald.") % {"title": item.title})
    return _back(meeting, "#agenda-heading")


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_to_edit(request, pk)
    item = _item_of(meeting, item_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Kies omhoog of omlaag."))
        return _back(meeting)
    services.agenda_item_move(item=item, by=request.user, direction=direction)
    # Back to the same button, so a keyboard user can press it again.
    return _back(meeting, f"#move-{direction}-{item.pk}")


@login_required
@require_POST
def agenda_guest_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_edit(request, pk)
    form = GuestForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_guest_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De gast is toegevoegd."))
            return _back(meeting, "#guests-heading")
    return _render_builder(request, meeting, guest_form=form)


@login_required
@require_POST
def agenda_guest_remove(request: HttpRequest, pk: int, guest_pk: int) -> HttpResponse:
    meeting = _meeting_to_edit(request, pk)
    guest = get_object_or_404(Guest, pk=guest_pk, meeting=meeting)
    guest.meeting = meeting
    services.agenda_guest_remove(guest=guest, by=request.user)
    messages.success(request, _("%(name)s staat niet meer bij de gasten.") % {"name": guest.name})
    return _back(meeting, "#guests-heading")


@login_required
@require_POST
def agenda_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_edit(request, pk)
    services.agenda_publish(meeting=meeting, by=request.user)
    messages.success(request, _("De agenda is zichtbaar voor alle leden."))
    return redirect("meetings:meeting_detail", meeting.pk)


@login_required
@require_POST
def work_form_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A lead or facilitator adds a work form to their programme's catalogue, without leaving
    the agenda they are building."""
    meeting = _meeting_to_edit(request, pk)
    form = WorkFormForm(request.POST)
    if form.is_valid():
        try:
            work_form = services.work_form_add(
                programme=meeting.community.programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("De werkvorm “%(name)s” staat nu in de lijst.") % {"name": work_form.name},
            )
            return _back(meeting, "#new-item-heading")
    return _render_builder(request, meeting, work_form_form=form)


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting_print(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(selectors.meeting_with_context(), pk=pk)
    if not permissions.can_print_agenda(request.user, meeting):
        raise PermissionDenied
    return render(
        request,
        "meetings/meeting_print.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "agenda": selectors.meeting_agenda(
                meeting=meeting, can_edit=permissions.can_edit_agenda(request.user, meeting)
            ),
        },
    )
