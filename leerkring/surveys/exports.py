"""CSV and XLSX exports of a wave's responses, with a codebook.

One row per response. Respondents are numbered 1..n in an order drawn from a secret-keyed
generator, so neither the number nor the row order says anything about when someone answered
(database ids would). The community column follows the results page's suppression
(`results.groups_to_hide`): a community that may not be shown is written as "(verborgen)",
also in the answers to the "which community" question.

Columns per question (the codebook lists them all, with texts, codes and labels):

- single choice: `V1` (option code) and `V1_label`; with "anders, namelijk": `V1_anders`;
- "which community": `V1` (community number) and `V1_label` (its name, or "(verborgen)");
- multiple choice and "pick at most N": `V4_<option code>`, 1 chosen / 0 not chosen, empty
  when the question was not answered; with "anders, namelijk": `V4_anders`;
- matrix: `V9_<statement code>`, the scale value 1-5;
- open: `V6`, the text.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
formula (OWASP "CSV injection"): in CSV such text gets a leading apostrophe, in XLSX it is a
text cell, shown exactly as typed (`core.spreadsheets`).

Both formats stream: responses are read in chunks, CSV is written as it goes, and XLSX uses
openpyxl's write-only mode into a temporary file; memory stays flat for any wave size.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from leerkring.core.spreadsheets import cell_safe, xlsx_row

from .models import AgreementScale, Answer, Question, Response, Wave
from .results import group_threshold, groups_to_hide

CHUNK = 1000
HIDDEN = "(verborgen)"


@dataclass
class ExportLayout:
    """The columns of one wave's export and how answers map onto them."""

    wave: Wave
    header: list[str] = field(default_factory=list)
    codebook: list[list[Any]] = field(default_factory=list)
    # question id -> column of its code / label / "anders" text / open text
    code_column: dict[int, int] = field(default_factory=dict)
    label_column: dict[int, int] = field(default_factory=dict)
    other_column: dict[int, int] = field(default_factory=dict)
    text_column: dict[int, int] = field(default_factory=dict)
    # (question id, option id) -> column of its 0/1; question id -> all its 0/1 columns
    flag_column: dict[tuple[int, int], int] = field(default_factory=dict)
    flag_columns: dict[int, list[int]] = field(default_factory=dict)
    statement_column: dict[int, int] = field(default_factory=dict)
    options: dict[int, tuple[str, str, bool]] = field(default_factory=dict)
    community_names: dict[int, str] = field(default_factory=dict)
    community_questions: set[int] = field(default_factory=set)
    hidden: set[int | None] = field(default_factory=set)

    def column(self, name: str, question: Question | None, value: str, label: str) -> int:
        self.header.append(name)
        self._describe(name, question, value, label)
        return len(self.header) - 1

    def _describe(self, name: str, question: Question | None, value: str, label: str) -> None:
        self.codebook.append(
            [name, question.code if question else "", question.text if question else "",
             question.get_kind_display() if question else "", value, label]
        )  # fmt: skip


CODEBOOK_HEADER = ["variabele", "vraag", "vraagtekst", "soort vraag", "waarde", "betekenis"]


def export_layout(wave: Wave) -> ExportLayout:
    """Columns and codebook for `wave`, in a fixed number of queries."""
    layout = ExportLayout(wave=wave)
    threshold = group_threshold(wave.programme)
    counts: dict[int | None, int] = {}
    for pk, name, n in (
        Response.objects.filter(wave=wave)
        .values("community_id", "community__name")
        .annotate(n=Count("pk"))
        .values_list("community_id", "community__name", "n")
    ):
        counts[pk] = n
        if pk is not None:
            layout.community_names[pk] = name
    layout.hidden = groups_to_hide(counts, threshold)
    # Communities named in the "which community" question, for their labels.
    for pk, name in (
        Answer.objects.filter(response__wave=wave, community__isnull=False)
        .values_list("community_id", "community__name")
        .distinct()
    ):
        layout.community_names.setdefault(pk, name)

    layout.column("respondent", None, "1..n", _("volgnummer in willekeurige volgorde"))
    layout.column("gemeenschap", None, HIDDEN, _("te weinig antwoorden om de gemeenschap te tonen"))
    questions = (
        Question.objects.filter(questionnaire_id=wave.questionnaire_id)
        .select_related("source_question")
        .prefetch_related("options", "statements", "source_question__options")
        .order_by("position", "pk")
    )
    for question in questions:
        _add_question(layout, question)
    return layout


def _add_question(layout: ExportLayout, q: Question) -> None:
    code = q.code
    kind = q.kind
    if kind == Question.Kind.SINGLE:
        options = list(q.options.all())
        layout.code_column[q.pk] = layout.column(code, q, "", _("code van het antwoord"))
        for option in options:
            layout._describe(code, q, option.code, option.label)
            layout.options[option.pk] = (option.code, option.label, option.is_other)
        layout.label_column[q.pk] = layout.column(
            f"{code}_label", q, "", _("tekst van het antwoord")
        )
        if any(o.is_other for o in options):
            layout.other_column[q.pk] = layout.column(
                f"{code}_anders", q, "", _("anders, namelijk")
            )
    elif kind == Question.Kind.COMMUNITY:
        layout.community_questions.add(q.pk)
        layout.code_column[q.pk] = layout.column(code, q, "", _("nummer van de gemeenschap"))
        for pk, name in sorted(layout.community_names.items(), key=lambda item: item[1] or ""):
            if pk not in layout.hidden:
                layout._describe(code, q, str(pk), name)
        layout._describe(code, q, HIDDEN, _("te weinig antwoorden om de gemeenschap te tonen"))
        layout.label_column[q.pk] = layout.column(
            f"{code}_label", q, "", _("naam van de gemeenschap")
        )
    elif kind in (Question.Kind.MULTIPLE, Question.Kind.PICK_FROM):
        source = q.source_question if kind == Question.Kind.PICK_FROM else q
        options = list(source.options.all()) if source else []
        layout.flag_columns[q.pk] = []
        for option in options:
            index = layout.column(f"{code}_{option.code}", q, "1 / 0", option.label)
            layout.flag_column[(q.pk, option.pk)] = index
            layout.flag_columns[q.pk].append(index)
            layout.options[option.pk] = (option.code, option.label, option.is_other)
        if kind == Question.Kind.MULTIPLE and any(o.is_other for o in options):
            layout.other_column[q.pk] = layout.column(
                f"{code}_anders", q, "", _("anders, namelijk")
            )
    elif kind == Question.Kind.MATRIX:
        for statement in q.statements.all():
            name = f"{code}_{statement.code}"
            layout.statement_column[statement.pk] = layout.column(name, q, "", statement.text)
            for value, label in AgreementScale.choices:
                layout._describe(name, q, str(value), str(label))
    else:
        layout.text_column[q.pk] = layout.column(code, q, "", _("open antwoord"))


def _respondent_order(wave: Wave, pks: list[int]) -> list[int]:
    """A shuffle keyed on the secret key and the wave: the same numbering in every export of
    the wave (so exports can be compared), yet not derivable from anything public."""
    seed = hmac.new(
        settings.SECRET_KEY.encode(), f"survey-export:{wave.pk}".encode(), hashlib.sha256
    ).hexdigest()
    ordered = sorted(pks)
    random.Random(seed).shuffle(ordered)
    return ordered


def export_rows(layout: ExportLayout, *, community_id: int | None = None) -> Iterator[list[Any]]:
    """The header, then one row per response; reads `CHUNK` responses' answers at a time."""
    yield list(layout.header)
    responses = Response.objects.filter(wave=layout.wave)
    if community_id is not None:
        responses = responses.filter(community_id=community_id)
    community_of = dict(responses.values_list("pk", "community_id"))
    order = _respondent_order(layout.wave, list(community_of))
    width = len(layout.header)
    for start in range(0, len(order), CHUNK):
        chunk = order[start : start + CHUNK]
        answers: dict[int, list[tuple]] = defaultdict(list)
        for row in Answer.objects.filter(response_id__in=chunk).values_list(
            "response_id", "question_id", "option_id", "statement_id", "community_id",
            "scale_value", "text",
        ):  # fmt: skip
            answers[row[0]].append(row[1:])
        for number, pk in enumerate(chunk, start=start + 1):
            yield _row(layout, width, number, community_of[pk], answers.get(pk, []))


def _row(
    layout: ExportLayout, width: int, number: int, community_id: int | None, answers: list[tuple]
) -> list[Any]:
    row: list[Any] = [""] * width
    row[0] = number
    if community_id is not None:
        row[1] = HIDDEN if community_id in layout.hidden else layout.community_names[community_id]
    for question_id, option_id, statement_id, community, scale_value, text in answers:
        if statement_id is not None:
            index = layout.statement_column.get(statement_id)
            if index is not None and scale_value is not None:
                row[index] = scale_value
        elif question_id in layout.flag_columns:
            for index in layout.flag_columns[question_id]:
                if row[index] == "":
                    row[index] = 0
            index = layout.flag_column.get((question_id, option_id))
            if index is not None:
                row[index] = 1
            if text and question_id in layout.other_column:
                row[layout.other_column[question_id]] = text
        elif question_id in layout.community_questions:
            if community is None:
                continue
            hidden = community in layout.hidden
            row[layout.code_column[question_id]] = HIDDEN if hidden else community
            row[layout.label_column[question_id]] = (
                HIDDEN if hidden else layout.community_names.get(community, "")
            )
        elif question_id in layout.code_column and option_id is not None:
            code, label, _is_other = layout.options.get(option_id, ("", "", False))
            row[layout.code_column[question_id]] = int(code) if code.isdigit() else code
            row[layout.label_column[question_id]] = label
            if text and question_id in layout.other_column:
                row[layout.other_column[question_id]] = text
        elif question_id in layout.text_column and text:
            row[layout.text_column[question_id]] = text
    return row


def codebook_rows(layout: ExportLayout) -> Iterator[list[Any]]:
    yield list(CODEBOOK_HEADER)
    yield from layout.codebook


# --- Writers -----------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text, one line at a time, with a byte-order mark so spreadsheet programs read the
    accents right."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([cell_safe(value) for value in row])


def xlsx_write(layout: ExportLayout, target: IO[bytes], *, community_id: int | None = None) -> None:
    """Write the answers and the codebook ("Codeboek") as XLSX to `target` (a file)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    answers = workbook.create_sheet("Antwoorden")
    for row in export_rows(layout, community_id=community_id):
        answers.append(xlsx_row(answers, row))
    codebook = workbook.create_sheet("Codeboek")
    for row in codebook_rows(layout):
        codebook.append(xlsx_row(codebook, row))
    workbook.save(target)
