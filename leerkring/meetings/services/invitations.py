"""Invitations and the calendar: answer links (RSVP), the invitation, update, cancellation
and reminder e-mails with their iCalendar events, and a person's calendar feed. E-mails go
into the outbox in the transaction of the change (`services.mail`)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leerkring.communities.models import Membership, Person
from leerkring.core import emails, sealing
from leerkring.core.audit import audit
from leerkring.meetings import ical
from leerkring.meetings import selectors as meeting_selectors
from leerkring.meetings.models import CalendarFeed, Meeting, Rsvp, RsvpLink
from leerkring.meetings.services.mail import meeting_mail_queue


def meeting_when(meeting: Meeting) -> str:
    """The meeting's date and start time as members read it in subjects and messages."""
    local = timezone.localtime(meeting.starts_at)
    return f"{date_format(local, 'j F Y')} {local:%H:%M}"


RSVP_SALT = "leerkring.meetings.rsvp"
RSVP_TOKEN_PURPOSE = "meetings.rsvp-token"  # noqa: S105 - a sealing purpose
# An answer link works for half a year and never after the meeting has ended.
RSVP_LINK_MAX_AGE = datetime.timedelta(days=183)


def _rsvp_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rsvp_token(*, meeting: Meeting, membership: Membership) -> str:
    """The seat's answer token for this meeting: random, made once and then the same in
    every e-mail about the meeting. Nothing readable — no meeting or seat number — is in it."""
    link = RsvpLink.objects.filter(meeting=meeting, membership=membership).first()
    if link is not None:
        return sealing.unseal(link.token_sealed, purpose=RSVP_TOKEN_PURPOSE).decode()
    token = secrets.token_urlsafe(32)
    RsvpLink.objects.create(
        meeting=meeting,
        membership=membership,
        token_hash=_rsvp_token_hash(token),
        token_sealed=sealing.seal(token.encode(), purpose=RSVP_TOKEN_PURPOSE),
    )
    return token


def rsvp_membership_for_token(*, meeting: Meeting, token: str) -> Membership | None:
    """The current seat the token was made for, or None when the token is unknown, older than
    `RSVP_LINK_MAX_AGE`, made for another meeting, or the person has left the community
    since. Links e-mailed before tokens were random (signed ids) still work until they
    expire; none are made any more."""
    membership_id = None
    link = (
        RsvpLink.objects.filter(token_hash=_rsvp_token_hash(token or ""), meeting=meeting)
        .values_list("membership_id", "created_at")
        .first()
    )
    if link is not None and link[1] > timezone.now() - RSVP_LINK_MAX_AGE:
        membership_id = link[0]
    elif link is None:
        try:
            data = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_LINK_MAX_AGE)
        except signing.BadSignature:
            return None
        if isinstance(data, dict) and data.get("meeting") == meeting.pk:
            membership_id = data.get("membership")
    if membership_id is None:
        return None
    return (
        Membership.objects.active()
        .filter(pk=membership_id, community_id=meeting.community_id)
        .select_related("person")
        .first()
    )


def rsvp_closed_reason(meeting: Meeting) -> str:
    """Why the invitation can no longer be answered, or "" when it can."""
    if meeting.status == Meeting.Status.CANCELLED:
        return _("Deze bijeenkomst is afgelast.")
    if meeting.status == Meeting.Status.HELD or meeting.ends_at <= timezone.now():
        return _("Deze bijeenkomst is al voorbij.")
    return ""


@transaction.atomic
def rsvp_answer(*, meeting: Meeting, membership: Membership, answer: str, by: Any = None) -> Rsvp:
    """Record (or change) a member's answer to the invitation."""
    if membership.community_id != meeting.community_id:
        raise ValidationError(_("Alleen leden van deze gemeenschap kunnen antwoorden."))
    if answer not in Rsvp.Answer.values:
        raise ValidationError({"answer": _("Kies ‘Ik kom’ of ‘Ik kan niet’.")})
    closed = rsvp_closed_reason(meeting)
    if closed:
        raise ValidationError(closed)
    rsvp, _created = Rsvp.objects.update_or_create(
        meeting=meeting,
        membership=membership,
        defaults={"answer": answer, "answered_at": timezone.now()},
    )
    audit(
        actor=by,
        verb="meeting.rsvp",
        obj=meeting,
        community_id=meeting.community_id,
        membership=membership.pk,
        answer=answer,
    )
    return rsvp


# Invitation e-mails ------------------------------------------------------------------

INVITATION = "invitation"
UPDATE = "update"
CANCELLATION = "cancellation"
REMINDER = "reminder"

_SUBJECTS = {
    INVITATION: lambda: _("Uitnodiging: %(title)s op %(when)s"),
    UPDATE: lambda: _("Gewijzigd: %(title)s op %(when)s"),
    CANCELLATION: lambda: _("Afgelast: %(title)s op %(when)s"),
    REMINDER: lambda: _("Herinnering: %(title)s op %(when)s"),
}
_TEMPLATES = {
    INVITATION: "meetings/email/meeting_invitation",
    UPDATE: "meetings/email/meeting_invitation",
    CANCELLATION: "meetings/email/meeting_cancelled",
    REMINDER: "meetings/email/meeting_reminder",
}


def _meeting_messages(meeting: Meeting, *, kind: str) -> list:
    """One message per member (nobody sees another's address), each with personal answer
    links and, except for reminders, the calendar event addressed to that member."""
    site = settings.SITE_URL
    meeting_url = site + meeting_selectors.meeting_page_path(meeting)
    method = ical.CANCEL if kind == CANCELLATION else ical.REQUEST
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _SUBJECTS[kind]() % {
            "title": ical.meeting_title(meeting),
            "when": meeting_when(meeting),
        }
        for membership in meeting_selectors.meeting_mail_recipients(meeting=meeting):
            person = membership.person
            answer_url = site + reverse(
                "meetings:rsvp_token",
                args=[meeting.pk, rsvp_token(meeting=meeting, membership=membership)],
            )
            attachments = []
            if kind != REMINDER:
                content = ical.meeting_ics(
                    meeting, method=method, attendee_email=person.email, attendee_name=str(person)
                )
                attachments.append(ical.ics_attachment(content, method=method))
            messages.append(
                emails.email_build(
                    template=_TEMPLATES[kind],
                    context={
                        "meeting": meeting,
                        "community": meeting.community,
                        "person": person,
                        "title": ical.meeting_title(meeting),
                        "is_update": kind == UPDATE,
                        "meeting_url": meeting_url,
                        "attend_url": f"{answer_url}?antwoord={Rsvp.Answer.ATTEND}",
                        "decline_url": f"{answer_url}?antwoord={Rsvp.Answer.DECLINE}",
                    },
                    subject=subject,
                    to=[person.email],
                    attachments=attachments,
                )
            )
    return messages


def _sequence_bump(meeting: Meeting) -> None:
    """A calendar takes an update only when SEQUENCE is higher than the last it saw."""
    Meeting.objects.filter(pk=meeting.pk).update(ical_sequence=F("ical_sequence") + 1)
    meeting.ical_sequence = (
        Meeting.objects.filter(pk=meeting.pk).values_list("ical_sequence", flat=True).get()
    )


def _reminder_due_at(meeting: Meeting) -> datetime.datetime:
    return meeting.starts_at - datetime.timedelta(days=settings.MEETING_REMINDER_DAYS)


def _reminder_schedule(meeting: Meeting) -> bool:
    """Queue the reminder for N days before the start (`MEETING_REMINDER_DAYS`). A meeting
    less than N days away gets none: its invitation is itself recent."""
    if _reminder_due_at(meeting) <= timezone.now():
        return False
    from leerkring.meetings import tasks  # the task module imports this one

    meeting_id, sequence, starts_at = meeting.pk, meeting.ical_sequence, meeting.starts_at
    transaction.on_commit(
        lambda: tasks.meeting_reminder_enqueue(
            meeting_id=meeting_id, sequence=sequence, starts_at=starts_at
        )
    )
    return True


def _members_mail(meeting: Meeting, *, kind: str, by: Any, verb: str) -> int:
    """Queue one version of the event (invitation, update, cancellation) for the members in
    this transaction, and audit how many it goes to for which SEQUENCE. Returns how many
    e-mails were queued (not sent: the outbox sends them)."""
    queued = meeting_mail_queue(_meeting_messages(meeting, kind=kind), kind=kind, meeting=meeting)
    audit(
        actor=by,
        verb=verb,
        obj=meeting,
        community_id=meeting.community_id,
        recipients=queued,
        sequence=meeting.ical_sequence,
    )
    return queued


@transaction.atomic
def meeting_publish(*, meeting: Meeting, by: Any) -> int:
    """Queue the invitation with its calendar event for every current member and queue the
    reminder. Returns the number of e-mails queued."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.published_at is not None:
        raise ValidationError(
            _("De uitnodiging is al verstuurd. Wijzigingen gaan als update naar de leden.")
        )
    if current.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Alleen een geplande bijeenkomst kan worden verstuurd."))
    if current.ends_at <= timezone.now():
        raise ValidationError(_("Deze bijeenkomst is al voorbij."))
    meeting.published_at = timezone.now()
    meeting.ical_sequence = current.ical_sequence
    Meeting.objects.filter(pk=meeting.pk).update(published_at=meeting.published_at)
    sent = _members_mail(meeting, kind=INVITATION, by=by, verb="meeting.published")
    _reminder_schedule(meeting)
    return sent


@transaction.atomic
def meeting_changed_notify(*, meeting: Meeting, by: Any) -> int:
    """After a published meeting changed: the same event (same UID) with a higher SEQUENCE,
    so calendars move it instead of adding a second one. A reminder already sent is sent
    again for the new date when that date is still far enough away."""
    if meeting.published_at is None or meeting.status != Meeting.Status.PLANNED:
        return 0
    if meeting.ends_at <= timezone.now():
        return 0
    _sequence_bump(meeting)
    if _reminder_due_at(meeting) > timezone.now() and meeting.reminder_sent_at is not None:
        meeting.reminder_sent_at = None
        Meeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=None)
    _reminder_schedule(meeting)
    return _members_mail(meeting, kind=UPDATE, by=by, verb="meeting.update_sent")


@transaction.atomic
def meeting_cancel_notify(*, meeting: Meeting, by: Any) -> int:
    """After a published meeting was cancelled: METHOD:CANCEL for the same UID with a higher
    SEQUENCE, which removes (or strikes through) the event in members' calendars. The queued
    reminder sees the new sequence and stays silent."""
    if meeting.published_at is None:
        return 0
    _sequence_bump(meeting)
    return _members_mail(meeting, kind=CANCELLATION, by=by, verb="meeting.cancellation_sent")


def meeting_reminder_send(
    *, meeting_id: int, sequence: int, starts_at: datetime.datetime, now=None
) -> int:
    """Send the reminder once, for the version of the meeting it was queued for. A cancelled,
    moved or changed meeting (another SEQUENCE or start) has its own reminder queued, or none;
    this one then does nothing. Returns the number of e-mails (0 when skipped)."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("community")
            .filter(pk=meeting_id)
            .first()
        )
        if (
            meeting is None
            or meeting.status != Meeting.Status.PLANNED
            or meeting.published_at is None
            or meeting.reminder_sent_at is not None
            or meeting.ical_sequence != sequence
            or meeting.starts_at != starts_at
            or meeting.starts_at <= now
            # Too early: a backend without delayed tasks ran it straight away.
            or now < _reminder_due_at(meeting) - datetime.timedelta(minutes=10)
        ):
            return 0
        updated = Meeting.objects.filter(pk=meeting.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if not updated:
            return 0
        # Marked sent and queued in one transaction: the outbox delivers what this commits.
        queued = meeting_mail_queue(
            _meeting_messages(meeting, kind=REMINDER), kind=REMINDER, meeting=meeting
        )
        audit(
            actor=None,
            verb="meeting.reminder_sent",
            obj=meeting,
            community_id=meeting.community_id,
            recipients=queued,
        )
    return queued


# Attendance ----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, person: Person, by: Any) -> str:
    """Make (or replace) the person's secret feed URL. Only the token's hash is kept, so the
    raw token is returned once, to be shown once; the previous URL stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(person=person).delete()
    feed = CalendarFeed.objects.create(
        person=person, token_hash=meeting_selectors.calendar_feed_token_hash(token)
    )
    audit(actor=by, verb="calendar_feed.created", obj=feed)
    return token


@transaction.atomic
def calendar_feed_revoke(*, person: Person, by: Any) -> bool:
    feed = CalendarFeed.objects.filter(person=person).first()
    if feed is None:
        return False
    audit(actor=by, verb="calendar_feed.revoked", obj=feed)
    feed.delete()
    return True
