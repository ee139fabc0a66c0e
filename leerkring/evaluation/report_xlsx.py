"""A report as XLSX: the tables beneath its charts, one sheet per table, so an evaluator can
make their own charts or combine periods. Dates are date cells and numbers number cells; text
that a spreadsheet would run as a formula (a signal or product title starting with "=") is a
text cell (`core.spreadsheets.xlsx_cell`)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils.translation import gettext as _

from leerkring.core.spreadsheets import xlsx_row

from .reports import Report, Row

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
                [_("Van"), report.period.start],
                [_("Tot en met"), report.period.end],
                [_("Gemaakt op"), report.made_on],
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
        tables.append((_("Data bijeenkomsten"), [_("Datum")], [[day] for day in out.meeting_dates]))
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
                [s.title, s.excerpt, s.level, ", ".join(s.tags), s.community, s.told_on]
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
                    s.escalated_on,
                    _("ja") if s.answered else _("nee"),
                ]
                for s in impact.system_signals
            ],
        ),
        (
            _("Gebruik buiten"),
            [_("Product"), _("Soort"), _("Keer gedeeld"), _("Waar"), _("Laatst gedeeld")],
            [
                [p.title, p.kind, p.uses, p.channels, p.last_shared_on]
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
    # Imported when a report is downloaded, as the other exports do (`core.startup`).
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for title, header, rows in report_tables(report):
        sheet = workbook.create_sheet(_sheet_title(title, taken))
        sheet.append(xlsx_row(sheet, header, bold=True))
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        for column, value in zip(sheet.columns, header, strict=False):
            width = max([len(str(value))] + [len(_shown(c.value)) for c in column][:200])
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    workbook.properties.title = report.title
    workbook.properties.creator = "Leerkring"
    workbook.properties.language = "nl-NL"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown(value: Any) -> str:
    """About what the cell shows, for the column's width (a date as dd-mm-yyyy)."""
    if isinstance(value, datetime.date):
        return "00-00-0000"
    return "" if value is None else str(value)
