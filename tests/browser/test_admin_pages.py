"""Journey: the coordinator's management pages (members, organisations, rules, roles, the
venster import) and a lead's member invite, each checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_visits_the_management_pages(page: Page):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    organisation = factories.OrganisationFactory(name="Gemeente Doetinchem")
    community = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    factories.MembershipFactory(
        community=community,
        role=Membership.Role.LEAD,
        person__full_name="Anouk Jansen",
        person__organisation=organisation,
    )
    factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user

    sign_in(page, coordinator.email)

    page.goto(f"/communities/{community.pk}/members/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leden van CoP Achterhoek")
    expect(page.get_by_role("main")).to_contain_text("Joost de Wit")
    assert_accessible(page, "admin-members")

    page.goto("/organisations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisaties")
    expect(page.get_by_role("main")).to_contain_text("Gemeente Doetinchem")
    assert_accessible(page, "admin-organisations")

    page.goto(f"/programmes/{programme.slug}/rules/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spelregels van CoP's Inburgering")
    assert_accessible(page, "admin-rule-profile")

    page.goto(f"/programmes/{programme.slug}/roles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rollen in CoP's Inburgering")
    assert_accessible(page, "admin-programme-roles")

    page.goto(f"/programmes/{programme.slug}/venster/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signalen importeren")
    assert_accessible(page, "admin-venster-import")


def test_a_lead_opens_the_member_invite_form(page: Page):
    community = factories.CommunityFactory(name="CoP Achterhoek")
    lead = factories.MembershipFactory(community=community, role=Membership.Role.LEAD)

    sign_in(page, lead.person.user.email)
    page.goto(f"/communities/{community.pk}/members/invite/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Lid uitnodigen")
    assert_accessible(page, "admin-member-invite")
