"""The venster's current view as an XLSX workbook, written in openpyxl's write-only mode so
100,000 rows stream without a worksheet in memory. The headings are the ones the import
recognises, and the "Nummer" column names each signal, so an edited export imported again
updates the signals it names. Dates are date cells; text that a spreadsheet would run as a
formula is stored as text (`core.spreadsheets.xlsx_cell`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.core.spreadsheets import xlsx_row
from leerkring.signalling.models import Signal

from .columns import EXPORT_EXTRA, FIELDS


def export_headings() -> list[str]:
    return [str(label) for _name, label in FIELDS] + [str(label) for label in EXPORT_EXTRA]


def export_rows(signals: Iterable[Signal], answers: dict[int, str]) -> Iterator[list]:
    for signal in signals:
        yield [
            signal.title,
            signal.description,
            signal.raised_on,
            signal.community.name,
            signal.get_state_display(),
            signal.theme.title if signal.theme_id else "",
            signal.get_topic_category_display() if signal.topic_category else "",
            signal.subtopic,
            signal.get_solution_level_display(),
            answers.get(signal.pk, ""),
            signal.pk,
            timezone.localtime(signal.passed_on_at).date() if signal.passed_on_at else None,
            _("ja") if getattr(signal, "waiting", False) else "",
        ]


def export_workbook(signals: Iterable[Signal], answers: dict[int, str], target) -> None:
    """Write the rows as an XLSX workbook to the file-like `target` (write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Venster"))
    widths = [40, 80, 12, 30, 26, 30, 26, 30, 18, 60, 10, 14, 12]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, export_headings(), bold=True))
    for row in export_rows(signals, answers):
        sheet.append(xlsx_row(sheet, row))
    workbook.save(target)
