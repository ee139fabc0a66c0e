"""A report as XLSX: the tables beneath its charts, one sheet per table, so an evaluator can
make their own charts or combine periods. Text that a spreadsheet would run as a formula (a
signal or product title starting with "=") is made inert with a leading apostrophe, as in the
survey exports."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from leerkring.core.spreadsheets import cell_safe

from .reports import Report, Row

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return cell_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _date(value) -> str:
    return formats.date_format(value, "Y-m-d")


def _rows(rows: list[Row], label: str) -> tuple[list[str], list[list[Any]]]:
    return [label, _("Aantal")], [[row.label, row.count] for row in rows]


def report_tables(report: Report) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(sheet title, header, rows) for every table of the report, in reading order."""
    out, outcome, impact = report.output, report.outcome, report.impact
    tables: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            _("Overzicht"),
            [_("Onderdeel"), _("Waarde")],
            [
                [_("Rapportage"), report.title],
                [_("Programma"), report.programme],
                *([[_("Gemeenschap"), report.community]] if report.community else []),
                [_("Van"), _date(report.period.start)],
                [_("Tot en met"), _date(report.period.end)],
                [_("Gemaakt op"), _date(report.made_on)],
                [_("Bijeenkomsten gehouden"), out.meetings_held],
                [_("Waarvan fysiek"), out.meetings_physical],
                [_("Gemiddeld aantal aanwezigen"), out.attendance_average or None],
                [_("Gemiddelde opkomst (%)"), out.attendance_rate],
                [_("Producten gemaakt"), out.products_total],
                [_("Signalen doorgegeven"), out.signals_passed_on],
                [_("Signalen beantwoord"), out.signals_answered],
                [
                    _("Signalen opgelost of beantwoord op stelselniveau"),
                    impact.system_signals_total,
                ],
                [_("Producten gebruikt buiten de gemeenschap"), impact.products_beyond_total],
                [_("Geselecteerde verhalen"), len(outcome.stories)],
            ],
        ),
        (_("Bijeenkomsten per maand"), *_rows(out.meetings_by_month, _("Maand"))),
    ]
    if report.kind == "community":
        tables.append(
            (_("Data bijeenkomsten"), [_("Datum")], [[_date(day)] for day in out.meeting_dates])
        )
    tables += [
        (_("Werkvormen"), *_rows(out.work_forms, _("Werkvorm"))),
        (_("Onderwerpen"), *_rows(out.topics, _("Onderwerpcategorie"))),
        (_("Producten per status"), *_rows(out.products_by_status, _("Status"))),
        (_("Producten per soort"), *_rows(out.products_by_kind, _("Soort"))),
        (_("Signalen per status"), *_rows(out.signals_by_state, _("Status"))),
    ]
    survey = []
    for wave in outcome.waves:
        if wave.state != "shown":
            notice = (
                _("Te weinig antwoorden om te tonen (minder dan %(n)s)") % {"n": wave.threshold}
                if wave.state == "hidden"
                else _("Geen antwoorden")
            )
            survey.append([wave.title, "", "", "", notice, None, None, None])
            continue
        for question in wave.questions:
            if question.hidden:
                survey.append(
                    [
                        wave.title,
                        question.topic,
                        question.code,
                        question.text,
                        _("Te weinig antwoorden om te tonen (minder dan %(n)s)")
                        % {"n": wave.threshold},
                        None,
                        None,
                        None,
                    ]
                )
            for row in question.rows:
                survey.append(
                    [
                        wave.title,
                        question.topic,
                        question.code,
                        question.text,
                        row.label,
                        row.count,
                        row.percent,
                        row.n,
                    ]
                )
    tables.append(
        (
            _("Enquête"),
            [
                _("Meetronde"),
                _("Onderwerp"),
                _("Vraag"),
                _("Vraagtekst"),
                _("Antwoord"),
                _("Aantal"),
                _("Percentage"),
                _("n"),
            ],
            survey,
        )
    )
    tables += [
        (
            _("Verhalen"),
            [
                _("Titel"),
                _("Fragment"),
                _("Niveau"),
                _("Soort verandering"),
                _("Gemeenschap"),
                _("Datum"),
            ],
            [
                [s.title, s.excerpt, s.level, ", ".join(s.tags), s.community, _date(s.told_on)]
                for s in outcome.stories
            ],
        ),
        (
            _("Stelselniveau"),
            [
                _("Signaal"),
                _("Gemeenschap"),
                _("Status"),
                _("Opgeschaald op"),
                _("Antwoord van het stelsel"),
            ],
            [
                [
                    s.title,
                    s.community,
                    s.state,
                    _date(s.escalated_on),
                    _("ja") if s.answered else _("nee"),
                ]
                for s in impact.system_signals
            ],
        ),
        (
            _("Gebruik buiten"),
            [_("Product"), _("Soort"), _("Keer gedeeld"), _("Waar"), _("Laatst gedeeld")],
            [
                [p.title, p.kind, p.uses, p.channels, _date(p.last_shared_on)]
                for p in impact.products_beyond
            ],
        ),
    ]
    if report.kind == "community":
        tables.append(
            (
                _("Monitor"),
                [_("Toets"), _("Stand"), _("Gemeten")],
                [[line.title, line.label, line.value] for line in report.monitor],
            )
        )
    else:
        labels = report.status_labels
        tables.append(
            (
                _("Monitor"),
                [_("Toets"), *[label for _key, label in labels]],
                [
                    [line.title, *[line.counts.get(key, 0) for key, _l in labels]]
                    for line in report.monitor
                ],
            )
        )
        tables.append(
            (
                _("Gemeenschappen"),
                [
                    _("Gemeenschap"),
                    _("Bijeenkomsten"),
                    _("Gemiddelde opkomst (%)"),
                    _("Signalen doorgegeven"),
                    _("Signalen beantwoord"),
                    _("Producten"),
                ],
                [
                    [
                        c.name,
                        c.meetings_held,
                        c.attendance_rate,
                        c.signals_passed_on,
                        c.signals_answered,
                        c.products,
                    ]
                    for c in report.communities
                ],
            )
        )
    return tables


def _sheet_title(title: str, taken: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    name, n = base, 2
    while name in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    taken: set[str] = set()
    for title, header, rows in report_tables(report):
        sheet = workbook.create_sheet(_sheet_title(title, taken))
        sheet.append([_clean(value) for value in header])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        _append(sheet, rows)
        for column, value in zip(sheet.columns, header, strict=False):
            width = max([len(str(value))] + [len(str(c.value or "")) for c in column][:200])
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    workbook.properties.title = report.title
    workbook.properties.creator = "Leerkring"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet, rows: Iterable[list[Any]]) -> None:
    for row in rows:
        sheet.append([_clean(value) for value in row])
