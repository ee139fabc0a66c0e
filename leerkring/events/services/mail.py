"""The e-mails of programme events: built here (`leerkring.core.emails`) and put in the outbox
by the callers in their own transaction (`queue`), so a rolled-back change sends nothing and a
committed one cannot lose its mail. A public registrant's e-mail carries a fresh opaque token
(only its hash is stored); a member's e-mail links to the event page behind sign-in."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.core import emails
from leerkring.outbox.services import emails_queue

from .. import ical
from ..models import Event, Registration, RegistrationToken, token_hash


def queue(messages: list, *, kind: str, event: Event) -> int:
    """Into the outbox. Registrants' mails carry personal links, so their content is cleared
    once delivered (`secret`)."""
    return emails_queue(messages, kind=f"events.{kind}", scope=event, secret=True)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def token_new(registration: Registration, *, purpose: str, valid_until: datetime.datetime) -> str:
    """A random link key; the database keeps only its hash."""
    token = secrets.token_urlsafe(32)
    RegistrationToken.objects.create(
        registration=registration,
        purpose=purpose,
        token_hash=token_hash(token),
        expires_at=valid_until,
    )
    return token


def manage_url(registration: Registration) -> str:
    """Where this registrant sees and cancels their registration: the event page for a member,
    a personal link (valid until a day after the event) for anyone else."""
    event = registration.event
    if registration.person_id:
        return absolute(reverse("events:event", args=[event.pk]))
    token = token_new(
        registration,
        purpose=RegistrationToken.Purpose.MANAGE,
        valid_until=event.ends_at + datetime.timedelta(days=1),
    )
    return absolute(reverse("events:manage", args=[token]))


def event_page_url(registration: Registration) -> str:
    """The event's page for this registrant: the members' page, or the public one."""
    event = registration.event
    if registration.person_id:
        return absolute(reverse("events:event", args=[event.pk]))
    return absolute(reverse("events:public_event", args=[event.programme.slug, event.public_id]))


def _message(registration: Registration, *, template: str, subject: str, context=None, ics=None):
    to = registration.address
    if not to:
        return None
    return emails.email_build(
        template=f"events/email/{template}",
        context={
            "event": registration.event,
            "registration": registration,
            "name": registration.display_name,
            **(context or {}),
        },
        subject=subject,
        to=[to],
        attachments=[ical.event_attachment(ics[0], method=ics[1])] if ics else [],
    )


def _ics(
    registration: Registration, url: str, method: str = ical.REQUEST
) -> tuple[bytes, str] | None:
    """The calendar message for this registrant (it names them, as RFC 5546 asks)."""
    if not registration.address:
        return None
    if method == ical.REQUEST and registration.event.status == Event.Status.CANCELLED:
        method = ical.CANCEL
    content = ical.event_ics(
        registration.event,
        method=method,
        url=url,
        attendee_email=registration.address,
        attendee_name=registration.display_name,
    )
    return content, method


def _site_language():
    # E-mails are in the site's language, whoever triggered them (a task has no visitor).
    return translation.override(settings.LANGUAGE_CODE)


def address_check(registration: Registration) -> list:
    """Double opt-in: the link that confirms a public registrant's address."""
    event = registration.event
    valid_until = min(
        timezone.now() + datetime.timedelta(hours=settings.EVENT_CONFIRM_HOURS), event.starts_at
    )
    token = token_new(
        registration, purpose=RegistrationToken.Purpose.CONFIRM, valid_until=valid_until
    )
    url = absolute(reverse("events:confirm", args=[token]))
    with _site_language():
        message = _message(
            registration,
            template="address_check",
            subject=_("Bevestig je aanmelding: %(title)s") % {"title": event.title},
            context={"url": url, "valid_until": valid_until},
        )
    return [message] if message else []


def placed(registration: Registration, *, moved_up: bool = False) -> list:
    """A seat (with the calendar invitation) or a place on the waiting list."""
    event = registration.event
    url = manage_url(registration)
    with _site_language():
        if registration.status == Registration.Status.CONFIRMED:
            subject = (
                _("Er is een plek vrijgekomen: %(title)s")
                if moved_up
                else _("Je bent aangemeld: %(title)s")
            ) % {"title": event.title}
            message = _message(
                registration,
                template="confirmed",
                subject=subject,
                context={"url": url, "moved_up": moved_up},
                ics=_ics(registration, url),
            )
        else:
            message = _message(
                registration,
                template="waitlisted",
                subject=_("Je staat op de wachtlijst: %(title)s") % {"title": event.title},
                context={"url": url},
            )
    return [message] if message else []


def already_registered(registration: Registration) -> list:
    """Someone asked again with an address that is registered already: tell the address's
    owner (not the page), so the page cannot be used to learn who registered."""
    if registration.status == Registration.Status.PENDING:
        return address_check(registration)
    url = manage_url(registration)
    with _site_language():
        message = _message(
            registration,
            template="already_registered",
            subject=_("Je aanmelding: %(title)s") % {"title": registration.event.title},
            context={"url": url},
        )
    return [message] if message else []


def cancelled_registration(registration: Registration) -> list:
    """The calendar entry is taken out again."""
    event = registration.event
    url = event_page_url(registration)
    with _site_language():
        message = _message(
            registration,
            template="registration_cancelled",
            subject=_("Afgemeld: %(title)s") % {"title": event.title},
            context={"url": url},
            ics=_ics(registration, url, method=ical.CANCEL),
        )
    return [message] if message else []


def changed(event: Event, registrations: list[Registration]) -> list:
    """New time or place: an update of the calendar entry for everyone with a seat."""
    messages = []
    with _site_language():
        for registration in registrations:
            url = manage_url(registration)
            message = _message(
                registration,
                template="changed",
                subject=_("Gewijzigd: %(title)s") % {"title": event.title},
                context={"url": url},
                ics=_ics(registration, url),
            )
            if message:
                messages.append(message)
    return messages


def event_cancelled(event: Event, registrations: list[Registration]) -> list:
    messages = []
    with _site_language():
        for registration in registrations:
            url = event_page_url(registration)
            message = _message(
                registration,
                template="event_cancelled",
                subject=_("Afgelast: %(title)s") % {"title": event.title},
                context={"url": url},
                ics=_ics(registration, url, method=ical.CANCEL),
            )
            if message:
                messages.append(message)
    return messages


def reminders(event: Event, registrations: list[Registration]) -> list:
    messages = []
    with _site_language():
        for registration in registrations:
            url = manage_url(registration)
            message = _message(
                registration,
                template="reminder",
                subject=_("Herinnering: %(title)s") % {"title": event.title},
                context={"url": url},
            )
            if message:
                messages.append(message)
    return messages


def to_addresses(addresses: list[str], *, template: str, subject: str, context: dict) -> list:
    """One e-mail per address (coordinators, leads) about an event's planning."""
    with _site_language():
        return [
            emails.email_build(
                template=f"events/email/{template}",
                context=context,
                subject=subject,
                to=[address],
            )
            for address in addresses
        ]
