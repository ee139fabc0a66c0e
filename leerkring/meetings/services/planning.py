"""Planning meetings and building their agenda: meetings alone or in a series, changes that
reach the invitees' calendars, agenda items with the look-back at open agreements, guests,
and a programme's own work forms."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.meetings.models import AgendaItem, Guest, Meeting, WorkForm
from leerkring.meetings.selectors import has_open_agreements_before

from .invitations import meeting_cancel_notify, meeting_changed_notify, meeting_when

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
                % {"when": meeting_when(overlap)}
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
