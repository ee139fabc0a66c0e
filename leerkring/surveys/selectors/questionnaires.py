"""Reads for questionnaires and the thermometer template.

The respondent's form and the preview are drawn from one layout (`questionnaire_form`), so
what the evaluator previews is exactly what respondents get. Field names, the contract for
reading a POST: `q<question pk>` (option pk, community pk or text), `q<pk>-other` (the
"anders, namelijk" text) and `q<pk>-s<statement pk>` (1-5 on the agreement scale)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.surveys.models import (
    AgreementScale,
    Option,
    PendingResponse,
    Question,
    Questionnaire,
    Response,
    Section,
    Statement,
)

CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
MULTI_KINDS = (Question.Kind.MULTIPLE, Question.Kind.PICK_FROM)


@dataclass
class FormChoice:
    value: str
    label: str
    is_other: bool = False
    checked: bool = False


@dataclass
class FormStatement:
    pk: int
    code: str
    text: str
    name: str
    value: str = ""


@dataclass
class FormQuestion:
    """One question as a respondent sees it, with the values bound to it (if any)."""

    question: Question
    number: int
    choices: list[FormChoice] = field(default_factory=list)
    statements: list[FormStatement] = field(default_factory=list)
    source: Question | None = None
    source_number: int | None = None
    text_value: str = ""
    other_value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.question.pk

    @property
    def name(self) -> str:
        return f"q{self.question.pk}"

    @property
    def other_name(self) -> str:
        return f"q{self.question.pk}-other"

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def text(self) -> str:
        return self.question.text

    @property
    def help_text(self) -> str:
        return self.question.help_text

    @property
    def required(self) -> bool:
        return self.question.required

    @property
    def max_picks(self) -> int | None:
        return self.question.max_picks

    @property
    def has_other(self) -> bool:
        return any(choice.is_other for choice in self.choices)

    @property
    def scale(self) -> list[tuple[int, str]]:
        return list(AgreementScale.choices)


@dataclass
class FormSection:
    title: str
    intro: str
    questions: list[FormQuestion]
    section: Section | None = None


def questionnaire_with_content(pk: int | None = None) -> QuerySet[Questionnaire]:
    """A questionnaire with everything the builder and the form show, in five queries."""
    return Questionnaire.objects.select_related("programme", "previous_version").prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
        Prefetch(
            "questions",
            queryset=Question.objects.select_related("source_question").order_by("position", "pk"),
        ),
        Prefetch("questions__options", queryset=Option.objects.order_by("position", "pk")),
        Prefetch("questions__statements", queryset=Statement.objects.order_by("position", "pk")),
    )


def questionnaire_form(
    *, questionnaire: Questionnaire, programme: Programme | None = None
) -> list[FormSection]:
    """The questionnaire as a form: sections in order, each with its numbered questions.

    Give a questionnaire from `questionnaire_with_content()` to keep this at a fixed number of
    queries. The "which community" question lists the programme's active communities (the
    wave's programme; for a built-in template, none until it is copied into a programme).
    """
    programme = programme or questionnaire.programme
    communities: list[Community] = []
    if programme is not None and any(
        q.kind == Question.Kind.COMMUNITY for q in questionnaire.questions.all()
    ):
        communities = list(
            Community.objects.filter(programme=programme)
            .exclude(status=Community.Status.ENDED)
            .only("pk", "name")
            .order_by("name")
        )
    questions = list(questionnaire.questions.all())
    by_pk = {q.pk: q for q in questions}
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    form_questions: dict[int | None, list[FormQuestion]] = {}
    for number, question in enumerate(questions, start=1):
        fq = FormQuestion(question=question, number=number)
        if question.kind in CHOICE_KINDS:
            fq.choices = _choices(question.options.all())
        elif question.kind == Question.Kind.PICK_FROM:
            fq.source = by_pk.get(question.source_question_id)
            fq.source_number = numbers.get(question.source_question_id)
            if fq.source is not None:
                fq.choices = _choices(fq.source.options.all())
        elif question.kind == Question.Kind.COMMUNITY:
            fq.choices = [FormChoice(value=str(c.pk), label=c.name) for c in communities]
        elif question.kind == Question.Kind.MATRIX:
            fq.statements = [
                FormStatement(pk=s.pk, code=s.code, text=s.text, name=f"q{question.pk}-s{s.pk}")
                for s in question.statements.all()
            ]
        form_questions.setdefault(question.section_id, []).append(fq)
    sections = []
    if form_questions.get(None):
        sections.append(FormSection(title="", intro="", questions=form_questions[None]))
    for section in questionnaire.sections.all():
        sections.append(
            FormSection(
                title=section.title,
                intro=section.intro,
                questions=form_questions.get(section.pk, []),
                section=section,
            )
        )
    return sections


def _choices(options) -> list[FormChoice]:
    return [FormChoice(value=str(o.pk), label=o.label, is_other=o.is_other) for o in options]


def questionnaire_form_bind(
    sections: list[FormSection], data, errors: dict[int, list[str]] | None = None
) -> list[FormSection]:
    """Put submitted values (a QueryDict or a dict of lists) and per-question errors (by
    question pk) back into the layout, so a refused form comes back as it was filled in."""
    errors = errors or {}

    def getlist(name: str) -> list[str]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name, [])
        return list(value) if isinstance(value, list | tuple) else [value]

    for section in sections:
        for fq in section.questions:
            chosen = set(getlist(fq.name))
            for choice in fq.choices:
                choice.checked = choice.value in chosen
            if fq.kind == Question.Kind.OPEN:
                fq.text_value = (getlist(fq.name) or [""])[0]
            fq.other_value = (getlist(fq.other_name) or [""])[0]
            for statement in fq.statements:
                statement.value = (getlist(statement.name) or [""])[0]
            fq.errors = list(errors.get(fq.pk, []))
    return sections


def questionnaire_is_locked(questionnaire: Questionnaire) -> bool:
    """Locked once any wave of it has a response: from then on its questions are what those
    answers mean, so changes that break comparison go into a new version."""
    return (
        Response.objects.filter(wave__questionnaire=questionnaire).exists()
        or PendingResponse.objects.filter(wave__questionnaire=questionnaire).exists()
    )


def questionnaires_for_programme(programme: Programme) -> list[Questionnaire]:
    """The programme's questionnaires for the survey index, with question counts and whether
    each is locked, in one query."""
    return list(
        Questionnaire.objects.filter(programme=programme)
        .select_related("previous_version")
        .annotate(
            question_count=Count("questions", distinct=True),
            is_locked=Exists(Response.objects.filter(wave__questionnaire=OuterRef("pk")))
            | Exists(PendingResponse.objects.filter(wave__questionnaire=OuterRef("pk"))),
        )
        .order_by("title", "-version")
    )


def questionnaire_templates() -> list[Questionnaire]:
    """The built-in templates any programme may copy."""
    return list(
        Questionnaire.objects.filter(programme__isnull=True, is_template=True)
        .annotate(question_count=Count("questions"))
        .order_by("title")
    )


def question_code_suggest(questionnaire: Questionnaire) -> str:
    """The next free "V<n>" code, following the numbering the appendix uses."""
    codes = set(questionnaire.questions.values_list("code", flat=True))
    numbers = [int(code[1:]) for code in codes if code[:1] == "V" and code[1:].isdigit()]
    number = max(numbers, default=0) + 1
    while f"V{number}" in codes:
        number += 1
    return f"V{number}"


def questionnaire_problems(questionnaire: Questionnaire) -> list[str]:
    """What stops a questionnaire from being sent in a wave, as Dutch sentences for the
    evaluator. Empty when it can be used."""
    questionnaire = questionnaire_with_content().get(pk=questionnaire.pk)
    questions = list(questionnaire.questions.all())
    problems: list[str] = []
    if not questions:
        problems.append(_("De vragenlijst heeft nog geen vragen."))
    positions = {q.pk: index for index, q in enumerate(questions)}
    for question in questions:
        if question.kind in CHOICE_KINDS and not [
            o for o in question.options.all() if not o.is_other
        ]:
            problems.append(
                _("Vraag %(code)s heeft nog geen antwoorden om uit te kiezen.")
                % {"code": question.code}
            )
        if question.kind == Question.Kind.MATRIX and not question.statements.all():
            problems.append(
                _("Vraag %(code)s heeft nog geen stellingen.") % {"code": question.code}
            )
        if question.kind == Question.Kind.PICK_FROM:
            source = question.source_question
            if source is None:
                problems.append(
                    _("Vraag %(code)s kiest uit een eerdere vraag, maar die is niet gekozen.")
                    % {"code": question.code}
                )
            elif positions.get(source.pk, len(questions)) >= positions[question.pk]:
                problems.append(
                    _("Vraag %(code)s moet na vraag %(source)s komen, waaruit gekozen wordt.")
                    % {"code": question.code, "source": source.code}
                )
        if (
            question.kind in MULTI_KINDS
            and question.max_picks is not None
            and (question.max_picks < 1)
        ):
            problems.append(
                _("Vraag %(code)s: het maximale aantal keuzes moet minstens 1 zijn.")
                % {"code": question.code}
            )
    return problems
