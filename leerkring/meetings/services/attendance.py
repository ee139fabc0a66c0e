"""Attendance at the door: a status per member, guests added and taken off."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from leerkring.core.audit import audit
from leerkring.meetings import selectors as meeting_selectors
from leerkring.meetings.models import Attendance, Guest, Meeting


def not_started_message(meeting: Meeting) -> str:
    return _(
        "Deze bijeenkomst is nog niet begonnen. Je kunt de aanwezigheid vastleggen vanaf het "
        "begin, %(when)s."
    ) % {"when": formats.date_format(timezone.localtime(meeting.starts_at), "j F Y, H:i")}


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    statuses: dict[int, str | None],
    by: Any,
    guests_new: list[dict[str, str]] | None = None,
    guests_remove: list[int] | None = None,
) -> None:
    """Record who was there: a status per membership (None clears it), new guests, guests
    taken off. Only seats on this meeting's list (members on the meeting day, plus anyone
    already recorded): anything else refuses the whole save. Recording attendance for a
    meeting marks it held. A meeting that has not begun has no attendance yet: who said they
    would come is an RSVP, not a presence (issue 12 §10).

    The meeting row is locked first, so two people saving at the door at the same time take
    turns: the second sees the rows the first created and updates them."""
    current_meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current_meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(
            _("Deze bijeenkomst is afgelast; er is geen aanwezigheid vast te leggen.")
        )
    now = timezone.now()
    if current_meeting.starts_at > now:
        raise ValidationError(not_started_message(current_meeting))
    existing = {a.membership_id: a for a in meeting.attendances.all()}
    listed = set(
        meeting_selectors.members_on_meeting_day(meeting=current_meeting)
        .filter(pk__in=statuses)
        .values_list("pk", flat=True)
    )
    if set(statuses) - listed - set(existing):
        raise ValidationError(
            _("Je kunt alleen aanwezigheid vastleggen voor leden van deze gemeenschap.")
        )
    if any(status and status not in Attendance.Status.values for status in statuses.values()):
        raise ValidationError(_("Kies aanwezig, afwezig of afgemeld."))
    create, update, clear = [], [], []
    for membership_id, status in statuses.items():
        current = existing.get(membership_id)
        if not status:
            if current is not None:
                clear.append(current.pk)
        elif current is None:
            create.append(
                Attendance(
                    meeting=meeting,
                    membership_id=membership_id,
                    status=status,
                    recorded_at=now,
                    recorded_by=by if getattr(by, "pk", None) else None,
                )
            )
        elif current.status != status:
            current.status = status
            current.recorded_at = now
            current.recorded_by = by if getattr(by, "pk", None) else None
            update.append(current)
    new_guests = []
    for fields in guests_new or []:
        guest = Guest(meeting=meeting, present=True, **fields)
        guest.full_clean()
        new_guests.append(guest)
    Attendance.objects.bulk_create(create)
    Attendance.objects.bulk_update(update, ["status", "recorded_at", "recorded_by"])
    Attendance.objects.filter(pk__in=clear).delete()
    Guest.objects.bulk_create(new_guests)
    removed = 0
    if guests_remove:
        removed, _detail = meeting.guests.filter(pk__in=guests_remove).delete()
    if current_meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.HELD
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    audit(
        actor=by,
        verb="meeting.attendance",
        obj=meeting,
        community_id=meeting.community_id,
        recorded=len(create) + len(update),
        cleared=len(clear),
        guests_added=len(new_guests),
        guests_removed=removed,
    )


# Calendar feed -------------------------------------------------------------------------
