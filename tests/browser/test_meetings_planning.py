"""Journey: a lead plans a series (one date moved off a holiday), the facilitator builds and
publishes the agenda, and a participant reads it — keyboard and phone included."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.communities.models import Membership
from leerkring.meetings.models import AgendaItem, Agreement, Meeting
from leerkring.meetings.workdays import next_working_day
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _next_kings_day() -> datetime.date:
    today = timezone.localdate()
    year = today.year + (
        1 if datetime.date(today.year, 4, 27) <= today + datetime.timedelta(30) else 0
    )
    return datetime.date(year, 4, 27)


def test_a_lead_plans_a_series_and_a_facilitator_publishes_the_agenda(page: Page):
    community = factories.CommunityFactory(name="CoP Achterhoek", meeting_interval_weeks=2)
    lead = factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )
    facilitator = factories.MembershipFactory(
        community=community, role=Membership.Role.FACILITATOR, person__full_name="Sanne Bos"
    )
    participant = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    earlier = factories.MeetingFactory(
        community=community,
        starts_at=timezone.now() - datetime.timedelta(days=30),
        status=Meeting.Status.HELD,
    )
    Agreement.objects.create(
        meeting=earlier,
        community=community,
        text="Folder over kinderopvang maken",
        owner=participant,
    )
    kings_day = _next_kings_day()

    sign_in(page, lead.person.user.email)
    page.goto(f"/communities/{community.pk}/meetings/")
    assert_accessible(page, "meetings-list-empty")
    page.get_by_role("link", name="Reeks plannen").click()
    assert_accessible(page, "meetings-series")
    page.get_by_label("Eerste datum").fill((kings_day - datetime.timedelta(weeks=2)).isoformat())
    page.get_by_label("Aantal bijeenkomsten").fill("3")
    page.get_by_label("Locatie").fill("Stadhuis Doetinchem")
    page.get_by_role("button", name="Voorstel bekijken").click()

    expect(page.get_by_role("heading", name="Voorgestelde data")).to_be_visible()
    expect(page.get_by_text("is Koningsdag")).to_be_visible()
    assert_accessible(page, "meetings-series-preview")
    page.get_by_label("Weglaten bijeenkomst 3").check()
    page.get_by_role("button", name="Alle bijeenkomsten opslaan").click()

    expect(page.get_by_text("2 bijeenkomsten zijn gepland.")).to_be_visible()
    planned = list(Meeting.objects.filter(status=Meeting.Status.PLANNED).order_by("starts_at"))
    assert len(planned) == 2
    assert timezone.localtime(planned[1].starts_at).date() == next_working_day(kings_day)
    assert_accessible(page, "meetings-list")

    # The facilitator builds the agenda, with the keyboard where it matters.
    page.context.clear_cookies()
    sign_in(page, facilitator.person.user.email)
    page.goto(f"/meetings/{planned[0].pk}/agenda/")
    expect(page.get_by_text("Folder over kinderopvang maken")).to_be_visible()
    assert_accessible(page, "agenda-builder")
    page.locator("#id_title").fill("Casus: jongeren tussen wal en schip")
    page.locator("#id_work_form").select_option(label="Casusbespreking")
    page.locator("#id_subtopic").select_option("Jongeren tussen wal en schip")
    page.locator("#id_minutes").fill("200")
    page.get_by_role("button", name="Agendapunt toevoegen", exact=True).click()
    expect(
        page.get_by_text("De agenda duurt 35 minuten langer dan de bijeenkomst.")
    ).to_be_visible()
    page.get_by_role("button", name="Omhoog Casus: jongeren tussen wal en schip").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    titles = list(
        AgendaItem.objects.filter(meeting=planned[0])
        .order_by("position")
        .values_list("title", flat=True)
    )
    assert titles[0] == "Casus: jongeren tussen wal en schip"
    page.get_by_role("button", name="Agenda publiceren voor de leden").click()
    expect(page.get_by_text("De agenda is zichtbaar voor alle leden.")).to_be_visible()

    # A participant reads it on a phone.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, participant.person.user.email)
    page.goto(f"/meetings/{planned[0].pk}/")
    expect(page.get_by_role("heading", name="Casus: jongeren tussen wal en schip")).to_be_visible()
    assert_accessible(page, "meeting-page-phone")
    page.goto(f"/meetings/{planned[0].pk}/print/")
    assert_accessible(page, "meeting-print")
