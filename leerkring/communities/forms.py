"""Input for programmes and communities: the overview's filters, the rule profile and the
community wizard. Messages are Dutch and land next to the field they are about."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form, ModelForm

from .models import Community, Organisation, RuleProfile
from .presets import RULE_PROFILE_PRESETS, preset_choices

# --- Programme overview --------------------------------------------------------------------


def _any(label):
    return [("", label)]


SORT_CHOICES = [
    ("name", _("Naam (A–Z)")),
    ("-name", _("Naam (Z–A)")),
    ("-members", _("Meeste leden")),
    ("members", _("Minste leden")),
    ("-organisations", _("Meeste organisaties")),
    ("organisations", _("Minste organisaties")),
    ("region", _("Regio (A–Z)")),
    ("-region", _("Regio (Z–A)")),
    ("-start", _("Nieuwste startdatum")),
    ("start", _("Oudste startdatum")),
]


class CommunityFilterForm(Form):
    """Filters of the programme overview. Everything travels in the query string, so a filtered
    view can be bookmarked or sent to a colleague."""

    q = forms.CharField(label=_("Zoek op naam"), required=False, max_length=100)
    scope = forms.ChoiceField(
        label=_("Reikwijdte"),
        required=False,
        choices=_any(_("Alle")) + Community.Scope.choices,
    )
    region = forms.ChoiceField(label=_("Regio"), required=False)
    scenario = forms.ChoiceField(
        label=_("Scenario"),
        required=False,
        choices=_any(_("Alle")) + Community.Scenario.choices,
    )
    phase = forms.ChoiceField(
        label=_("Fase"), required=False, choices=_any(_("Alle")) + Community.Phase.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_any(_("Alle")) + Community.Status.choices
    )
    sort = forms.ChoiceField(label=_("Sorteer op"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _any(_("Alle")) + [(r, r) for r in regions]

    def filters(self) -> dict[str, str]:
        """The valid filters only: a stale or mistyped value in a shared link is ignored rather
        than turning the page into an error."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value and name not in self.errors
        }


# --- Rule profile --------------------------------------------------------------------------

# The CoP monitor's thresholds (evaluation.monitor), in the order of the monitor's checks.
MONITOR_FIELDS = [
    "monitor_members_margin",
    "monitor_organisations_margin",
    "monitor_meetings_margin",
    "monitor_physical_green",
    "monitor_physical_red",
    "monitor_attendance_green",
    "monitor_attendance_red",
    "monitor_turnover_orange",
    "monitor_turnover_red",
    "monitor_perspective_meetings",
    "monitor_lessons_green",
    "monitor_lessons_red",
    "monitor_agreements_green",
    "monitor_agreements_red",
    "monitor_signals_green",
    "monitor_signals_red",
    "monitor_satisfaction_question",
    "monitor_satisfaction_green",
    "monitor_satisfaction_red",
]


class RuleProfileForm(ModelForm):
    required_organisation_types = forms.MultipleChoiceField(
        label=_("Gewenste soorten organisaties"),
        required=False,
        choices=Organisation.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Soorten organisaties die in elke gemeenschap vertegenwoordigd moeten zijn."),
    )

    class Meta:
        model = RuleProfile
        fields = [
            "preset",
            "members_min",
            "members_target",
            "members_max",
            "organisations_min",
            "required_organisation_types",
            "mix_municipality_and_executing",
            "meetings_per_year_min",
            "meetings_per_year_max",
            "meeting_interval_weeks",
            "meeting_hours_min",
            "meeting_hours_max",
            "physical_meetings",
            "sessions_min",
            "duration_months_min",
            "facilitators_required",
            "lead_facilitator_separate",
            "facilitators_different_perspectives",
            "case_rotation",
            "shared_framework",
            "signal_feedback_days",
            "survey_min_group_size",
            *MONITOR_FIELDS,
            "notes",
        ]
        widgets = {"preset": forms.HiddenInput, "notes": forms.Textarea(attrs={"rows": 4})}

    # Fieldsets of the edit page, in reading order.
    SECTIONS = [
        (_("Deelnemers"), ["members_min", "members_target", "members_max"]),
        (
            _("Organisaties"),
            ["organisations_min", "required_organisation_types", "mix_municipality_and_executing"],
        ),
        (
            _("Bijeenkomsten"),
            [
                "meetings_per_year_min",
                "meetings_per_year_max",
                "meeting_interval_weeks",
                "meeting_hours_min",
                "meeting_hours_max",
                "physical_meetings",
                "sessions_min",
                "duration_months_min",
            ],
        ),
        (
            _("Begeleiding en werkwijze"),
            [
                "facilitators_required",
                "lead_facilitator_separate",
                "facilitators_different_perspectives",
                "case_rotation",
                "shared_framework",
            ],
        ),
        (_("Toelichting"), ["notes"]),
        (_("Signalen en enquêtes"), ["signal_feedback_days", "survey_min_group_size"]),
        (_("Grenzen van de CoP-monitor"), MONITOR_FIELDS),
    ]

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_preset(self) -> str:
        preset = self.cleaned_data.get("preset", "")
        return preset if preset in RULE_PROFILE_PRESETS else ""


class PresetForm(Form):
    """The "Begin vanuit een voorbeeld" choice: fills the rule profile form with a preset's
    values; nothing is saved until the coordinator saves the form itself."""

    preset = forms.ChoiceField(label=_("Begin vanuit een voorbeeld"), choices=preset_choices)


# --- Community -----------------------------------------------------------------------------


class ScenarioForm(Form):
    """Step 1 of the new-community wizard (report §6.3): the scenario comes first because it
    sets the recommended composition, agenda, guidance and how results are secured."""

    scenario = forms.ChoiceField(
        label=_("Scenario"),
        choices=Community.Scenario.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een scenario: A, B of C."),
            "invalid_choice": _("Kies een scenario: A, B of C."),
        },
    )


class CommunityForm(ModelForm):
    class Meta:
        model = Community
        fields = [
            "name",
            "scenario",
            "scope",
            "region",
            "theme",
            "learning_question",
            "description",
            "phase",
            "status",
            "start_date",
            "meeting_interval_weeks",
        ]
        widgets = {
            "scenario": forms.RadioSelect,
            "scope": forms.RadioSelect,
            "learning_question": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "region": _("Verplicht voor een regionale gemeenschap."),
            "learning_question": _("De vraag waar de gemeenschap samen antwoord op zoekt."),
        }
        error_messages = {
            "name": {"required": _("Geef de gemeenschap een naam.")},
            "scenario": {
                "required": _("Kies een scenario: A, B of C."),
                "invalid_choice": _("Kies een scenario: A, B of C."),
            },
        }

    def __init__(self, *args, scenario_hidden: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = Community.Scenario.choices
        if scenario_hidden:
            self.fields["scenario"].widget = forms.HiddenInput()

    def clean_name(self) -> str:
        """The name is unique within the programme; said here in plain words, because the
        database constraint would only speak of a combination of fields."""
        name = self.cleaned_data["name"].strip()
        others = Community.objects.filter(programme_id=self.instance.programme_id, name=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Dit programma heeft al een gemeenschap met deze naam."))
        return name

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
