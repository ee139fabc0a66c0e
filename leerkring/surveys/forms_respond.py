"""The respondent's form: a questionnaire's layout (`selectors.questionnaire_form`) checked
against a POST.

Everything the browser may do is checked again here, because anything can be posted: a
required question left open, more picks than allowed, an option id that does not belong to the
question, a pick that was not given to the earlier question it pipes from, an "anders" chosen
without saying what, text longer than the limits. Errors are kept per question (by question
pk) so they appear next to the question and in the summary on top.

The "which community" question is not asked when the invitation already knows the community
(a member invited through one community): the answer is stored from the invitation, so the
results of that question stay complete. When nobody knows the community (an address list,
a member of two of the wave's communities, the open link) and the questionnaire has no such
question, one is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors
from .models import Question
from .services import AnswerData

OPEN_TEXT_MAX = 5000
OTHER_TEXT_MAX = 500
# The added "which community" question: pk 0 never exists in the database.
COMMUNITY_FIELD_PK = 0
HONEYPOT_FIELD = "website"


def _clean_text(value: str) -> str:
    # PostgreSQL refuses NUL characters in text; nobody types them.
    return value.replace("\x00", "").strip()


@dataclass
class ErrorLink:
    anchor: str
    number: int
    text: str
    message: str


@dataclass
class ResponseForm:
    """Build with the wave's questionnaire and what the link already knows; then `bind()` a
    POST and `is_valid()`. `answers` and `community_id` are what the service stores."""

    sections: list[selectors.FormSection]
    known_community_id: int | None = None
    answers: list[AnswerData] = field(default_factory=list)
    community_id: int | None = None
    errors: dict[int, list[str]] = field(default_factory=dict)
    prefilled: list[AnswerData] = field(default_factory=list)
    bound: bool = False

    @classmethod
    def for_wave(cls, *, wave, questionnaire, communities, known_community_id=None):
        sections = selectors.questionnaire_form(
            questionnaire=questionnaire, programme=wave.programme
        )
        form = cls(sections=sections, known_community_id=known_community_id)
        form._arrange(communities)
        return form

    # --- layout ---------------------------------------------------------------------------

    def _arrange(self, communities) -> None:
        choices = [selectors.FormChoice(value=str(c.pk), label=c.name) for c in communities]
        has_community_question = False
        for section in self.sections:
            kept = []
            for fq in section.questions:
                if fq.kind == Question.Kind.COMMUNITY:
                    has_community_question = True
                    if self.known_community_id is not None:
                        self.prefilled.append(
                            AnswerData(question_id=fq.pk, community_id=self.known_community_id)
                        )
                        continue
                    fq.choices = [selectors.FormChoice(c.value, c.label) for c in choices]
                kept.append(fq)
            section.questions = kept
        if self.known_community_id is None and not has_community_question:
            ask = selectors.FormQuestion(
                question=Question(
                    pk=COMMUNITY_FIELD_PK,
                    kind=Question.Kind.COMMUNITY,
                    code="",
                    text=_("Aan welke gemeenschap neem je deel?"),
                    help_text=_("Je antwoorden worden per gemeenschap samengeteld."),
                    required=True,
                ),
                number=0,
                choices=choices,
            )
            if self.sections:
                self.sections[0].questions.insert(0, ask)
            else:
                self.sections.append(selectors.FormSection(title="", intro="", questions=[ask]))
        self.sections = [s for s in self.sections if s.questions or s.intro]
        numbers = {}
        for number, fq in enumerate(self.questions, start=1):
            fq.number = number
            numbers[fq.pk] = number
        for fq in self.questions:
            if fq.source is not None:
                fq.source_number = numbers.get(fq.source.pk)

    @property
    def questions(self) -> list[selectors.FormQuestion]:
        return [fq for section in self.sections for fq in section.questions]

    @property
    def question_count(self) -> int:
        return len(self.questions)

    # --- validation -----------------------------------------------------------------------

    def bind(self, data) -> ResponseForm:
        self.data = data
        self.bound = True
        selectors.questionnaire_form_bind(self.sections, data)
        return self

    def is_valid(self) -> bool:
        if not self.bound:
            return False
        self.errors = {}
        self.answers = list(self.prefilled)
        self.community_id = self.known_community_id
        picked: dict[int, set[str]] = {}
        for fq in self.questions:
            messages = self._check(fq, picked)
            if messages:
                self.errors[fq.pk] = messages
        selectors.questionnaire_form_bind(self.sections, self.data, self.errors)
        if self.errors:
            self.answers = []
        return not self.errors

    def _values(self, name: str) -> list[str]:
        return [v for v in self.data.getlist(name) if v.strip()]

    def _check(self, fq: selectors.FormQuestion, picked: dict[int, set[str]]) -> list[str]:
        kind = fq.kind
        if kind == Question.Kind.OPEN:
            return self._check_open(fq)
        if kind == Question.Kind.MATRIX:
            return self._check_matrix(fq)
        values = self._values(fq.name)
        allowed = {c.value: c for c in fq.choices}
        if not values:
            return [_("Beantwoord deze vraag.")] if fq.required else []
        if any(v not in allowed for v in values):
            return [_("Kies alleen uit de antwoorden die bij deze vraag staan.")]
        values = list(dict.fromkeys(values))
        if kind in (Question.Kind.SINGLE, Question.Kind.COMMUNITY) and len(values) > 1:
            return [_("Kies één antwoord.")]
        if fq.max_picks and len(values) > fq.max_picks:
            return [
                ngettext(
                    "Kies er hoogstens %(max)s (je koos er %(count)s).",
                    "Kies er hoogstens %(max)s (je koos er %(count)s).",
                    fq.max_picks,
                )
                % {"max": fq.max_picks, "count": len(values)}
            ]
        if (
            kind == Question.Kind.PICK_FROM
            and fq.source is not None
            and fq.source.pk not in self.errors
        ):
            given = picked.get(fq.source.pk, set())
            if not set(values) <= given:
                return [
                    _("Kies alleen antwoorden die je bij vraag %(number)s hebt aangekruist.")
                    % {"number": fq.source_number or fq.source.code}
                ]
        other_text = ""
        if kind != Question.Kind.PICK_FROM and any(allowed[v].is_other for v in values):
            other_text = _clean_text((self.data.getlist(fq.other_name) or [""])[0])
            if not other_text:
                return [_("Je koos ‘anders’: vul in wat je bedoelt.")]
            if len(other_text) > OTHER_TEXT_MAX:
                return [self._too_long(OTHER_TEXT_MAX, len(other_text))]
        picked[fq.pk] = set(values)
        if kind == Question.Kind.COMMUNITY:
            self.community_id = int(values[0])
            if fq.pk != COMMUNITY_FIELD_PK:
                self.answers.append(AnswerData(question_id=fq.pk, community_id=int(values[0])))
            return []
        for value in values:
            self.answers.append(
                AnswerData(
                    question_id=fq.pk,
                    option_id=int(value),
                    text=other_text if allowed[value].is_other else "",
                )
            )
        return []

    def _check_open(self, fq: selectors.FormQuestion) -> list[str]:
        text = _clean_text((self.data.getlist(fq.name) or [""])[0])
        if not text:
            return [_("Beantwoord deze vraag.")] if fq.required else []
        if len(text) > OPEN_TEXT_MAX:
            return [self._too_long(OPEN_TEXT_MAX, len(text))]
        self.answers.append(AnswerData(question_id=fq.pk, text=text))
        return []

    def _check_matrix(self, fq: selectors.FormQuestion) -> list[str]:
        scale = {str(value) for value, _label in fq.scale}
        rows = []
        missing = False
        for statement in fq.statements:
            values = self._values(statement.name)
            if not values:
                missing = True
                continue
            if len(values) > 1 or values[0] not in scale:
                return [_("Kies bij elke stelling een van de vijf antwoorden.")]
            rows.append(
                AnswerData(question_id=fq.pk, statement_id=statement.pk, scale_value=int(values[0]))
            )
        if missing and fq.required:
            return [_("Geef bij elke stelling aan in hoeverre je het ermee eens bent.")]
        self.answers.extend(rows)
        return []

    @staticmethod
    def _too_long(limit: int, count: int) -> str:
        return _("Je antwoord is te lang: hoogstens %(max)s tekens, nu %(count)s.") % {
            "max": limit,
            "count": count,
        }

    # --- for the template -----------------------------------------------------------------

    @property
    def error_links(self) -> list[ErrorLink]:
        """The error summary on top: each error links to the first input of its question."""
        links = []
        for fq in self.questions:
            for message in self.errors.get(fq.pk, []):
                links.append(
                    ErrorLink(
                        anchor=_first_input_id(fq),
                        number=fq.number,
                        text=fq.text,
                        message=message,
                    )
                )
        return links


def _first_input_id(fq: selectors.FormQuestion) -> str:
    if fq.kind == Question.Kind.OPEN:
        return fq.name
    if fq.kind == Question.Kind.MATRIX:
        return f"{fq.statements[0].name}-1" if fq.statements else f"{fq.name}-field"
    return f"{fq.name}-1" if fq.choices else f"{fq.name}-field"
