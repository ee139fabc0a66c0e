"""Filters of the results and comparison pages (plain GET forms, no JavaScript needed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form

from .results import GroupCount


class ResultsFilterForm(Form):
    """Which community to show. Only communities that may be shown on their own are offered;
    any other value (a hidden community typed into the address) is refused with the reason."""

    community = forms.TypedChoiceField(
        label=_("Gemeenschap"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, offered: list[GroupCount], threshold: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.choices = [("", _("Alle gemeenschappen"))] + [
            (str(group.pk), group.name) for group in offered
        ]
        field.help_text = _(
            "Gemeenschappen met minder dan %(threshold)s antwoorden staan er niet tussen."
        ) % {"threshold": threshold}
        field.error_messages["invalid_choice"] = _(
            "Van deze gemeenschap zijn te weinig antwoorden om te tonen (minder dan "
            "%(threshold)s). Kies een andere gemeenschap of bekijk alle gemeenschappen samen."
        ) % {"threshold": threshold}


class CompareForm(Form):
    """One question, several waves of the programme."""

    question = forms.ChoiceField(label=_("Vraag"))
    waves = forms.TypedMultipleChoiceField(
        label=_("Meetrondes"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies twee of meer meetrondes."),
        error_messages={"required": _("Kies de meetrondes die je wilt vergelijken.")},
    )

    def __init__(self, *args, questions: list[tuple[str, str]], waves, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", _("Kies een vraag"))] + [
            (code, f"{code}. {text[:90]}") for code, text in questions
        ]
        self.fields["question"].error_messages["required"] = _(
            "Kies de vraag die je wilt vergelijken."
        )
        self.fields["question"].error_messages["invalid_choice"] = _(
            "Deze vraag staat niet in de vragenlijsten van dit programma."
        )
        self.fields["waves"].choices = [(str(w.pk), w.title) for w in waves]
        self.fields["waves"].error_messages["invalid_choice"] = _(
            "Kies alleen meetrondes van dit programma."
        )

    def clean_waves(self) -> list[int]:
        chosen = self.cleaned_data["waves"]
        if len(chosen) < 2:
            raise forms.ValidationError(_("Kies ten minste twee meetrondes om te vergelijken."))
        return chosen
