"""Waves side by side: one question's figures in each of several waves.

Questions are matched by code across questionnaire versions and options by their code, so a
wave of a newer questionnaire still compares with an older one. Each wave's figures are its
stored results (`stored_results.wave_results_stored`), with the same suppression and rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Question, Wave
from .results import (
    COMPARABLE_KINDS,
    MULTI_KINDS,
    QuestionResult,
    ResultRow,
    percent_half_up,
)
from .stored_results import wave_results_stored


@dataclass
class ComparisonCell:
    wave_title: str
    series: int  # 1-based: the colour of this wave's bars
    row: ResultRow | None

    @property
    def percent(self) -> int | None:
        return self.row.percent if self.row else None

    @property
    def count(self) -> int | None:
        return self.row.count if self.row else None


@dataclass
class ComparisonRow:
    code: str
    label: str
    cells: list[ComparisonCell]


@dataclass
class Comparison:
    code: str
    text: str
    kind: str
    waves: list[tuple[Wave, QuestionResult | None]]
    rows: list[ComparisonRow]

    @property
    def is_multi(self) -> bool:
        return self.kind in MULTI_KINDS


def comparison_question_codes(waves: Iterable[Wave]) -> list[tuple[str, str]]:
    """Codes of comparable questions in the questionnaires of `waves`, with their latest
    text: questions are matched by code across questionnaire versions."""
    questionnaire_ids = {w.questionnaire_id for w in waves}
    seen: dict[str, str] = {}
    for code, text in (
        Question.objects.filter(questionnaire_id__in=questionnaire_ids, kind__in=COMPARABLE_KINDS)
        .order_by("position", "pk", "-questionnaire__version")
        .values_list("code", "text")
    ):
        seen.setdefault(code, text)
    return list(seen.items())


def wave_comparison(waves: list[Wave], code: str) -> Comparison | None:
    """The question `code` in each of `waves`, side by side: one row per option (matched by
    option code), one cell per wave, as percentages of that wave's respondents to the
    question. A matrix compares the share that agrees (scale 1 and 2) per statement."""
    found: list[tuple[Wave, QuestionResult | None]] = []
    for wave in waves:
        outcome = wave_results_stored(wave)
        question = outcome.question(code)
        found.append((wave, question if question and not question.hidden else None))
    known = [q for _w, q in found if q is not None]
    if not known and not any(w.questionnaire.questions.filter(code=code).exists() for w in waves):
        return None
    latest = next((q for _w, q in reversed(found) if q is not None), None)
    text = latest.text if latest else code
    kind = latest.kind if latest else ""
    labels: dict[str, str] = {}
    for _w, question in found:
        if question is None:
            continue
        for row in _comparable_rows(question):
            labels[row.code] = row.label  # the latest wave's label wins
    rows = []
    for row_code, label in labels.items():
        cells: list[ComparisonCell] = []
        for series, (wave, question) in enumerate(found, start=1):
            match = None
            if question is not None:
                match = next((r for r in _comparable_rows(question) if r.code == row_code), None)
            cells.append(ComparisonCell(wave_title=wave.title, series=series, row=match))
        rows.append(ComparisonRow(code=row_code, label=label, cells=cells))
    return Comparison(code=code, text=text, kind=kind, waves=found, rows=rows)


def _comparable_rows(question: QuestionResult) -> list[ResultRow]:
    if not question.is_matrix:
        return [r for r in question.rows if r.code]
    rows = []
    for statement in question.statements:
        agree = sum(c.count for c in statement.cells if c.code in ("1", "2"))
        rows.append(
            ResultRow(
                code=statement.code,
                label=_("%(statement)s — (helemaal) eens") % {"statement": statement.text},
                count=agree,
                percent=percent_half_up(agree, statement.n),
            )
        )
    return rows
