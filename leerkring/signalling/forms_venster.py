"""Forms of the venster, themes, top five, coordination meeting and system level pages."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from leerkring.communities.selectors import CommunityChoices
from leerkring.core.forms import Form, guard_confirm_field
from leerkring.meetings.topics import SolutionLevel, TopicCategory

from . import lifecycle
from .models import Signal, SignalTheme
from .selectors import NO_THEME, VENSTER_STATES, venster_communities

ALL = [("", _("Alle"))]

SORT_CHOICES = [
    ("", _("Wachtend op terugkoppeling eerst")),
    ("-date", _("Datum (nieuwste eerst)")),
    ("date", _("Datum (oudste eerst)")),
    ("subject", _("Onderwerp (A–Z)")),
    ("-subject", _("Onderwerp (Z–A)")),
    ("-level", _("Niveau (landelijk eerst)")),
    ("level", _("Niveau (lokaal eerst)")),
    ("state", _("Status")),
    ("community", _("Gemeenschap (A–Z)")),
    ("-community", _("Gemeenschap (Z–A)")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class QuickSelect(forms.Select):
    """A select of flat choices written in Python, with the markup of Django's own templates.

    A programme has hundreds of communities; Django builds a context and renders a template
    for every option, which made the filter form the slowest part of the venster page."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class VensterFilterForm(Form):
    """Every filter travels in the query string, so a view of the venster can be bookmarked
    or sent to a colleague."""

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=200,
        help_text=_("Zoekt in titel en omschrijving; ‘wachttijd’ vindt ook ‘wachttijden’."),
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=ALL + [(s.value, s.label) for s in VENSTER_STATES],
    )
    theme = forms.ChoiceField(label=_("Hoofdvraagstuk"), required=False, widget=QuickSelect)
    topic_category = forms.ChoiceField(
        label=_("Onderwerpcategorie"), required=False, choices=ALL + TopicCategory.choices
    )
    solution_level = forms.ChoiceField(
        label=_("Niveau van oplossing"), required=False, choices=ALL + SolutionLevel.choices
    )
    community = forms.TypedChoiceField(
        label=_("Gemeenschap"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=QuickSelect,
        error_messages={
            # One message for another programme's community and for one that does not exist:
            # the page must not tell them apart (DESIGN.md §2).
            "invalid_choice": _(
                "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer."
            ),
        },
    )
    # A programme with many communities gets this search field instead of the list above (the
    # list then holds only the community a shared link asks for): `communities.selectors.
    # community_choices`.
    community_name = forms.CharField(
        label=_("Gemeenschap zoeken"),
        required=False,
        max_length=150,
        help_text=_(
            "Typ (een deel van) de naam: je ziet de signalen van de gemeenschappen waarvan de "
            "naam dit bevat."
        ),
    )
    date_from = forms.DateField(label=_("Datum vanaf"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Datum tot en met"), required=False, widget=DateInput())
    waiting = forms.BooleanField(label=_("Alleen wachtend op terugkoppeling"), required=False)
    sort = forms.ChoiceField(label=_("Sorteer op"), required=False, choices=SORT_CHOICES)
    view = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("themes", "themes")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, themes, communities: CommunityChoices, name_search=True, **kwargs):
        """`communities` from `selectors.venster_communities`; `name_search` False leaves the
        name search out even for a large programme (the API filters on an id only)."""
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = (
            ALL
            + [(NO_THEME, _("Zonder hoofdvraagstuk"))]
            + [(str(pk), title) for pk, title in themes]
        )
        if communities.searchable and not communities.asked:
            # Nothing chosen: the name search stands in for the list. A chosen community, or
            # one refused, keeps its field, to be cleared or to carry its message.
            self.fields["community"].widget = forms.HiddenInput()
        self.fields["community"].choices = ALL + communities.offered
        if name_search:  # the page, which leaves the filter out and shows every signal
            self.fields["community"].error_messages["invalid_choice"] = _(
                "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer. Je ziet "
                "nu de signalen van alle gemeenschappen."
            )
        if not (communities.searchable and name_search):
            del self.fields["community_name"]

    @classmethod
    def for_programme(cls, data, *, programme, name_search=True) -> VensterFilterForm:
        """The form with the programme's themes and community options (two queries)."""
        themes = list(
            SignalTheme.objects.filter(programme=programme, merged_into__isnull=True)
            .order_by("title")
            .values_list("pk", "title")
        )
        communities = venster_communities(
            programme=programme, chosen=data.get("community") if data else None
        )
        form = cls(data or None, themes=themes, communities=communities, name_search=name_search)
        form.themes = themes
        return form

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Deze datum ligt voor de datum ‘vanaf’."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a stale value in a shared link is named next to its field
        and left out, instead of emptying the whole table."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False) and name not in self.errors
        }


class ThemeForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waar gaat dit hoofdvraagstuk over? Zichtbaar voor het coördinatiepunt."),
    )


class ThemeMergeForm(Form):
    into = forms.ModelChoiceField(
        label=_("Samenvoegen met"),
        queryset=SignalTheme.objects.none(),
        help_text=_(
            "Alle signalen gaan naar het gekozen hoofdvraagstuk; dit hoofdvraagstuk "
            "verdwijnt uit de lijsten."
        ),
    )

    def __init__(self, *args, theme: SignalTheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = SignalTheme.objects.filter(
            programme_id=theme.programme_id, merged_into__isnull=True
        ).exclude(pk=theme.pk)


class SignalIdsField(forms.Field):
    """The ticked rows of a table: whole numbers; the service checks they are in reach."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Vink een of meer signalen aan."),
        "invalid": _("De keuze van signalen klopt niet. Laad de pagina opnieuw."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class ThemeLinkForm(Form):
    """Link ticked signals to a theme: from the venster (choose the theme) or from the theme
    page (the theme is given)."""

    theme = forms.ModelChoiceField(
        label=_("Koppel de aangevinkte signalen aan"),
        queryset=SignalTheme.objects.none(),
        empty_label=_("Kies een hoofdvraagstuk"),
    )
    signals = SignalIdsField(label=_("Signalen"))
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = SignalTheme.objects.filter(
            programme=programme, merged_into__isnull=True
        )


class ThemeRespondForm(Form):
    text = forms.CharField(
        label=_("Antwoord of voortgang"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Bericht aan de gemeenschappen: gaat naar elke gemeenschap met een signaal bij dit "
            "hoofdvraagstuk."
        ),
    )
    guard_confirmed = guard_confirm_field()


class RankingForm(Form):
    action = forms.ChoiceField(
        label=_("Wat wil je doen?"),
        choices=[
            ("pin", _("Altijd in de top vijf (vastzetten)")),
            ("exclude", _("Nooit in de top vijf (uitsluiten)")),
            ("reset", _("Gewoon volgens de score")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        max_length=300,
        help_text=_(
            "Verplicht bij vastzetten of uitsluiten. Staat naast het hoofdvraagstuk in het "
            "venster: wie het venster ziet, leest het."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in ("pin", "exclude") and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Geef een reden; die staat naast het hoofdvraagstuk."))
        return cleaned


class CoordinationMeetingForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    held_on = forms.DateField(label=_("Datum"), widget=DateInput())
    notes = forms.CharField(
        label=_("Interne aantekeningen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen de coördinatoren van het programma zien dit, de gemeenschappen niet."),
    )


def decision_state_choices(signal: Signal) -> list[tuple[str, str]]:
    """The states an LCC decision may lead to for this signal: keep as it is, or one of the
    transitions the lifecycle allows ("known" is set on the signal page, with its link)."""
    states = [signal.state] + sorted(
        lifecycle.allowed_next_states(signal) - {Signal.State.KNOWN, Signal.State.DRAFT},
        key=Signal.State.values.index,
    )
    return [
        (
            s,
            _("Blijft: %(state)s") % {"state": Signal.State(s).label}
            if s == signal.state
            else Signal.State(s).label,
        )
        for s in states
    ]


class DecisionForm(Form):
    resulting_state = forms.ChoiceField(label=_("Gevolg voor het signaal"))
    decision = forms.CharField(
        label=_("Besluit"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bericht aan de gemeenschap: bij ‘opgelost’, ‘terug naar de gemeenschap’ of ‘geen "
            "vervolg’ gaat deze tekst als antwoord naar de gemeenschap; bij opschalen naar "
            "stelselniveau is het de vraag, die de gemeenschap ook ziet."
        ),
    )

    guard_confirmed = guard_confirm_field()

    def __init__(self, *args, signal: Signal, **kwargs):
        kwargs.setdefault("prefix", f"s{signal.pk}")
        super().__init__(*args, **kwargs)
        self.fields["resulting_state"].choices = decision_state_choices(signal)


class SystemAnswerForm(Form):
    text = forms.CharField(
        label=_("Je antwoord"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Bericht aan de gemeenschap: het antwoord gaat naar de gemeenschap die het signaal "
            "gaf en naar het coördinatiepunt."
        ),
    )
    guard_confirmed = guard_confirm_field()
