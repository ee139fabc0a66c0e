"""Template helpers of the PDF documents (`core.documents`): CSS strings for the page margin
and bar charts as inline SVG.

A chart in a PDF is a picture with text labels, one `<svg>` that WeasyPrint tags as a figure
with the `<title>` as its alternative text; the numbers follow in a data table, as on the page.
Its height is capped: with many bars the rows get thinner, so a chart always fits on a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.safestring import mark_safe

from leerkring.core import documents

register = template.Library()

#: The chart's coordinate width: the text width of an A4 page with 2 cm margins, in CSS px.
CHART_WIDTH = 640
LABEL_WIDTH = 236
VALUE_WIDTH = 48
ROW_HEIGHT = 18.0
#: The tallest a chart gets (CSS px, about 19 cm), whatever the number of bars.
CHART_MAX_HEIGHT = 720.0
LABEL_CHARS = 40


@dataclass
class Bar:
    label: str
    value: str
    y: float
    text_y: float
    width: float
    value_x: float


@register.filter
def css_string(value: object) -> str:
    return mark_safe(documents.css_string(value))  # noqa: S308 (escaped for CSS: quotes, backslashes and "<")


@register.inclusion_tag("documents/bar_chart.svg")
def bar_chart(rows, *, title: str, percent: bool = False) -> dict:
    """Horizontal bars, first row on top, with the label left and the value right of each bar.
    `rows` are `evaluation.reports.Row`: `width` is the bar's length in percent of the
    longest."""
    rows = list(rows)
    row_height = min(ROW_HEIGHT, CHART_MAX_HEIGHT / max(len(rows), 1))
    font_size = round(min(10.0, row_height * 0.6), 2)
    bar_x = LABEL_WIDTH + 6
    bar_room = CHART_WIDTH - bar_x - VALUE_WIDTH
    bars = []
    for index, row in enumerate(rows):
        label = str(row.label)
        if len(label) > LABEL_CHARS:
            label = label[: LABEL_CHARS - 1] + "…"
        y = index * row_height
        width = round(bar_room * (row.width or 0) / 100, 2)
        bars.append(
            Bar(
                label=label,
                value=f"{row.percent}%" if percent else str(row.count),
                y=round(y + row_height * 0.15, 2),
                text_y=round(y + row_height * 0.5 + font_size * 0.35, 2),
                width=width,
                value_x=round(bar_x + width + 4, 2),
            )
        )
    return {
        "title": title,
        "bars": bars,
        "width": CHART_WIDTH,
        "height": round(len(rows) * row_height, 2),
        "bar_x": bar_x,
        "bar_height": round(row_height * 0.7, 2),
        "label_x": LABEL_WIDTH,
        "font_size": font_size,
    }
