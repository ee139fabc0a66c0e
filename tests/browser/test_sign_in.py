"""Journey (a): a member signs in and lands on their overview."""

import pytest
from playwright.sync_api import Page, expect

from leerkring.communities.models import Membership
from tests import factories
from tests.browser.helpers import assert_accessible, assert_styled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead():
    membership = factories.MembershipFactory(
        role=Membership.Role.LEAD,
        community__name="CoP Achterhoek",
        person__full_name="Fatima el Amrani",
    )
    return membership.person.user


def test_it_welcomes_a_visitor_with_the_design_system_look(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom bij Leerkring")
    assert_styled(page)
    assert_accessible(page, "welcome")


def test_it_signs_a_member_in_and_shows_their_communities(page: Page, lead):
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Inloggen").click()
    expect(page.locator("input[name=username]")).to_be_visible()
    assert_accessible(page, "login")

    sign_in(page, lead.email)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.get_by_role("heading", name="CoP Achterhoek")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert_styled(page)
    assert_accessible(page, "home")


def test_it_tells_a_visitor_when_the_password_is_wrong(page: Page, lead):
    sign_in(page, lead.email, password="not-the-password")

    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        "Het e-mailadres of het wachtwoord klopt niet."
    )
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    assert_accessible(page, "login-error")


def test_it_switches_the_interface_to_english_and_back(page: Page, lead):
    sign_in(page, lead.email)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page, "home-english")

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_the_overview_reflows_on_a_phone_without_sideways_scrolling(page: Page, lead):
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, lead.email)

    expect(page.get_by_role("heading", name="CoP Achterhoek")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 360px screen"
    assert_accessible(page, "home-phone")
