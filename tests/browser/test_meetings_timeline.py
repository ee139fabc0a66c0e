"""The community timeline in a browser: the lead reads meetings, attendance, open agreements
and the attendance per member on the community page, on a desktop and on a phone; a
coordinator sees the same page with counts and rates only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership
from leerkring.meetings.models import AgendaItem, Agreement, Attendance, Meeting
from leerkring.meetings.topics import TopicCategory
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history():
    """A community of four members with four held meetings and one ahead."""
    community = factories.CommunityFactory(name="CoP Achterhoek")
    joined = timezone.localdate() - datetime.timedelta(days=400)
    lead = factories.MembershipFactory(
        community=community,
        role=Membership.Role.LEAD,
        joined_on=joined,
        person__full_name="Anouk Jansen",
    )
    quiet = factories.MembershipFactory(
        community=community, joined_on=joined, person__full_name="Joost de Wit"
    )
    others = [factories.MembershipFactory(community=community, joined_on=joined) for _ in range(2)]
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    for index, days in enumerate((200, 150, 100, 50)):
        meeting = factories.MeetingFactory(
            community=community,
            starts_at=now - datetime.timedelta(days=days),
            status=Meeting.Status.HELD,
        )
        for membership in [lead, *others]:
            Attendance.objects.create(
                meeting=meeting, membership=membership, status=Attendance.Status.PRESENT
            )
        Attendance.objects.create(
            meeting=meeting,
            membership=quiet,
            status=Attendance.Status.EXCUSED if index % 2 else Attendance.Status.ABSENT,
        )
        AgendaItem.objects.create(
            meeting=meeting,
            title="Casus",
            topic_category=TopicCategory.values[index % len(TopicCategory.values)],
        )
    Agreement.objects.create(
        meeting=meeting,
        community=community,
        text="Joost belt de taalschool over de wachtlijst",
        owner=quiet,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    factories.MeetingFactory(community=community, title="Werkbezoek COA")
    return community, lead


def test_the_lead_reads_the_timeline_and_spots_a_quiet_member(page: Page):
    community, lead = _history()

    sign_in(page, lead.person.user.email)
    page.goto(f"/communities/{community.pk}/")
    for section in ("meetings", "agreements", "members"):
        page.locator(f"#sectie-{section} > summary").click()

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="Bijeenkomsten", exact=True)).to_be_visible()
    expect(main).to_contain_text("Werkbezoek COA")
    expect(main).to_contain_text("75%")
    expect(main).to_contain_text("Joost belt de taalschool over de wachtlijst")
    expect(main).to_contain_text("Te laat")
    table = page.get_by_role("table", name="Aanwezigheid bij de laatste 4 gehouden bijeenkomsten")
    quiet_row = table.get_by_role("row", name="Joost de Wit")
    expect(quiet_row).to_contain_text("Afwezig")
    expect(quiet_row).to_contain_text("0 van 4")
    assert_accessible(page, "community-timeline-lead")

    page.set_viewport_size({"width": 375, "height": 812})
    expect(table).to_be_visible()
    assert_accessible(page, "community-timeline-lead-phone")
    page.get_by_role("link", name="Alle bijeenkomsten").click()
    assert page.url.endswith(f"/communities/{community.pk}/meetings/")


def test_a_coordinator_sees_rates_and_topics_without_names(page: Page):
    community, _lead = _history()
    coordinator = factories.ProgrammeRoleFactory(
        programme=community.programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user

    sign_in(page, coordinator.email)
    page.goto(f"/communities/{community.pk}/#sectie-meetings")

    main = page.get_by_role("main")
    expect(main).to_contain_text("75%")
    expect(page.get_by_role("table", name="Agendapunten per onderwerpcategorie")).to_be_visible()
    expect(main).not_to_contain_text("Joost")
    expect(main).not_to_contain_text("Werkbezoek COA")
    assert_accessible(page, "community-timeline-coordinator")
