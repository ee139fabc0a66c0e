"""Journey: a signal passed on is taken up in the venster — triaged, linked to a new theme and
escalated to the system level — the system partner answers, and the community's lead sees the
answer in "Onze signalen"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership
from leerkring.signalling.models import Signal
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Kan de inburgeringswet een maximale wachttijd voor taalscholen vastleggen?"
ANSWER = "We nemen een maximale wachttijd van zes weken op in de volgende wetswijziging."


def test_a_passed_on_signal_is_escalated_and_the_system_answer_reaches_the_community(
    page: Page,
):
    community = factories.CommunityFactory(name="CoP Achterhoek")
    programme = community.programme
    lead = factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.COORDINATOR, person__full_name="Bram Kok"
    )
    partner = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.SYSTEM_PARTNER
    )
    signal = factories.SignalFactory(
        community=community, passed=True, title="Wachttijd taalschool Doetinchem"
    )

    # The coordinator finds the signal in the venster; the other venster pages are sound too.
    sign_in(page, coordinator.person.user.email)
    for name, path in (
        ("signals-top5", f"/programmes/{programme.slug}/top5/"),
        ("signals-lcc-list", f"/programmes/{programme.slug}/lcc/"),
    ):
        page.goto(path)
        assert_accessible(page, name)
    page.goto(f"/programmes/{programme.slug}/venster/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Venster")
    assert_accessible(page, "signals-venster")
    page.get_by_role("link", name="Wachttijd taalschool Doetinchem").click()
    assert_accessible(page, "signals-journey-new")

    # Triage: choose the action (htmx opens its form in place), then take it up.
    actions = page.get_by_role("navigation", name="Acties voor dit signaal")
    actions.get_by_role("link", name="In behandeling nemen").click()
    triage = page.locator("#action-triage")
    expect(triage).to_be_visible()
    expect(page.locator("#action-escalate")).to_have_count(0)
    assert page.url.endswith("?actie=triage")
    triage.get_by_label("Notitie").fill("Speelt ook in andere regio's.")
    triage.get_by_role("button", name="In behandeling nemen").click()
    expect(page.get_by_text("Het signaal is in behandeling.")).to_be_visible()
    signal.refresh_from_db()
    assert signal.state == Signal.State.IN_PROGRESS

    # A new theme on the themes page, then linked from the signal's page.
    page.goto(f"/programmes/{programme.slug}/themes/")
    assert_accessible(page, "signals-themes")
    page.get_by_label("Titel").fill("Wachttijden taalscholen")
    page.get_by_role("button", name="Aanmaken").click()
    expect(page.get_by_text("Hoofdvraagstuk ‘Wachttijden taalscholen’ aangemaakt.")).to_be_visible()
    assert_accessible(page, "signals-theme-detail")
    page.goto(f"/signals/{signal.pk}/?actie=theme")
    theme_form = page.locator("#action-theme")
    theme_form.get_by_label("Hoofdvraagstuk").select_option(label="Wachttijden taalscholen")
    theme_form.get_by_role("button", name="Hoofdvraagstuk opslaan").click()
    expect(page.get_by_text("Het hoofdvraagstuk is opgeslagen.")).to_be_visible()
    signal.refresh_from_db()
    assert signal.theme.title == "Wachttijden taalscholen"

    # Escalate to the system level with a question.
    page.get_by_role("link", name="Opschalen").click()
    escalate = page.locator("#action-escalate")
    escalate.get_by_label("Stelselniveau").check()
    escalate.get_by_label("Vraag").fill(QUESTION)
    escalate.get_by_role("button", name="Opschalen").click()
    expect(page.get_by_text("Het signaal is opgeschaald.")).to_be_visible()
    assert_accessible(page, "signals-journey-escalated")
    signal.refresh_from_db()
    assert signal.state == Signal.State.ESCALATED_SYSTEM

    # The system partner answers from the inbox.
    page.context.clear_cookies()
    sign_in(page, partner.person.user.email)
    page.goto(f"/programmes/{programme.slug}/system/")
    assert_accessible(page, "signals-system-inbox")
    page.get_by_role("link", name="Wachttijd taalschool Doetinchem").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert "Anouk Jansen" not in page.content()
    assert "CoP Achterhoek" not in page.content()
    assert_accessible(page, "signals-system-signal")
    page.get_by_label("Je antwoord").fill(ANSWER)
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(
        page.get_by_text("Je antwoord is verstuurd naar de gemeenschap en het coördinatiepunt.")
    ).to_be_visible()
    assert_accessible(page, "signals-system-answered")

    # The lead sees the answer on the community page.
    page.context.clear_cookies()
    sign_in(page, lead.person.user.email)
    page.goto(f"/communities/{community.pk}/#sectie-signals")
    panel = page.locator("section", has=page.get_by_role("heading", name="Onze signalen"))
    expect(panel.get_by_role("link", name="Wachttijd taalschool Doetinchem")).to_be_visible()
    # The answers themselves are on the community's list of signals.
    panel.get_by_role("link", name="Het signaal met de antwoorden").click()
    panel = page.get_by_role("main")
    expect(panel.get_by_text(ANSWER)).to_be_visible()
    expect(panel.get_by_text("Stelselniveau", exact=True)).to_be_visible()
    assert_accessible(page, "signals-community-answer")
