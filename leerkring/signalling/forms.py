"""Forms for raising a signal, passing it on and the coordinator's steps on the signal page.

Forms check the shape of the input; the rules (which transition, which theme, who may own it)
live in `signalling.lifecycle`, whose ValidationErrors are put next to the right field with
`form.add_service_errors`.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form, guard_confirm_field
from leerkring.meetings.models import Meeting
from leerkring.meetings.topics import InfluenceLevel, SolutionLevel, TopicCategory, subtopic_choices

from .lifecycle import TEXT_MAX, TITLE_MAX
from .models import Escalation, Signal, SignalTheme

TEXT_HELP = _(
    "Een signaal gaat buiten de gemeenschap. Noem geen namen of andere gegevens van inburgeraars."
)


class SignalForm(Form):
    """Raising a signal, or changing a draft."""

    title = forms.CharField(label=_("Titel"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Omschrijving"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=TEXT_HELP,
    )
    raised_on = forms.DateField(
        label=_("Datum"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Wanneer kwam het signaal op?"),
    )
    meeting = forms.ModelChoiceField(
        label=_("Bijeenkomst"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Geen bijeenkomst"),
        help_text=_("Kwam het signaal op in een bijeenkomst? Kies die dan."),
    )
    topic_category = forms.ChoiceField(
        label=_("Onderwerpcategorie"),
        choices=[("", _("Kies een categorie"))] + list(TopicCategory.choices),
        required=False,
    )
    subtopic = forms.ChoiceField(label=_("Onderwerp"), choices=subtopic_choices, required=False)
    solution_level = forms.ChoiceField(
        label=_("Niveau van oplossing"),
        choices=SolutionLevel.choices,
        initial=SolutionLevel.LOCAL,
        widget=forms.RadioSelect,
        help_text=_("Waar kan dit worden opgelost?"),
    )
    influence_level = forms.ChoiceField(
        label=_("Niveau van invloed"),
        choices=[("", _("Weet ik niet"))] + list(InfluenceLevel.choices),
        required=False,
        help_text=_("Op welk niveau heeft de gemeenschap er zelf invloed op?"),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        # A community meets six to eight times a year, so its list of meetings stays short.
        self.fields["meeting"].queryset = Meeting.objects.filter(community=community).order_by(
            "-starts_at"
        )
        self.fields["meeting"].label_from_instance = lambda m: timezone.localtime(
            m.starts_at
        ).strftime("%d-%m-%Y")


class PassOnForm(Form):
    """Passing on: the text as it will leave the community, and the check."""

    title = forms.CharField(label=_("Titel"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Omschrijving"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Haal hier persoonsgegevens weg voordat je het signaal doorgeeft."),
    )
    confirmed = forms.BooleanField(
        label=_("Ik heb dit gecontroleerd; er staan geen persoonsgegevens van inburgeraars in"),
        required=False,
    )


class GuardConfirmForm(Form):
    """For a coordinator raising a signal on behalf of a community: same check as passing on."""

    confirmed = forms.BooleanField(
        label=_("Ik heb dit gecontroleerd; er staan geen persoonsgegevens van inburgeraars in"),
        required=False,
    )


def _coordinator_choices(programme):
    from leerkring.accounts.models import ProgrammeRole, User

    return (
        User.objects.filter(
            person__programme_roles__programme=programme,
            person__programme_roles__role=ProgrammeRole.Role.COORDINATOR,
        )
        .select_related("person")
        .distinct()
        .order_by("person__full_name")
    )


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        person = getattr(obj, "person", None)
        return person.full_name if person else obj.email


INTERNAL_NOTE = _(
    "Interne notitie: alleen de coördinatoren van het programma zien dit, de gemeenschap niet."
)


class TriageForm(Form):
    owner = OwnerField(
        label=_("Behandelaar"), queryset=None, required=False, empty_label=_("Nog niemand")
    )
    note = forms.CharField(
        label=_("Interne notitie"),
        help_text=INTERNAL_NOTE,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, signal: Signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _coordinator_choices(signal.community.programme)


class OwnerForm(Form):
    owner = OwnerField(
        label=_("Behandelaar"), queryset=None, required=False, empty_label=_("Nog niemand")
    )

    def __init__(self, *args, signal: Signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _coordinator_choices(signal.community.programme)


def _theme_queryset(signal: Signal):
    return SignalTheme.objects.filter(
        programme_id=signal.community.programme_id, merged_into__isnull=True
    ).order_by("title")


class ThemeForm(Form):
    theme = forms.ModelChoiceField(
        label=_("Hoofdvraagstuk"), queryset=None, required=False, empty_label=_("Geen")
    )

    def __init__(self, *args, signal: Signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = _theme_queryset(signal)


class KnownForm(Form):
    theme = forms.ModelChoiceField(
        label=_("Hoofdvraagstuk"), queryset=None, required=False, empty_label=_("Geen")
    )
    known_as = forms.IntegerField(
        label=_("Nummer van het eerdere signaal"),
        required=False,
        min_value=1,
        help_text=_("Het nummer staat bovenaan de pagina van dat signaal."),
    )
    note = forms.CharField(
        label=_("Interne toelichting"),
        help_text=INTERNAL_NOTE,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, signal: Signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = _theme_queryset(signal)
        self.signal = signal

    def clean_known_as(self):
        pk = self.cleaned_data.get("known_as")
        if pk is None:
            return None
        earlier = (
            Signal.objects.filter(pk=pk, community__programme_id=self.signal.community.programme_id)
            .exclude(state=Signal.State.DRAFT)
            .first()
        )
        if earlier is None:
            raise forms.ValidationError(_("Er is geen doorgegeven signaal met dit nummer."))
        return earlier


class AnswerForm(Form):
    answer = forms.CharField(
        label=_("Antwoord voor de gemeenschap"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Bericht aan de gemeenschap: de leden zien dit antwoord bij hun signaal; de "
            "communitytrekker en procesbegeleider krijgen het per e-mail."
        ),
    )
    guard_confirmed = guard_confirm_field()


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bericht aan de gemeenschap: de leden zien deze reden bij hun signaal."),
    )
    guard_confirmed = guard_confirm_field()


class EscalateForm(Form):
    level = forms.ChoiceField(
        label=_("Opschalen naar"), choices=Escalation.Level.choices, widget=forms.RadioSelect
    )
    question = forms.CharField(
        label=_("Vraag"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Welke vraag leg je voor? De vraag gaat naar het LCC of het stelselniveau en de "
            "gemeenschap ziet hem bij haar signaal."
        ),
    )

    guard_confirmed = guard_confirm_field()

    def __init__(self, *args, levels: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if levels is not None:
            self.fields["level"].choices = [
                (value, label) for value, label in Escalation.Level.choices if value in levels
            ]


class RespondForm(Form):
    text = forms.CharField(
        label=_("Tussenbericht voor de gemeenschap"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bericht aan de gemeenschap: bijvoorbeeld wat er met het signaal gebeurt en wanneer "
            "er meer bekend is."
        ),
    )
    guard_confirmed = guard_confirm_field()


class RedactForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Omschrijving"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Haal persoonsgegevens weg. De geschiedenis bewaart alleen dát er iets is "
            "weggehaald, niet wat."
        ),
    )
