"""Events open to anyone, without an account: the public page with its registration form, the
link that confirms the address (double opt-in) and the personal link to see, download and
cancel a registration.

Links carry a random token of which the database keeps only a hash; opening a link only shows
a page (mail scanners open every link), a button does the rest. Pages reached through a token
are never cached and are kept out of Django's request log when the token is refused.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from leerkring.communities.models import Programme
from leerkring.core import throttle

from .. import ical, selectors, services
from ..forms import HONEYPOT_FIELD, PublicEventSearchForm, PublicRegistrationForm
from ..models import Event, Registration, RegistrationToken
from ..services.mail import absolute
from .event import ics_response

logger = logging.getLogger(__name__)

REGISTRATIONS_PER_HOUR = 10
PAST_PER_PAGE = 20


def _quiet(response: HttpResponse) -> HttpResponse:
    # Django's request logger would print the path, token included, for 4xx responses.
    response._has_been_logged = True
    return response


def _public_event(slug: str, public_id: str) -> Event:
    programme = get_object_or_404(Programme, slug=slug)
    event = selectors.public_event(programme=programme, public_id=public_id)
    if event is None:
        raise Http404
    return event


@require_http_methods(["GET", "HEAD"])
def public_event_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every event of the programme open to anyone: what is coming, and what was, with its
    look back (summary and recording). The same for every visitor."""
    programme = get_object_or_404(Programme, slug=slug)
    form = PublicEventSearchForm(
        request.GET or None, years=selectors.public_event_years(programme=programme)
    )
    filters = form.filters() if request.GET else {}
    upcoming, past = selectors.public_event_search(programme=programme, **filters)
    page = Paginator(past, PAST_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/public_event_list.html",
        {
            "programme": programme,
            "form": form,
            "upcoming": upcoming if page.number == 1 else [],
            "page": page,
            "filtered": bool(filters),
            "query_string": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def public_event(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    event = _public_event(slug, public_id)
    form = PublicRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get(HONEYPOT_FIELD):
            logger.info("Event registration: honeypot filled, nothing stored")
            return render(request, "events/public_sent.html", {"event": event})
        if not throttle.allow(request, scope="events:register", limit=REGISTRATIONS_PER_HOUR):
            form.add_error(
                None,
                _(
                    "Er zijn vanaf dit adres te veel aanmeldingen gedaan. Probeer het over een uur opnieuw."
                ),
            )
            status = 429
        elif form.is_valid():
            try:
                services.registration_public_request(
                    event=event,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    organisation=form.cleaned_data["organisation"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return render(request, "events/public_sent.html", {"event": event})
        if status == 200:
            status = 400
    return render(
        request,
        "events/public_event.html",
        {
            "event": event,
            "programme": event.programme,
            "seats": selectors.seats(event),
            "closed_reason": services.registration_closed_reason(event),
            "form": form,
            "honeypot_field": HONEYPOT_FIELD,
            "retention_days": settings.EVENT_REGISTRATION_RETENTION_DAYS,
            "look_back": selectors.public_look_back(event=event) if event.is_over else None,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token, RegistrationToken.Purpose.CONFIRM)
    if registration is None:
        # Perhaps confirmed already: that link was used up. Say so without telling whose it is.
        return _quiet(render(request, "events/confirm.html", {"state": "bad"}, status=404))
    context = {"event": registration.event, "registration": registration}
    if request.method == "POST":
        try:
            registration = services.registration_confirm(registration=registration)
        except ValidationError as error:
            return render(
                request,
                "events/confirm.html",
                {**context, "state": "closed", "reason": " ".join(error.messages)},
            )
        return render(
            request,
            "events/confirm.html",
            {**context, "registration": registration, "state": "done"},
        )
    return render(request, "events/confirm.html", {**context, "state": "ask"})


def _managed(token: str) -> Registration | None:
    return selectors.registration_for_token(token, RegistrationToken.Purpose.MANAGE)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = _managed(token)
    if registration is None:
        return _quiet(render(request, "events/manage.html", {"state": "bad"}, status=404))
    state = "show"
    if request.method == "POST":
        state = "cancelled" if services.registration_cancel(registration=registration) else "show"
        registration.refresh_from_db()
    return render(
        request,
        "events/manage.html",
        {
            "state": state,
            "event": registration.event,
            "registration": registration,
            "waitlist_position": selectors.waitlist_position(registration),
            "token": token,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def manage_ics(request: HttpRequest, token: str) -> HttpResponse:
    registration = _managed(token)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return _quiet(HttpResponse(status=404))
    url = absolute(reverse("events:manage", args=[token]))
    content = ical.event_ics(registration.event, method=ical.PUBLISH, url=url)
    return ics_response(content)
