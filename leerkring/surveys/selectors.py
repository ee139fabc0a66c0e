"""Reads for questionnaires, waves and results. Each block belongs to one part."""

from __future__ import annotations

# --- Questionnaires and the thermometer template ----------------------------------------
# The respondent's form and the preview are drawn from one layout (`questionnaire_form`), so
# what the evaluator previews is exactly what respondents get. Field names, the contract for
# reading a POST: `q<question pk>` (option pk, community pk or text), `q<pk>-other` (the
# "anders, namelijk" text) and `q<pk>-s<statement pk>` (1-5 on the agreement scale).
from dataclasses import dataclass, field  # noqa: E402

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from leerkring.communities.models import Community, Programme  # noqa: E402

from .models import (  # noqa: E402
    AgreementScale,
    Option,
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
    return Response.objects.filter(wave__questionnaire=questionnaire).exists()


def questionnaires_for_programme(programme: Programme) -> list[Questionnaire]:
    """The programme's questionnaires for the survey index, with question counts and whether
    each is locked, in one query."""
    return list(
        Questionnaire.objects.filter(programme=programme)
        .select_related("previous_version")
        .annotate(
            question_count=Count("questions", distinct=True),
            is_locked=Exists(Response.objects.filter(wave__questionnaire=OuterRef("pk"))),
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


# --- Waves, invitations and answering ---------------------------------------------------
# Response rates count invitations, never answers: they say who was asked and how many of
# them answered, nothing about what anyone said. A group with fewer than
# `RATE_MIN_INVITEES` invitees shows only its number of invitees — with one or two people
# the rate would tell whether a named colleague took part. When exactly one group is hidden,
# the next smallest is hidden too (and so on while the hidden groups together have fewer than
# `RATE_MIN_INVITEES`), so the overall figure minus the others gives nothing away (the same
# rule as small-group suppression of results, `results.groups_to_hide`, docs/privacy.md).

import hashlib as _s2_hashlib  # noqa: E402
from dataclasses import dataclass as _s2_dataclass  # noqa: E402

from django.db.models import Q as _s2_Q  # noqa: E402

from .models import Invitation as _s2_Invitation  # noqa: E402
from .models import Wave as _s2_Wave  # noqa: E402
from .results import groups_to_hide as _s2_groups_to_hide  # noqa: E402

RATE_MIN_INVITEES = 3


def _s2_hash(token: str) -> str:
    return _s2_hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> _s2_Invitation | None:
    """The sent invitation a respondent's link belongs to, with its wave (None if unknown)."""
    if not token or len(token) > 100:
        return None
    return (
        _s2_Invitation.objects.select_related("wave__programme", "community")
        .filter(token_hash=_s2_hash(token), sent_at__isnull=False)
        .first()
    )


def wave_for_open_token(token: str) -> _s2_Wave | None:
    if not token or len(token) > 100:
        return None
    return (
        _s2_Wave.objects.select_related("programme")
        .filter(open_link_token_hash=_s2_hash(token))
        .exclude(open_link_token_hash="")
        .first()
    )


def wave_communities(wave: _s2_Wave) -> list[Community]:
    """Whom the "which community" question offers: the wave's communities, or (a wave for
    stakeholders only) the programme's current ones."""
    chosen = list(wave.communities.order_by("name").only("pk", "name"))
    if chosen:
        return chosen
    return list(
        Community.objects.filter(programme_id=wave.programme_id)
        .exclude(status=Community.Status.ENDED)
        .only("pk", "name")
        .order_by("name")
    )


def programme_waves(programme: Programme) -> QuerySet[_s2_Wave]:
    """The programme's waves for the survey index, each with its invited and answered
    counts and number of responses, in a fixed number of queries."""
    return (
        _s2_Wave.objects.filter(programme=programme)
        .select_related("questionnaire")
        .annotate(
            invited=Count("invitations", filter=_s2_Q(invitations__sent_at__isnull=False)),
            answered=Count(
                "invitations",
                filter=_s2_Q(invitations__sent_at__isnull=False, invitations__answered=True),
            ),
        )
        .order_by("-opens_on", "-pk")
    )


@_s2_dataclass
class RateRow:
    label: str
    invited: int
    answered: int
    hidden: bool = False

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded half up (49.5 → 50)."""
        if self.hidden or not self.invited:
            return None
        return (200 * self.answered + self.invited) // (2 * self.invited)


@_s2_dataclass
class WaveRates:
    rows: list[RateRow]
    overall: RateRow
    not_sent: int
    open_link_responses: int
    responses: int


def wave_response_rates(wave: _s2_Wave) -> WaveRates:
    """Invited / answered per community and overall, from the invitations (three queries)."""
    counts = list(
        _s2_Invitation.objects.filter(wave=wave)
        .values("community_id")
        .annotate(
            invited=Count("pk", filter=_s2_Q(sent_at__isnull=False)),
            answered=Count("pk", filter=_s2_Q(sent_at__isnull=False, answered=True)),
            not_sent=Count("pk", filter=_s2_Q(sent_at__isnull=True)),
        )
    )
    names = dict(
        Community.objects.filter(
            _s2_Q(pk__in=[c["community_id"] for c in counts if c["community_id"]])
            | _s2_Q(waves=wave)
        ).values_list("pk", "name")
    )
    by_community = {c["community_id"]: c for c in counts}
    rows = []
    for pk, name in sorted(names.items(), key=lambda item: item[1]):
        row = by_community.get(pk, {"invited": 0, "answered": 0})
        rows.append(RateRow(label=name, invited=row["invited"], answered=row["answered"]))
    if by_community.get(None, {}).get("invited"):
        row = by_community[None]
        rows.append(
            RateRow(
                label=_("Zonder gemeenschap (adressenlijst of lid van meer gemeenschappen)"),
                invited=row["invited"],
                answered=row["answered"],
            )
        )
    _rates_suppress(rows)
    invited = sum(r.invited for r in rows)
    answered = sum(r.answered for r in rows)
    responses = Response.objects.filter(wave=wave).count()
    return WaveRates(
        rows=rows,
        overall=RateRow(label=_("Totaal"), invited=invited, answered=answered),
        not_sent=sum(c["not_sent"] for c in counts),
        open_link_responses=max(responses - answered, 0),
        responses=responses,
    )


def _rates_suppress(rows: list[RateRow]) -> None:
    """The same rule as small-group suppression of results (`results.groups_to_hide`), with
    invitees as the group size, so both pages hide a group and its cover alike."""
    hide = _s2_groups_to_hide({i: row.invited for i, row in enumerate(rows)}, RATE_MIN_INVITEES)
    for i, row in enumerate(rows):
        row.hidden = i in hide


# --- Results and exports ----------------------------------------------------------------
# The numbers themselves are computed in `results.py` (aggregation, rounding, suppression,
# cache) and `exports.py`; these are the reads the results views start from.

from .models import Wave as _s3_Wave  # noqa: E402


def wave_for_results() -> QuerySet[_s3_Wave]:
    """Waves with what the results page shows beside them (programme, threshold, questionnaire)
    in one query."""
    return _s3_Wave.objects.select_related("programme__rule_profile", "questionnaire")


def waves_for_comparison(programme: Programme) -> list[_s3_Wave]:
    """The programme's waves, oldest first: comparisons read from left to right in time."""
    return list(
        _s3_Wave.objects.filter(programme=programme)
        .select_related("programme__rule_profile", "questionnaire")
        .order_by("opens_on", "pk")
    )
