"""Journeys of the second step: a coordinator sets up an authenticator app on the first sign-in
and is asked for a code on every sign-in after; a participant adds a security key (a virtual
WebAuthn authenticator in Chromium) and signs in with it; staff pass the same step for the
admin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from leerkring.accounts import second_factor
from leerkring.accounts.models import ProgrammeRole
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in, totp_code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit_password(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_a_coordinator_sets_up_an_app_on_the_first_sign_in_and_needs_a_code_after(page: Page):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user

    submit_password(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel je tweede stap in")
    assert_accessible(page, "second-factor-required")
    # No page of the programme opens before the second step is set up.
    page.goto(f"/programmes/{programme.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel je tweede stap in")

    page.get_by_role("link", name="Met een authenticator-app op je telefoon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authenticator-app instellen")
    expect(page.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
    assert_accessible(page, "second-factor-totp-setup")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code uit je app").fill(second_factor.totp_now(secret))
    page.get_by_role("button", name="App instellen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Herstelcodes")
    expect(page.locator(".lk-codes li")).to_have_count(10)
    assert_accessible(page, "second-factor-recovery-codes")
    page.get_by_role("link", name="Ik heb ze bewaard, ga verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CoP's Inburgering")

    page.get_by_role("button", name="Uitloggen").click()
    submit_password(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede stap")
    assert_accessible(page, "second-factor-code")
    page.get_by_label("Code uit je app").fill("000000")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("main")).to_contain_text("Deze code klopt niet.")
    page.get_by_label("Code uit je app").fill(totp_code_for(coordinator))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_a_participant_adds_a_security_key_and_signs_in_with_it(page: Page):
    participant = factories.MembershipFactory(community__name="CoP Achterhoek").person.user
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    sign_in(page, participant.email)
    page.goto("/accounts/2fa/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    assert_accessible(page, "second-factor-overview")
    page.get_by_role("link", name="Sleutel toevoegen").click()
    page.get_by_label("Naam van de sleutel").fill("Sleutelbos")
    assert_accessible(page, "second-factor-add-key")
    page.get_by_role("button", name="Sleutel toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Herstelcodes")
    assert second_factor.has_second_factor(participant)

    page.goto("/")
    page.get_by_role("button", name="Uitloggen").click()
    submit_password(page, participant.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede stap")
    page.get_by_role("button", name="Beveiligingssleutel gebruiken").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_staff_pass_the_second_step_to_reach_the_admin(page: Page):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("input[name=username]").fill(admin.email)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel je tweede stap in")
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel je tweede stap in")
