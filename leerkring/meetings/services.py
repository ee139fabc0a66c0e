"""State changes of the meeting cycle. Each function validates, runs in one transaction and
writes the audit history; e-mails are sent after commit."""

from __future__ import annotations

# --- Planning and agenda ---------------------------------------------------------------
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.meetings.models import AgendaItem, Guest, Meeting, WorkForm

# What a calendar invitation carries (the event's SUMMARY, time and place): a change to one of
# these is news for the invitees.
SCHEDULE_FIELDS = ("title", "starts_at", "ends_at", "place", "address", "format", "online_url")

MEETING_FIELDS = frozenset(
    {
        "title",
        "starts_at",
        "ends_at",
        "place",
        "address",
        "host_organisation",
        "format",
        "online_url",
        "status",
        "cancel_reason",
        "case_organisation",
        "case_title",
    }
)

LOOKBACK_MINUTES = 15


class MeetingSeriesError(ValidationError):
    """A ValidationError of one meeting in a series, with its place in the series so the form
    can show the message on the right row."""

    def __init__(self, *, index: int, error: ValidationError) -> None:
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.index = index


def _stored_text(message: str) -> str:
    """Text the system writes into a record is kept in the site language, whoever clicked."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def _when(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    return f"{date_format(local, 'j F Y')} {local:%H:%M}"


def _meeting_check(meeting: Meeting) -> None:
    """The row's own rules (model `clean`) plus the community's: no two meetings of one
    community at the same time (cancelled ones do not count)."""
    meeting.full_clean()
    if meeting.status == Meeting.Status.CANCELLED:
        return
    overlap = (
        Meeting.objects.filter(
            community_id=meeting.community_id,
            starts_at__lt=meeting.ends_at,
            ends_at__gt=meeting.starts_at,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("starts_at")
        .first()
    )
    if overlap is not None:
        raise ValidationError(
            {
                "starts_at": _(
                    "Deze gemeenschap heeft op dat moment al een bijeenkomst (%(when)s)."
                )
                % {"when": _when(overlap)}
            }
        )


def _check_moment(meeting: Meeting, *, now, creating: bool) -> None:
    """Planning looks ahead: a past date is only right when recording a meeting that was held,
    and a meeting that has not begun cannot have been held."""
    if meeting.status == Meeting.Status.HELD and meeting.starts_at > now:
        raise ValidationError(
            {
                "already_held" if creating else "status": _(
                    "Een bijeenkomst die nog moet beginnen, kan nog niet gehouden zijn."
                )
            }
        )
    if meeting.status == Meeting.Status.PLANNED and meeting.starts_at < now:
        if creating:
            hint = _(
                "Deze datum ligt in het verleden. Leg je een bijeenkomst vast die al gehouden "
                "is? Vink dan “Bijeenkomst al gehouden” aan."
            )
        else:
            hint = _(
                "Deze datum ligt in het verleden. Is de bijeenkomst al gehouden? Kies dan de "
                "status “Gehouden”."
            )
        raise ValidationError({"starts_at": hint})


def _lookback_item_add(meeting: Meeting) -> AgendaItem:
    first = meeting.agenda_items.order_by("position").values_list("position", flat=True).first()
    return AgendaItem.objects.create(
        meeting=meeting,
        position=0 if first is None else max(first - 1, 0),
        title=_stored_text(_("Terugblik op openstaande afspraken")),
        minutes=LOOKBACK_MINUTES,
        is_lookback=True,
    )


@transaction.atomic
def meeting_create(
    *, community: Community, by: Any, already_held: bool = False, **fields: Any
) -> Meeting:
    """Plan a meeting, or record one already held. Every meeting starts its agenda with a look
    back at open agreements (DESIGN.md §3: open agreements come back automatically)."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(community=community, created_by=by if by and by.pk else None, **fields)
    meeting.status = Meeting.Status.HELD if already_held else Meeting.Status.PLANNED
    _check_moment(meeting, now=timezone.now(), creating=True)
    _meeting_check(meeting)
    meeting.save()
    _lookback_item_add(meeting)
    audit(
        actor=by,
        verb="meeting.planned" if not already_held else "meeting.recorded",
        obj=meeting,
        community_id=community.pk,
        starts_at=meeting.starts_at.isoformat(),
    )
    return meeting


@transaction.atomic
def meeting_series_create(
    *, community: Community, by: Any, meetings: list[dict[str, Any]]
) -> list[Meeting]:
    """Plan a whole series at once, or nothing: an error in any meeting undoes all of them and
    says which one it was (`MeetingSeriesError.index`)."""
    created = []
    for index, fields in enumerate(meetings):
        try:
            created.append(meeting_create(community=community, by=by, **fields))
        except ValidationError as error:
            raise MeetingSeriesError(index=index, error=error) from error
    return created


def meeting_update(*, meeting: Meeting, by: Any, **fields: Any) -> Meeting:
    """Change a meeting. Once invitations went out, a new title, time or place, a cancellation
    or taking a cancellation back is a new version of the same calendar event: its SEQUENCE
    goes up and members are told."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        old_schedule = {name: getattr(current, name) for name in SCHEDULE_FIELDS}
        old_status = current.status
        for name, value in fields.items():
            setattr(meeting, name, value)
        if meeting.status != Meeting.Status.CANCELLED:
            meeting.cancel_reason = ""
        schedule_changed = [
            name for name in SCHEDULE_FIELDS if getattr(meeting, name) != old_schedule[name]
        ]
        if "starts_at" in schedule_changed or meeting.status != old_status:
            _check_moment(meeting, now=timezone.now(), creating=False)
        _meeting_check(meeting)
        cancelled = (
            meeting.status == Meeting.Status.CANCELLED and old_status != Meeting.Status.CANCELLED
        )
        # Calendars struck the event through on the cancellation; only an update puts it back.
        reinstated = (
            old_status == Meeting.Status.CANCELLED and meeting.status == Meeting.Status.PLANNED
        )
        # Fields this service does not edit come fresh from the locked row, so a change made
        # meanwhile (invitation sent, minutes saved) is not overwritten.
        edited = {*fields, "cancel_reason"}
        for field in Meeting._meta.concrete_fields:
            if field.name not in edited:
                setattr(meeting, field.attname, getattr(current, field.attname))
        meeting.save(update_fields=sorted(edited))
        audit(
            actor=by,
            verb="meeting.cancelled" if cancelled else "meeting.updated",
            obj=meeting,
            community_id=meeting.community_id,
            changed=sorted(
                set(schedule_changed) | ({"status"} if meeting.status != old_status else set())
            ),
        )
        # The notify services raise SEQUENCE (same UID) and send their e-mails on commit.
        if meeting.published_at is not None and cancelled:
            meeting_cancel_notify(meeting=meeting, by=by)
        elif meeting.published_at is not None and (schedule_changed or reinstated):
            meeting_changed_notify(meeting=meeting, by=by)
    return meeting


# Agenda ------------------------------------------------------------------------------

AGENDA_ITEM_FIELDS = frozenset(
    {
        "title",
        "work_form",
        "topic_category",
        "subtopic",
        "minutes",
        "led_by",
        "perspective",
        "description",
    }
)


def _agenda_item_cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    for name in ("title", "description"):
        if isinstance(fields.get(name), str):
            fields[name] = clean_text(fields[name])
    return fields


def _agenda_item_check(item: AgendaItem, meeting: Meeting) -> None:
    item.full_clean()
    work_form = item.work_form
    if work_form is not None and work_form.programme_id not in (
        None,
        meeting.community.programme_id,
    ):
        raise ValidationError({"work_form": _("Deze werkvorm hoort niet bij dit programma.")})


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, by: Any, **fields: Any) -> AgendaItem:
    """Add an item at the end. The first item of an agenda comes with the look-back at open
    agreements when there are any (`agenda_lookback_ensure`); the meeting row is locked so two
    first items added at once bring one look-back, not two."""
    unknown = set(fields) - AGENDA_ITEM_FIELDS
    if unknown:
        raise TypeError(f"Unknown agenda item fields: {sorted(unknown)}")
    Meeting.objects.select_for_update().only("pk").get(pk=meeting.pk)
    agenda_lookback_ensure(meeting=meeting)
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    item = AgendaItem(
        meeting=meeting,
        position=0 if last is None else last + 1,
        **_agenda_item_cleaned(fields),
    )
    _agenda_item_check(item, meeting)
    item.save()
    audit(actor=by, verb="agenda_item.added", obj=item, community_id=meeting.community_id)
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: Any, **fields: Any) -> AgendaItem:
    unknown = set(fields) - AGENDA_ITEM_FIELDS
    if unknown:
        raise TypeError(f"Unknown agenda item fields: {sorted(unknown)}")
    for name, value in _agenda_item_cleaned(fields).items():
        setattr(item, name, value)
    _agenda_item_check(item, item.meeting)
    item.save()
    audit(actor=by, verb="agenda_item.updated", obj=item, community_id=item.meeting.community_id)
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: Any) -> None:
    audit(
        actor=by,
        verb="agenda_item.deleted",
        obj=item,
        community_id=item.meeting.community_id,
        title=item.title,
    )
    item.delete()


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: Any, direction: str) -> None:
    """Move an item one place up or down. Positions are renumbered 0..n-1 on the way, so
    items that share a position (old data, concurrent adds) still move predictably."""
    if direction not in ("up", "down"):
        raise ValueError(f"Unknown direction: {direction}")
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id)
        .order_by("position", "pk")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    changed = []
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            changed.append(other)
    AgendaItem.objects.bulk_update(changed, ["position"])
    audit(
        actor=by,
        verb="agenda_item.moved",
        obj=item,
        community_id=item.meeting.community_id,
        direction=direction,
    )


@transaction.atomic
def agenda_lookback_ensure(*, meeting: Meeting) -> AgendaItem | None:
    """Give an agenda that is being built for the first time its look-back item, when there
    are open agreements to look back on. Meetings planned here already have one; this covers
    meetings that came in otherwise (imports, demo data), when their first item is added.
    Opening the agenda writes nothing. A look-back item the facilitator removed from an agenda
    in progress stays removed."""
    from leerkring.meetings.selectors import has_open_agreements_before

    if meeting.agenda_items.exists() or not has_open_agreements_before(meeting=meeting):
        return None
    return _lookback_item_add(meeting)


@transaction.atomic
def agenda_guest_add(
    *, meeting: Meeting, by: Any, name: str, role: str, organisation_name: str = ""
) -> Guest:
    guest = Guest(
        meeting=meeting, name=name.strip(), role=role, organisation_name=organisation_name.strip()
    )
    guest.full_clean()
    guest.save()
    audit(actor=by, verb="guest.added", obj=guest, community_id=meeting.community_id)
    return guest


@transaction.atomic
def agenda_guest_remove(*, guest: Guest, by: Any) -> None:
    audit(actor=by, verb="guest.removed", obj=guest, community_id=guest.meeting.community_id)
    guest.delete()


@transaction.atomic
def agenda_publish(*, meeting: Meeting, by: Any) -> Meeting:
    """Show the agenda to all members. Publishing again after changes only moves the date."""
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at"])
    audit(actor=by, verb="agenda.published", obj=meeting, community_id=meeting.community_id)
    return meeting


@transaction.atomic
def work_form_add(*, programme: Programme, by: Any, name: str, description: str = "") -> WorkForm:
    """A programme's own work form, next to the built-in catalogue (report §3.2.2)."""
    name = name.strip()
    catalogue = WorkForm.objects.filter(programme__isnull=True) | WorkForm.objects.filter(
        programme=programme
    )
    if name and catalogue.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Deze werkvorm staat al in de lijst.")})
    key = slugify(name)[:40] or "werkvorm"
    taken = set(
        WorkForm.objects.filter(programme=programme, key__startswith=key[:36]).values_list(
            "key", flat=True
        )
    )
    base, counter = key[:36], 2
    while key in taken:
        key, counter = f"{base}-{counter}", counter + 1
    last = catalogue.aggregate(last=Max("position"))["last"] or 0
    work_form = WorkForm(
        programme=programme, key=key, name=name, description=description, position=last + 1
    )
    work_form.full_clean()
    work_form.save()
    audit(actor=by, verb="work_form.added", obj=work_form, programme=programme.pk)
    return work_form


# --- Invitations, calendar and attendance ----------------------------------------------
import datetime  # noqa: E402
import secrets  # noqa: E402

from django.core import signing  # noqa: E402
from django.db.models import F  # noqa: E402
from django.urls import reverse  # noqa: E402

from leerkring.communities.models import Membership, Person  # noqa: E402
from leerkring.core import emails as meeting_emails  # noqa: E402
from leerkring.meetings import ical  # noqa: E402
from leerkring.meetings import selectors as meeting_selectors  # noqa: E402
from leerkring.meetings.models import Attendance, CalendarFeed, Rsvp  # noqa: E402

RSVP_SALT = "leerkring.meetings.rsvp"
# An answer link works for half a year and never after the meeting has ended.
RSVP_LINK_MAX_AGE = datetime.timedelta(days=183)


def rsvp_token(*, meeting: Meeting, membership: Membership) -> str:
    """A signed, timestamped link token naming one seat and one meeting. Nothing is stored:
    the signature (SECRET_KEY) is what makes it unforgeable."""
    return signing.dumps({"meeting": meeting.pk, "membership": membership.pk}, salt=RSVP_SALT)


def rsvp_membership_for_token(*, meeting: Meeting, token: str) -> Membership | None:
    """The current seat the token was made for, or None when the token is forged, expired,
    made for another meeting, or the person has left the community since."""
    try:
        data = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("meeting") != meeting.pk:
        return None
    return (
        Membership.objects.active()
        .filter(pk=data.get("membership"), community_id=meeting.community_id)
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


def _recipients(meeting: Meeting) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(community_id=meeting.community_id, person__email__isnull=False)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )


def _meeting_messages(meeting: Meeting, *, kind: str) -> list:
    """One message per member (nobody sees another's address), each with personal answer
    links and, except for reminders, the calendar event addressed to that member."""
    site = settings.SITE_URL
    meeting_url = site + meeting_selectors.meeting_page_path(meeting)
    method = ical.CANCEL if kind == CANCELLATION else ical.REQUEST
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _SUBJECTS[kind]() % {"title": ical.meeting_title(meeting), "when": _when(meeting)}
        for membership in _recipients(meeting):
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
                meeting_emails.email_build(
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
    """Mail one version of the event (invitation, update, cancellation) to the members once
    the transaction commits, and audit how many went out for which SEQUENCE."""
    messages = _meeting_messages(meeting, kind=kind)
    meeting_emails.emails_send_on_commit(messages)
    audit(
        actor=by,
        verb=verb,
        obj=meeting,
        community_id=meeting.community_id,
        recipients=len(messages),
        sequence=meeting.ical_sequence,
    )
    return len(messages)


@transaction.atomic
def meeting_publish(*, meeting: Meeting, by: Any) -> int:
    """Send the invitation with its calendar event to every current member and queue the
    reminder. Returns the number of e-mails."""
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
        messages = _meeting_messages(meeting, kind=REMINDER)
        meeting_emails.emails_send_on_commit(messages)
        audit(
            actor=None,
            verb="meeting.reminder_sent",
            obj=meeting,
            community_id=meeting.community_id,
            recipients=len(messages),
        )
    return len(messages)


# Attendance ----------------------------------------------------------------------------


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
    meeting that has begun marks it held.

    The meeting row is locked first, so two people saving at the door at the same time take
    turns: the second sees the rows the first created and updates them."""
    current_meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current_meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(
            _("Deze bijeenkomst is afgelast; er is geen aanwezigheid vast te leggen.")
        )
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
    now = timezone.now()
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
    if current_meeting.status == Meeting.Status.PLANNED and current_meeting.starts_at <= now:
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


# --- Outcomes, minutes, agreements and threads -----------------------------------------

import datetime as _datetime  # noqa: E402

from django.conf import settings as _settings  # noqa: E402
from django.core.exceptions import ValidationError as _ValidationError  # noqa: E402
from django.db import transaction as _transaction  # noqa: E402
from django.urls import reverse as _reverse  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402
from django.utils.translation import gettext as _gettext  # noqa: E402

from leerkring.communities.models import Community as _Community  # noqa: E402
from leerkring.communities.models import Membership as _Membership  # noqa: E402
from leerkring.communities.models import Person as _Person  # noqa: E402
from leerkring.core import emails as _emails  # noqa: E402
from leerkring.core.audit import audit as _audit  # noqa: E402

from .models import Agreement as _Agreement  # noqa: E402
from .models import AgreementStatusChange as _AgreementStatusChange  # noqa: E402
from .models import Lesson as _Lesson  # noqa: E402
from .models import Meeting as _Meeting  # noqa: E402
from .models import Message as _Message  # noqa: E402
from .models import Thread as _Thread  # noqa: E402
from .models import ThreadNotificationPreference as _NotificationPreference  # noqa: E402

LESSON_FIELDS = ("text", "learning_order", "influence_level", "shareable")


def _user_or_none(by):
    return by if getattr(by, "is_authenticated", False) else None


def _absolute(path: str) -> str:
    return _settings.SITE_URL + path


@_transaction.atomic
def lesson_create(*, meeting: _Meeting, by, **fields) -> _Lesson:
    """A lesson named at the wrap-up (report §5.1.3)."""
    lesson = _Lesson(
        meeting=meeting, community_id=meeting.community_id, created_by=_user_or_none(by)
    )
    for name in LESSON_FIELDS:
        if name in fields:
            setattr(lesson, name, fields[name])
    lesson.text = clean_text(lesson.text).strip()
    lesson.full_clean()
    lesson.save()
    _audit(actor=by, verb="lesson.create", obj=lesson, community_id=meeting.community_id)
    return lesson


@_transaction.atomic
def lesson_update(*, lesson: _Lesson, by, **fields) -> _Lesson:
    for name in LESSON_FIELDS:
        if name in fields:
            setattr(lesson, name, fields[name])
    lesson.text = clean_text(lesson.text).strip()
    lesson.full_clean()
    lesson.save()
    _audit(actor=by, verb="lesson.update", obj=lesson, community_id=lesson.community_id)
    return lesson


@_transaction.atomic
def lesson_delete(*, lesson: _Lesson, by) -> None:
    _audit(actor=by, verb="lesson.delete", obj=lesson, community_id=lesson.community_id)
    lesson.delete()


def _check_agreement_owner(*, community_id: int, owner: _Membership | None) -> None:
    """Agreements are for current members of this community only (issue "Bad input")."""
    if owner is None or owner.community_id != community_id or not owner.is_active:
        raise _ValidationError(
            {"owner": _gettext("Kies iemand die nu lid is van deze gemeenschap.")}
        )


@_transaction.atomic
def agreement_create(
    *,
    meeting: _Meeting,
    by,
    text: str,
    owner: _Membership | None,
    due_date: _datetime.date | None = None,
) -> _Agreement:
    """An open follow-up action; it comes back on the next agenda until it is done."""
    _check_agreement_owner(community_id=meeting.community_id, owner=owner)
    agreement = _Agreement(
        meeting=meeting,
        community_id=meeting.community_id,
        text=clean_text(text).strip(),
        owner=owner,
        due_date=due_date,
        created_by=_user_or_none(by),
    )
    agreement.full_clean()
    agreement.save()
    _audit(actor=by, verb="agreement.create", obj=agreement, community_id=meeting.community_id)
    return agreement


@_transaction.atomic
def agreement_update(
    *,
    agreement: _Agreement,
    by,
    text: str,
    owner: _Membership | None,
    due_date: _datetime.date | None = None,
    status: str | None = None,
) -> _Agreement:
    # Compare with the stored owner: a form may already have put the new one on the instance.
    # Keeping an owner who has since left is fine; choosing one who is not a member is not.
    stored_owner_id = (
        _Agreement.objects.filter(pk=agreement.pk).values_list("owner_id", flat=True).get()
    )
    if owner is None or owner.pk != stored_owner_id:
        _check_agreement_owner(community_id=agreement.community_id, owner=owner)
    agreement.text = clean_text(text).strip()
    agreement.owner = owner
    agreement.due_date = due_date
    agreement.full_clean(exclude=["status"])
    agreement.save(update_fields=["text", "owner", "due_date"])
    _audit(actor=by, verb="agreement.update", obj=agreement, community_id=agreement.community_id)
    if status:
        # No-op when unchanged; compares with the locked row, not the instance.
        agreement_change_status(agreement=agreement, status=status, by=by)
    return agreement


@_transaction.atomic
def agreement_delete(*, agreement: _Agreement, by) -> None:
    _audit(
        actor=by,
        verb="agreement.delete",
        obj=agreement,
        community_id=agreement.community_id,
        text=agreement.text[:200],
    )
    agreement.delete()


@_transaction.atomic
def agreement_change_status(*, agreement: _Agreement, status: str, by) -> _Agreement:
    """Open, done or dropped; every change is kept with who and when (issue §4). The row is
    locked so two people closing the same agreement leave one consistent history."""
    if status not in _Agreement.Status.values:
        raise _ValidationError({"status": _gettext("Kies een geldige status.")})
    current = _Agreement.objects.select_for_update().get(pk=agreement.pk)
    if current.status == status:
        agreement.status = status
        return agreement
    _AgreementStatusChange.objects.create(
        agreement=current,
        old_status=current.status,
        new_status=status,
        changed_by=_user_or_none(by),
    )
    current.status = status
    current.save(update_fields=["status"])
    agreement.status = status
    _audit(
        actor=by,
        verb="agreement.status",
        obj=current,
        community_id=current.community_id,
        status=status,
    )
    return agreement


# Minutes ---------------------------------------------------------------------------------


@_transaction.atomic
def minutes_save(*, meeting: _Meeting, minutes: str, by) -> _Meeting:
    """Minutes are stored as typed (Markdown) and sanitised when shown (STYLE.md "Text")."""
    meeting.minutes = clean_text(minutes).strip()
    meeting.minutes_updated_at = _timezone.now()
    meeting.save(update_fields=["minutes", "minutes_updated_at"])
    _audit(actor=by, verb="meeting.minutes", obj=meeting, community_id=meeting.community_id)
    return meeting


@_transaction.atomic
def minutes_send(*, meeting: _Meeting, by) -> int:
    """Send the minutes to every current member with an e-mail address, one message each
    (no one sees another's address). Returns the number of recipients."""
    if not meeting.minutes.strip():
        raise _ValidationError(_gettext("Er is nog geen verslag om rond te sturen."))
    memberships = (
        _Membership.objects.active()
        .filter(community_id=meeting.community_id, person__email__isnull=False)
        .exclude(person__email="")
        .select_related("person")
    )
    meeting_url = _absolute(_reverse("meetings:meeting_detail", args=[meeting.pk]))
    messages = []
    # Members read the site's language, whatever language the sender browses in.
    with translation.override(_settings.LANGUAGE_CODE):
        subject = _gettext("Verslag: %(meeting)s") % {"meeting": meeting}
        for membership in memberships:
            messages.append(
                _emails.email_build(
                    template="meetings/email/minutes",
                    context={
                        "meeting": meeting,
                        "community": meeting.community,
                        "person": membership.person,
                        "url": meeting_url,
                    },
                    subject=subject,
                    to=[membership.person.email],
                )
            )
    meeting.minutes_sent_at = _timezone.now()
    meeting.save(update_fields=["minutes_sent_at"])
    _audit(
        actor=by,
        verb="meeting.minutes_sent",
        obj=meeting,
        community_id=meeting.community_id,
        recipients=len(messages),
    )
    _emails.emails_send_on_commit(messages)
    return len(messages)


# Threads ---------------------------------------------------------------------------------


def _membership_of(person: _Person, community_id: int) -> _Membership:
    membership = (
        _Membership.objects.active().filter(person=person, community_id=community_id).first()
    )
    if membership is None:
        raise _ValidationError(_gettext("Alleen leden van de gemeenschap kunnen hier schrijven."))
    return membership


@_transaction.atomic
def thread_start(*, community: _Community, author: _Person, title: str, body: str, by) -> _Thread:
    """A new conversation with its first message; members who want it hear of it."""
    _membership_of(author, community.pk)
    now = _timezone.now()
    thread = _Thread(
        community=community,
        title=clean_text(title).strip(),
        started_by=author,
        created_at=now,
        last_message_at=now,
    )
    thread.full_clean()
    thread.save()
    _audit(actor=by, verb="thread.start", obj=thread, community_id=community.pk)
    _message_create(thread=thread, author=author, body=body, now=now)
    return thread


@_transaction.atomic
def message_post(*, thread: _Thread, author: _Person, body: str, by) -> _Message:
    _membership_of(author, thread.community_id)
    now = _timezone.now()
    message = _message_create(thread=thread, author=author, body=body, now=now)
    _Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    thread.last_message_at = now
    _audit(actor=by, verb="thread.message", obj=message, community_id=thread.community_id)
    return message


def _message_create(*, thread: _Thread, author: _Person, body: str, now) -> _Message:
    message = _Message(thread=thread, author=author, body=clean_text(body).strip(), created_at=now)
    message.full_clean()
    message.save()
    _emails.emails_send_on_commit(_thread_message_emails(message))
    return message


def _thread_message_emails(message: _Message) -> list:
    """One e-mail per current member who wants every message (the default), not the author."""
    thread = message.thread
    memberships = (
        _Membership.objects.active()
        .filter(community_id=thread.community_id, person__email__isnull=False)
        .exclude(person__email="")
        .exclude(person_id=message.author_id)
        .select_related("person", "thread_notification")
    )
    url = _absolute(_reverse("meetings:thread", args=[thread.pk]))
    community = thread.community
    emails = []
    # Members read the site's language, whatever language the author browses in.
    with translation.override(_settings.LANGUAGE_CODE):
        subject = _gettext("Nieuw bericht in %(community)s: %(title)s") % {
            "community": community.name,
            "title": thread.title,
        }
        for membership in memberships:
            if thread_notification_mode(membership) != _NotificationPreference.Mode.EACH:
                continue
            emails.append(
                _emails.email_build(
                    template="meetings/email/thread_message",
                    context={
                        "thread": thread,
                        "message": message,
                        "community": community,
                        "person": membership.person,
                        "url": url,
                    },
                    subject=subject,
                    to=[membership.person.email],
                )
            )
    return emails


def thread_notification_mode(membership: _Membership) -> str:
    """Each message unless the member chose otherwise (issue §5)."""
    try:
        return membership.thread_notification.mode
    except _NotificationPreference.DoesNotExist:
        return _NotificationPreference.Mode.EACH


@_transaction.atomic
def thread_notification_set(*, membership: _Membership, mode: str, by) -> None:
    if mode not in _NotificationPreference.Mode.values:
        raise _ValidationError({"mode": _gettext("Kies een van de mogelijkheden.")})
    preference, _created = _NotificationPreference.objects.select_for_update().get_or_create(
        membership=membership, defaults={"mode": mode}
    )
    if mode == _NotificationPreference.Mode.DIGEST and (
        _created or preference.mode != _NotificationPreference.Mode.DIGEST
    ):
        # The first digest covers what is written from now on, not the whole history.
        preference.digest_sent_until = _timezone.now()
    preference.mode = mode
    preference.save()
    _audit(
        actor=by,
        verb="thread.notification",
        obj=preference,
        community_id=membership.community_id,
        mode=mode,
    )


def thread_digests_send(*, now: _datetime.datetime | None = None) -> int:
    """Once a day: each member who chose the digest gets one e-mail per community with the
    messages others wrote since their last digest. Returns the number of e-mails sent.

    Three queries whatever the number of members: the preferences, the messages, the sends.
    """
    now = now or _timezone.now()
    fallback_since = now - _datetime.timedelta(days=1)
    preferences = list(
        _NotificationPreference.objects.filter(
            mode=_NotificationPreference.Mode.DIGEST,
            membership__in=_Membership.objects.active(),
            membership__person__email__isnull=False,
        )
        .exclude(membership__person__email="")
        .select_related("membership__person", "membership__community")
    )
    if not preferences:
        return 0
    since_of = {p.pk: p.digest_sent_until or fallback_since for p in preferences}
    earliest = min(since_of.values())
    community_ids = {p.membership.community_id for p in preferences}
    messages_by_community: dict[int, list[_Message]] = {}
    for message in (
        _Message.objects.filter(
            thread__community_id__in=community_ids, created_at__gt=earliest, created_at__lte=now
        )
        .select_related("thread", "author")
        .order_by("thread__community_id", "thread_id", "created_at", "pk")
    ):
        messages_by_community.setdefault(message.thread.community_id, []).append(message)

    emails, sent_preferences = [], []
    # A task has no visitor: the e-mails are in the site's language.
    with translation.override(_settings.LANGUAGE_CODE):
        for preference in preferences:
            membership = preference.membership
            since = since_of[preference.pk]
            new = [
                m
                for m in messages_by_community.get(membership.community_id, [])
                if m.created_at > since and m.author_id != membership.person_id
            ]
            sent_preferences.append(preference)
            if not new:
                continue
            threads: dict[int, dict] = {}
            for message in new:
                entry = threads.setdefault(
                    message.thread_id,
                    {
                        "thread": message.thread,
                        "url": _absolute(_reverse("meetings:thread", args=[message.thread_id])),
                        "messages": [],
                    },
                )
                entry["messages"].append(message)
            emails.append(
                _emails.email_build(
                    template="meetings/email/thread_digest",
                    context={
                        "community": membership.community,
                        "person": membership.person,
                        "threads": list(threads.values()),
                        "count": len(new),
                        "url": _absolute(
                            _reverse("meetings:threads", args=[membership.community_id])
                        ),
                    },
                    subject=_gettext("Nieuwe berichten in %(community)s")
                    % {"community": membership.community.name},
                    to=[membership.person.email],
                )
            )
    sent = _emails.emails_send(emails)
    _NotificationPreference.objects.filter(pk__in=[p.pk for p in sent_preferences]).update(
        digest_sent_until=now
    )
    return sent
