"""iCalendar plumbing every app's calendar files share: the Europe/Amsterdam time zone, an empty
calendar with the right headers, the MIME part for e-mail invitations, and the sources of the
personal calendar feed.

Times are written in Europe/Amsterdam with its VTIMEZONE, so an event stays at 14:00 local time
across the change to and from summer time. What goes into an event is decided by the app that
owns it (meetings, programme events); this module only builds the envelope.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from email.mime.text import MIMEText
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

TZID = "Europe/Amsterdam"
AMSTERDAM = ZoneInfo(TZID)
PRODID = "-//Leerkring//Bijeenkomsten//NL"

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def amsterdam_vtimezone() -> Timezone:
    """The EU summer-time rule (last Sunday of March and October) as RRULEs: short, and what
    every calendar client understands."""
    tz = Timezone()
    tz.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime.datetime(1981, 3, 29, 2, 0, 0))
    summer.add("tzoffsetfrom", datetime.timedelta(hours=1))
    summer.add("tzoffsetto", datetime.timedelta(hours=2))
    summer.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime.datetime(1996, 10, 27, 3, 0, 0))
    winter.add("tzoffsetfrom", datetime.timedelta(hours=2))
    winter.add("tzoffsetto", datetime.timedelta(hours=1))
    winter.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def calendar_new(method: str | None, name: str | None = None) -> Calendar:
    """An empty calendar with our PRODID and the time zone; `method` for iTIP (e-mail), `name`
    for a subscribed feed."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
    calendar.add_component(amsterdam_vtimezone())
    return calendar


def ics_attachment(content: bytes, *, method: str, filename: str = "bijeenkomst.ics") -> MIMEText:
    """A text/calendar MIME part with its iTIP method, as mail clients expect for invitations."""
    part = MIMEText(content.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


# --- The personal feed ------------------------------------------------------------------
# The feed URL belongs to the meetings app; other apps add their events to it here, so the
# meetings app does not import them. A source takes a Person and returns VEVENT components.

FeedSource = Callable[[Any], list]
_feed_sources: dict[str, FeedSource] = {}


def register_feed_source(key: str, source: FeedSource) -> None:
    _feed_sources[key] = source


def feed_events_from_sources(person: Any) -> list:
    events: list = []
    for key in sorted(_feed_sources):
        events.extend(_feed_sources[key](person))
    return events
