"""PDF documents from HTML templates, with WeasyPrint.

Every PDF the application serves (minutes, community and programme reports) is an HTML
template that extends `documents/base.html`, rendered to PDF here. Doing it this way keeps
one layout language (templates and CSS, composed from the same partials as the pages) and gives
accessible files: WeasyPrint's PDF/UA-1 output is tagged (a structure tree with headings,
lists, tables with their header cells, figures with alternative text), carries the document
language from `<html lang>` and the title from `<title>`, which PDF readers show instead of the
file name. Page numbers ("Pagina n van m"), headings kept with what follows and table headers
that repeat on every page are CSS (`documents/document.css`), so a long period makes more pages,
never an error.

A document never fetches anything: the stylesheet is inlined by the template, charts are inline
SVG, and the URL fetcher refuses every URL, so text written by members (a link or an image in
the minutes) cannot make the server request a URL while it renders.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Tagged PDF with the PDF/UA-1 identification (ISO 14289-1) in its XMP metadata.
PDF_VARIANT = "pdf/ua-1"
PDF_CONTENT_TYPE = "application/pdf"


def css_string(value: object) -> str:
    """`value` as a quoted CSS string, safe inside a `<style>` element: quotes and backslashes
    escaped, line breaks made spaces, `<` written as a CSS escape so the text cannot close the
    element. Spaces at both ends are kept (they separate a word from a page number)."""
    text = re.sub(r"\s+", " ", str(value))
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{text}"'


def page_counter() -> str:
    """The CSS `content` value for "Pagina n van m" in the page margin, from the same
    translation as elsewhere, so a language can put the words in any order."""
    pieces = re.split(r"(%\(page\)s|%\(total\)s)", _("Pagina %(page)s van %(total)s"))
    counters = {"%(page)s": "counter(page)", "%(total)s": "counter(pages)"}
    return " ".join(counters.get(piece) or css_string(piece) for piece in pieces if piece)


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint is imported when a PDF is made, not with this module (which the template tags
    # of every page import): 46,000 objects that every server process would otherwise hold and
    # the garbage collector walk in each full collection (`core.startup`).
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """Refuses every URL: a document holds all it shows."""

        def fetch(self, url, headers=None):
            raise ValueError(f"Documents do not fetch URLs: {url[:80]}")

    return HTML(string=html, url_fetcher=NoFetching()).write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template rendered to HTML, then to a tagged PDF. The template extends
    `documents/base.html` and gives the document's `title` in the context."""
    html = render_to_string(template_name, {**context, "page_counter": page_counter()})
    return html_to_pdf(html)
