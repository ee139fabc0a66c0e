"""The PDF plumbing every document goes through (core.documents)."""

from __future__ import annotations

from django.utils import translation
from weasyprint import HTML

from leerkring.core import documents
from tests import pdf_tools


def test_a_document_fetches_no_url(tmp_path):
    """Text written by members ends up in documents: rendering must not fetch what it names,
    not from the network and not from the server's disk."""
    picture = tmp_path / "beeld.svg"
    picture.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        '<text x="0" y="20">GEHEIMBEELD</text></svg>'
    )
    html = (
        '<html lang="nl"><head><title>Proef</title></head><body><p>Tekst</p>'
        f'<img alt="beeld" src="{picture.as_uri()}"></body></html>'
    )
    text = pdf_tools.pdftotext(documents.html_to_pdf(html))
    assert "Tekst" in text
    assert "GEHEIMBEELD" not in text


def test_the_default_fetcher_would_have_fetched_it(tmp_path):
    """The check above can fail: without the refusing fetcher the picture is drawn."""
    picture = tmp_path / "beeld.svg"
    picture.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        '<text x="0" y="20">GEHEIMBEELD</text></svg>'
    )
    html = f'<html lang="nl"><body><img alt="beeld" src="{picture.as_uri()}"></body></html>'
    assert "GEHEIMBEELD" in pdf_tools.pdftotext(HTML(string=html).write_pdf())


def test_css_strings_cannot_leave_the_style_element():
    assert (
        documents.css_string('Rapport "A" \\ </style><b>')
        == '"Rapport \\"A\\" \\\\ \\3c /style>\\3c b>"'
    )
    assert documents.css_string("twee\nregels") == '"twee regels"'


def test_the_page_counter_follows_the_translation():
    with translation.override("nl"):
        assert documents.page_counter() == '"Pagina " counter(page) " van " counter(pages)'
    with translation.override("en"):
        assert documents.page_counter() == '"Page " counter(page) " of " counter(pages)'


def test_a_document_says_the_language_it_is_written_in():
    with translation.override("en"):
        data = documents.render_pdf(
            "meetings/minutes_document.html",
            {"title": "Minutes", "community": "C", "facts": [], "sections": []},
        )
    assert str(pdf_tools.catalog(data)["/Lang"]) == "en"
    assert "Page 1 of 1" in pdf_tools.pdftotext(data)
