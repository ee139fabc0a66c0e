"""The second factor: who needs one, whether this session passed one, and the administrator's
recovery of a lost device.

django-allauth's `mfa` app does the cryptography and the forms (TOTP codes, recovery codes,
WebAuthn security keys and passkeys); this module holds Leerkring's rules around it:

- people with a programme role and staff *must* have a second factor (policy.is_privileged): the
  middleware sends them to set one up on their first sign-in, and to prove it whenever a session
  has not (an invitation that just signed them in, a session from before the rule);
- a session has passed the second factor when allauth recorded an "mfa" authentication in it,
  or when the organisation's sign-in asserted one (`amr`/`acr`, see oidc.py);
- an administrator who restores access after a lost phone removes the person's second factors
  without ever seeing a secret; the person sets up a new one at their next sign-in.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account.internal.flows.login import (
    get_authentication_records,
    perform_login,
    record_authentication,
)
from allauth.account.models import Login
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, hotp_value
from allauth.mfa.utils import decrypt
from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from leerkring.core.audit import audit

from .policy import is_privileged

# Authenticators that count as a second factor on their own (recovery codes only stand in for
# a lost one).
FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def sign_in_after_password(request: HttpRequest, user, *, redirect_url: str) -> HttpResponse:
    """Hand a person whose password was just checked (or just set) to allauth's login stages:
    they ask for the second factor when one is set up, then sign the session in."""
    # The password was proved a moment ago: that counts as a recent confirmation, so setting up
    # the second factor right after the first sign-in does not ask for the password again.
    record_authentication(request, user, "password", email=user.email, reauthenticated=True)
    return perform_login(request, Login(user=user, redirect_url=redirect_url, email=user.email))


def is_required(user) -> bool:
    return is_privileged(user)


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=FACTOR_TYPES).exists()


def session_passed(request: HttpRequest) -> bool:
    """Whether this session proved a second factor after the password (or the organisation's
    sign-in did so for us)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def mark_passed(request: HttpRequest, user, **extra: Any) -> None:
    """Write down in the session that a second factor was proved (allauth does this itself
    after a code or key; this is for a factor just set up, or asserted by a provider)."""
    record_authentication(request, user, "mfa", **extra)


def authenticator_added(sender, request: HttpRequest | None, user, authenticator, **kwargs) -> None:
    """Setting up a TOTP app or a key requires a valid code or signature, so it proves the
    factor for this session too: the person can go on without typing a second code."""
    if request is not None and authenticator.type in FACTOR_TYPES:
        mark_passed(request, user, id=authenticator.pk, type=authenticator.type, added=True)
    audit(actor=user, verb="second_factor.added", obj=authenticator, type=authenticator.type)


def authenticator_removed(
    sender, request: HttpRequest | None, user, authenticator, **kwargs
) -> None:
    # The row is gone by now: the account is the object of the history entry.
    audit(actor=user, verb="second_factor.removed", obj=user, type=authenticator.type)


@transaction.atomic
def second_factor_reset(*, user, by) -> int:
    """Remove every second factor of `user` (lost phone or key) and end their sessions. The
    administrator sees no secret: the person sets up a new factor at the next sign-in, which
    the middleware demands for everyone who needs one. Returns how many were removed."""
    authenticators = list(Authenticator.objects.select_for_update().filter(user=user))
    for authenticator in authenticators:
        audit(
            actor=by,
            verb="second_factor.reset",
            obj=authenticator,
            type=authenticator.type,
            user=user.pk,
        )
    Authenticator.objects.filter(pk__in=[a.pk for a in authenticators]).delete()
    get_adapter().end_sessions(list(UserSession.objects.filter(user=user)))
    return len(authenticators)


# --- Demo --------------------------------------------------------------------------------

# The demo's accounts that need a second factor share this authenticator-app secret, printed by
# `manage.py demo`; `manage.py totp_code <email>` (or `make totp`) shows the current code. Demo
# data only: real secrets are made by allauth, stored encrypted and never shown again.
DEMO_TOTP_SECRET = "LEERKRINGDEMOLEERKRINGDEMOLEERKR"  # noqa: S105 - documented demo secret


def totp_activate_with_secret(*, user, secret: str) -> Authenticator:
    """Give `user` an authenticator app with a known secret, plus recovery codes. For the demo
    and tests; people set theirs up through the pages."""
    Authenticator.objects.filter(
        user=user, type__in=(Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
    ).delete()
    authenticator = TOTP.activate(user, secret).instance
    RecoveryCodes.activate(user)
    return authenticator


def totp_secret(user) -> str | None:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return None
    return decrypt(authenticator.data["secret"])


def totp_now(secret: str, *, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows for `secret` right now."""
    counter = int((at if at is not None else time.time()) // app_settings.TOTP_PERIOD)
    return f"{hotp_value(secret, counter):0{app_settings.TOTP_DIGITS}}"
