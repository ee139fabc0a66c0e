"""Journey: a member raises a signal from the community page, the lead passes it on — the
personal-data guard fires on a citizen service number — and it reaches the coordinator."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership
from leerkring.signalling.models import Signal
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BSN = "111222333"  # passes the 11-test


def test_a_member_raises_a_signal_and_the_lead_passes_it_on_past_the_guard(page: Page):
    community = factories.CommunityFactory(name="CoP Achterhoek")
    lead = factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )
    participant = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    coordinator = factories.ProgrammeRoleFactory(
        programme=community.programme, role=ProgrammeRole.Role.COORDINATOR
    )

    # A member raises a signal from the community page.
    sign_in(page, participant.person.user.email)
    page.goto(f"/communities/{community.pk}/#sectie-signals")
    page.get_by_role("link", name="Signaal inbrengen").click()
    assert_accessible(page, "signal-raise")
    page.get_by_label("Titel").fill("Wachttijd taalschool")
    page.get_by_label("Omschrijving").fill(
        f"Een inburgeraar (BSN {BSN}) wacht al vier maanden op een plek bij de taalschool."
    )
    page.get_by_label("Onderwerp", exact=True).select_option(label="Wachttijden")
    page.get_by_label("Landelijk").check()
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.get_by_text("Het signaal is opgeslagen als concept.")).to_be_visible()
    assert_accessible(page, "signal-draft")
    signal = Signal.objects.get()
    assert signal.state == Signal.State.DRAFT

    # The lead opens it from "Onze signalen" and tries to pass it on: the guard fires.
    page.context.clear_cookies()
    sign_in(page, lead.person.user.email)
    page.goto(f"/communities/{community.pk}/#sectie-signals")
    panel = page.locator("section", has=page.get_by_role("heading", name="Onze signalen"))
    expect(panel.get_by_text("Concept")).to_be_visible()
    panel.get_by_role("link", name="Wachttijd taalschool").click()
    page.get_by_role("link", name="Controleren en doorgeven").click()
    expect(
        page.get_by_role("heading", name="Controleer de tekst op persoonsgegevens")
    ).to_be_visible()
    expect(page.locator("mark.lk-guard-hit").first).to_contain_text(BSN)
    assert_accessible(page, "signal-pass-on-guard")

    # Passing on without checking is refused; removing the number lets it through.
    page.get_by_role("button", name="Doorgeven").click()
    expect(page.get_by_text("De tekst lijkt persoonsgegevens te bevatten.").first).to_be_visible()
    assert Signal.objects.get().state == Signal.State.DRAFT
    page.get_by_label("Omschrijving").fill(
        "Een inburgeraar wacht al vier maanden op een plek bij de taalschool."
    )
    page.get_by_role("button", name="Doorgeven").click()
    expect(page.get_by_text("Het signaal is doorgegeven")).to_be_visible()
    assert_accessible(page, "signal-passed-on")

    signal.refresh_from_db()
    assert signal.state == Signal.State.NEW
    assert BSN not in signal.description
    assert signal.events.filter(kind="redaction").exists()

    # The coordinator now sees it, with its history.
    page.context.clear_cookies()
    sign_in(page, coordinator.person.user.email)
    page.goto(f"/signals/{signal.pk}/")
    expect(page.get_by_role("heading", name="Geschiedenis")).to_be_visible()
    page.get_by_role("link", name="In behandeling nemen").click()
    expect(page.get_by_role("heading", name="In behandeling nemen")).to_be_visible()
    assert BSN not in page.content()
    assert_accessible(page, "signal-coordinator")
