"""Journeys: a lead sends the invitation and a member answers from the e-mail link; the
facilitator registers attendance on a phone; a member makes a personal calendar link."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.communities.models import Membership
from leerkring.meetings.models import Attendance, CalendarFeed, Guest, Meeting, Rsvp
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _community():
    community = factories.CommunityFactory(name="CoP Achterhoek")
    lead = factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )
    facilitator = factories.MembershipFactory(
        community=community, role=Membership.Role.FACILITATOR, person__full_name="Sanne Bos"
    )
    joost = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    fatima = factories.MembershipFactory(community=community, person__full_name="Fatima El Idrissi")
    return community, lead, facilitator, joost, fatima


def test_a_lead_sends_the_invitation_and_a_member_answers_from_the_mail(page: Page):
    community, lead, _facilitator, joost, _fatima = _community()
    meeting = factories.MeetingFactory(community=community, title="Werk en inburgering")

    sign_in(page, lead.person.user.email)
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_text("4 leden krijgen een uitnodiging per e-mail.")).to_be_visible()
    assert not mail.outbox
    assert_accessible(page, "meeting-publish-confirm")
    page.get_by_role("button", name="Ja, uitnodiging versturen").click()
    expect(page.get_by_text("4 uitnodigingen worden verstuurd.")).to_be_visible()
    assert_accessible(page, "meeting-published")

    (message,) = [m for m in mail.outbox if m.to == [joost.person.email]]
    assert any(part.get_content_type() == "text/calendar" for part in message.message().walk())
    link = re.search(r"(http\S+\?antwoord=decline)", message.body).group(1)

    page.context.clear_cookies()
    answer_link = urlsplit(link)  # e-mails carry SITE_URL; the live server runs elsewhere
    page.goto(f"{answer_link.path}?{answer_link.query}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Laat weten of je komt")
    expect(page.get_by_label("Ik kan niet")).to_be_checked()
    assert not Rsvp.objects.exists()
    assert_accessible(page, "rsvp-confirm")
    page.get_by_role("button", name="Antwoord bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor je antwoord")
    assert_accessible(page, "rsvp-done")
    assert Rsvp.objects.get().answer == Rsvp.Answer.DECLINE

    sign_in(page, lead.person.user.email)
    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.locator("#uitnodiging")).to_contain_text("Joost de Wit")


def test_a_facilitator_registers_attendance_on_a_phone(page: Page):
    community, _lead, facilitator, joost, fatima = _community()
    start = timezone.now() - datetime.timedelta(minutes=30)
    meeting = factories.MeetingFactory(
        community=community, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    Rsvp.objects.create(meeting=meeting, membership=fatima, answer=Rsvp.Answer.DECLINE)

    page.set_viewport_size(PHONE)
    sign_in(page, facilitator.person.user.email)
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Aanwezigheid vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanwezigheid")
    fatima_group = page.get_by_role("group", name=re.compile("Fatima El Idrissi"))
    expect(fatima_group.get_by_label("Afgemeld")).to_be_checked()
    assert_accessible(page, "attendance-phone")

    page.get_by_role("group", name=re.compile("Joost de Wit")).get_by_label("Aanwezig").check()
    page.get_by_role("group", name=re.compile("Sanne Bos")).get_by_label("Aanwezig").check()
    page.get_by_role("group", name=re.compile("Anouk Jansen")).get_by_label("Afwezig").check()
    new_guest = page.get_by_role("group", name="Nieuwe gast 1")
    new_guest.get_by_label("Naam").fill("Amal Haddad")
    new_guest.get_by_label("Rol").select_option(Guest.Role.INBURGERAAR)
    page.get_by_role("button", name="Aanwezigheid opslaan").click()

    expect(page.get_by_text("De aanwezigheid is opgeslagen.")).to_be_visible()
    summary = page.locator("#aanwezigheid")
    expect(summary).to_contain_text("Aanwezig")
    assert_accessible(page, "attendance-saved-phone")
    assert dict(meeting.attendances.values_list("membership__person__full_name", "status")) == {
        "Joost de Wit": Attendance.Status.PRESENT,
        "Sanne Bos": Attendance.Status.PRESENT,
        "Anouk Jansen": Attendance.Status.ABSENT,
        "Fatima El Idrissi": Attendance.Status.EXCUSED,
    }
    assert Guest.objects.get().name == "Amal Haddad"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_a_member_makes_a_personal_calendar_link(page: Page):
    _community_, _lead, _facilitator, joost, _fatima = _community()
    sign_in(page, joost.person.user.email)
    page.goto("/calendar/")
    assert_accessible(page, "calendar-feed")
    page.get_by_role("button", name="Agenda-link maken").click()
    url = page.get_by_label("Je agenda-link").input_value()
    assert url.endswith(".ics")
    assert_accessible(page, "calendar-feed-created")
    assert CalendarFeed.objects.filter(person=joost.person).exists()
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
