"""What counts as satisfied: the one definition the CoP monitor's satisfaction check and the
report's survey section both use, so a report can never call a community satisfied in one
section and "Onbekend" in the next.

The rule profile names the satisfaction question by its code (`monitor_satisfaction_question`).
Two kinds of question can be judged:

- **one answer on a scale** (single choice), its options ordered from most to least satisfied,
  as in the report's §4.2.1 ("19% is zeer tevreden, 58% tevreden, 21% neutraal en slechts 2%
  ontevreden"): the first two options ("Zeer tevreden", "Tevreden") count as satisfied. An
  "Anders, namelijk…" option is an answer, never a satisfied one. A scale needs at least three
  options besides "Anders".
- **statements on the five-point agreement scale** (matrix): "Helemaal eens" and "Eens" count,
  over all statements together.

The share is satisfied answers ÷ answers to the question, a whole percentage rounded half up.
Small-group suppression is the survey's own (`results.groups_to_hide`, `wave_results`): where
the results page may not show a group, neither does this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .models import AgreementScale, Answer, Question
from .results import QuestionResult, percent_half_up

JUDGEABLE_KINDS = (Question.Kind.SINGLE, Question.Kind.MATRIX)
SATISFIED_SCALE_VALUES = (AgreementScale.STRONGLY_AGREE, AgreementScale.AGREE)
SATISFIED_OPTIONS = 2  # the first options of a single-choice scale
SCALE_MIN_OPTIONS = 3


@dataclass(frozen=True)
class Satisfaction:
    answers: int
    satisfied: int

    @property
    def percent(self) -> int:
        return percent_half_up(self.satisfied, self.answers)


def satisfied_options(options: list) -> list:
    """The options of a single-choice scale that count as satisfied (in position order)."""
    return [o for o in options if not o.is_other][:SATISFIED_OPTIONS]


def question_problem(question: Question) -> str | None:
    """Why the monitor cannot judge `question` (in Dutch), or None when it can."""
    if question.kind not in JUDGEABLE_KINDS:
        return _(
            "Vraag %(code)s is van de soort ‘%(kind)s’. De monitor kan alleen een vraag met één "
            "antwoord op een schaal (van ‘zeer tevreden’ tot ‘zeer ontevreden’) of een "
            "stellingenvraag op de vijfpuntsschaal beoordelen."
        ) % {"code": question.code, "kind": question.get_kind_display()}
    if question.kind == Question.Kind.SINGLE:
        plain = [o for o in question.options.all() if not o.is_other]
        if len(plain) < SCALE_MIN_OPTIONS:
            return _(
                "Vraag %(code)s heeft te weinig antwoorden voor een schaal. De monitor telt de "
                "eerste twee antwoorden (zoals ‘zeer tevreden’ en ‘tevreden’) als tevreden en "
                "heeft er minstens %(min)s nodig."
            ) % {"code": question.code, "min": SCALE_MIN_OPTIONS}
    return None


def code_problem(*, programme_id: int | None, code: str) -> str | None:
    """Why the rule profile of programme `programme_id` may not name `code` as its
    satisfaction question, or None. Every version of the programme's questionnaires that has
    the code must be judgeable: otherwise the monitor would judge one wave and not the next."""
    if not code:
        return None
    questions = list(
        Question.objects.filter(questionnaire__programme_id=programme_id, code=code)
        .prefetch_related("options")
        .order_by("-questionnaire__version", "pk")
    )
    if not questions:
        return _(
            "Geen vraag met code %(code)s in de vragenlijsten van dit programma. Vul de code "
            "in van een bestaande vraag, bijvoorbeeld V13, of laat het veld leeg."
        ) % {"code": code}
    for question in questions:
        problem = question_problem(question)
        if problem:
            return problem
    return None


def rule_profile_problems(rule_profile) -> dict[str, str]:
    """The rule profile check `communities` runs on clean (registered in `apps`)."""
    problem = code_problem(
        programme_id=rule_profile.programme_id, code=rule_profile.monitor_satisfaction_question
    )
    return {"monitor_satisfaction_question": problem} if problem else {}


def satisfaction_counts(*, code: str, wave_ids: list[int]) -> dict[int, dict[int, Satisfaction]]:
    """Per wave, per community: answers to question `code` and how many are satisfied, in
    two queries whatever the number of waves and communities."""
    questions = list(
        Question.objects.filter(
            questionnaire__waves__in=wave_ids, code=code, kind__in=JUDGEABLE_KINDS
        )
        .prefetch_related("options")
        .distinct()
    )
    found: dict[int, dict[int, Satisfaction]] = defaultdict(dict)
    if not questions:
        return found
    satisfied_ids = [
        o.pk
        for q in questions
        if q.kind == Question.Kind.SINGLE and not question_problem(q)
        for o in satisfied_options(list(q.options.all()))
    ]
    judged = [q.pk for q in questions if not question_problem(q)]
    for wave_id, community_id, total, satisfied in (
        Answer.objects.filter(
            response__wave_id__in=wave_ids,
            response__community_id__isnull=False,
            question_id__in=judged,
        )
        .filter(Q(scale_value__isnull=False) | Q(option__isnull=False))
        .values("response__wave_id", "response__community_id")
        .annotate(
            total=Count("pk"),
            satisfied=Count(
                "pk",
                filter=Q(scale_value__in=SATISFIED_SCALE_VALUES) | Q(option_id__in=satisfied_ids),
            ),
        )
        .values_list("response__wave_id", "response__community_id", "total", "satisfied")
    ):
        found[wave_id][community_id] = Satisfaction(answers=total, satisfied=satisfied)
    return found


def result_satisfaction(result: QuestionResult | None) -> Satisfaction | None:
    """The satisfaction in a question of the results (`results.wave_results`): None when the
    question is missing, hidden for too few answers, or not of a kind that can be judged."""
    if result is None or result.hidden:
        return None
    if result.kind == Question.Kind.MATRIX:
        answers = sum(statement.n for statement in result.statements)
        satisfied = sum(
            cell.count
            for statement in result.statements
            for cell in statement.cells
            if int(cell.code) in SATISFIED_SCALE_VALUES
        )
    elif result.kind == Question.Kind.SINGLE:
        plain = [row for row in result.rows if not row.is_other]
        if len(plain) < SCALE_MIN_OPTIONS:
            return None
        answers = result.n
        satisfied = sum(row.count for row in plain[:SATISFIED_OPTIONS])
    else:
        return None
    return Satisfaction(answers=answers, satisfied=satisfied) if answers else None
