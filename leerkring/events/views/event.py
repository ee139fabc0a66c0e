"""One event, inside the programme: its page with registering, the organisers' actions
(change, announce, approve, cancel, the wrap-up) and the calendar file for a member with a
seat; who registered and who came is `registrations`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Community
from leerkring.communities.permissions import access_for
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson
from leerkring.publishing import guard

from .. import ical, permissions, selectors, services
from ..forms import AnnounceForm, CancelForm, EventForm, WrapUpForm
from ..models import Event, Registration
from ..services.mail import absolute

WRAP_UP_CHOICES = 200


def event_or_denied(request: HttpRequest, pk: int, allowed=permissions.can_view_event) -> Event:
    try:
        event = selectors.event_for_page(pk=pk)
    except Event.DoesNotExist as error:
        raise Http404 from error
    if not allowed(request.user, event):
        raise PermissionDenied
    return event


def _render(request: HttpRequest, event: Event, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    organiser = permissions.is_organiser(user, event)
    registration = selectors.registration_of(event=event, user=user)
    texts = {"title": event.title, "description": event.description}
    announce_findings = []
    if event.audience == Event.Audience.PUBLIC and event.status in (
        Event.Status.DRAFT,
        Event.Status.AWAITING_APPROVAL,
    ):
        announce_findings = guard.text_findings(texts)
    answerable = []
    if event.is_joint and event.status == Event.Status.DRAFT:
        guided = permissions.guided_community_ids(user)
        answerable = [
            entry
            for entry in event.organisers.all()
            if entry.community_id in guided and entry.accepted_at is None
        ]
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "programme": event.programme,
            "seats": selectors.seats(event),
            "registration": registration,
            "waitlist_position": selectors.waitlist_position(registration)
            if registration
            else None,
            "can_register": permissions.can_register(user, event),
            "closed_reason": services.registration_closed_reason(event),
            "is_organiser": organiser,
            "can_approve": event.status == Event.Status.AWAITING_APPROVAL
            and permissions.can_approve_event(user, event),
            "answerable": answerable,
            "can_plan_next": not event.is_joint
            and permissions.can_create_event(user, event.programme),
            "announce_findings": announce_findings,
            "announce_highlighted": guard.highlighted(texts, announce_findings)
            if announce_findings
            else {},
            "announce_form": forms.get("announce_form") or AnnounceForm(),
            "public_url": absolute(
                reverse("events:public_event", args=[event.programme.slug, event.public_id])
            )
            if event.is_public
            else "",
            "nav_section": "programme",
            "current_programme": event.programme,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, event_or_denied(request, pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_denied(request, pk, permissions.can_manage_event)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if event.is_joint:
        del form.fields["kind"]
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                event=event,
                by=request.user,
                guard_confirmed=form.cleaned_data["confirmed"],
                **form.event_fields(),
            )
        except guard.PersonalDataFound as error:
            form.add_error("confirmed", error.messages)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("events:event", event.pk)
    return render(
        request,
        "events/event_form.html",
        {
            "programme": event.programme,
            "event": event,
            "form": form,
            "nav_section": "programme",
            "current_programme": event.programme,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def event_announce(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_denied(request, pk, permissions.can_manage_event)
    form = AnnounceForm(request.POST)
    form.is_valid()
    try:
        event = services.event_announce(
            event=event, by=request.user, guard_confirmed=form.cleaned_data.get("confirmed", False)
        )
    except guard.PersonalDataFound as error:
        form.add_error("confirmed", error.messages)
    except ValidationError as error:
        form.add_service_errors(error)
    else:
        if event.status == Event.Status.AWAITING_APPROVAL:
            messages.success(
                request, _("Een coördinator kijkt de activiteit na voordat ze openbaar wordt.")
            )
        else:
            messages.success(request, _("De activiteit is aangekondigd."))
        return redirect("events:event", event.pk)
    return _render(request, selectors.event_for_page(pk=pk), announce_form=form, status=400)


@login_required
@require_POST
def event_approve(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_denied(request, pk, permissions.can_approve_event)
    form = AnnounceForm(request.POST)
    form.is_valid()
    try:
        services.event_approve(
            event=event, by=request.user, guard_confirmed=form.cleaned_data.get("confirmed", False)
        )
    except guard.PersonalDataFound as error:
        form.add_error("confirmed", error.messages)
    except ValidationError as error:
        form.add_service_errors(error)
    else:
        messages.success(request, _("De activiteit is goedgekeurd en staat op de openbare pagina."))
        return redirect("events:event", event.pk)
    return _render(request, selectors.event_for_page(pk=pk), announce_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_denied(request, pk, permissions.can_manage_event)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.event_cancel(
                event=event, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("De activiteit is afgelast; %(count)s aanmelders krijgen bericht.")
                % {"count": told},
            )
            return redirect("events:event", event.pk)
    return render(
        request,
        "events/event_cancel.html",
        {
            "event": event,
            "programme": event.programme,
            "seats": selectors.seats(event),
            "form": form,
            "nav_section": "programme",
            "current_programme": event.programme,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def joint_answer(request: HttpRequest, pk: int, community_pk: int) -> HttpResponse:
    """A partner community's lead or facilitator agrees to the joint session, or declines."""
    event = event_or_denied(request, pk)
    community = get_object_or_404(Community, pk=community_pk)
    if not permissions.can_answer_for(request.user, community):
        raise PermissionDenied
    accept = request.POST.get("answer") == "accept"
    try:
        services.joint_session_answer(
            event=event, community=community, accept=accept, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if accept:
            messages.success(request, _("%(community)s doet mee.") % {"community": community.name})
        else:
            messages.success(
                request, _("%(community)s doet niet mee.") % {"community": community.name}
            )
            if not permissions.can_view_event(request.user, event):
                return redirect("communities:community", community.pk)
    return redirect("events:event", event.pk)


# --- Registering -----------------------------------------------------------------------


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_denied(request, pk, permissions.can_register)
    try:
        registration = services.registration_member(
            event=event, person=access_for(request.user).person, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(
                request, _("Je bent aangemeld. De uitnodiging voor je agenda staat in je e-mail.")
            )
        else:
            messages.success(
                request,
                _(
                    "Het is vol: je staat op de wachtlijst. Komt er een plek vrij, dan krijg je die."
                ),
            )
    return redirect("events:event", event.pk)


@login_required
@require_POST
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_denied(request, pk)
    registration = selectors.registration_of(event=event, user=request.user)
    if registration is not None and services.registration_cancel(
        registration=registration, by=request.user
    ):
        messages.success(request, _("Je bent afgemeld."))
    return redirect("events:event", event.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The calendar entry for a member with a seat (with the online link)."""
    event = event_or_denied(request, pk)
    registration = selectors.registration_of(event=event, user=request.user)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        raise Http404
    url = absolute(reverse("events:event", args=[event.pk]))
    content = ical.event_ics(event, method=ical.PUBLISH, url=url)
    return ics_response(content)


def ics_response(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="activiteit.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- After the event (who registered and who came: views/registrations.py) ----------


def _wrap_up_choices(event: Event):
    """Shared lessons and products of the programme to pick from: the communities that
    organised a joint session, or the whole programme; the newest few hundred."""
    lessons = Lesson.objects.filter(shareable=True, community__programme_id=event.programme_id)
    products = Product.objects.filter(shareable=True, programme_id=event.programme_id)
    if event.is_joint:
        ids = [entry.community_id for entry in event.organisers.all()]
        lessons = lessons.filter(community_id__in=ids)
        products = products.filter(communities__in=ids).distinct()
    lesson_ids = list(
        lessons.order_by("-created_at", "-pk").values_list("pk", flat=True)[:WRAP_UP_CHOICES]
    )
    product_ids = list(
        products.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:WRAP_UP_CHOICES]
    )
    chosen_lessons = [lesson.pk for lesson in event.presented_lessons.all()]
    chosen_products = [product.pk for product in event.presented_products.all()]
    return (
        Lesson.objects.filter(pk__in=lesson_ids + chosen_lessons)
        .select_related("community")
        .order_by("community__name", "-created_at"),
        Product.objects.filter(pk__in=product_ids + chosen_products).order_by("title"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_wrap_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary, what was presented and the recording as a product. For an event open to
    anyone these go on its public page: the guard's findings are shown and confirmed first."""
    event = event_or_denied(request, pk, permissions.can_manage_event)
    lessons, products = _wrap_up_choices(event)
    public = event.audience == Event.Audience.PUBLIC
    form = WrapUpForm(
        request.POST or None,
        lessons=lessons,
        products=products,
        has_recording=event.recording_id is not None,
        public=public,
        initial={
            "summary": event.summary,
            "lessons": [lesson.pk for lesson in event.presented_lessons.all()],
            "products": [product.pk for product in event.presented_products.all()],
        },
    )
    findings = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.event_wrap_up(
                event=event,
                by=request.user,
                summary=data["summary"],
                lessons=data["lessons"],
                products=data["products"],
                recording_url=data.get("recording_url", ""),
                recording_title=data.get("recording_title", ""),
                guard_confirmed=data.get("confirmed", False),
            )
        except guard.PersonalDataFound as error:
            findings = error.findings
            form.add_error("confirmed", error.messages)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het verslag is opgeslagen."))
            return redirect("events:event", event.pk)
    if public and not findings and not form["confirmed"].value():
        # The confirmation is asked only once the guard found something.
        del form.fields["confirmed"]
    texts = {"summary": request.POST.get("summary", ""), "recording_title": ""}
    if findings and request.POST.get("recording_url"):
        texts["recording_title"] = request.POST.get("recording_title", "")
    return render(
        request,
        "events/wrap_up.html",
        {
            "event": event,
            "programme": event.programme,
            "form": form,
            "public": public,
            "findings": findings,
            "highlighted": guard.highlighted(texts, findings) if findings else {},
            "nav_section": "programme",
            "current_programme": event.programme,
        },
        status=400 if request.method == "POST" else 200,
    )
