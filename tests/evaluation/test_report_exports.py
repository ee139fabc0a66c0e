"""The report's PDF and XLSX: the figures they must contain, read back with a PDF text
extractor and openpyxl, and the cover page rendered to PNG as a test artifact."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from leerkring.evaluation import reports
from leerkring.evaluation.report_pdf import report_pdf
from leerkring.evaluation.report_xlsx import report_xlsx
from tests import factories, pdf_tools
from tests.evaluation.test_reports import EMPTY, PERSON, YEAR, build_report_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def built(world):
    return build_report_world(world)


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    """The reader, and all text with whitespace made single spaces (table cells come out on
    lines of their own)."""
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_has_a_cover_page_numbers_and_the_key_figures(built):
    data = report_pdf(reports.community_report(built.world.community, YEAR))
    reader, text = pdf_text(data)
    cover = reader.pages[0].extract_text()
    assert "Rapportage CoP Achterhoek" in cover
    assert "Programma: CoP's Inburgering" in cover
    assert "1 januari 2024 tot en met 31 december 2024" in cover
    assert "Pagina" not in cover
    assert f"Pagina 2 van {len(reader.pages)}" in reader.pages[1].extract_text()
    for heading in ("Output: wat er gebeurde", "Outcome: wat deelnemers ervaren", "Impact: wat verder reikte", "Monitor"):  # fmt: skip
        assert heading in text
    assert "Bijeenkomsten gehouden 2" in text
    assert "Gemiddelde opkomst 63%" in text
    assert "Gemiddeld aantal aanwezigen 2,5" in text
    assert "Signalen beantwoord 3" in text
    assert "Intervisie 2" in text
    assert "Meer inzicht in andere organisaties 8 100%" in text
    assert "Korte lijnen" in text
    assert "Termijn PIP" in text
    assert "Signalen opgelost of beantwoord op stelselniveau 2" in text
    assert PERSON not in text
    assert reader.metadata.title == "Rapportage CoP Achterhoek"


def test_the_pdf_of_a_small_community_shows_the_suppression_notice(built):
    _reader, text = pdf_text(report_pdf(reports.community_report(built.world.sibling, YEAR)))
    assert "Te weinig antwoorden om te tonen (minder dan 5)" in text
    assert "Meer inzicht in andere organisaties" not in text


def test_the_pdf_of_an_empty_period_says_so(built):
    _reader, text = pdf_text(report_pdf(reports.community_report(built.world.community, EMPTY)))
    assert "Geen gegevens in deze periode" in text


def test_the_programme_pdf_has_the_monitor_counts_and_a_line_per_community(built):
    _reader, text = pdf_text(report_pdf(reports.programme_report(built.world.programme, YEAR)))
    assert "Rapportage CoP's Inburgering" in text
    assert "Per gemeenschap" in text and "CoP Zeeland" in text
    assert "Aantal gemeenschappen per stand (3 gemeenschappen)" in text


LONG_PERIODS = {
    "twenty years": ("2007-01-01", "2026-12-31", "Bijeenkomsten per jaar"),
    "four years": ("2022-09-01", "2026-12-04", "Bijeenkomsten per kwartaal"),
}


@pytest.mark.parametrize("length", LONG_PERIODS)
@pytest.mark.parametrize("kind", ["programme", "community"])
def test_a_report_over_a_long_period_is_an_accessible_pdf(built, client, kind, length):
    """Read back with poppler and pypdf: tagged, Dutch, titled, headings in reading order,
    charts as figures with alternative text, page numbers; a yearly or quarterly chart."""
    start, end, chart_heading = LONG_PERIODS[length]
    factories.CommunityFactory(
        programme=built.world.programme,
        name="Praktijkgemeenschap inburgering en participatie Noordoost-Brabant en omstreken",
    )
    client.force_login(built.world.coordinator)
    if kind == "programme":
        url = reverse("evaluation:programme_report_pdf", args=[built.world.programme.slug])
        title = "Rapportage CoP's Inburgering"
    else:
        url = reverse("evaluation:community_report_pdf", args=[built.world.community.pk])
        title = "Rapportage CoP Achterhoek"
    response = client.get(url, {"from": start, "to": end})
    assert response.status_code == 200
    info = pdf_tools.assert_accessible(response.content, title=title)
    types = pdf_tools.structure_types(response.content)
    assert types["/H1"] == 1 and types["/H2"] >= 4 and types["/H3"] >= 5
    assert types["/Table"] >= 5 and types["/TH"] >= 20
    alts = pdf_tools.figure_alts(response.content)
    assert len(alts) >= 5 and all(alt.startswith("Staafdiagram: ") for alt in alts)
    text = pdf_tools.pdftotext(response.content)
    headings = [title, "Output: wat er gebeurde", chart_heading, "Outcome: wat deelnemers ervaren", "Impact: wat verder reikte", "Monitor"]  # fmt: skip
    if kind == "programme":
        headings.append("Per gemeenschap")
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    pages = text.split("\f")[:-1]
    assert len(pages) == int(info["Pages"])
    assert "Pagina" not in pages[0]
    assert f"Pagina 2 van {len(pages)}" in pages[1]
    assert f"Pagina {len(pages)} van {len(pages)}" in pages[-1]
    assert PERSON not in text


def test_the_column_headers_of_the_programme_report_are_whole_words(built):
    """reportlab broke "Bijeenkom|sten" over two lines in a narrow column; a header is one
    word to a screen reader and to the eye."""
    factories.CommunityFactory(
        programme=built.world.programme,
        name="Praktijkgemeenschap inburgering en participatie Noordoost-Brabant en omstreken",
    )
    data = report_pdf(reports.programme_report(built.world.programme, YEAR))
    text = pdf_tools.pdftotext(data)
    table = text[text.index("Per gemeenschap") :]
    words = table.split()
    for header in ("Gemeenschap", "Bijeenkomsten", "Gemiddelde", "opkomst", "doorgegeven", "beantwoord", "Producten"):  # fmt: skip
        assert header in words
    assert "Bijeenkom" not in words and "Bijeenkom-" not in words
    layout = pdf_tools.pdftotext(data, "-layout")
    header_line = next(
        line for line in layout.splitlines() if "Bijeenkomsten" in line and "Gemeenschap" in line
    )
    assert "Producten" in header_line


def test_the_pdf_cover_renders_to_png(built):
    """A page of the PDF as PNG in test-artifacts/ for a person to look at."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is missing in CI: scripts/system-packages.sh poppler-utils")
        pytest.skip(
            "pdftoppm not installed (scripts/system-packages.sh poppler-utils); no PNG made"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / "report-community.pdf"
    source.write_bytes(report_pdf(reports.community_report(built.world.community, YEAR)))
    for page, name in ((1, "report-community-cover"), (2, "report-community-page-2")):
        target = ARTIFACTS / name
        subprocess.run(  # noqa: S603 (a fixed program on a file this test wrote)
            [pdftoppm, "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
             str(source), str(target)],
            check=True,
            timeout=60,
        )  # fmt: skip
        png = target.with_suffix(".png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 2000


def test_the_xlsx_has_a_sheet_per_table_and_reads_back(built):
    workbook = load_workbook(
        io.BytesIO(report_xlsx(reports.community_report(built.world.community, YEAR)))
    )
    assert workbook.sheetnames[:3] == ["Overzicht", "Bijeenkomsten per maand", "Data bijeenkomsten"]
    for name in ("Werkvormen", "Onderwerpen", "Producten per status", "Signalen per status", "Enquête", "Verhalen", "Stelselniveau", "Gebruik buiten", "Monitor"):  # fmt: skip
        assert name in workbook.sheetnames
    overview = {
        row[0]: row[1] for row in workbook["Overzicht"].iter_rows(min_row=2, values_only=True)
    }
    assert overview["Bijeenkomsten gehouden"] == 2
    assert overview["Gemiddelde opkomst (%)"] == 63
    assert overview["Signalen doorgegeven"] == 4
    assert overview["Van"] == datetime.datetime(2024, 1, 1)
    forms = list(workbook["Werkvormen"].iter_rows(values_only=True))
    assert forms == [("Werkvorm", "Aantal"), ("Intervisie", 2), ("Werkbezoek", 1)]
    survey = list(workbook["Enquête"].iter_rows(min_row=2, values_only=True))
    assert ("Meer inzicht in andere organisaties", 8, 100, 8) in [row[4:] for row in survey]
    all_text = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert PERSON not in all_text


def _cells(sheet) -> dict[str, object]:
    """{first column's text: the row's cells} of a two-column sheet."""
    return {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}


def test_the_xlsx_dates_are_date_cells(built):
    """Excel and LibreOffice filter and compute with date cells only; text that looks like a
    date does not sort as one."""
    workbook = load_workbook(
        io.BytesIO(report_xlsx(reports.community_report(built.world.community, YEAR)))
    )
    overview = _cells(workbook["Overzicht"])
    for label in ("Van", "Tot en met", "Gemaakt op"):
        cell = overview[label]
        assert cell.is_date, label
        assert cell.number_format == "DD-MM-YYYY"
    assert overview["Tot en met"].value == datetime.datetime(2024, 12, 31)
    assert overview["Bijeenkomsten gehouden"].data_type == "n"
    dates = [row[0] for row in workbook["Data bijeenkomsten"].iter_rows(min_row=2)]
    assert dates and all(cell.is_date for cell in dates)
    for name, column in (("Verhalen", 5), ("Stelselniveau", 3), ("Gebruik buiten", 4)):
        cells = [row[column] for row in workbook[name].iter_rows(min_row=2)]
        assert cells and all(cell.is_date for cell in cells), name


def test_the_xlsx_keeps_formula_like_text_as_text_without_an_apostrophe(built):
    workbook = load_workbook(
        io.BytesIO(report_xlsx(reports.community_report(built.world.community, YEAR)))
    )
    (title,) = [row[0] for row in workbook["Gebruik buiten"].iter_rows(min_row=2)]
    assert title.value == '=HYPERLINK("x")'
    assert title.data_type == "s"
    assert title.quotePrefix
    assert all(
        cell.data_type != "f"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )


def test_the_xlsx_of_a_small_community_has_the_notice_not_the_numbers(built):
    workbook = load_workbook(
        io.BytesIO(report_xlsx(reports.community_report(built.world.sibling, YEAR)))
    )
    rows = list(workbook["Enquête"].iter_rows(min_row=2, values_only=True))
    assert rows == [("Meting oktober 2024", None, None, None, "Te weinig antwoorden om te tonen (minder dan 5)", None, None, None)]  # fmt: skip


def test_the_downloads_carry_the_period_of_the_page(built, client):
    client.force_login(built.world.lead)
    community = built.world.community
    pdf = client.get(
        reverse("evaluation:community_report_pdf", args=[community.pk]), {"preset": "2024"}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        pdf["Content-Disposition"]
        == 'attachment; filename="rapportage-cop-achterhoek-20240101-20241231.pdf"'
    )
    assert "Bijeenkomsten gehouden 2" in pdf_text(pdf.content)[1]
    xlsx = client.get(reverse("evaluation:community_report_xlsx", args=[community.pk]), {"from": "2024-01-01", "to": "2024-12-31"})  # fmt: skip
    assert xlsx.status_code == 200
    overview = load_workbook(io.BytesIO(xlsx.content))["Overzicht"]
    assert dict(overview.iter_rows(min_row=2, values_only=True))["Bijeenkomsten gehouden"] == 2
