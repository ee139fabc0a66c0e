"""A report as a designed PDF (reportlab), to hand to a programme's funder.

A cover page (title, programme or community, period, date made), then one chapter per outcome
level and the monitor's summary. Every chart is a reportlab bar chart drawn as vectors and is
followed by its table, as on the web page. Pages after the cover carry the report's name and
"Pagina n van m" in the footer.

Like the minutes (`meetings.exports`), the PDF embeds Bitstream Vera from the reportlab
package, so Dutch characters render without system fonts.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from leerkring.core.markdown import clean_text

from . import monitor
from .reports import Report, Row

BLUE = colors.HexColor("#1a5b96")
LIGHT = colors.HexColor("#eef3f8")
GREY = colors.HexColor("#595959")
STATUS_COLOURS = {
    monitor.GREEN: colors.HexColor("#e3f2e6"),
    monitor.ORANGE: colors.HexColor("#fff1d6"),
    monitor.RED: colors.HexColor("#fde4e4"),
    monitor.UNKNOWN: colors.HexColor("#f0f0f0"),
    monitor.NO_NORM: colors.HexColor("#f0f0f0"),
}
WIDTH = A4[0] - 4 * cm
LABEL_CHARS = 42
# The same font names as the minutes' PDF: whichever registers first, both use Vera.
_FONT = "LeerkringSans"
_FONT_BOLD = "LeerkringSans-Bold"
_FONT_DIR = Path(reportlab.__file__).parent / "fonts"


def _register_fonts() -> None:
    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(_FONT, str(_FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(_FONT_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "r-body", parent=base["BodyText"], fontName=_FONT, fontSize=10, leading=13
    )
    return {
        "cover_title": ParagraphStyle(
            "r-cover",
            parent=base["Title"],
            fontName=_FONT_BOLD,
            fontSize=28,
            leading=34,
            alignment=0,
            textColor=BLUE,
            spaceAfter=18,
        ),
        "cover_line": ParagraphStyle("r-cover-line", parent=body, fontSize=14, leading=20),
        "h1": ParagraphStyle(
            "r-h1", parent=base["Heading1"], fontName=_FONT_BOLD, textColor=BLUE, spaceBefore=6
        ),
        "h2": ParagraphStyle("r-h2", parent=base["Heading2"], fontName=_FONT_BOLD, fontSize=13),
        "h3": ParagraphStyle("r-h3", parent=base["Heading3"], fontName=_FONT_BOLD, fontSize=11),
        "body": body,
        "muted": ParagraphStyle("r-muted", parent=body, textColor=GREY, fontSize=9),
        "cell": ParagraphStyle("r-cell", parent=body, fontSize=9, leading=11),
        "notice": ParagraphStyle(
            "r-notice", parent=body, backColor=LIGHT, borderPadding=6, spaceBefore=4, spaceAfter=8
        ),
    }


def _date(value, fmt: str = "j F Y") -> str:
    return formats.date_format(value, fmt)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(clean_text(str(text))), style)


class _NumberedCanvas(pdf_canvas.Canvas):
    """Knows the page count when the pages are written, for "Pagina n van m"."""

    footer_text = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._pageNumber > 1:
                self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        self.saveState()
        self.setFont(_FONT, 8)
        self.setFillColor(GREY)
        self.setStrokeColor(colors.HexColor("#cccccc"))
        self.line(2 * cm, 1.5 * cm, A4[0] - 2 * cm, 1.5 * cm)
        self.drawString(2 * cm, 1.1 * cm, self.footer_text)
        self.drawRightString(
            A4[0] - 2 * cm,
            1.1 * cm,
            _("Pagina %(page)s van %(total)s") % {"page": self._pageNumber, "total": total},
        )
        self.restoreState()


def _bar_chart(rows: list[Row], *, percent: bool = False) -> Drawing:
    """Horizontal bars, first row on top, values printed beside the bars."""
    rows = list(reversed(rows))
    values = [(row.percent or 0) if percent else row.count for row in rows]
    bar = 14
    height = bar * len(rows) + 24
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 190, 16
    chart.width, chart.height = WIDTH - 230, bar * len(rows)
    chart.data = [values]
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.barSpacing = 2
    chart.categoryAxis.categoryNames = [
        row.label if len(row.label) <= LABEL_CHARS else row.label[: LABEL_CHARS - 1] + "…"
        for row in rows
    ]
    chart.categoryAxis.labels.fontName = _FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = GREY
    top = max(values + [1])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100 if percent else top
    chart.valueAxis.valueStep = 25 if percent else max(1, -(-top // 5))
    chart.valueAxis.labels.fontName = _FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = GREY
    if percent:
        chart.valueAxis.labelTextFormat = "%d%%"
    chart.barLabelFormat = "%d%%" if percent else "%d"
    chart.barLabels.fontName = _FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _table(
    header: list[str], rows: list[list], styles, *, widths=None, numeric_from: int = 1
) -> Table:
    data = [[_p(text, styles["cell"]) for text in header]]
    for row in rows:
        data.append(
            [value if isinstance(value, Paragraph) else _p(value, styles["cell"]) for value in row]
        )
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _counted(title: str, rows: list[Row], label: str, styles) -> list:
    """A chart with its table under a small heading, or a line saying there is nothing."""
    parts: list = [_p(title, styles["h3"])]
    if not rows or not any(row.count for row in rows):
        return [KeepTogether(parts + [_p(_("Geen gegevens in deze periode."), styles["muted"])])]
    table = _table(
        [label, _("Aantal")],
        [[row.label, str(row.count)] for row in rows],
        styles,
        widths=[WIDTH - 3 * cm, 3 * cm],
    )
    return [KeepTogether(parts + [_bar_chart(rows)]), table, Spacer(1, 8)]


def _figures(rows: list[tuple[str, str]], styles) -> Table:
    return _table([_("Kerncijfer"), _("Waarde")], [list(r) for r in rows], styles,
                  widths=[WIDTH - 4 * cm, 4 * cm])  # fmt: skip


def _cover(report: Report, styles) -> list:
    period = _("%(start)s tot en met %(end)s") % {
        "start": _date(report.period.start),
        "end": _date(report.period.end),
    }
    lines = [
        Spacer(1, 5 * cm),
        _p(report.title, styles["cover_title"]),
        _p(_("Programma: %(name)s") % {"name": report.programme}, styles["cover_line"]),
    ]
    if report.community:
        lines.append(
            _p(_("Gemeenschap: %(name)s") % {"name": report.community}, styles["cover_line"])
        )
    lines += [
        _p(_("Periode: %(period)s") % {"period": period}, styles["cover_line"]),
        _p(_("Gemaakt op %(date)s") % {"date": _date(report.made_on)}, styles["cover_line"]),
        Spacer(1, 2 * cm),
        _p(
            _(
                "Deze rapportage volgt de drie niveaus van opbrengsten uit het "
                "evaluatieonderzoek: output (wat er gebeurde), outcome (wat deelnemers "
                "ervaren) en impact (wat verder reikte dan de gemeenschap), met de stand van "
                "de CoP-monitor. Er staan geen namen van personen in. Enquêteresultaten van "
                "groepen kleiner dan de drempel van het programma worden niet getoond."
            ),
            styles["body"],
        ),
        PageBreak(),
    ]
    return lines


def _cover_band(canvas, _document) -> None:
    """The cover's coloured band with the product's name."""
    canvas.saveState()
    canvas.setFillColor(BLUE)
    canvas.rect(0, A4[1] - 4 * cm, A4[0], 4 * cm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(_FONT_BOLD, 20)
    canvas.drawString(2 * cm, A4[1] - 2.4 * cm, "Leerkring")
    canvas.setFont(_FONT, 11)
    canvas.drawString(2 * cm, A4[1] - 3.1 * cm, _("Rapportage op drie niveaus van opbrengsten"))
    canvas.setFillColor(LIGHT)
    canvas.rect(0, 0, A4[0], 1.2 * cm, stroke=0, fill=1)
    canvas.restoreState()


def _output(report: Report, styles) -> list:
    out = report.output
    parts: list = [_p(_("1. Output: wat er gebeurde"), styles["h1"])]
    if out.is_empty:
        return parts + [_p(_("Geen gegevens in deze periode."), styles["notice"])]
    rate = f"{out.attendance_rate}%" if out.attendance_rate is not None else "–"
    parts.append(
        _figures(
            [
                (_("Bijeenkomsten gehouden"), str(out.meetings_held)),
                (_("Waarvan fysiek"), str(out.meetings_physical)),
                (_("Gemiddeld aantal aanwezigen"), out.attendance_average or "–"),
                (_("Gemiddelde opkomst"), rate),
                (_("Producten gemaakt"), str(out.products_total)),
                (_("Signalen doorgegeven"), str(out.signals_passed_on)),
                (_("Signalen beantwoord"), str(out.signals_answered)),
            ],
            styles,
        )
    )
    parts.append(Spacer(1, 8))
    if out.meeting_dates:
        dates = ", ".join(_date(day, "j-n-Y") for day in out.meeting_dates)
        parts.append(
            _p(_("Data van de bijeenkomsten: %(dates)s") % {"dates": dates}, styles["body"])
        )
    parts += _counted(_("Bijeenkomsten per maand"), out.meetings_by_month, _("Maand"), styles)
    parts += _counted(_("Werkvormen"), out.work_forms, _("Werkvorm"), styles)
    parts += _counted(_("Onderwerpen per categorie"), out.topics, _("Categorie"), styles)
    parts += _counted(_("Producten per status"), out.products_by_status, _("Status"), styles)
    parts += _counted(_("Producten per soort"), out.products_by_kind, _("Soort"), styles)
    parts += _counted(
        _("Doorgegeven signalen per status"), out.signals_by_state, _("Status"), styles
    )
    return parts


def _outcome(report: Report, styles) -> list:
    outcome = report.outcome
    parts: list = [CondPageBreak(6 * cm), _p(_("2. Outcome: wat deelnemers ervaren"), styles["h1"])]
    parts.append(_p(_("Enquête"), styles["h2"]))
    if not outcome.waves:
        parts.append(_p(_("Geen meetronde van de enquête in deze periode."), styles["muted"]))
    for wave in outcome.waves:
        heading = _("%(title)s (%(start)s – %(end)s)") % {
            "title": wave.title,
            "start": _date(wave.opens_on, "j-n-Y"),
            "end": _date(wave.closes_on, "j-n-Y"),
        }
        parts.append(_p(heading, styles["h3"]))
        if wave.state == "hidden":
            parts.append(_p(_hidden_notice(wave.threshold), styles["notice"]))
            continue
        if wave.state == "none":
            parts.append(_p(_("Geen antwoorden in deze meetronde."), styles["muted"]))
            continue
        parts.append(
            _p(_("Ingevulde vragenlijsten: %(n)s") % {"n": wave.respondents}, styles["body"])
        )
        if not wave.questions:
            parts.append(
                _p(_("De vragenlijst heeft geen van de rapportagevragen."), styles["muted"])
            )
        for question in wave.questions:
            title = f"{question.topic} ({question.code}): {question.text}"
            if question.hidden:
                parts += [
                    _p(title, styles["body"]),
                    _p(_hidden_notice(wave.threshold), styles["notice"]),
                ]
                continue
            table = _table(
                [_("Antwoord"), _("Aantal"), _("Percentage")],
                [[row.label, str(row.count), f"{row.percent}%"] for row in question.rows],
                styles,
                widths=[WIDTH - 5 * cm, 2.5 * cm, 2.5 * cm],
            )
            parts += [
                KeepTogether([_p(title, styles["body"]), _bar_chart(question.rows, percent=True)]),
                table,
                _p(_("n = %(n)s") % {"n": question.n}, styles["muted"]),
                Spacer(1, 6),
            ]
    parts.append(_p(_("Verhalen over de belangrijkste verandering"), styles["h2"]))
    if not outcome.stories:
        parts.append(_p(_("Geen geselecteerde verhalen in deze periode."), styles["muted"]))
    for story in outcome.stories:
        details = [d for d in (story.community, story.level, ", ".join(story.tags)) if d]
        details.append(_date(story.told_on))
        parts.append(
            KeepTogether(
                [
                    _p(story.title, styles["h3"]),
                    _p(" · ".join(details), styles["muted"]),
                    _p(story.excerpt, styles["body"]),
                    Spacer(1, 4),
                ]
            )
        )
    return parts


def _hidden_notice(threshold: int) -> str:
    return _(
        "Te weinig antwoorden om te tonen (minder dan %(n)s). Zo blijven de antwoorden anoniem."
    ) % {"n": threshold}


def _impact(report: Report, styles) -> list:
    impact = report.impact
    parts: list = [CondPageBreak(6 * cm), _p(_("3. Impact: wat verder reikte"), styles["h1"])]
    parts.append(
        _figures(
            [
                (
                    _("Signalen opgelost of beantwoord op stelselniveau"),
                    str(impact.system_signals_total),
                ),
                (_("Producten gebruikt buiten de gemeenschap"), str(impact.products_beyond_total)),
                (_("Keren gedeeld buiten de gemeenschap"), str(impact.disseminations_beyond)),
            ],
            styles,
        )
    )
    parts.append(_p(_("Signalen op stelselniveau"), styles["h3"]))
    if impact.system_signals:
        parts.append(
            _table(
                [_("Signaal"), _("Gemeenschap"), _("Status"), _("Opgeschaald op")],
                [
                    [s.title, s.community, s.state, _date(s.escalated_on, "j-n-Y")]
                    for s in impact.system_signals
                ],
                styles,
                widths=[WIDTH - 10 * cm, 4 * cm, 3.5 * cm, 2.5 * cm],
                numeric_from=4,
            )
        )
    else:
        parts.append(_p(_("Geen gegevens in deze periode."), styles["muted"]))
    parts.append(_p(_("Producten gebruikt buiten de gemeenschap"), styles["h3"]))
    if impact.products_beyond:
        parts.append(
            _table(
                [_("Product"), _("Soort"), _("Keer gedeeld"), _("Waar")],
                [[p.title, p.kind, str(p.uses), p.channels] for p in impact.products_beyond],
                styles,
                widths=[WIDTH - 10 * cm, 3 * cm, 2.5 * cm, 4.5 * cm],
                numeric_from=2,
            )
        )
    else:
        parts.append(_p(_("Geen gegevens in deze periode."), styles["muted"]))
    return parts


def _monitor(report: Report, styles) -> list:
    parts: list = [
        CondPageBreak(6 * cm),
        _p(_("4. Monitor"), styles["h1"]),
        _p(
            _("De stand van de CoP-monitor op %(date)s, over de twaalf maanden daarvoor.")
            % {"date": _date(report.made_on)},
            styles["body"],
        ),
        Spacer(1, 4),
    ]
    if report.kind == "community":
        table = _table(
            [_("Toets"), _("Stand"), _("Gemeten")],
            [[line.title, line.label, line.value or "–"] for line in report.monitor],
            styles,
            widths=[6 * cm, 3 * cm, WIDTH - 9 * cm],
            numeric_from=3,
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (1, i), (1, i), STATUS_COLOURS.get(line.status, colors.white))
                    for i, line in enumerate(report.monitor, start=1)
                ]
            )
        )
        return parts + [table]
    labels = report.status_labels
    parts.append(
        _p(
            _("Aantal gemeenschappen per stand (%(n)s gemeenschappen).")
            % {"n": report.monitor_communities},
            styles["muted"],
        )
    )
    narrow = (WIDTH - 6 * cm) / len(labels)
    parts.append(
        _table(
            [_("Toets"), *[label for _k, label in labels]],
            [
                [line.title, *[str(line.counts.get(key, 0)) for key, _l in labels]]
                for line in report.monitor
            ],
            styles,
            widths=[6 * cm] + [narrow] * len(labels),
        )
    )
    return parts


def _communities(report: Report, styles) -> list:
    if report.kind != "programme" or not report.communities:
        return []
    return [
        CondPageBreak(6 * cm),
        _p(_("5. Per gemeenschap"), styles["h1"]),
        _table(
            [
                _("Gemeenschap"),
                _("Bijeenkomsten"),
                _("Opkomst"),
                _("Signalen"),
                _("Beantwoord"),
                _("Producten"),
            ],
            [
                [
                    c.name,
                    str(c.meetings_held),
                    f"{c.attendance_rate}%" if c.attendance_rate is not None else "–",
                    str(c.signals_passed_on),
                    str(c.signals_answered),
                    str(c.products),
                ]
                for c in report.communities
            ],
            styles,
            widths=[WIDTH - 11 * cm] + [2.2 * cm] * 5,
        ),
    ]


def report_pdf(report: Report) -> bytes:
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=report.title,
        author="Leerkring",
        subject=_("Rapportage over %(start)s tot en met %(end)s")
        % {"start": _date(report.period.start), "end": _date(report.period.end)},
        lang="nl",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2.2 * cm,
    )
    story: list = _cover(report, styles)
    if report.is_empty:
        story.append(_p(_("Geen gegevens in deze periode."), styles["notice"]))
    story += _output(report, styles)
    story += _outcome(report, styles)
    story += _impact(report, styles)
    story += _monitor(report, styles)
    story += _communities(report, styles)

    footer = clean_text(
        f"{report.title} · {_date(report.period.start, 'j-n-Y')} – {_date(report.period.end, 'j-n-Y')}"
    )

    class Canvas(_NumberedCanvas):
        footer_text = footer

    document.build(story, onFirstPage=_cover_band, canvasmaker=Canvas)
    return buffer.getvalue()
