"""Journey (d): a lead invites a new member, who accepts by e-mail and signs in."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from leerkring.communities.models import Membership
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Leerkring-in-de-regio-2025"


def test_a_lead_invites_a_member_who_sets_a_password_and_signs_in(page: Page, live_server):
    lead = factories.MembershipFactory(
        role=Membership.Role.LEAD,
        community__name="CoP Achterhoek",
        person__full_name="Anouk Jansen",
    )
    community = lead.community

    sign_in(page, lead.person.user.email)
    page.goto(f"/communities/{community.pk}/")
    page.get_by_role("link", name="Leden beheren").click()
    assert_accessible(page, "members")
    page.get_by_role("link", name="Lid uitnodigen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lid uitnodigen")
    assert_accessible(page, "member-invite")
    page.locator("input[name=full_name]").fill("Sanne Bakker")
    page.locator("input[name=email]").fill("sanne.bakker@example.nl")
    page.locator("input[name=job_title]").fill("Klantmanager inburgering")
    page.get_by_role("button", name="Toevoegen en uitnodigen").click()
    page.wait_for_load_state()
    assert_accessible(page, "member-invited")

    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    invitation = mail.outbox[0]
    assert invitation.to == ["sanne.bakker@example.nl"]
    link = re.search(r"https?://\S+/accounts/invitation/[^\s/]+/", invitation.body)
    assert link, f"no invitation link in the e-mail:\n{invitation.body}"
    path = "/" + link.group(0).split("/", 3)[3]

    # The new member opens the link in their own browser (a fresh profile, not the lead's).
    page.context.clear_cookies()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sanne Bakker")
    assert_accessible(page, "invitation-accept")
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan en inloggen").click()

    expect(page.get_by_role("heading", name="CoP Achterhoek")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    sign_in(page, "sanne.bakker@example.nl", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.get_by_role("heading", name="CoP Achterhoek")).to_be_visible()
    assert_accessible(page, "home-new-member")

    page.goto(path)
    expect(page.get_by_role("main")).not_to_contain_text("Kies een wachtwoord")
