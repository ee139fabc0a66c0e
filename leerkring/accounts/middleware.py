"""Session limits (ASVS V7.3): an absolute lifetime for every session, and an idle limit for
the people who see most (policy.is_privileged); and the second factor those people must pass
before any page (ASVS V6.3.3).

Django's own expiry is renewed whenever a session is saved, so it cannot give an absolute
limit; the middleware keeps the moment of sign-in and of the last request in the session and
signs the visitor out when either limit has passed.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import second_factor
from .policy import is_privileged

STARTED = "lk_session_started"
SEEN = "lk_session_seen"
# The last request is written down at most once a minute, so an active visitor does not cost a
# session write on every page.
SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def _session_starts(sender, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


def _idle_limit_passed(request: HttpRequest, idle_seconds: float) -> bool:
    members = settings.SESSION_IDLE_MINUTES_MEMBERS * 60
    privileged = settings.SESSION_IDLE_MINUTES * 60
    if members and idle_seconds > members:
        return True
    # Only look up the visitor's roles when the answer matters.
    return bool(privileged) and idle_seconds > privileged and is_privileged(request.user)


class SessionLimitsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = time.time()
        started = session.get(STARTED)
        seen = session.get(SEEN)
        if started is None or seen is None:
            # A session from before these limits existed: the clock starts now.
            session[STARTED] = started or now
            session[SEEN] = now
            return None
        if now - started > settings.SESSION_MAX_AGE_HOURS * 3600:
            return self._end(request, _("Je sessie is verlopen. Log opnieuw in."))
        if _idle_limit_passed(request, now - seen):
            return self._end(
                request,
                _(
                    "Je was een tijd niet actief en bent daarom uitgelogd. Log opnieuw in om "
                    "verder te gaan."
                ),
            )
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN] = now
        return None

    def _end(self, request: HttpRequest, message: str) -> HttpResponse:
        next_url = request.get_full_path() if request.method == "GET" else ""
        logout(request)
        messages.info(request, message)
        url = reverse(settings.LOGIN_URL)
        if next_url and not getattr(request, "htmx", False):
            url = f"{url}?{urlencode({'next': next_url})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)


class SecondFactorMiddleware:
    """People who need a second factor (second_factor.is_required) reach no page before this
    session has passed one: without any set up they are sent to set one up, otherwise to prove
    it. Only the pages of those two steps, signing out and the language switch stay open."""

    OPEN_URL_NAMES = frozenset(
        {
            "accounts:second_factor_setup",
            "accounts:logout",
            "account_logout",
            "account_reauthenticate",
            "mfa_activate_totp",
            "mfa_add_webauthn",
            "mfa_reauthenticate",
            "mfa_reauthenticate_webauthn",
            "mfa_view_recovery_codes",
            "mfa_download_recovery_codes",
            "set_language",
            "core:health",
        }
    )

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if request.resolver_match.view_name in self.OPEN_URL_NAMES:
            return None
        if not second_factor.is_required(request.user) or second_factor.session_passed(request):
            return None
        if second_factor.has_second_factor(request.user):
            url = reverse("mfa_reauthenticate")
        else:
            url = reverse("accounts:second_factor_setup")
        if request.method == "GET" and not getattr(request, "htmx", False):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
