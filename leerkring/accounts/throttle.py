"""Throttling of password sign-ins beyond what django-axes does.

django-axes locks one address tried from one client (`AXES_FAILURE_LIMIT`). That leaves two
attacks untouched (ASVS V6.3.1):

- *password spraying* and *credential stuffing* from one client: one or two passwords tried on
  many addresses, each address staying under axes' limit. Counted per client over all
  addresses (`SIGNIN_LIMITS_PER_CLIENT`, by default 10 failures per 5 minutes, which slows a
  client down to two guesses a minute, and 50 per day, after which it is refused for the day);
- one address attacked from many clients: counted per address over all clients
  (`SIGNIN_LIMITS_PER_ACCOUNT`, by default 20 failures an hour).

Failures are counted for unknown addresses exactly as for known ones, and the refusal is the
same page whatever address was typed, so the throttle never tells whether an account exists.
Counters live in the cache (the database, or Redis when configured) under a keyed hash of the
client address or e-mail address, never the address itself; they expire with their window.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

logger = logging.getLogger(__name__)

_PREFIX = "lk-signin"


@dataclass(frozen=True)
class Limit:
    failures: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        failures, _, seconds = text.partition("/")
        return cls(failures=int(failures), seconds=int(seconds))


@dataclass(frozen=True)
class Refusal:
    """Why password sign-in is refused right now, and for how long."""

    scope: str
    limit: Limit
    retry_after: int

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _limits(scope: str) -> list[Limit]:
    setting = (
        settings.SIGNIN_LIMITS_PER_CLIENT
        if scope == "client"
        else settings.SIGNIN_LIMITS_PER_ACCOUNT
    )
    return [Limit.parse(item) for item in setting]


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def _subjects(request: HttpRequest | None, email: str | None) -> list[tuple[str, str]]:
    subjects = []
    client = get_client_ip_address(request) if request is not None else None
    if client:
        subjects.append(("client", _digest(client)))
    email = (email or "").strip().lower()
    if email:
        subjects.append(("account", _digest(email)))
    return subjects


def _now() -> float:
    return time.time()


def _window(limit: Limit, now: float) -> tuple[int, int]:
    """The fixed window `now` falls in: its number and the seconds left in it."""
    number = int(now // limit.seconds)
    return number, int((number + 1) * limit.seconds - now) + 1


def _key(scope: str, digest: str, limit: Limit, number: int) -> str:
    return f"{_PREFIX}:{scope}:{digest}:{limit.seconds}:{number}"


def refusal(request: HttpRequest | None, email: str | None) -> Refusal | None:
    """The first limit this client or address has used up, or None when a try is allowed."""
    now = _now()
    for scope, digest in _subjects(request, email):
        for limit in _limits(scope):
            number, left = _window(limit, now)
            failures = cache.get(_key(scope, digest, limit, number), 0)
            if failures >= limit.failures:
                return Refusal(scope=scope, limit=limit, retry_after=left)
    return None


def record_failure(request: HttpRequest | None, email: str | None) -> None:
    now = _now()
    for scope, digest in _subjects(request, email):
        for limit in _limits(scope):
            number, left = _window(limit, now)
            key = _key(scope, digest, limit, number)
            # add() then incr(): atomic on Redis; on the database cache two simultaneous
            # failures may count as one, which only makes the limit a little looser.
            cache.add(key, 0, timeout=left + 1)
            try:
                failures = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=left + 1)
                failures = 1
            if failures == limit.failures:
                logger.warning(
                    "Password sign-in refused for a %s after %d failures in %d seconds",
                    scope,
                    failures,
                    limit.seconds,
                )


def forget_account(email: str) -> None:
    """A new password was set through the e-mail link: the address's own counters start over
    (the client's do not, so a reset does not reopen spraying)."""
    now = _now()
    digest = _digest(email.strip().lower())
    for limit in _limits("account"):
        number, _left = _window(limit, now)
        cache.delete(_key("account", digest, limit, number))


@receiver(user_login_failed)
def _count_failed_sign_in(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    """Every failed password check counts, whichever form made it."""
    email = credentials.get("username") or credentials.get("email")
    record_failure(request, email)


def username_from_credentials(request: HttpRequest, credentials: dict | None) -> str | None:
    """The address django-axes counts under: our sign-in form calls it `username`, allauth's
    password confirmation `email`. Lower case, so changing case does not start a new count."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        value = request.POST.get("username")
    return value.strip().lower() if value else value
