"""A coordinator reads the programme report on a phone: the first communities on the page, and
every community's line in a list that pages and searches, both fitting the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.helpers import assert_fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_coordinator_finds_one_community_in_a_long_programme_report(page: Page, world):
    for number in range(58):  # with the world's two: 60, more than the page shows
        factories.CommunityFactory(programme=world.programme, name=f"CoP Regio {number:02d}")
    page.set_viewport_size(PHONE)
    sign_in(page, world.coordinator.email)

    page.goto(f"/programmes/{world.programme.slug}/report/")
    expect(page.get_by_text("De eerste 25 van 60 gemeenschappen.")).to_be_visible()
    assert_fits(page, "programme-report-phone")

    page.get_by_role("link", name="Alle gemeenschappen bekijken en zoeken").click()
    expect(page.get_by_text("60 gemeenschappen. Pagina 1 van 2.")).to_be_visible()
    assert_fits(page, "programme-report-communities-phone")

    page.get_by_label("Zoek een gemeenschap").fill("zeeland")
    page.locator("#main").get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("1 gemeenschap gevonden.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="CoP Zeeland")).to_be_visible()
    assert_fits(page, "programme-report-communities-searched")
