"""iCalendar (RFC 5545 / iTIP RFC 5546) for meetings: invitations, updates, cancellations and
the personal calendar feed.

One meeting is one event for its whole life: the UID never changes and SEQUENCE goes up with
every update a calendar has to take over, so Outlook, Google and Apple replace the event in
place instead of adding a second one. Times are written in Europe/Amsterdam with its VTIMEZONE,
so the meeting stays at 14:00 local time across the change to and from summer time.

What goes into an event is only what the invitation e-mail already tells a member (title, time,
place, link); agenda and minutes stay on the site, behind sign-in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from leerkring.core.ical import (
    AMSTERDAM,
    CANCEL,
    PUBLISH,
    REQUEST,
    calendar_new,
    feed_events_from_sources,
    ics_attachment,
)

from .models import Meeting
from .selectors import meeting_page_path

# The iTIP methods and the MIME part come from core; the meeting services use them from here.
__all__ = [
    "CANCEL",
    "PUBLISH",
    "REQUEST",
    "feed_ics",
    "ics_attachment",
    "meeting_event",
    "meeting_ics",
    "meeting_title",
    "meeting_uid",
    "meeting_url",
]


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.ical_uid}@leerkring"


def meeting_title(meeting: Meeting) -> str:
    return meeting.title or _("Bijeenkomst %(community)s") % {"community": meeting.community.name}


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + meeting_page_path(meeting)


def _location(meeting: Meeting) -> str:
    parts = [part for part in (meeting.place, meeting.address) if part]
    if meeting.format == Meeting.Format.ONLINE:
        return meeting.online_url or _("Online")
    if meeting.format == Meeting.Format.HYBRID and meeting.online_url:
        parts.append(meeting.online_url)
    return ", ".join(parts)


def meeting_event(
    meeting: Meeting,
    *,
    cancelled: bool = False,
    attendee_email: str | None = None,
    attendee_name: str = "",
) -> Event:
    """One VEVENT for the meeting. `cancelled` marks it STATUS:CANCELLED (a cancel message, or a
    cancelled meeting in a feed)."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.ical_sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", meeting.ends_at.astimezone(AMSTERDAM))
    event.add("summary", meeting_title(meeting))
    location = _location(meeting)
    if location:
        event.add("location", location)
    url = meeting_url(meeting)
    event.add("url", url)
    description = [meeting.community.name, _("Agenda en details: %(url)s") % {"url": url}]
    if meeting.online_url:
        description.append(_("Online deelnemen: %(url)s") % {"url": meeting.online_url})
    if cancelled and meeting.cancel_reason:
        description.insert(0, _("Afgelast: %(reason)s") % {"reason": meeting.cancel_reason})
    event.add("description", "\n".join(description))
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event.add("organizer", f"mailto:{address}", parameters={"CN": name or "Leerkring"})
    if attendee_email:
        event.add(
            "attendee",
            f"mailto:{attendee_email}",
            parameters={
                "CN": attendee_name or attendee_email,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                # Answers go through the links in the e-mail, not to the no-reply organizer.
                "RSVP": "FALSE",
            },
        )
    is_cancelled = cancelled or meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if is_cancelled else "OPAQUE")
    return event


def meeting_ics(
    meeting: Meeting, *, method: str, attendee_email: str | None = None, attendee_name: str = ""
) -> bytes:
    """A single-event calendar. RFC 5546 §3.2 fixes who is named: a REQUEST or CANCEL is a
    message to an attendee (an invitation e-mail, one per member) and must name them; a
    PUBLISH (a download, a feed) names nobody. An invitation for a cancelled meeting is a
    CANCEL; a download of one is a PUBLISH with STATUS:CANCELLED, which a calendar that has
    the event shows as cancelled."""
    if method == PUBLISH and attendee_email:
        raise ValueError("A PUBLISH names no attendee (RFC 5546 §3.2.1).")
    if method in (REQUEST, CANCEL) and not attendee_email:
        raise ValueError(f"A {method} names its attendee (RFC 5546 §3.2).")
    if method == REQUEST and meeting.status == Meeting.Status.CANCELLED:
        method = CANCEL
    calendar = calendar_new(method)
    calendar.add_component(
        meeting_event(
            meeting,
            cancelled=method == CANCEL or meeting.status == Meeting.Status.CANCELLED,
            attendee_email=attendee_email,
            attendee_name=attendee_name,
        )
    )
    return calendar.to_ical()


def feed_ics(meetings: Iterable[Meeting], *, name: str, person=None) -> bytes:
    """A subscription feed: every meeting once, cancelled ones kept as STATUS:CANCELLED so a
    subscribed calendar shows them struck through rather than silently dropping them. With
    `person`, the events other apps keep for them (programme events they registered for,
    `leerkring.core.ical.register_feed_source`) join the meetings."""
    calendar = calendar_new(PUBLISH, name=name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    if person is not None:
        for event in feed_events_from_sources(person):
            calendar.add_component(event)
    return calendar.to_ical()
