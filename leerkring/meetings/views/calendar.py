"""Invitations and calendars: publishing a meeting, answering it (on the page or from the
e-mail link), the .ics download and the personal calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities import permissions as community_permissions
from leerkring.core.confirm import confirm_page, confirmation_needed
from leerkring.outbox.feedback import tell_resend

from .. import ical, permissions, selectors, services
from ..forms_attendance import RsvpForm
from ..models import CalendarFeed, Meeting, Rsvp

CALENDAR = "text/calendar; charset=utf-8"


def _meeting(request: HttpRequest, pk: int, allowed) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("community__programme"), pk=pk)
    if not allowed(request.user, meeting):
        raise PermissionDenied
    return meeting


def _to_meeting(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(selectors.meeting_page_path(meeting) + anchor)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Publishing ---------------------------------------------------------------------------


@login_required
@require_POST
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, permissions.can_publish_meeting)
    if confirmation_needed(request):
        count = selectors.meeting_mail_recipients(meeting=meeting).count()
        return confirm_page(
            request,
            title=_("Uitnodiging versturen"),
            message=ngettext(
                "%(count)s lid krijgt een uitnodiging per e-mail.",
                "%(count)s leden krijgen een uitnodiging per e-mail.",
                count,
            )
            % {"count": count},
            details=[
                _("De uitnodiging heeft de bijeenkomst als agenda-afspraak bij zich."),
                _("Wijzig je de bijeenkomst daarna, dan krijgen de leden een update."),
            ],
            action=_("Ja, uitnodiging versturen"),
            back_url=selectors.meeting_page_path(meeting) + "#uitnodiging",
            context={"community": meeting.community, "nav_section": "community"},
        )
    try:
        sent = services.meeting_publish(meeting=meeting, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s uitnodiging wordt verstuurd. Hieronder zie je of die aankomt.",
                "%(count)s uitnodigingen worden verstuurd. Hieronder zie je of ze aankomen.",
                sent,
            )
            % {"count": sent},
        )
    return _to_meeting(meeting, "#uitnodiging")


@login_required
@require_POST
def meeting_mail_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Opnieuw versturen naar wie het niet kreeg" on the meeting page."""
    meeting = _meeting(request, pk, permissions.can_follow_meeting_mail)
    count = services.meeting_mail_resend(meeting=meeting, by=request.user)
    tell_resend(request, count)
    return _to_meeting(meeting, "#verzending")


# --- Answering ----------------------------------------------------------------------------


@login_required
@require_POST
def meeting_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer buttons on the meeting page. With htmx only the RSVP block is swapped."""
    meeting = _meeting(request, pk, permissions.can_answer_invitation)
    membership = selectors.member_of_meeting_community(user=request.user, meeting=meeting)
    if membership is None:
        raise PermissionDenied
    form = RsvpForm(request.POST)
    error_text = ""
    if form.is_valid():
        try:
            services.rsvp_answer(
                meeting=meeting,
                membership=membership,
                answer=form.cleaned_data["answer"],
                by=request.user,
            )
        except ValidationError as error:
            error_text = " ".join(error.messages)
    else:
        error_text = " ".join(form.errors.get("answer", []))
    # The same buttons stand beside the meeting on the home page ("Wat nu") and at the top of
    # the community page; there they swap only themselves, or without htmx the answer brings
    # the member back to that page.
    back = request.POST.get("from", "")
    if request.htmx and back in ("home", "community"):
        context = {
            "task_action": {
                "meeting": meeting,
                "my_answer": selectors.rsvp_answer_of(meeting=meeting, membership=membership),
                "choices": Rsvp.Answer.choices,
                "error": error_text,
                "back": back,
            }
        }
        return render(request, "meetings/partials/home_rsvp.html", context)
    if request.htmx:
        context = {
            "meeting": meeting,
            "community": meeting.community,
            "rsvp_error": error_text,
            **selectors.meeting_rsvp_context(meeting, request.user),
        }
        return render(request, "meetings/partials/meeting_rsvp.html", context)
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("Je antwoord is opgeslagen."))
    if back == "home":
        return redirect("core:home")
    if back == "community":
        return redirect("communities:community", meeting.community_id)
    return _to_meeting(meeting, "#uitnodiging")


@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_token(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The answer link from the e-mail. Opening it only shows a confirmation page: mail
    scanners open every link, and must not answer on the member's behalf. No sign-in needed;
    the signed token names the seat."""
    meeting = Meeting.objects.select_related("community").filter(pk=pk).first()
    membership = (
        services.rsvp_membership_for_token(meeting=meeting, token=token) if meeting else None
    )
    if membership is None:
        return render(request, "meetings/rsvp_invalid.html", status=404)
    current = meeting.rsvps.filter(membership=membership).values_list("answer", flat=True).first()
    suggested = request.GET.get("antwoord", "")
    form = RsvpForm(
        request.POST or None,
        initial={"answer": suggested if suggested in Rsvp.Answer.values else current},
    )
    closed = services.rsvp_closed_reason(meeting)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "membership": membership,
        "title": ical.meeting_title(meeting),
        "current": current,
        "closed": closed,
        "form": form,
    }
    if request.method == "POST" and not closed and form.is_valid():
        try:
            rsvp = services.rsvp_answer(
                meeting=meeting,
                membership=membership,
                answer=form.cleaned_data["answer"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            context["rsvp"] = rsvp
            return render(request, "meetings/rsvp_done.html", context)
    return render(request, "meetings/rsvp_confirm.html", context)


# --- Calendar files -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting for one's own calendar, published (METHOD:PUBLISH): a download is not an
    invitation to anyone. A cancelled meeting downloads with STATUS:CANCELLED."""
    meeting = _meeting(request, pk, permissions.can_download_meeting_ics)
    content = ical.meeting_ics(meeting, method=ical.PUBLISH)
    return _ics_response(content, f"bijeenkomst-{meeting.pk}.ics")


def _feed_person(request: HttpRequest):
    if not permissions.can_use_calendar_feed(request.user):
        raise PermissionDenied
    return community_permissions.access_for(request.user).person


def _calendar_page(request: HttpRequest, *, feed_url: str = "") -> HttpResponse:
    person = _feed_person(request)
    feed = CalendarFeed.objects.filter(person=person).first()
    return render(
        request,
        "meetings/calendar_feed.html",
        {"person": person, "feed": feed, "feed_url": feed_url, "nav_section": "calendar"},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def calendar(request: HttpRequest) -> HttpResponse:
    return _calendar_page(request)


@login_required
@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    """The new URL is shown on this response only: the server keeps just its hash."""
    person = _feed_person(request)
    token = services.calendar_feed_create(person=person, by=request.user)
    url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token]))
    return _calendar_page(request, feed_url=url)


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    person = _feed_person(request)
    if services.calendar_feed_revoke(person=person, by=request.user):
        messages.success(request, _("Je agenda-link werkt niet meer."))
    return redirect("meetings:calendar")


@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar app subscribes to. The secret URL is the key: no sign-in, and a
    wrong or revoked token is a plain 404."""
    feed = selectors.calendar_feed_for_token(token)
    if feed is None:
        raise Http404
    meetings = selectors.calendar_feed_meetings(person=feed.person)
    content = ical.feed_ics(meetings, name=_("Leerkring-bijeenkomsten"), person=feed.person)
    response = HttpResponse(content, content_type=CALENDAR)
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
