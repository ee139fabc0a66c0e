"""The CoP monitor in a browser: a coordinator opens the programme matrix, narrows it to the
communities that fail a check, opens one community's monitor from it, and the lead of that
community finds the monitor's summary on the community page. Every page axe-checked."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Membership
from leerkring.meetings.models import Attendance, Meeting
from tests import factories
from tests.browser.helpers import assert_accessible, open_section_with, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _network():
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    joined = timezone.localdate() - datetime.timedelta(days=400)
    busy = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    quiet = factories.CommunityFactory(programme=programme, name="CoP Zeeland", region="Zeeland")
    lead = factories.MembershipFactory(community=busy, role=Membership.Role.LEAD, joined_on=joined)
    seats = [
        lead,
        factories.MembershipFactory(community=busy, role="facilitator", joined_on=joined),
    ]
    seats += [factories.MembershipFactory(community=busy, joined_on=joined) for _ in range(10)]
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    for days in (20, 70, 120, 170, 220, 270):
        meeting = factories.MeetingFactory(
            community=busy, starts_at=now - datetime.timedelta(days=days), status="held"
        )
        for index, seat in enumerate(seats):
            Attendance.objects.create(
                meeting=meeting,
                membership=seat,
                status=Attendance.Status.PRESENT if index < 9 else Attendance.Status.ABSENT,
            )
    factories.MembershipFactory(community=quiet, joined_on=joined)
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user
    assert Meeting.objects.filter(community=busy).count() == 6
    return programme, busy, quiet, coordinator, lead.person.user


def test_a_coordinator_scans_the_monitor_matrix_and_opens_a_community(page: Page):
    programme, busy, quiet, coordinator, lead = _network()
    sign_in(page, coordinator.email)

    page.goto(f"/programmes/{programme.slug}/monitor/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("CoP-monitor")
    table = page.locator("table.lk-monitor-matrix")
    expect(table).to_be_visible()
    # The quiet community (one member, no lead, no meetings) fails most: it comes first.
    expect(table.locator("tbody tr").first.locator("th")).to_have_text(quiet.name)
    expect(table).to_contain_text("Voldoet niet")
    expect(table).to_contain_text("Voldoet")
    expect(page.locator(".lk-monitor-legend")).to_contain_text("Onbekend")
    assert_accessible(page, "monitor-matrix")

    # Keyboard and no JavaScript needed: a plain GET form.
    page.get_by_label("Toon gemeenschappen met").select_option("red")
    page.get_by_label("Bij de toets").select_option("guidance")
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_role("status")).to_have_text("1 gemeenschap")
    expect(table.locator("tbody tr")).to_have_count(1)
    assert_accessible(page, "monitor-matrix-filtered")

    page.goto(f"/programmes/{programme.slug}/monitor/")
    page.get_by_role("link", name=busy.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Monitor van {busy.name}")
    row = page.locator("#toets-attendance")
    expect(row).to_contain_text("Voldoet")
    expect(row).to_contain_text("gemiddeld 75% bij de laatste 6 bijeenkomsten")
    expect(row).to_contain_text("Rapport §5.1.1")
    expect(page.locator("main")).to_contain_text("geen ranglijst")
    assert_accessible(page, "monitor-community")


def test_the_lead_finds_the_monitor_summary_on_the_community_page(page: Page):
    programme, busy, quiet, coordinator, lead = _network()
    sign_in(page, lead.email)
    page.goto(f"/communities/{busy.pk}/")
    panel = page.locator("section[aria-labelledby=panel-monitor-heading]")
    open_section_with(page, panel)
    expect(panel).to_contain_text("voldoet")
    panel.get_by_role("link", name="Bekijk de hele monitor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Monitor van {busy.name}")
    assert quiet.name not in page.content()
    assert_accessible(page, "monitor-community-lead")
