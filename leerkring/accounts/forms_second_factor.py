"""allauth's second-factor forms in our look and words (settings MFA_FORMS, ACCOUNT_FORMS).

The checks stay allauth's (code validation, rate limits, WebAuthn ceremonies); these classes only
give the fields Dutch labels, help texts and messages and the NL Design System classes.
"""

from __future__ import annotations

import allauth.account.forms
import allauth.mfa.base.forms
import allauth.mfa.recovery_codes.forms
import allauth.mfa.totp.forms
import allauth.mfa.webauthn.forms
from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import StyledFormMixin


def _code_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": _("Vul de code in.")},
    )


_LOGIN_CODE_HELP = _(
    "De zes cijfers die je authenticator-app nu laat zien. Telefoon kwijt? Typ dan een van je "
    "herstelcodes."
)


class AuthenticateForm(StyledFormMixin, allauth.mfa.base.forms.AuthenticateForm):
    code = _code_field(_("Code uit je app"), _LOGIN_CODE_HELP)


class MFAReauthenticateForm(StyledFormMixin, allauth.mfa.base.forms.ReauthenticateForm):
    code = _code_field(_("Code uit je app"), _LOGIN_CODE_HELP)


class ActivateTOTPForm(StyledFormMixin, allauth.mfa.totp.forms.ActivateTOTPForm):
    code = _code_field(
        _("Code uit je app"),
        _("Typ de zes cijfers die de app laat zien nadat je de QR-code hebt gescand."),
    )


class DeactivateTOTPForm(StyledFormMixin, allauth.mfa.totp.forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(
    StyledFormMixin, allauth.mfa.recovery_codes.forms.GenerateRecoveryCodesForm
):
    pass


class AddWebAuthnForm(StyledFormMixin, allauth.mfa.webauthn.forms.AddWebAuthnForm):
    name = forms.CharField(
        label=_("Naam van de sleutel"),
        required=False,
        max_length=100,
        help_text=_("Zodat je hem later herkent, bijvoorbeeld ‘YubiKey sleutelbos’."),
    )


class EditWebAuthnForm(StyledFormMixin, allauth.mfa.webauthn.forms.EditWebAuthnForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Naam van de sleutel")


class ReauthenticateForm(StyledFormMixin, allauth.account.forms.ReauthenticateForm):
    """Before changing a second factor: the password once more."""

    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("Vul je wachtwoord in.")},
    )
