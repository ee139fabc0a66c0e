"""Forms of the questionnaire builder. Rules that need the database (codes in use, order of
questions, the lock) live in the services; these forms check what one form can see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkring.core.forms import Form

from .models import Question, Questionnaire, Section


class QuestionnaireForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    intro = forms.CharField(
        label=_("Inleiding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wat de deelnemer bovenaan de vragenlijst leest."),
    )


class SectionForm(Form):
    title = forms.CharField(label=_("Titel van het onderdeel"), max_length=200)
    intro = forms.CharField(
        label=_("Inleiding"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(Form):
    section = forms.ModelChoiceField(
        label=_("Onderdeel"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=_("(geen onderdeel)"),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Een korte, vaste naam, zoals V4. Zo worden meetrondes met elkaar vergeleken."),
    )
    text = forms.CharField(label=_("Vraag"), widget=forms.Textarea(attrs={"rows": 3}))
    help_text = forms.CharField(
        label=_("Toelichting"),
        max_length=300,
        required=False,
        help_text=_("Bijvoorbeeld: meerdere antwoorden mogelijk."),
    )
    kind = forms.ChoiceField(label=_("Soort vraag"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("Verplicht"), required=False)
    allow_other = forms.BooleanField(
        label=_("Met het antwoord “anders, namelijk…” en een tekstvak"),
        required=False,
        help_text=_("Alleen bij vragen met één of meerdere antwoorden."),
    )
    max_picks = forms.IntegerField(
        label=_("Hoogstens zoveel antwoorden"),
        required=False,
        help_text=_("Alleen bij meerdere antwoorden en kiezen uit een eerdere vraag."),
    )
    source_question = forms.ModelChoiceField(
        label=_("Kies uit de antwoorden op"),
        queryset=Question.objects.none(),
        required=False,
        help_text=_(
            "Alleen bij kiezen uit een eerdere vraag: een eerdere vraag met meerdere antwoorden."
        ),
    )

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        question: Question | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.order_by("position", "pk")
        sources = questionnaire.questions.filter(kind=Question.Kind.MULTIPLE)
        if question is not None:
            # Only questions that come before this one: answers flow forward.
            sources = sources.filter(position__lt=question.position)
        self.fields["source_question"].queryset = sources.order_by("position", "pk")
        self.fields["source_question"].label_from_instance = lambda q: f"{q.code}. {q.text[:80]}"
        self.fields["max_picks"].widget.attrs["min"] = "1"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == Question.Kind.PICK_FROM and not data.get("source_question"):
            self.add_error(
                "source_question", _("Kies de eerdere vraag waaruit de deelnemer kiest.")
            )
        max_picks = data.get("max_picks")
        if max_picks is not None and max_picks < 1:
            self.add_error("max_picks", _("Het maximale aantal keuzes moet minstens 1 zijn."))
        return data

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "section": question.section_id,
            "code": question.code,
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "required": question.required,
            "allow_other": question.allow_other,
            "max_picks": question.max_picks,
            "source_question": question.source_question_id,
        }


class OptionForm(Form):
    label = forms.CharField(label=_("Antwoord"), max_length=300)
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,
        help_text=_("Leeg laten: het volgende nummer."),
    )


class StatementForm(Form):
    text = forms.CharField(label=_("Stelling"), max_length=300)
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,
        help_text=_("Leeg laten: het volgende nummer (S1, S2…)."),
    )
