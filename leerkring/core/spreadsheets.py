"""Cells for the spreadsheets and CSV files the apps export.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
formula, so text written by members could run in the reader's spreadsheet (OWASP "CSV
injection"). The two formats need different guards:

- CSV has no types: every text cell goes through `cell_safe`, which puts an apostrophe in front
  of such text (the usual guard; spreadsheet programs hide it when they read the file).
- XLSX has types: `xlsx_cell` stores such text as a text cell with Excel's "quote prefix" (the
  cell stays text when someone edits it), so the reader sees the text exactly as written and
  nothing runs. Dates and date-times become real date cells, so Excel and LibreOffice can
  filter, sort and compute with them.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"


class _Openpyxl(NamedTuple):
    write_only_cell: type
    illegal_characters: Any
    bold: Any


@functools.cache
def _openpyxl() -> _Openpyxl:
    """The few parts of openpyxl the cells need, imported with the first spreadsheet made, not
    with this module (which the apps import at start-up): objects every server process would
    otherwise hold and the garbage collector walk in each full collection (`core.startup`).
    Imported once, not per cell: three import statements cost more than the rest of a cell
    (7 of 8 microseconds), and an export writes hundreds of thousands of cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    return _Openpyxl(WriteOnlyCell, ILLEGAL_CHARACTERS_RE, Font(bold=True))


def cell_safe(value: Any) -> Any:
    """For CSV: text that a spreadsheet would run as a formula, made inert with a leading
    apostrophe; numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet, value: Any, *, bold: bool = False) -> Any:
    """One XLSX cell value for `sheet.append` (normal or write-only sheets): plain values as
    they are, and a styled cell where the type needs saying — formula-looking text (text, with
    the quote prefix), dates and date-times (date cells in Dutch day-month-year order; aware
    date-times in Europe/Amsterdam), and bold headings. Characters XML cannot hold are dropped
    and an empty text is no cell at all."""
    openpyxl = _openpyxl()
    if isinstance(value, str):
        value = openpyxl.illegal_characters.sub("", value)
        if value == "":
            return None
    formula_like = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    is_date = isinstance(value, datetime.date)
    if not (formula_like or is_date or bold):
        return value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(timezone.localtime(value))
    cell = openpyxl.write_only_cell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif is_date:
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = openpyxl.bold
    return cell


def xlsx_row(sheet, values: Iterable[Any], *, bold: bool = False) -> list[Any]:
    return [xlsx_cell(sheet, value, bold=bold) for value in values]
