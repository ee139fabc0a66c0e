"""Results of a wave: counts, whole percentages and small-group suppression.

Survey answers are anonymous (DESIGN.md §2): nothing links an answer to a person, and the
results of a group smaller than the programme's threshold are never shown. Hiding a small
group is not enough on its own: when one community is hidden and the others and the total
are shown, the hidden one is the total minus the others. So `groups_to_hide` also hides the
next smallest group(s) until what is hidden can no longer be told apart (complementary
suppression). Every place that shows numbers per community — the breakdown table, the
community filter, the "which community" question, the exports — asks that one function.

Percentages are whole numbers (docs/performance.md, section "Enquêtes", and the results
page say the same):

- one answer per respondent (single choice, "which community", each statement of a matrix):
  the largest-remainder method, so the percentages of a question add up to exactly 100;
  ties go to the larger count, then to the earlier option;
- several answers per respondent (multiple choice, "pick at most N"): each option's share of
  the respondents who answered the question, rounded half up; these do not add up to 100.

Answers reach the results only in released batches (surveys/ballots.py), and each release
raises the wave's `results_version` in its own transaction. So the results are computed once
per release — by the task worker right after it, or by the first reader that finds them
missing — and stored (`StoredResults`, keyed on the wave, the version, the community filter
and the threshold). Readers find them by the wave row they already hold: no count over the
responses, at any number of responses (docs/performance.md, "Five times national scale").
"""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Count
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme, RuleProfile
from leerkring.communities.selectors import choices

from .models import (
    AgreementScale,
    Answer,
    Question,
    Response,
    Wave,
)

MIN_GROUP_FLOOR = 3
DEFAULT_MIN_GROUP = 5
TEXTS_SHOWN = 100
# The results page lists at most this many communities in each per-community table (responses
# per community, the "which community" question); the full lists are paged
# (`community_rows_page`), so the page does not grow with the network.
SHOWN_COMMUNITY_ROWS = 25
# The community filter is a plain choice while few communities may be shown, a search on the
# name beyond (`communities.selectors.COMMUNITY_CHOICES_MAX`) that leads to the paged list.
COMMUNITY_PAGE_SIZE = 50

K = TypeVar("K", bound=Hashable)

SINGLE_KINDS = (Question.Kind.SINGLE,)
MULTI_KINDS = (Question.Kind.MULTIPLE, Question.Kind.PICK_FROM)
COMPARABLE_KINDS = (
    Question.Kind.SINGLE,
    Question.Kind.MULTIPLE,
    Question.Kind.PICK_FROM,
    Question.Kind.MATRIX,
    Question.Kind.COMMUNITY,
)


class GroupHidden(Exception):
    """A community was asked for whose results may not be shown."""


# --- Suppression -------------------------------------------------------------------------


def group_threshold(programme: Programme) -> int:
    """The smallest group whose results are shown: the programme's rule, never below three
    (a group of two can read each other's answers off any table)."""
    try:
        value = programme.rule_profile.survey_min_group_size
    except RuleProfile.DoesNotExist:
        value = DEFAULT_MIN_GROUP
    return max(MIN_GROUP_FLOOR, value or DEFAULT_MIN_GROUP)


def groups_to_hide(counts: Mapping[K, int], threshold: int) -> set[K]:
    """The groups of one breakdown (e.g. responses per community) that must not be shown.

    1. Every group with answers but fewer than `threshold` is hidden; if the total itself is
       below the threshold, every group with answers is.
    2. Complementary suppression: while the hidden groups together hold fewer than
       `threshold` answers, the smallest group still shown is hidden too. With exactly one
       small group this hides the next smallest, so "total minus the others" reveals only a
       mix of two groups; it also covers two tiny groups (1 + 1) that together are still
       below the threshold.

    Groups without answers reveal nothing and are never hidden or used as cover.
    """
    threshold = max(MIN_GROUP_FLOOR, threshold)
    present = {key: n for key, n in counts.items() if n > 0}
    if sum(present.values()) < threshold:
        return set(present)
    hidden = {key for key, n in present.items() if n < threshold}
    shown = sorted((n, _sort_key(key), key) for key, n in present.items() if key not in hidden)
    while hidden and sum(present[key] for key in hidden) < threshold and shown:
        hidden.add(shown.pop(0)[2])
    return hidden


def _sort_key(key: Hashable) -> tuple[int, str]:
    return (0, "") if key is None else (1, str(key))


# --- Rounding ----------------------------------------------------------------------------


def percent_half_up(count: int, n: int) -> int:
    """`count` of `n` as a whole percentage, halves rounded up (exact integer arithmetic)."""
    if n <= 0:
        return 0
    return (200 * count + n) // (2 * n)


def percents_largest_remainder(counts: list[int], n: int) -> list[int]:
    """Whole percentages of `n` that add up to the rounded share of all `counts` together
    (100 when every respondent gave exactly one of these answers): each gets its floor, and
    the points left go to the largest remainders; ties to the larger count, then the first."""
    if n <= 0:
        return [0 for _ in counts]
    floors = [count * 100 // n for count in counts]
    target = percent_half_up(sum(counts), n)
    left = target - sum(floors)
    order = sorted(
        range(len(counts)),
        key=lambda i: (-(counts[i] * 100 % n), -counts[i], i),
    )
    for index in order[: max(0, left)]:
        floors[index] += 1
    return floors


# --- The outcome -------------------------------------------------------------------------


@dataclass
class ResultRow:
    code: str
    label: str
    count: int
    percent: int
    is_other: bool = False
    offset: int = 0  # where a stacked bar's segment starts (matrix)


@dataclass
class StatementResult:
    code: str
    text: str
    n: int
    cells: list[ResultRow] = field(default_factory=list)


@dataclass
class QuestionResult:
    pk: int
    number: int
    code: str
    text: str
    kind: str
    n: int = 0
    hidden: bool = False
    rows: list[ResultRow] = field(default_factory=list)
    statements: list[StatementResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    texts_total: int = 0
    other_texts: list[str] = field(default_factory=list)
    other_total: int = 0
    hidden_groups_row: bool = False
    # Communities of the "which community" question cut from `rows` by `page_cut` (the
    # results page's reading); 0 in the full results.
    rows_left_out: int = 0

    @property
    def is_choice(self) -> bool:
        return self.kind in (*SINGLE_KINDS, *MULTI_KINDS, Question.Kind.COMMUNITY)

    @property
    def is_multi(self) -> bool:
        return self.kind in MULTI_KINDS

    @property
    def is_matrix(self) -> bool:
        return self.kind == Question.Kind.MATRIX

    @property
    def is_open(self) -> bool:
        return self.kind == Question.Kind.OPEN

    @property
    def rows_shown(self) -> list[ResultRow]:
        """The rows on the results page: of the "which community" question the first
        communities and the row of the hidden ones together; counts and percents are those of
        the full list."""
        if self.kind != Question.Kind.COMMUNITY or self.rows_more == 0:
            return self.rows
        named = [row for row in self.rows if row.code]
        return named[:SHOWN_COMMUNITY_ROWS] + [row for row in self.rows if not row.code]

    @property
    def rows_more(self) -> int:
        """How many communities of the "which community" question the results page leaves out."""
        if self.kind != Question.Kind.COMMUNITY:
            return 0
        named = sum(1 for row in self.rows if row.code) + self.rows_left_out
        return max(0, named - SHOWN_COMMUNITY_ROWS)


@dataclass
class GroupCount:
    pk: int | None
    name: str
    count: int
    hidden: bool


@dataclass
class WaveResults:
    wave_pk: int
    threshold: int
    total: int
    community_pk: int | None = None
    community_name: str = ""
    groups: list[GroupCount] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def total_hidden(self) -> bool:
        return self.total < self.threshold

    @property
    def offered(self) -> list[GroupCount]:
        """Communities that may be shown on their own (the community filter's choices)."""
        return [g for g in self.groups if g.pk is not None and not g.hidden and g.count]

    @property
    def hidden_groups(self) -> list[GroupCount]:
        return [g for g in self.groups if g.hidden]

    @property
    def has_hidden_groups(self) -> bool:
        return any(g.hidden for g in self.groups)

    @property
    def groups_shown(self) -> list[GroupCount]:
        """The first communities of the responses per community, for the results page."""
        return self.groups[:SHOWN_COMMUNITY_ROWS]

    @property
    def groups_count(self) -> int:
        return len(self.groups)

    @property
    def groups_more(self) -> int:
        return max(0, self.groups_count - SHOWN_COMMUNITY_ROWS)

    def question(self, code: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.code == code), None)


@dataclass
class WaveResultsPage(WaveResults):
    """`WaveResults` as the results page shows them (`page_cut`): the responses per community
    and the "which community" question hold their first `SHOWN_COMMUNITY_ROWS` communities
    only, and what the page says of the full lists (how many, whether any is hidden, the
    filter's first choices) is kept beside them. So reading the page costs the same at any
    number of communities; the full lists are in `wave_results_stored`."""

    groups_total: int = 0
    hidden_total: int = 0
    offered_total: int = 0
    # The first communities that may be shown on their own, one more than the filter lists
    # (`communities.selectors.community_choices`): all of them while the filter is a list.
    offered_first: list[GroupCount] = field(default_factory=list)
    # Whether the responses without a community are hidden (their group has no key to look up).
    unknown_hidden: bool = False

    @property
    def offered(self) -> list[GroupCount]:
        if self.offered_total > len(self.offered_first):
            raise LookupError("Only the filter's first choices are kept; see filter_groups.")
        return self.offered_first

    @property
    def hidden_groups(self) -> list[GroupCount]:
        raise LookupError("The page keeps the first communities only; see has_hidden_groups.")

    @property
    def has_hidden_groups(self) -> bool:
        return self.hidden_total > 0

    @property
    def groups_count(self) -> int:
        return self.groups_total


def page_cut(outcome: WaveResults) -> WaveResultsPage:
    """The part of `outcome` the results page shows (the page's template reads nothing else):
    the same figures, with the per-community lists cut to their first communities."""
    offered = outcome.offered
    return WaveResultsPage(
        wave_pk=outcome.wave_pk,
        threshold=outcome.threshold,
        total=outcome.total,
        community_pk=outcome.community_pk,
        community_name=outcome.community_name,
        groups=outcome.groups[:SHOWN_COMMUNITY_ROWS],
        questions=[
            dataclasses.replace(
                question, rows=question.rows_shown, rows_left_out=question.rows_more
            )
            if question.rows_more
            else question
            for question in outcome.questions
        ],
        groups_total=len(outcome.groups),
        hidden_total=len(outcome.hidden_groups),
        offered_total=len(offered),
        offered_first=offered[: choices.COMMUNITY_CHOICES_MAX + 1],
        unknown_hidden=any(g.pk is None and g.hidden for g in outcome.groups),
    )


def wave_group_counts(wave: Wave) -> dict[int | None, int]:
    """Responses per community of the wave (None: responses without a community)."""
    return dict(
        Response.objects.filter(wave=wave)
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )


def wave_results(wave: Wave, *, community_id: int | None = None) -> WaveResults:
    """Compute the results of `wave`, for all responses or for one community.

    A fixed number of queries whatever the number of responses. Raises `GroupHidden` when
    `community_id` is not a community that may be shown on its own.
    """
    threshold = group_threshold(wave.programme)
    rows = list(
        Response.objects.filter(wave=wave)
        .values("community_id", "community__name")
        .annotate(n=Count("pk"))
        .values_list("community_id", "community__name", "n")
    )
    counts = {pk: n for pk, _name, n in rows}
    hidden = groups_to_hide(counts, threshold)
    groups = sorted(
        (
            GroupCount(pk=pk, name=name or no_community_label(), count=n, hidden=pk in hidden)
            for pk, name, n in rows
        ),
        key=lambda g: (g.pk is None, g.name.lower()),
    )
    total = sum(counts.values())
    outcome = WaveResults(wave_pk=wave.pk, threshold=threshold, total=total, groups=groups)
    if community_id is not None:
        group = next((g for g in outcome.offered if g.pk == community_id), None)
        if group is None:
            raise GroupHidden(community_id)
        outcome.community_pk, outcome.community_name = group.pk, group.name
    if outcome.total_hidden:
        return outcome
    outcome.questions = _question_results(wave, outcome, threshold)
    return outcome


def _question_results(wave: Wave, outcome: WaveResults, threshold: int) -> list[QuestionResult]:
    questions = list(
        Question.objects.filter(questionnaire_id=wave.questionnaire_id)
        .select_related("source_question")
        .prefetch_related("options", "statements", "source_question__options")
        .order_by("position", "pk")
    )
    answers = Answer.objects.filter(response__wave=wave)
    if outcome.community_pk is not None:
        answers = answers.filter(response__community_id=outcome.community_pk)

    # Respondents per question per community, for n and for question-level suppression.
    respondents: dict[int, dict[int | None, int]] = defaultdict(dict)
    for question_id, community_id, n in (
        Answer.objects.filter(response__wave=wave)
        .values("question_id", "response__community_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "response__community_id", "n")
    ):
        respondents[question_id][community_id] = n

    closed = [q.pk for q in questions if q.kind != Question.Kind.OPEN]
    tallies: dict[int, list[tuple]] = defaultdict(list)
    names = {g.pk: g.name for g in outcome.groups if g.pk is not None}
    named_elsewhere: set[int] = set()
    for question_id, option_id, statement_id, scale_value, community_id, n in (
        answers.filter(question_id__in=closed)
        .values("question_id", "option_id", "statement_id", "scale_value", "community_id")
        .annotate(n=Count("pk"))
        .values_list("question_id", "option_id", "statement_id", "scale_value", "community_id", "n")
    ):
        if community_id is not None and community_id not in names:
            named_elsewhere.add(community_id)
        tallies[question_id].append((option_id, statement_id, scale_value, community_id, n))
    if named_elsewhere:  # "which community" answered with another than the response's
        names.update(Community.objects.filter(pk__in=named_elsewhere).values_list("pk", "name"))

    texts: dict[tuple[int, bool], list[str]] = defaultdict(list)
    for question_id, option_id, text in answers.exclude(text="").values_list(
        "question_id", "option_id", "text"
    ):
        texts[(question_id, option_id is not None)].append(text)
    shuffle = random.SystemRandom().shuffle

    results = []
    for number, question in enumerate(questions, start=1):
        per_community = respondents.get(question.pk, {})
        if outcome.community_pk is None:
            n = sum(per_community.values())
            hidden = n < threshold
        else:
            n = per_community.get(outcome.community_pk, 0)
            hidden = n < threshold or outcome.community_pk in groups_to_hide(
                per_community, threshold
            )
        result = QuestionResult(
            pk=question.pk,
            number=number,
            code=question.code,
            text=question.text,
            kind=question.kind,
            n=n,
            hidden=hidden,
        )
        results.append(result)
        if hidden:
            continue
        tally = tallies.get(question.pk, [])
        if question.kind in (*SINGLE_KINDS, *MULTI_KINDS):
            options = (
                question.source_question.options.all()
                if question.kind == Question.Kind.PICK_FROM and question.source_question
                else question.options.all()
            )
            chosen: dict[int, int] = defaultdict(int)
            for option_id, _s, _v, _c, count in tally:
                if option_id is not None:
                    chosen[option_id] += count
            result.rows = [
                ResultRow(code=o.code, label=o.label, count=chosen.get(o.pk, 0), percent=0,
                          is_other=o.is_other)
                for o in options
            ]  # fmt: skip
            _fill_percents(result.rows, n, multi=question.kind in MULTI_KINDS)
        elif question.kind == Question.Kind.COMMUNITY:
            result.rows, result.hidden_groups_row = _community_rows(tally, n, threshold, names)
        elif question.kind == Question.Kind.MATRIX:
            result.statements = _statement_results(question, tally)
        for is_other, target in ((False, "texts"), (True, "other_texts")):
            found = texts.get((question.pk, is_other), [])
            shuffle(found)  # never in the order they came in (DESIGN.md §2)
            setattr(result, target, found[:TEXTS_SHOWN])
            setattr(result, "other_total" if is_other else "texts_total", len(found))
    return results


def _fill_percents(rows: list[ResultRow], n: int, *, multi: bool) -> None:
    if multi:
        for row in rows:
            row.percent = percent_half_up(row.count, n)
        return
    for row, percent in zip(
        rows, percents_largest_remainder([r.count for r in rows], n), strict=True
    ):
        row.percent = percent


def _community_rows(
    tally: list[tuple], n: int, threshold: int, names: dict[int, str]
) -> tuple[list[ResultRow], bool]:
    """The "which community" question is itself a breakdown per community, so the same
    suppression applies; the hidden communities are shown together in one row."""
    counts: dict[int, int] = defaultdict(int)
    for _o, _s, _v, community_id, count in tally:
        if community_id is not None:
            counts[community_id] += count
    hidden = groups_to_hide(counts, threshold)
    rows = [
        ResultRow(code=str(pk), label=names.get(pk, ""), count=counts[pk], percent=0)
        for pk in sorted(
            (pk for pk in counts if pk not in hidden), key=lambda pk: names.get(pk, "")
        )
    ]
    if hidden:
        rows.append(
            ResultRow(
                code="",
                label=other_communities_label(),
                count=sum(counts[pk] for pk in hidden),
                percent=0,
            )
        )
    _fill_percents(rows, n, multi=False)
    return rows, bool(hidden)


def no_community_label() -> str:
    return _("Geen gemeenschap bekend")


def other_communities_label() -> str:
    return _("Overige gemeenschappen samen (te weinig antwoorden om apart te tonen)")


def _statement_results(question: Question, tally: list[tuple]) -> list[StatementResult]:
    per_statement: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _o, statement_id, value, _c, count in tally:
        if statement_id is not None and value is not None:
            per_statement[statement_id][value] += count
    results = []
    for statement in question.statements.all():
        values = per_statement.get(statement.pk, {})
        n = sum(values.values())
        cells = [
            ResultRow(code=str(value), label=str(label), count=values.get(value, 0), percent=0)
            for value, label in AgreementScale.choices
        ]
        _fill_percents(cells, n, multi=False)
        offset = 0
        for cell in cells:
            cell.offset = offset
            offset += cell.percent
        results.append(StatementResult(code=statement.code, text=statement.text, n=n, cells=cells))
    return results
