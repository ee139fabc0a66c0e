"""Filters of the results and comparison pages (plain GET forms, no JavaScript needed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.communities.selectors import community_choices
from leerkring.core.forms import Form

from .models import Wave
from .results import GroupCount, WaveResultsPage
from .stored_results import filter_groups


class ResultsFilterForm(Form):
    """Which community to show. Only communities that may be shown on their own are offered
    (`results.WaveResults.offered`): a list while there are few, a search on the name above
    `COMMUNITY_CHOICES_MAX` (`community_search`, the template's switch). Any other value is
    refused with the reason: a community hidden for its few answers (the page names it among
    the hidden ones already), or else one message for another programme's community, one
    without answers and an id that is none, so the page tells those apart no more than the
    table does."""

    community = forms.TypedChoiceField(
        label=_("Gemeenschap"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(
        self, *args, offered: list[GroupCount], hidden: list[GroupCount], threshold: int, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        asked = self.data.get("community") if self.is_bound else None
        choices = community_choices([(group.pk, group.name) for group in offered], chosen=asked)
        self.community_search = choices.searchable
        field.choices = [("", _("Alle gemeenschappen"))] + [
            (str(pk), name) for pk, name in choices.offered
        ]
        field.help_text = _(
            "Gemeenschappen met minder dan %(threshold)s antwoorden staan er niet tussen."
        ) % {"threshold": threshold}
        # A wave's own community is refused for its few answers (also when a release hid it
        # after this form was built: `results.GroupHidden`).
        if any(str(group.pk) == asked for group in (*offered, *hidden)):
            field.error_messages["invalid_choice"] = _(
                "Van deze gemeenschap zijn te weinig antwoorden om te tonen (minder dan "
                "%(threshold)s). Kies een andere gemeenschap of bekijk alle gemeenschappen samen."
            ) % {"threshold": threshold}
        else:
            field.error_messages["invalid_choice"] = _(
                "Deze gemeenschap heeft geen antwoorden in deze meetronde of hoort niet bij dit "
                "programma. Kies een andere gemeenschap of bekijk alle gemeenschappen samen."
            )


def results_filter_form(
    wave: Wave, overall: WaveResultsPage, data: Mapping[str, Any] | None
) -> ResultsFilterForm:
    """The community filter for `data` (unbound when None), built from the groups it needs of
    the stored results (`stored_results.filter_groups`: the first choices and the one asked for)
    instead of every community's, with the same outcome."""
    asked = data.get("community") if data is not None else None
    offered, hidden = filter_groups(wave, overall, asked)
    return ResultsFilterForm(data, offered=offered, hidden=hidden, threshold=overall.threshold)


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
