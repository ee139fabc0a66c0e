"""The .ics download of one meeting and the personal calendar feed (secret URL, revocable)."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from leerkring.meetings import ical, selectors, services
from leerkring.meetings.models import CalendarFeed, Meeting
from tests import factories

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.events}


def _feed_token(person) -> str:
    return services.calendar_feed_create(person=person, by=None)


def _feed(client, token):
    return client.get(reverse("meetings:calendar_feed", args=[token]))


# --- One meeting --------------------------------------------------------------------------


def test_members_download_the_meeting_as_ics(client, world, meeting):
    client.force_login(world.participant)
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.events
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"{meeting.ical_uid}@leerkring"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"


def test_a_download_is_published_to_nobody_in_particular(client, world, meeting):
    """RFC 5546 §3.2.1: a PUBLISH has an organizer and no attendees. Read by a second,
    independent parser as well."""
    client.force_login(world.participant)
    content = client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
    (event,) = Calendar.from_ical(content).events
    assert "ATTENDEE" not in event
    assert str(event["ORGANIZER"]).startswith("mailto:")
    parsed = IcsCalendarStream.calendar_from_ics(content.decode())
    assert parsed.method == "PUBLISH"
    (other,) = parsed.events
    assert other.uid == ical.meeting_uid(meeting)
    assert other.attendees == []
    assert other.organizer is not None
    assert other.dtstart == meeting.starts_at


def test_a_cancelled_meeting_downloads_as_cancelled(client, world, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = "Te weinig aanmeldingen"
    meeting.ical_sequence = 2
    meeting.save()
    client.force_login(world.lead)
    content = client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
    calendar = Calendar.from_ical(content)
    (event,) = calendar.events
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert "Te weinig aanmeldingen" in str(event["DESCRIPTION"])
    assert "ATTENDEE" not in event
    assert IcsCalendarStream.calendar_from_ics(content.decode()).method == "PUBLISH"


def test_an_invitation_names_its_attendee_and_a_download_does_not(world, meeting):
    with pytest.raises(ValueError):
        ical.meeting_ics(meeting, method=ical.REQUEST)
    with pytest.raises(ValueError):
        ical.meeting_ics(meeting, method=ical.CANCEL)
    with pytest.raises(ValueError):
        ical.meeting_ics(meeting, method=ical.PUBLISH, attendee_email="a@example.nl")
    content = ical.meeting_ics(meeting, method=ical.REQUEST, attendee_email="a@example.nl")
    parsed = IcsCalendarStream.calendar_from_ics(content.decode())
    assert parsed.method == "REQUEST"
    (event,) = parsed.events
    assert [attendee.uri for attendee in event.attendees] == ["mailto:a@example.nl"]


@pytest.mark.parametrize("visitor", ["sibling_member", "coordinator", "system_partner"])
def test_non_members_cannot_download_the_ics(client, world, meeting, visitor):
    client.force_login(getattr(world, visitor))
    assert client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 403


def test_summer_and_winter_meetings_keep_their_local_time(world):
    summer = factories.MeetingFactory(
        community=world.community,
        starts_at=datetime.datetime(2031, 7, 1, 14, 0, tzinfo=AMSTERDAM),
        ends_at=datetime.datetime(2031, 7, 1, 17, 0, tzinfo=AMSTERDAM),
    )
    winter = factories.MeetingFactory(
        community=world.community,
        starts_at=datetime.datetime(2031, 12, 1, 14, 0, tzinfo=AMSTERDAM),
        ends_at=datetime.datetime(2031, 12, 1, 17, 0, tzinfo=AMSTERDAM),
    )
    for meeting in (summer, winter):
        text = ical.meeting_ics(meeting, method=ical.PUBLISH).decode()
        assert "DTSTART;TZID=Europe/Amsterdam:" in text
        assert re.search(r"DTSTART;TZID=Europe/Amsterdam:\d{8}T140000", text)
        calendar = Calendar.from_ical(text)
        (event,) = calendar.events
        assert event.decoded("DTSTART") == meeting.starts_at
        assert [str(tz["TZID"]) for tz in calendar.timezones] == ["Europe/Amsterdam"]


def test_an_online_meeting_carries_its_link(world):
    meeting = factories.MeetingFactory(
        community=world.community,
        format=Meeting.Format.ONLINE,
        online_url="https://meet.example.nl/cop",
    )
    (event,) = Calendar.from_ical(ical.meeting_ics(meeting, method=ical.PUBLISH)).events
    assert str(event["LOCATION"]) == "https://meet.example.nl/cop"
    assert "https://meet.example.nl/cop" in str(event["DESCRIPTION"])


# --- Feed ---------------------------------------------------------------------------------


def test_the_feed_has_the_meetings_of_the_persons_communities_only(client, world, meeting):
    second_community = factories.CommunityFactory(programme=world.programme)
    factories.MembershipFactory(community=second_community, person=world.participant_m.person)
    elsewhere = factories.MeetingFactory(community=second_community)
    sibling_meeting = factories.MeetingFactory(community=world.sibling)
    foreign_meeting = factories.MeetingFactory(community=world.foreign)
    response = _feed(client, _feed_token(world.participant_m.person))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    uids = _uids(Calendar.from_ical(response.content))
    assert uids == {ical.meeting_uid(meeting), ical.meeting_uid(elsewhere)}
    assert ical.meeting_uid(sibling_meeting) not in uids
    assert ical.meeting_uid(foreign_meeting) not in uids


def test_the_feed_shows_cancelled_meetings_as_cancelled(client, world, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = "Ziek"
    meeting.save()
    calendar = Calendar.from_ical(_feed(client, _feed_token(world.lead_m.person)).content)
    (event,) = calendar.events
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"


def test_the_feed_drops_a_community_the_person_left(client, world, meeting):
    token = _feed_token(world.participant_m.person)
    world.participant_m.left_on = timezone.localdate()
    world.participant_m.save()
    assert _uids(Calendar.from_ical(_feed(client, token).content)) == set()


def test_a_wrong_or_revoked_feed_token_is_a_404(client, world, meeting):
    person = world.participant_m.person
    token = _feed_token(person)
    assert _feed(client, token).status_code == 200
    assert _feed(client, token + "x").status_code == 404
    assert _feed(client, "not-a-token").status_code == 404
    services.calendar_feed_revoke(person=person, by=None)
    assert _feed(client, token).status_code == 404


def test_a_new_feed_url_replaces_the_old_one(client, world, meeting):
    person = world.participant_m.person
    old = _feed_token(person)
    new = _feed_token(person)
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    assert CalendarFeed.objects.filter(person=person).count() == 1


def test_only_the_hash_of_the_token_is_stored(world):
    token = _feed_token(world.participant_m.person)
    feed = CalendarFeed.objects.get()
    assert token not in feed.token_hash
    assert feed.token_hash == selectors.calendar_feed_token_hash(token)


def test_the_feed_query_count_is_flat(client, world, django_assert_max_num_queries):
    for _ in range(3):
        factories.MeetingFactory(
            community=world.community,
            starts_at=timezone.now() + datetime.timedelta(days=60 + _ * 30),
        )
    token = _feed_token(world.lead_m.person)
    with django_assert_max_num_queries(3):
        assert _feed(client, token).status_code == 200


# --- The calendar page ----------------------------------------------------------------------


def test_the_calendar_page_shows_a_new_url_once(client, world):
    client.force_login(world.participant)
    page = client.get(reverse("meetings:calendar"))
    assert page.status_code == 200
    assert "Agenda-link maken" in page.content.decode()
    response = client.post(reverse("meetings:calendar_feed_create"))
    assert response.status_code == 200
    (url,) = re.findall(r'value="(http[^"]+\.ics)"', response.content.decode())
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert _feed(client, token).status_code == 200
    again = client.get(reverse("meetings:calendar")).content.decode()
    assert token not in again
    assert "Link intrekken" in again


def test_revoking_on_the_calendar_page(client, world):
    client.force_login(world.participant)
    token = _feed_token(world.participant_m.person)
    response = client.post(reverse("meetings:calendar_feed_revoke"))
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()
    assert _feed(client, token).status_code == 404


def test_an_account_without_a_person_has_no_feed(client, world):
    client.force_login(world.nobody)
    assert client.get(reverse("meetings:calendar")).status_code == 403
    assert client.post(reverse("meetings:calendar_feed_create")).status_code == 403
