"""A report as a PDF, to hand to a programme's funder.

The PDF is the report's HTML (`evaluation/report_document.html`: a cover, then the same
partials as the web page, with charts as SVG figures followed by their tables) made into a
tagged, accessible PDF by `core.documents`. Pages after the cover carry the report's name and
period, and "Pagina n van m", in the footer. A long period gives more pages, never an error:
the chart of meetings counts per quarter or year beyond two years (`reports.output`), and every
chart is capped at a page's height.
"""

from __future__ import annotations

from django.utils import formats

from leerkring.core import documents
from leerkring.core.markdown import clean_text

from .reports import Report


def report_pdf(report: Report) -> bytes:
    start = formats.date_format(report.period.start, "j-n-Y")
    end = formats.date_format(report.period.end, "j-n-Y")
    return documents.render_pdf(
        "evaluation/report_document.html",
        {"report": report, "footer": clean_text(f"{report.title} · {start} – {end}")},
    )
