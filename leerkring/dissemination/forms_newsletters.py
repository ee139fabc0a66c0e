"""Forms of the newsletter: settings, composing an issue and signing up. The rules (who may
edit, what may be picked, when an issue may go out) live in `services` and `newsletter`."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form, guard_confirm_field

MARKDOWN_HELP = _("Je kunt Markdown gebruiken: **vet**, *schuin*, lijstjes met een streepje.")
HONEYPOT_FIELD = "website"


class PickFilterForm(Form):
    """Search and filters above the picks of an issue: what the communities shared can run to
    hundreds of items, so the editor narrows it down and pages through it."""

    SHOW_CHOICES = (
        ("", _("Alles")),
        ("picked", _("Alleen wat al in de editie staat")),
        ("open", _("Alleen wat nog niet gekozen is")),
    )

    q = forms.CharField(
        label=_("Zoek in titel, tekst en gemeenschap"), required=False, max_length=100
    )
    kind = forms.ChoiceField(label=_("Soort"), required=False)
    show = forms.ChoiceField(label=_("Toon"), required=False, choices=SHOW_CHOICES)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Alle soorten")), *kinds]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "kind": "", "show": ""}
        return {key: self.cleaned_data[key] for key in ("q", "kind", "show")}


class NewsletterForm(Form):
    title = forms.CharField(label=_("Naam van de nieuwsbrief"), max_length=200)
    community = forms.ModelChoiceField(
        label=_("Voor"),
        queryset=None,
        required=False,
        help_text=_(
            "Een nieuwsbrief van één gemeenschap gebruikt alleen wat die gemeenschap deelt."
        ),
    )
    is_public = forms.BooleanField(
        label=_("Openbaar archief"),
        required=False,
        help_text=_(
            "Dan kan iedereen de verstuurde edities lezen en zich aanmelden, ook collega's en "
            "leidinggevenden zonder account. Anders alleen de leden van het programma."
        ),
    )

    def __init__(self, *args, communities: QuerySet, whole_programme: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities
        field.required = not whole_programme
        field.empty_label = (
            _("Het hele programma") if whole_programme else _("Kies een gemeenschap")
        )


class NewsletterSettingsForm(Form):
    title = forms.CharField(label=_("Naam van de nieuwsbrief"), max_length=200)
    is_public = NewsletterForm.base_fields["is_public"]


class IssueForm(Form):
    title = forms.CharField(label=_("Titel van deze editie"), max_length=200)
    intro = forms.CharField(
        label=_("Inleiding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )


class IssueItemForm(Form):
    """The issue's own copy of a picked item (or an own text)."""

    title = forms.CharField(label=_("Kop"), max_length=200)
    body = forms.CharField(
        label=_("Tekst"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )


class PublishForm(Form):
    guard_confirmed = guard_confirm_field()


class SubscribeForm(Form):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
