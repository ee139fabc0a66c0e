"""Signing up for and leaving a newsletter (issue "Dissemination" §2).

- Members opt in with one click: their sign-in address is known, so no confirmation is needed.
- Anyone may sign up for a public newsletter through a form with double opt-in; the form has
  a honeypot and a per-address limit against robots. The page looks the same whether or not
  the address was already subscribed, so it tells nobody who reads what.
- Every e-mail's unsubscribe link works without signing in. GET only asks (link checkers in
  mail filters follow links); POST unsubscribes, which is also what a mail client's one-click
  "unsubscribe" (RFC 8058) does — without a CSRF token, because the signed link is the proof.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import newsletter as machinery
from .. import permissions, selectors, services
from ..forms_newsletters import HONEYPOT_FIELD, SubscribeForm
from ..models import Subscriber
from .newsletters import _newsletter, _refuse

logger = logging.getLogger(__name__)

SUBSCRIBES_PER_HOUR = 5


def _client_address(request: HttpRequest) -> str:
    if "HTTP_X_FORWARDED_FOR" in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ()):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def subscribe_allow(request: HttpRequest) -> bool:
    """Count a sign-up from this address. The cache (shared by every process) holds a hash of
    the address, for an hour."""
    address = hashlib.sha256(_client_address(request).encode()).hexdigest()[:32]
    key = f"dissemination:subscribe:{address}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= SUBSCRIBES_PER_HOUR


def _quiet(response: HttpResponse) -> HttpResponse:
    # Django's request logger would print the path, token included, for 4xx responses.
    response._has_been_logged = True
    return response


@login_required
@require_POST
def newsletter_optin(request: HttpRequest, pk: int) -> HttpResponse:
    """One click for a signed-in reader: `action=leave` ends the subscription again."""
    newsletter = _newsletter(pk)
    if not permissions.can_subscribe(request.user, newsletter):
        raise PermissionDenied
    if request.POST.get("action") == "leave":
        subscription = selectors.member_subscription(
            newsletter=newsletter, email=request.user.email or ""
        )
        if subscription is not None:
            services.subscriber_unsubscribe(subscriber=subscription, by=request.user)
        messages.success(request, _("Je krijgt deze nieuwsbrief niet meer."))
    else:
        try:
            services.subscriber_member_join(newsletter=newsletter, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Je bent aangemeld. Nieuwe edities komen naar %(email)s.")
                % {"email": request.user.email},
            )
    return redirect("dissemination:newsletter", newsletter.pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_subscribe(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(pk)
    if not permissions.can_subscribe(request.user, newsletter):
        return _refuse(request)
    form = SubscribeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get(HONEYPOT_FIELD):
            logger.info("Newsletter sign-up: honeypot filled, nothing stored")
            return render(request, "dissemination/subscribe_sent.html", {"newsletter": newsletter})
        if not subscribe_allow(request):
            form.add_error(
                None,
                _(
                    "Er zijn vanaf dit adres te veel aanmeldingen gedaan. Probeer het over een "
                    "uur opnieuw."
                ),
            )
            status = 429
        elif form.is_valid():
            try:
                services.subscriber_request(newsletter=newsletter, email=form.cleaned_data["email"])
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return render(
                    request, "dissemination/subscribe_sent.html", {"newsletter": newsletter}
                )
    return render(
        request,
        "dissemination/subscribe_form.html",
        {"newsletter": newsletter, "form": form, "honeypot_field": HONEYPOT_FIELD},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    found = machinery.subscriber_id_from_confirm_token(token)
    subscriber = None
    if found is not None:
        subscriber = (
            Subscriber.objects.select_related("newsletter")
            .filter(pk=found[0], email=found[1])
            .first()
        )
    if subscriber is None:
        return _quiet(
            render(request, "dissemination/subscribe_confirm.html", {"state": "bad"}, status=400)
        )
    context = {"newsletter": subscriber.newsletter}
    if request.method == "POST":
        services.subscriber_confirm(subscriber_id=found[0], email=found[1])
        return render(request, "dissemination/subscribe_confirm.html", {**context, "state": "done"})
    return render(request, "dissemination/subscribe_confirm.html", {**context, "state": "ask"})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber_id = machinery.subscriber_id_from_unsubscribe_token(token)
    subscriber = (
        Subscriber.objects.select_related("newsletter").filter(pk=subscriber_id).first()
        if subscriber_id is not None
        else None
    )
    if subscriber is None:
        return _quiet(
            render(
                request, "dissemination/subscribe_unsubscribe.html", {"state": "bad"}, status=400
            )
        )
    context = {"newsletter": subscriber.newsletter, "token": token}
    if subscriber.unsubscribed_at:
        state = "already"
    elif request.method == "POST":
        state = "done" if services.subscriber_unsubscribe(subscriber=subscriber) else "already"
    else:
        state = "ask"
    return render(request, "dissemination/subscribe_unsubscribe.html", {**context, "state": state})
