"""Journeys: a person of each role signs in and finds their next task on the first screen of the
home page, at a phone's width and a desk's, and follows it; a member answers the invitation
right there, and finds the next meeting at the top of the community page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership
from leerkring.meetings.models import Rsvp
from leerkring.signalling.models import Escalation, Signal
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1280, "height": 900}}


def _on_first_screen(page: Page, name: str) -> None:
    """The task's link is visible without scrolling."""
    link = page.get_by_role("link", name=name).first
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= page.viewport_size["height"], (
        f"“{name}” starts at {box['y']:.0f} px, below the first screen"
    )


def _world():
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    community = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    participant = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    lead = factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )
    return programme, community, participant, lead


def _programme_person(programme, role):
    return factories.ProgrammeRoleFactory(programme=programme, role=role).person


@pytest.mark.parametrize("width", WIDTHS)
def test_a_participant_answers_the_next_meeting_from_the_home_page(page: Page, width):
    page.set_viewport_size(WIDTHS[width])
    _programme, community, participant, _lead = _world()
    meeting = factories.MeetingFactory(community=community, title="Werk en inburgering")

    sign_in(page, participant.person.user.email)
    page.goto("/")
    _on_first_screen(page, "Bijeenkomst op")
    assert_accessible(page, f"home-participant-{width}")
    page.get_by_role("button", name="Ik kom").first.click()
    expect(page.get_by_text("Je komt.")).to_be_visible()
    assert Rsvp.objects.get(meeting=meeting, membership=participant).answer == "attend"

    page.goto(f"/communities/{community.pk}/")
    expect(page.get_by_role("heading", name="Volgende bijeenkomst")).to_be_in_viewport()
    expect(page.get_by_text("Je komt.")).to_be_visible()
    assert_accessible(page, f"community-page-{width}")
    page.get_by_role("link", name="Signalen").first.click()
    expect(page.get_by_role("heading", name="Onze signalen")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_lead_finds_what_waits_after_the_meeting(page: Page, width):
    page.set_viewport_size(WIDTHS[width])
    _programme, community, _participant, lead = _world()
    start = timezone.now() - datetime.timedelta(days=3)
    held = factories.MeetingFactory(
        community=community, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )

    sign_in(page, lead.person.user.email)
    page.goto("/")
    _on_first_screen(page, "Aanwezigheid registreren")
    assert_accessible(page, f"home-lead-{width}")
    page.get_by_role("link", name="Aanwezigheid registreren").first.click()
    expect(page).to_have_url(re.compile(rf"/meetings/{held.pk}/attendance/$"))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_finds_the_new_signals(page: Page, width):
    page.set_viewport_size(WIDTHS[width])
    programme, community, _participant, _lead = _world()
    coordinator = _programme_person(programme, ProgrammeRole.Role.COORDINATOR)
    factories.SignalFactory(community=community, passed=True, title="Wachtlijst taalschool")

    sign_in(page, coordinator.user.email)
    page.goto("/")
    _on_first_screen(page, "1 nieuw signaal om te beoordelen")
    assert_accessible(page, f"home-coordinator-{width}")
    page.get_by_role("link", name="1 nieuw signaal om te beoordelen").click()
    expect(page.get_by_role("link", name="Wachtlijst taalschool")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_evaluator_finds_the_open_story_invitation(page: Page, width):
    page.set_viewport_size(WIDTHS[width])
    programme, _community, _participant, _lead = _world()
    evaluator = _programme_person(programme, ProgrammeRole.Role.EVALUATOR)
    factories.StoryInvitationFactory(programme=programme, title="Verhalen najaar")

    sign_in(page, evaluator.user.email)
    page.goto("/")
    _on_first_screen(page, "Verhalenuitnodiging ‘Verhalen najaar’ staat open")
    assert_accessible(page, f"home-evaluator-{width}")
    page.get_by_role("link", name="Verhalenuitnodiging ‘Verhalen najaar’ staat open").click()
    expect(page.get_by_text("Verhalen najaar").first).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_system_partner_finds_the_signal_waiting_for_its_answer(page: Page, width):
    page.set_viewport_size(WIDTHS[width])
    programme, community, _participant, _lead = _world()
    partner = _programme_person(programme, ProgrammeRole.Role.SYSTEM_PARTNER)
    signal = factories.SignalFactory(
        community=community,
        passed=True,
        state=Signal.State.ESCALATED_SYSTEM,
        title="Wachtlijst taalschool",
    )
    Escalation.objects.create(signal=signal, level=Escalation.Level.SYSTEM, question="Wat nu?")

    sign_in(page, partner.user.email)
    page.goto("/")
    _on_first_screen(page, "1 signaal wacht op je antwoord")
    assert_accessible(page, f"home-system-partner-{width}")
    page.get_by_role("link", name="1 signaal wacht op je antwoord").click()
    expect(page.get_by_role("link", name="Wachtlijst taalschool")).to_be_visible()
