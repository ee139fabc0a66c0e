"""Journeys (b) and (c): a member opens their community; a coordinator creates one."""

import pytest
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Community, Membership
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_opens_their_community_from_the_overview(page: Page):
    community = factories.CommunityFactory(
        name="CoP Achterhoek", learning_question="Hoe houden we inburgeraars aan het werk?"
    )
    member = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )

    sign_in(page, member.person.user.email)
    page.get_by_role("heading", name="CoP Achterhoek").get_by_role("link").click()

    assert page.url.endswith(f"/communities/{community.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("CoP Achterhoek")
    # The page's sections fold; the reader opens the ones they want.
    page.locator("#sectie-about > summary").click()
    page.locator("#sectie-members > summary").click()
    expect(page.get_by_text("Hoe houden we inburgeraars aan het werk?")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Anouk Jansen")
    assert_accessible(page, "community")


def test_a_coordinator_creates_a_community_with_the_wizard(page: Page):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user

    sign_in(page, coordinator.email)
    page.goto(f"/programmes/{programme.slug}/")
    assert_accessible(page, "programme-overview")
    page.get_by_role("link", name="Nieuwe gemeenschap").click()

    expect(page.get_by_text("Stap 1 van 2")).to_be_visible()
    assert_accessible(page, "community-create-scenario")
    page.locator("input[name=scenario][value=C]").check()
    page.get_by_role("button", name="Volgende stap").click()

    expect(page.get_by_text("Stap 2 van 2")).to_be_visible()
    assert_accessible(page, "community-create-details")
    page.locator("input[name=name]").fill("CoP Twente")
    page.locator("input[name=scope][value=regional]").check()
    page.locator("[name=region]").fill("Twente")
    page.locator("[name=learning_question]").fill("Hoe versnellen we de start van de leerroute?")
    expect(page.locator("input[name=scope][value=regional]")).to_be_checked()
    assert_accessible(page, "community-create-details-filled")
    page.get_by_role("button", name="Gemeenschap aanmaken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("CoP Twente")
    community = Community.objects.get(name="CoP Twente")
    assert community.programme == programme
    assert community.scenario == Community.Scenario.C
    assert community.region == "Twente"
    assert_accessible(page, "community-created")


def test_the_wizard_puts_a_missing_name_next_to_its_field(page: Page):
    programme = factories.ProgrammeFactory(slug="inburgering")
    coordinator = factories.ProgrammeRoleFactory(programme=programme).person.user

    sign_in(page, coordinator.email)
    page.goto(f"/programmes/{programme.slug}/communities/new/?scenario=A")
    page.get_by_role("button", name="Gemeenschap aanmaken").click()

    expect(page.get_by_text("Geef de gemeenschap een naam.").first).to_be_visible()
    described_by = page.locator("input[name=name]").get_attribute("aria-describedby") or ""
    assert described_by, "the name field does not point to its error message"
    assert not Community.objects.filter(programme=programme).exists()
    assert_accessible(page, "community-create-error")
