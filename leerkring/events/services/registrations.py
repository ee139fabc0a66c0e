"""Registering for an event, the waiting list, cancelling, attendance, reminders and removing
public registrants' data after the event.

Seats are handed out with the event row locked, so two people can never take the last seat
at once, and the waiting list moves up in the order people joined it — at once, when someone
cancels or the organisers add seats. A public registrant holds no seat until they confirmed
their address (double opt-in, as the newsletter does).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Person
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text

from ..models import Event, Registration, RegistrationToken
from ..seat_counts import counted_once
from . import mail


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("programme").get(pk=event.pk)


def registration_closed_reason(event: Event) -> str:
    """Why nobody can register now, or "" when they can."""
    if event.status == Event.Status.CANCELLED:
        return _("Deze activiteit is afgelast.")
    if event.status != Event.Status.PUBLISHED:
        return _("Aanmelden kan nog niet: deze activiteit is nog niet aangekondigd.")
    if event.starts_at <= timezone.now():
        return _("Aanmelden kan niet meer: de activiteit is begonnen of voorbij.")
    return ""


def _check_open(event: Event) -> None:
    reason = registration_closed_reason(event)
    if reason:
        raise ValidationError(reason)


def _has_seat_free(event: Event) -> bool:
    if event.capacity is None:
        return True
    taken = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    return taken < event.capacity


def _place(registration: Registration, now: datetime.datetime) -> None:
    """A seat if there is one, else the end of the waiting list."""
    if _has_seat_free(registration.event):
        registration.status = Registration.Status.CONFIRMED
        registration.seat_since = now
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = now


def _fill_seats(event: Event) -> list[Registration]:
    """Move people up from the waiting list while seats are free; the event row is locked by
    the caller. Each hears it at once, with the calendar invitation."""
    if event.starts_at <= timezone.now() or event.status != Event.Status.PUBLISHED:
        return []
    waiting = event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    if event.capacity is None:
        promoted = list(waiting)
    else:
        taken = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        promoted = list(waiting[: max(0, event.capacity - taken)])
    now = timezone.now()
    messages = []
    # The event's kept counts once for everyone who moved up, not once each.
    with counted_once():
        for registration in promoted:
            registration.status = Registration.Status.CONFIRMED
            registration.seat_since = now
            registration.save(update_fields=["status", "seat_since"])
            registration.event = event
            audit(actor=None, verb="event.registration.moved_up", obj=registration, event=event.pk)
            messages += mail.placed(registration, moved_up=True)
    mail.queue(messages, kind="moved_up", event=event)
    return promoted


@transaction.atomic
def registration_member(*, event: Event, person: Person, by: Any) -> Registration:
    """A member registers with one click: their address is known, so no confirmation step.
    Registering again changes nothing."""
    locked = _lock_event(event)
    _check_open(locked)
    existing = locked.registrations.filter(person=person, status__in=Registration.ACTIVE).first()
    if existing is not None:
        return existing
    now = timezone.now()
    registration = Registration(event=locked, person=person, created_at=now)
    _place(registration, now)
    registration.full_clean()
    registration.save()
    audit(actor=by, verb="event.registration", obj=registration, status=registration.status)
    mail.queue(mail.placed(registration), kind="registered", event=locked)
    return registration


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@transaction.atomic
def registration_public_request(
    *, event: Event, name: str, email: str, organisation: str = ""
) -> None:
    """Anyone registers through the public page: the address gets a link to confirm, and only
    then a seat or a place on the waiting list. The page answers the same whether or not the
    address was registered already; only the address's owner hears the difference."""
    locked = _lock_event(event)
    if locked.audience != Event.Audience.PUBLIC:
        raise ValidationError(_("Voor deze activiteit kun je je hier niet aanmelden."))
    _check_open(locked)
    address = _normalise_email(email)
    name = clean_text(name).strip()
    if not name:
        raise ValidationError({"name": _("Vul je naam in.")})
    existing = locked.registrations.filter(
        Q(email=address) | Q(person__email=address), status__in=Registration.ACTIVE
    ).first()
    if existing is not None:
        existing.event = locked
        mail.queue(mail.already_registered(existing), kind="already_registered", event=locked)
        return
    registration = Registration(
        event=locked,
        name=name,
        email=address,
        organisation_name=clean_text(organisation).strip(),
        status=Registration.Status.PENDING,
    )
    registration.full_clean()
    registration.save()
    # The audit history names the registration by number, never the address.
    audit(actor=None, verb="event.registration.requested", obj=registration)
    mail.queue(mail.address_check(registration), kind="address_check", event=locked)


@transaction.atomic
def registration_confirm(*, registration: Registration) -> Registration:
    """The address is confirmed: a seat or the waiting list. Following the link again changes
    nothing."""
    locked_event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    registration.event = locked_event
    if registration.status != Registration.Status.PENDING:
        return registration
    _check_open(locked_event)
    now = timezone.now()
    registration.email_confirmed_at = now
    _place(registration, now)
    registration.save(update_fields=["email_confirmed_at", "status", "seat_since", "waitlisted_at"])
    registration.tokens.filter(purpose=RegistrationToken.Purpose.CONFIRM).delete()
    audit(
        actor=None,
        verb="event.registration.confirmed",
        obj=registration,
        status=registration.status,
    )
    mail.queue(mail.placed(registration), kind="registered", event=locked_event)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by: Any = None) -> bool:
    """Cancelling frees the seat for the first on the waiting list. Returns False when there
    was nothing to cancel."""
    locked_event = _lock_event(registration.event)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=registration.pk)
    )
    registration.event = locked_event
    if registration.status not in Registration.ACTIVE:
        return False
    had_seat = registration.status == Registration.Status.CONFIRMED
    announced = registration.status != Registration.Status.PENDING
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    audit(actor=by, verb="event.registration.cancelled", obj=registration, had_seat=had_seat)
    if announced and had_seat:
        mail.queue(mail.cancelled_registration(registration), kind="cancelled", event=locked_event)
    if had_seat:
        _fill_seats(locked_event)
    return True


@transaction.atomic
def attendance_record(
    *, event: Event, present: set[int], extra: int, by: Any, shown: set[int] | None = None
) -> dict[str, int]:
    """After the event the organisers tick who came (of those with a seat) and count who came
    without registering. The list is paged: `shown` holds the registrations of the page that
    was ticked, and only those change (None: every seat, as the whole list). Returns the
    counts over every seat."""
    locked = _lock_event(event)
    if locked.starts_at > timezone.now():
        raise ValidationError(_("Aanwezigheid vastleggen kan als de activiteit begonnen is."))
    if extra < 0:
        raise ValidationError({"extra_attendance": _("Vul een aantal van nul of meer in.")})
    seats = locked.registrations.filter(status=Registration.Status.CONFIRMED)
    ticked = seats if shown is None else seats.filter(pk__in=shown)
    ticked.filter(pk__in=present).update(attended=True)
    ticked.exclude(pk__in=present).update(attended=False)
    locked.extra_attendance = extra
    locked.save(update_fields=["extra_attendance"])
    counts = {
        "present": seats.filter(attended=True).count(),
        "absent": seats.filter(attended=False).count(),
        "extra": extra,
    }
    audit(actor=by, verb="event.attendance", obj=locked, **counts)
    return counts


def event_reminders_send(
    *, event_id: int, sequence: int, starts_at: datetime.datetime | None
) -> int:
    """Remind everyone with a seat, `EVENT_REMINDER_DAYS` before the start. Skipped when the
    event changed since the reminder was queued (a newer one is queued then), is no longer
    announced, or it is too early. Each registrant is reminded once, so running twice sends
    nothing new."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update()
            .select_related("programme")
            .filter(pk=event_id)
            .first()
        )
        if event is None or event.status != Event.Status.PUBLISHED:
            return 0
        if event.ical_sequence != sequence or event.starts_at != starts_at:
            return 0
        now = timezone.now()
        if now < event.starts_at - datetime.timedelta(days=settings.EVENT_REMINDER_DAYS):
            return 0
        if now >= event.starts_at:
            return 0
        due = list(
            event.registrations.filter(
                status=Registration.Status.CONFIRMED, reminded_at__isnull=True
            ).select_related("person")
        )
        for registration in due:
            registration.event = event
        Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
        messages = mail.reminders(event, due)
        audit(actor=None, verb="event.reminded", obj=event, recipients=len(messages))
        mail.queue(messages, kind="reminder", event=event)
        return len(messages)


def registrations_purge(cutoff: datetime.datetime) -> int:
    """Retention (core.retention, `manage.py apply_retention`): remove the names and addresses
    of registrants without an account of events that ended before `cutoff`
    (EVENT_REGISTRATION_RETENTION_DAYS ago; docs/privacy.md); the status and attendance stay
    for the counts, and their links stop working. A second run removes nothing more. Returns
    how many were anonymised."""
    due = Registration.objects.filter(
        event__ends_at__lte=cutoff, person__isnull=True, anonymised_at__isnull=True
    )
    ids = list(due.values_list("pk", flat=True))
    if ids:
        RegistrationToken.objects.filter(registration_id__in=ids).delete()
        Registration.objects.filter(pk__in=ids).update(
            name="", email="", organisation_name="", anonymised_at=timezone.now()
        )
    # Links of members' registrations are of no use once expired either.
    RegistrationToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return len(ids)
