"""Journey: a member searches from the header box and finds a product another community of the
programme shared — and not the one it kept to itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leerkring.dissemination.models import Product
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_searches_and_finds_a_shared_product_of_another_community(page: Page):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    own = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    other = factories.CommunityFactory(programme=programme, name="CoP Zeeland")
    member = factories.MembershipFactory(community=own, person__full_name="Joost de Wit")
    shared = factories.ProductFactory(
        programme=programme,
        communities=[other],
        title="Routekaart taalmaatjes Zeeland",
        summary="Hoe je in zes stappen een taalmaatje koppelt aan een gezin.",
        kind=Product.Kind.ROUTE_MAP,
        status=Product.Status.READY,
        shareable=True,
    )
    factories.ProductFactory(
        programme=programme,
        communities=[other],
        title="Taalmaatjes: interne evaluatie",
        shareable=False,
    )

    sign_in(page, member.person.user.email)
    page.get_by_role("search", name="Zoeken in Leerkring").get_by_label("Zoek in Leerkring").fill(
        "taalmaatjes"
    )
    page.get_by_role("search", name="Zoeken in Leerkring").get_by_role(
        "button", name="Zoeken"
    ).click()

    expect(page.get_by_role("heading", name="Zoeken", exact=True)).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("1 resultaat")
    results = page.locator("section", has=page.get_by_role("heading", name="Producten"))
    expect(results.locator("mark").first).to_be_visible()
    expect(page.get_by_text("interne evaluatie")).to_have_count(0)
    assert_accessible(page, "search-results")

    # Narrow to products with the type filter, without JavaScript tricks: a plain GET form.
    page.get_by_label("Soort", exact=True).select_option(label="Producten")
    page.get_by_role("search", name="Zoekopdracht").get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name="Producten (1)")).to_have_attribute("aria-current", "page")

    page.get_by_role("link", name="Routekaart taalmaatjes Zeeland").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(shared.title)
    assert_accessible(page, "search-found-product")

    # An empty search is a friendly page, not an error.
    page.goto("/search/")
    expect(page.get_by_role("heading", name="Waar zoek je in?")).to_be_visible()
    assert_accessible(page, "search-empty")
