"""Forms for signing in, setting a password, inviting members and assigning programme roles.

All of them carry the NL Design System styling and accessible error links of
`leerkring.core.forms.StyledFormMixin`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Membership, Organisation
from leerkring.core.forms import Form, StyledFormMixin
from leerkring.outbox.services import emails_queue

from .models import ProgrammeRole, User


def _organisation_field() -> forms.ModelChoiceField:
    # The queryset is lazy and copied per form, so declaring the field on the class is safe.
    return forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        required=False,
        empty_label=_("Geen of onbekend"),
        help_text=_("Staat de organisatie er niet bij? Laat dit leeg."),
    )


class SignInForm(StyledFormMixin, auth_forms.AuthenticationForm):
    """Sign in with an e-mail address. The field keeps the name `username`, which is what
    django-axes reads (AXES_USERNAME_FORM_FIELD) to throttle failed attempts."""

    username = forms.CharField(
        label=_("E-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={"required": _("Vul je e-mailadres in.")},
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Vul je wachtwoord in.")},
    )

    error_messages = {
        # One message for an unknown address, a wrong password and a disabled account, so the
        # form never tells whether an address has an account.
        "invalid_login": _(
            "Het e-mailadres of het wachtwoord klopt niet. Controleer beide en probeer het "
            "opnieuw. Let op hoofdletters in het wachtwoord."
        ),
        "inactive": _(
            "Het e-mailadres of het wachtwoord klopt niet. Controleer beide en probeer het "
            "opnieuw. Let op hoofdletters in het wachtwoord."
        ),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case; normalising here also keeps the throttle from
        # being sidestepped by changing the case of the address.
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        },
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """Through the outbox like every e-mail; the reset link is cleared once sent."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(
            subject, render_to_string(email_template_name, context), from_email, [to_email]
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                render_to_string(html_email_template_name, context), "text/html"
            )
        emails_queue([message], kind="accounts.password_reset", secret=True)


def _min_password_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 1


def _password_help() -> str:
    # Evaluated when shown, so it follows both the active language and the configured minimum.
    return _(
        "Minstens %(min_length)d tekens. Niet alleen cijfers, geen veelgebruikt wachtwoord en "
        "niet te veel lijkend op je e-mailadres. Een zin van een paar woorden werkt goed."
    ) % {"min_length": _min_password_length()}


class PasswordFieldsMixin:
    """Two password fields, checked against each other and Django's password validators."""

    password_help = lazy(_password_help, str)()

    def _check_passwords(self, user: User | None) -> str:
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("De twee wachtwoorden zijn niet gelijk."))
            return ""
        if first:
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("new_password1", _plain_password_errors(error))
                return ""
        return first or ""


# Django's own messages for its password validators, in our words. Its Dutch catalogue lags
# behind the English texts of some validators, which would otherwise show in English.
_PASSWORD_ERRORS = {
    "password_too_short": _("Dit wachtwoord is te kort. Gebruik minstens %(min_length)d tekens."),
    "password_too_similar": _("Dit wachtwoord lijkt te veel op je e-mailadres."),
    "password_too_common": _("Dit wachtwoord wordt te vaak gebruikt en is makkelijk te raden."),
    "password_entirely_numeric": _("Een wachtwoord van alleen cijfers is te makkelijk te raden."),
}


def _plain_password_errors(error: forms.ValidationError) -> list[forms.ValidationError]:
    return [
        forms.ValidationError(_PASSWORD_ERRORS[item.code], code=item.code, params=item.params)
        if item.code in _PASSWORD_ERRORS
        else item
        for item in error.error_list
    ]


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    first = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PasswordFieldsMixin.password_help,
        error_messages={"required": _("Kies een wachtwoord.")},
    )
    second = forms.CharField(
        label=_("Nieuw wachtwoord nog een keer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Typ het wachtwoord nog een keer.")},
    )
    return first, second


class SetPasswordForm(StyledFormMixin, PasswordFieldsMixin, auth_forms.SetPasswordForm):
    """The last step of a password reset."""

    new_password1, new_password2 = _password_fields()

    def clean(self) -> dict:
        self._check_passwords(self.user)
        return self.cleaned_data


class InvitationAcceptForm(PasswordFieldsMixin, Form):
    """Choose a password for an invitation. The user may not exist yet, so the similarity
    validator is given an unsaved user with the invited address."""

    new_password1, new_password2 = _password_fields()

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["password"] = self._check_passwords(User(email=self.email))
        return cleaned


class MemberInviteForm(Form):
    full_name = forms.CharField(
        label=_("Naam"),
        max_length=150,
        error_messages={"required": _("Vul de naam in.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_("Hier sturen we de uitnodiging naartoe."),
        error_messages={
            "required": _("Vul het e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation = _organisation_field()
    job_title = forms.CharField(label=_("Functie"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Rol in de gemeenschap"),
        initial=Membership.Role.PARTICIPANT,
        error_messages={"invalid_choice": _("Kies een van de rollen uit de lijst.")},
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(community)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Vul de naam in."))
        return name


def role_choices(community: Community) -> list[tuple[str, str]]:
    """The roles someone can be invited in; the combined role only where the programme's rule
    profile lets one person be both lead and facilitator (report §5.2)."""
    roles = [Membership.Role.PARTICIPANT, Membership.Role.LEAD, Membership.Role.FACILITATOR]
    if not community.programme.rule_profile.lead_facilitator_separate:
        roles.append(Membership.Role.LEAD_FACILITATOR)
    return [(role.value, role.label) for role in roles]


class ProgrammeRoleAssignForm(Form):
    full_name = forms.CharField(
        label=_("Naam"), max_length=150, error_messages={"required": _("Vul de naam in.")}
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul het e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        },
    )
    organisation = _organisation_field()
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=ProgrammeRole.Role.choices,
        error_messages={"invalid_choice": _("Kies een van de rollen uit de lijst.")},
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Vul de naam in."))
        return name


class PasswordChangeForm(PasswordFieldsMixin, Form):
    """Mijn gegevens: a new password, with the current one (when there is one) as proof."""

    current_password = forms.CharField(
        label=_("Huidige wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Vul je huidige wachtwoord in.")},
    )
    new_password1, new_password2 = _password_fields()

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if not user.has_usable_password():
            # Someone who only signs in through their organisation sets a first password.
            del self.fields["current_password"]

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Dit is niet je huidige wachtwoord."))
        return password

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["password"] = self._check_passwords(self.user)
        return cleaned


class EraseConfirmForm(Form):
    """Leaving Leerkring cannot be undone, so the person types their address and ticks a box."""

    email = forms.CharField(
        label=_("Typ je e-mailadres ter bevestiging"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Typ je e-mailadres ter bevestiging.")},
    )
    understood = forms.BooleanField(
        label=_("Ik begrijp dat dit niet ongedaan kan worden."),
        error_messages={"required": _("Vink aan dat je dit begrijpt.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email != self.user.email:
            raise forms.ValidationError(_("Dit is niet het e-mailadres van je account."))
        return email
