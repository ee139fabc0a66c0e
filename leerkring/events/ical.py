"""Calendar entries for programme events: the invitation in the confirmation e-mail, the
download from the event page or the registrant's own link, updates, cancellations, and the
events in a member's personal calendar feed.

Like a meeting, an event is one entry for its whole life: a fixed UID and a SEQUENCE that goes
up with every change a calendar must take over. The online link goes into the entry of a
registrant with a seat only; it never appears on a public page.
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event as VEvent

from leerkring.core.ical import AMSTERDAM, CANCEL, PUBLISH, REQUEST, calendar_new, ics_attachment

from .models import Event

__all__ = ["CANCEL", "PUBLISH", "REQUEST", "event_ics", "event_vevent", "ics_attachment"]


def event_uid(event: Event) -> str:
    return f"event-{event.ical_uid}@leerkring"


def _location(event: Event, *, with_link: bool) -> str:
    parts = [part for part in (event.place, event.address) if part]
    if event.format == Event.Format.ONLINE:
        return (event.online_url if with_link else "") or _("Online")
    if event.format == Event.Format.HYBRID and with_link and event.online_url:
        parts.append(event.online_url)
    return ", ".join(parts)


def event_vevent(
    event: Event,
    *,
    url: str,
    cancelled: bool = False,
    with_link: bool = True,
    attendee_email: str | None = None,
    attendee_name: str = "",
) -> VEvent:
    """One VEVENT. `url` is where the registrant sees their registration (the event page for a
    member, their own link for anyone else)."""
    entry = VEvent()
    entry.add("uid", event_uid(event))
    entry.add("sequence", event.ical_sequence)
    entry.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    entry.add("dtstart", event.starts_at.astimezone(AMSTERDAM))
    entry.add("dtend", event.ends_at.astimezone(AMSTERDAM))
    entry.add("summary", event.title)
    location = _location(event, with_link=with_link)
    if location:
        entry.add("location", location)
    entry.add("url", url)
    description = [
        f"{event.get_kind_display()} – {event.programme.name}",
        _("Je aanmelding: %(url)s") % {"url": url},
    ]
    if with_link and event.online_url:
        description.append(_("Online deelnemen: %(url)s") % {"url": event.online_url})
    is_cancelled = cancelled or event.status == Event.Status.CANCELLED
    if is_cancelled and event.cancel_reason:
        description.insert(0, _("Afgelast: %(reason)s") % {"reason": event.cancel_reason})
    entry.add("description", "\n".join(description))
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    entry.add("organizer", f"mailto:{address}", parameters={"CN": name or "Leerkring"})
    if attendee_email:
        entry.add(
            "attendee",
            f"mailto:{attendee_email}",
            parameters={
                "CN": attendee_name or attendee_email,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "ACCEPTED",
                "RSVP": "FALSE",
            },
        )
    entry.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    entry.add("transp", "TRANSPARENT" if is_cancelled else "OPAQUE")
    return entry


def event_ics(
    event: Event,
    *,
    method: str,
    url: str,
    attendee_email: str | None = None,
    attendee_name: str = "",
) -> bytes:
    """A single-entry calendar. As for meetings (RFC 5546 §3.2): a REQUEST or CANCEL is a
    message to one registrant and names them; a PUBLISH (a download) names nobody. An
    invitation for a cancelled event is a CANCEL, which takes the entry out of a calendar; a
    download of one is a PUBLISH with STATUS:CANCELLED."""
    if method == PUBLISH and attendee_email:
        raise ValueError("A PUBLISH names no attendee (RFC 5546 §3.2.1).")
    if method in (REQUEST, CANCEL) and not attendee_email:
        raise ValueError(f"A {method} names its attendee (RFC 5546 §3.2).")
    if method == REQUEST and event.status == Event.Status.CANCELLED:
        method = CANCEL
    calendar = calendar_new(method)
    calendar.add_component(
        event_vevent(
            event,
            url=url,
            cancelled=method == CANCEL,
            with_link=method != CANCEL,
            attendee_email=attendee_email,
            attendee_name=attendee_name,
        )
    )
    return calendar.to_ical()


def event_attachment(content: bytes, *, method: str):
    return ics_attachment(content, method=method, filename="activiteit.ics")
