"""How django-allauth behaves in Leerkring (settings ACCOUNT_ADAPTER, MFA_ADAPTER).

Accounts come only by invitation, so allauth's own sign-up stays closed; sign-in keeps our
form (e-mail address, Argon2, django-axes and the throttle) and hands over to allauth's login
stages, which ask for the second factor. Secrets of authenticator apps and recovery codes are
stored encrypted.
"""

from __future__ import annotations

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from axes.helpers import get_client_ip_address
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .second_factor import FACTOR_TYPES, is_required


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join by invitation of a lead or coordinator (accounts.services).
        return False

    def get_login_stages(self) -> list[str]:
        # The second-factor stage that knows when the organisation's sign-in already asked.
        return [
            "leerkring.accounts.oidc.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same client address as django-axes and the throttle, also behind the proxy.
        return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


def _fernet() -> Fernet:
    key = settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"leerkring-mfa:{key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "Deze code klopt niet. Typ de zes cijfers die je app nu laat zien, of een van je "
            "herstelcodes."
        ),
        "cannot_delete_authenticator": _(
            "Je hebt een tweede stap nodig voor je rol. Stel eerst een andere in voordat je "
            "deze verwijdert."
        ),
        "cannot_generate_recovery_codes": _(
            "Stel eerst een authenticator-app of beveiligingssleutel in; herstelcodes horen daarbij."
        ),
    }

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Someone who needs a second factor keeps at least one: adding a key before removing
        the app is fine, removing the last one is not."""
        if authenticator.type not in FACTOR_TYPES or not is_required(authenticator.user):
            return True
        return (
            Authenticator.objects.filter(user_id=authenticator.user_id, type__in=FACTOR_TYPES)
            .exclude(pk=authenticator.pk)
            .exists()
        )
