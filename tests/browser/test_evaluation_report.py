"""A coordinator opens a community's report, picks a year, corrects a wrong period and
downloads the PDF to hand to the funder."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, sign_in
from tests.evaluation.test_reports import PERSON, build_report_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reads_a_community_report_and_downloads_the_pdf(page: Page, world):
    build_report_world(world)
    community = world.community
    sign_in(page, world.coordinator.email)

    page.goto(f"/communities/{community.pk}/report/")
    expect(page.get_by_role("heading", name="Rapportage CoP Achterhoek", level=1)).to_be_visible()
    page.get_by_role("link", name="2024", exact=True).click()
    expect(page.get_by_text("Van 1 januari 2024 tot en met 31 december 2024.")).to_be_visible()
    expect(page.locator('[data-figure="meetings"]')).to_have_text("2")
    expect(page.locator('[data-figure="system-signals"]')).to_have_text("2")
    expect(page.get_by_role("heading", name="Outcome: wat deelnemers ervaren")).to_be_visible()
    expect(page.get_by_role("heading", name="Korte lijnen")).to_be_visible()
    expect(page.get_by_text(PERSON)).to_have_count(0)
    assert_accessible(page, "evaluation-report-community")

    # A period the wrong way round is explained next to the field.
    page.get_by_label("Van").fill("2024-12-31")
    page.get_by_label("Tot en met").fill("2024-01-01")
    page.get_by_role("button", name="Toon deze periode").click()
    expect(page.get_by_text("De laatste dag ligt vóór de eerste dag.").first).to_be_visible()
    expect(page.get_by_label("Tot en met")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "evaluation-report-bad-period")

    page.get_by_label("Van").fill("2024-01-01")
    page.get_by_label("Tot en met").fill("2024-12-31")
    page.get_by_role("button", name="Toon deze periode").click()
    expect(page.locator('[data-figure="meetings"]')).to_have_text("2")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download als PDF").click()
    assert pdf.value.suggested_filename == "rapportage-cop-achterhoek-20240101-20241231.pdf"
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
