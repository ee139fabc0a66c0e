"""Forms for running a wave: its dates, questionnaire and communities, and pasted lists of
e-mail addresses of stakeholders."""

from __future__ import annotations

import re
from email.utils import parseaddr

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.communities.models import Community, Programme
from leerkring.core.forms import Form

from .models import Questionnaire, Wave

MAX_ADDRESSES = 2000


def email_list_parse(text: str) -> tuple[list[str], list[str]]:
    """Addresses from pasted text: one a line, or separated by commas or semicolons, also as
    copied from a mail program (`Naam <adres>`). Returns the addresses (lower case, duplicates
    merged, in order) and a Dutch message per bad entry naming its line."""
    addresses: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for part in re.split(r"[,;]", line):
            part = part.strip()
            if not part:
                continue
            address = parseaddr(part)[1] if "<" in part else part
            try:
                validate_email(address)
            except ValidationError:
                problems.append(
                    _("Regel %(line)s: ‘%(value)s’ is geen geldig e-mailadres.")
                    % {"line": number, "value": part[:80]}
                )
                continue
            addresses.append(address.lower())
    return list(dict.fromkeys(addresses)), problems


class EmailListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 5, "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        addresses, problems = email_list_parse(value or "")
        if problems:
            raise ValidationError(problems)
        if len(addresses) > MAX_ADDRESSES:
            raise ValidationError(
                _("Plak hoogstens %(max)s adressen tegelijk.") % {"max": MAX_ADDRESSES}
            )
        return addresses


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WaveForm(Form):
    title = forms.CharField(
        label=gettext_lazy("Titel"),
        max_length=200,
        help_text=gettext_lazy("Bijvoorbeeld: Meting mei 2023."),
    )
    questionnaire = forms.ModelChoiceField(
        label=gettext_lazy("Vragenlijst"), queryset=Questionnaire.objects.none()
    )
    opens_on = forms.DateField(label=gettext_lazy("Open vanaf"), widget=DateInput())
    closes_on = forms.DateField(
        label=gettext_lazy("Open tot en met"),
        widget=DateInput(),
        help_text=gettext_lazy("Na deze dag werkt geen enkele link meer."),
    )
    communities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Gemeenschappen"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Alle huidige leden met een e-mailadres krijgen een uitnodiging."),
    )
    emails = EmailListField(
        label=gettext_lazy("Andere e-mailadressen (bijvoorbeeld van stakeholders)"),
        required=False,
        help_text=gettext_lazy("Eén adres per regel, of gescheiden door komma's."),
    )
    reminder_every_days = forms.IntegerField(
        label=gettext_lazy("Automatisch herinneren, elke … dagen"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=gettext_lazy(
            "Leeg laten voor geen automatische herinnering. Herinneringen gaan alleen naar "
            "wie nog niet heeft geantwoord, en nooit na de sluitingsdatum."
        ),
    )

    def __init__(self, *args, programme: Programme, wave: Wave | None = None, **kwargs):
        if wave is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": wave.title,
                    "questionnaire": wave.questionnaire_id,
                    "opens_on": wave.opens_on,
                    "closes_on": wave.closes_on,
                    "communities": list(wave.communities.values_list("pk", flat=True)),
                    "reminder_every_days": wave.reminder_every_days,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.filter(
            programme=programme, is_template=False
        ).order_by("title", "-version")
        self.fields["communities"].queryset = (
            Community.objects.filter(programme=programme)
            .exclude(status=Community.Status.ENDED)
            .order_by("name")
        )
        if wave is not None:
            # Addresses are added on the wave's page once it exists.
            del self.fields["emails"]

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("De sluitingsdatum ligt vóór de openingsdatum."))
        return data


class AddressesForm(Form):
    emails = EmailListField(
        label=gettext_lazy("E-mailadressen"),
        help_text=gettext_lazy(
            "Eén adres per regel, of gescheiden door komma's. Adressen die al op de lijst "
            "staan, worden samengevoegd."
        ),
    )
