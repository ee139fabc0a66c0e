"""Forms of the evaluator's fieldwork: the observation form, the template editor, story links,
the public story form, and the evaluator's tagging and filters."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form

from .models import ChangeStory, ObservationQuestion
from .services import STORY_TEXT_MAX, ObservationAnswerInput, ObservationQuestionInput

NOTE_MAX = 10000
HONEYPOT_FIELD = "website"


def _text(value: str) -> str:
    # PostgreSQL refuses NUL characters in text; nobody types them.
    return (value or "").replace("\x00", "").strip()


def _textarea(label, *, help_text="", rows: int = 4, max_length: int = NOTE_MAX, required=False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- Observations ---------------------------------------------------------------------------


@dataclass
class QuestionRow:
    """One question of the form with its fields, for the template."""

    question: ObservationQuestion
    text: forms.BoundField
    wrapup: forms.BoundField | None


class ObservationForm(Form):
    """The observer's notes: per question a text and, where the schema asks one, the answers
    of the five-minute wrap-up; then the general notes. Fields are built from the template's
    questions, named after the question's id."""

    atmosphere = _textarea(
        _("Sfeer"), help_text=_("Bijvoorbeeld ontspannen, formeel, resultaatgericht.")
    )
    roles = _textarea(
        _("Rollen"), help_text=_("Wie leidt, wie volgt, wie begeleidt; hoe actief zijn deelnemers.")
    )
    reactions = _textarea(
        _("Reacties van deelnemers"),
        help_text=_("Positieve en negatieve reacties op werkvormen, experts en onderwerpen."),
    )
    quotes = _textarea(
        _("Citaten"), help_text=_("Letterlijke uitspraken, zonder namen van deelnemers.")
    )

    def __init__(
        self,
        *args,
        questions: list[ObservationQuestion],
        allow_refresh: bool = False,
        **kwargs,
    ):
        self.questions = questions
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}_text"] = _textarea(
                _("Je waarneming bij vraag %(number)s") % {"number": question.number}, rows=5
            )
            if question.wrapup_question:
                self.fields[f"q{question.pk}_wrapup"] = _textarea(
                    _("Antwoorden in de wrap-up: %(question)s")
                    % {"question": question.wrapup_question},
                    rows=3,
                )
        if allow_refresh:
            self.fields["refresh_prefill"] = forms.BooleanField(
                label=_("Gegevens uit de bijeenkomst opnieuw ophalen"),
                help_text=_(
                    "Doe dit als de aanwezigheid of de agenda na je observatie is aangevuld."
                ),
                required=False,
            )
        self._style_added_fields()

    def _style_added_fields(self) -> None:
        """The shared mixin styles the fields it finds at start; these came later."""
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and "utrecht-textarea" not in (
                field.widget.attrs.get("class", "")
            ):
                field.widget.attrs["class"] = "utrecht-textarea"
            elif isinstance(field.widget, forms.CheckboxInput) and not field.widget.attrs.get(
                "class"
            ):
                field.widget.attrs["class"] = (
                    "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom"
                )

    @classmethod
    def initial_for(cls, observation) -> dict:
        initial = {
            "atmosphere": observation.atmosphere,
            "roles": observation.roles,
            "reactions": observation.reactions,
            "quotes": observation.quotes,
        }
        for answer in observation.answers.all():
            initial[f"q{answer.question_id}_text"] = answer.text
            initial[f"q{answer.question_id}_wrapup"] = answer.wrapup_answers
        return initial

    def rows(self) -> list[QuestionRow]:
        return [
            QuestionRow(
                question=question,
                text=self[f"q{question.pk}_text"],
                wrapup=self[f"q{question.pk}_wrapup"] if question.wrapup_question else None,
            )
            for question in self.questions
        ]

    def general_fields(self) -> list[forms.BoundField]:
        names = ["atmosphere", "roles", "reactions", "quotes"]
        if "refresh_prefill" in self.fields:
            names.append("refresh_prefill")
        return [self[name] for name in names]

    def answers(self) -> list[ObservationAnswerInput]:
        data = self.cleaned_data
        return [
            ObservationAnswerInput(
                question_id=question.pk,
                text=_text(data.get(f"q{question.pk}_text", "")),
                wrapup_answers=_text(data.get(f"q{question.pk}_wrapup", "")),
            )
            for question in self.questions
        ]

    def notes(self) -> dict[str, str]:
        return {
            name: _text(self.cleaned_data[name])
            for name in ("atmosphere", "roles", "reactions", "quotes")
        }


class TemplateChoiceForm(Form):
    """Which schema to observe with (a GET form above the observation form)."""

    schema = forms.ModelChoiceField(
        label=_("Observatieschema"), queryset=None, empty_label=None, required=False
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schema"].queryset = templates


# --- Observation templates ------------------------------------------------------------------


class ObservationTemplateForm(Form):
    title = forms.CharField(label=_("Naam van het schema"), max_length=200)


class ObservationQuestionForm(Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    number = forms.CharField(label=_("Nummer"), max_length=10)
    question = _textarea(_("Vraag"), rows=2, required=True)
    frame = _textarea(_("Observatiekader"), rows=2, help_text=_("Waar let je op?"))
    measure = _textarea(_("Te meten"), rows=3, help_text=_("Wat noteer je?"))
    wrapup_question = _textarea(
        _("Vraag voor de wrap-up van vijf minuten"),
        rows=2,
        help_text=_("Leeg laten als er bij deze vraag geen wrap-upvraag hoort."),
    )
    prefill = forms.ChoiceField(
        label=_("Wat Leerkring al invult"),
        choices=ObservationQuestion.Prefill.choices,
        required=False,
    )
    delete = forms.BooleanField(label=_("Deze vraag verwijderen"), required=False)

    def as_input(self) -> ObservationQuestionInput | None:
        data = self.cleaned_data
        if not data or (not data.get("pk") and not data.get("question")):
            return None
        return ObservationQuestionInput(
            pk=data.get("pk"),
            number=_text(data.get("number", "")),
            question=_text(data.get("question", "")),
            frame=_text(data.get("frame", "")),
            measure=_text(data.get("measure", "")),
            wrapup_question=_text(data.get("wrapup_question", "")),
            prefill=data.get("prefill", ""),
            delete=bool(data.get("delete")),
        )


class _BaseQuestionFormSet(forms.BaseFormSet):
    def inputs(self) -> list[ObservationQuestionInput]:
        return [item for form in self.forms if (item := form.as_input()) is not None]


ObservationQuestionFormSet = formset_factory(
    ObservationQuestionForm, formset=_BaseQuestionFormSet, extra=1
)


def question_formset(data=None, *, questions: list[ObservationQuestion]):
    initial = [
        {
            "pk": q.pk,
            "number": q.number,
            "question": q.question,
            "frame": q.frame,
            "measure": q.measure,
            "wrapup_question": q.wrapup_question,
            "prefill": q.prefill,
        }
        for q in questions
    ]
    return ObservationQuestionFormSet(data, initial=initial, prefix="questions")


# --- Stories ------------------------------------------------------------------------------------


class StoryInvitationForm(Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Bijvoorbeeld: Verhalen voorjaar 2025. De verteller ziet deze titel."),
    )
    community = forms.ModelChoiceField(
        label=_("Voor één gemeenschap"),
        queryset=None,
        required=False,
        empty_label=_("Alle gemeenschappen van het programma"),
        help_text=_(
            "Kies een gemeenschap als de link alleen voor haar is; dan vragen we er niet naar."
        ),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class StoryForm(Form):
    """The most-significant-change question (report Bijlage 3, §4.1). No name, no e-mail,
    no organisation: only what kind of teller, so stories can be compared."""

    teller = forms.ChoiceField(
        label=_("Wie ben je?"), choices=ChangeStory.Teller.choices, widget=forms.RadioSelect
    )
    community = forms.ModelChoiceField(label=_("Over welke CoP gaat je verhaal?"), queryset=None)
    story = _textarea(
        _("Wat was voor jou de belangrijkste verandering door deze CoP?"),
        help_text=_("Vertel wat er veranderd is: in je werk, je samenwerking of je organisatie."),
        rows=8,
        max_length=STORY_TEXT_MAX,
        required=True,
    )
    why_significant = _textarea(
        _("Waarom is juist deze verandering belangrijk voor je?"),
        rows=5,
        max_length=STORY_TEXT_MAX,
        required=True,
    )
    title = forms.CharField(
        label=_("Titel van je verhaal"),
        help_text=_("Mag leeg blijven."),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, communities=None, community_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is None:
            del self.fields["community"]
        else:
            field = self.fields["community"]
            field.queryset = communities
            field.required = community_required
            if not community_required:
                field.empty_label = _("Niet bekend of niet van toepassing")
                field.label = _("Over welke CoP gaat het verhaal?")

    def story_data(self) -> dict:
        data = self.cleaned_data
        return {
            "teller": data["teller"],
            "story": _text(data["story"]),
            "why_significant": _text(data["why_significant"]),
            "title": _text(data.get("title", "")),
        }


class InterviewStoryForm(StoryForm):
    """The same questions, written down by the evaluator during an interview."""

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, communities=communities, community_required=False, **kwargs)
        self.fields["teller"].label = _("Wie vertelt het verhaal?")
        self.fields["story"].label = _("Wat was de belangrijkste verandering door deze CoP?")
        self.fields["why_significant"].label = _("Waarom is juist deze verandering belangrijk?")
        self.fields["why_significant"].required = False


class StoryClassifyForm(Form):
    tag_knowledge = forms.BooleanField(label=_("Kennis en inzicht"), required=False)
    tag_relations = forms.BooleanField(label=_("Relaties"), required=False)
    tag_attitude = forms.BooleanField(label=_("Houding"), required=False)
    tag_actions = forms.BooleanField(label=_("Handelen"), required=False)
    level = forms.ChoiceField(
        label=_("Niveau van de verandering"),
        choices=[("", _("Nog niet bepaald")), *ChangeStory.Level.choices],
        required=False,
    )
    selected = forms.BooleanField(
        label=_("Geselecteerd"),
        help_text=_("Een van de verhalen die de belangrijkste verandering het best laten zien."),
        required=False,
    )
    shareable = forms.BooleanField(
        label=_("Mag gedeeld worden"),
        help_text=_("Dan kan het verhaal, zonder naam, in de nieuwsbrief komen."),
        required=False,
    )
    guard_confirmed = forms.BooleanField(
        label=_("Ik heb het verhaal gecontroleerd; er staan geen persoonsgegevens in"),
        required=False,
    )

    @classmethod
    def initial_for(cls, story: ChangeStory) -> dict:
        return {name: getattr(story, name) for name in cls.base_fields if hasattr(story, name)}


TAG_CHOICES = [
    ("", _("Alle soorten")),
    ("tag_knowledge", _("Kennis en inzicht")),
    ("tag_relations", _("Relaties")),
    ("tag_attitude", _("Houding")),
    ("tag_actions", _("Handelen")),
]


class StoryFilterForm(Form):
    tag = forms.ChoiceField(label=_("Soort verandering"), choices=TAG_CHOICES, required=False)
    level = forms.ChoiceField(
        label=_("Niveau"),
        choices=[("", _("Alle niveaus")), *ChangeStory.Level.choices],
        required=False,
    )
    community = forms.ModelChoiceField(
        label=_("Gemeenschap"), queryset=None, required=False, empty_label=_("Alle gemeenschappen")
    )
    selected = forms.ChoiceField(
        label=_("Selectie"),
        choices=[
            ("", _("Alle verhalen")),
            ("yes", _("Geselecteerd")),
            ("no", _("Niet geselecteerd")),
        ],
        required=False,
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        selected = {"yes": True, "no": False}.get(data.get("selected") or "")
        return {
            "tag": data.get("tag") or "",
            "level": data.get("level") or "",
            "community_id": data["community"].pk if data.get("community") else None,
            "selected": selected,
        }
