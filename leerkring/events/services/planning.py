"""Planning programme events: a coordinator's event, or a joint session that leads of two or
more communities plan together; announcing it (with four eyes when leads open it to anyone),
changing and cancelling it.

An event's texts go on a public page when it is open to anyone, so the personal-data guard
checks them before that (`leerkring.publishing.guard`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.publishing import guard
from leerkring.publishing import selectors as publishing_selectors

from .. import permissions, selectors, tasks
from ..models import Event, EventCommunity, Registration
from . import mail
from .registrations import _fill_seats

EDITABLE = (
    "kind",
    "audience",
    "title",
    "description",
    "format",
    "place",
    "address",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
)
# A change of these makes calendars take over the new version.
CALENDAR_FIELDS = ("title", "format", "place", "address", "online_url", "starts_at", "ends_at")


def _apply(event: Event, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    for name, value in fields.items():
        if name in ("title", "description", "place", "address"):
            value = clean_text(value).strip()
        setattr(event, name, value)


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("programme").get(pk=event.pk)


@transaction.atomic
def event_create(*, programme: Programme, by: Any, **fields: Any) -> Event:
    """A coordinator's event, as a draft until it is announced."""
    event = Event(programme=programme, created_by=_user(by))
    _apply(event, fields)
    if event.kind == Event.Kind.JOINT_SESSION:
        raise ValidationError(
            {"kind": _("Een gezamenlijke sessie plannen de gemeenschappen zelf, vanaf hun pagina.")}
        )
    event.full_clean()
    event.save()
    audit(actor=by, verb="event.created", obj=event, kind=event.kind, audience=event.audience)
    return event


def _user(by: Any):
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def joint_session_propose(
    *, community: Community, partners: Iterable[Community], by: Any, **fields: Any
) -> Event:
    """Leads or facilitators of `community` plan a session with other communities of the same
    programme. Their own community takes part at once; each partner's lead or facilitator is
    asked, and the session can be announced once they all agreed."""
    partners = [p for p in partners if p.pk != community.pk]
    if not partners:
        raise ValidationError({"partners": _("Kies minstens één andere gemeenschap.")})
    if any(p.programme_id != community.programme_id for p in partners):
        raise ValidationError(
            {
                "partners": _(
                    "Een gezamenlijke sessie is met gemeenschappen van hetzelfde programma."
                )
            }
        )
    event = Event(
        programme_id=community.programme_id,
        kind=Event.Kind.JOINT_SESSION,
        created_by=_user(by),
    )
    _apply(event, {k: v for k, v in fields.items() if k != "kind"})
    event.full_clean()
    event.save()
    now = timezone.now()
    EventCommunity.objects.create(event=event, community=community, accepted_at=now)
    EventCommunity.objects.bulk_create(
        EventCommunity(event=event, community=partner, invited_at=now) for partner in partners
    )
    audit(
        actor=by,
        verb="event.joint_proposed",
        obj=event,
        community_id=community.pk,
        partners=sorted(p.pk for p in partners),
    )
    url = mail.absolute(reverse("events:event", args=[event.pk]))
    mail.queue(
        mail.to_addresses(
            selectors.guide_addresses(community_ids=[p.pk for p in partners]),
            template="joint_invitation",
            subject=_("%(community)s stelt een gezamenlijke sessie voor")
            % {"community": community.name},
            context={"event": event, "community": community, "url": url},
        ),
        kind="joint_invitation",
        event=event,
    )
    return event


@transaction.atomic
def joint_session_answer(*, event: Event, community: Community, accept: bool, by: Any) -> None:
    """A partner community agrees, or declines (and is taken off the session)."""
    locked = _lock(event)
    entry = (
        EventCommunity.objects.select_for_update().filter(event=locked, community=community).first()
    )
    if entry is None:
        raise ValidationError(_("Deze gemeenschap is niet gevraagd voor deze sessie."))
    if locked.status != Event.Status.DRAFT:
        raise ValidationError(_("De sessie is al aangekondigd of afgelast."))
    if accept:
        entry.accepted_at = timezone.now()
        entry.save(update_fields=["accepted_at"])
    else:
        entry.delete()
    audit(
        actor=by,
        verb="event.joint_accepted" if accept else "event.joint_declined",
        obj=locked,
        community_id=community.pk,
    )


@transaction.atomic
def event_update(*, event: Event, by: Any, guard_confirmed: bool = False, **fields: Any) -> Event:
    """Change an event. Once announced, a new time or place goes to everyone with a seat as an
    update of their calendar entry, and more seats move the waiting list up.

    The texts of an event on the public page change only by a coordinator's hand (the four
    eyes that let it out), and pass the personal-data guard again."""
    locked = _lock(event)
    if locked.status == Event.Status.CANCELLED:
        raise ValidationError(_("Een afgelaste activiteit kun je niet meer wijzigen."))
    if locked.kind == Event.Kind.JOINT_SESSION:
        fields.pop("kind", None)
    elif fields.get("kind") == Event.Kind.JOINT_SESSION:
        raise ValidationError(
            {"kind": _("Een gezamenlijke sessie plannen de gemeenschappen zelf, vanaf hun pagina.")}
        )
    before = {name: getattr(locked, name) for name in EDITABLE}
    _apply(locked, fields)
    if (
        locked.status != Event.Status.DRAFT
        and before["audience"] != locked.audience
        and Event.Audience.PUBLIC in (before["audience"], locked.audience)
    ):
        raise ValidationError(
            {
                "audience": _(
                    "Of iedereen zich mag aanmelden, ligt vast zodra de activiteit is aangekondigd."
                )
            }
        )
    locked.full_clean()
    calendar_changed = any(before[name] != getattr(locked, name) for name in CALENDAR_FIELDS)
    if calendar_changed and locked.status == Event.Status.PUBLISHED:
        locked.ical_sequence += 1
    texts_changed = any(before[name] != getattr(locked, name) for name in ("title", "description"))
    public = locked.audience == Event.Audience.PUBLIC and locked.status in (
        Event.Status.PUBLISHED,
        Event.Status.AWAITING_APPROVAL,
    )
    if public and texts_changed:
        if not permissions.is_coordinator(by, locked.programme_id):
            raise ValidationError(
                _("De tekst van een openbare activiteit wijzigt alleen een coördinator.")
            )
        guard.check(
            {"title": locked.title, "description": locked.description}, confirmed=guard_confirmed
        )
    locked.save()
    changed = sorted(name for name in EDITABLE if before[name] != getattr(locked, name))
    audit(actor=by, verb="event.updated", obj=locked, changed=changed)
    if locked.status == Event.Status.PUBLISHED:
        if calendar_changed:
            seated = list(
                locked.registrations.filter(status=Registration.Status.CONFIRMED).select_related(
                    "person"
                )
            )
            for registration in seated:
                registration.event = locked
            mail.queue(mail.changed(locked, seated), kind="changed", event=locked)
            _queue_reminder(locked)
        if before["capacity"] != locked.capacity:
            _fill_seats(locked)
    return locked


def _queue_reminder(event: Event) -> None:
    starts_at, sequence, pk = event.starts_at, event.ical_sequence, event.pk
    transaction.on_commit(
        lambda: tasks.event_reminder_enqueue(event_id=pk, sequence=sequence, starts_at=starts_at)
    )


def _ready_to_announce(event: Event) -> None:
    if event.starts_at <= timezone.now():
        raise ValidationError(_("Deze activiteit is al begonnen; aankondigen kan niet meer."))
    if event.is_joint:
        organisers = list(event.organisers.all())
        if len(organisers) < 2:
            raise ValidationError(
                _("Een gezamenlijke sessie heeft minstens twee gemeenschappen die meedoen.")
            )
        if any(entry.accepted_at is None for entry in organisers):
            raise ValidationError(
                _("Nog niet alle gemeenschappen hebben ingestemd met deze sessie.")
            )


@transaction.atomic
def event_announce(*, event: Event, by: Any, guard_confirmed: bool = False) -> Event:
    """Announce the event to its audience. An event open to anyone goes on the programme's
    public page: its texts pass the personal-data guard, and when its organiser is not a
    coordinator of the programme, a coordinator approves it first (four eyes)."""
    locked = _lock(event)
    if locked.status not in (Event.Status.DRAFT,):
        raise ValidationError(_("Deze activiteit is al aangekondigd of wacht op goedkeuring."))
    _ready_to_announce(locked)
    findings = []
    if locked.audience == Event.Audience.PUBLIC:
        findings = guard.check(
            {"title": locked.title, "description": locked.description}, confirmed=guard_confirmed
        )
        if not permissions.is_coordinator(by, locked.programme_id):
            locked.status = Event.Status.AWAITING_APPROVAL
            locked.submitted_by = _user(by)
            locked.save(update_fields=["status", "submitted_by"])
            audit(actor=by, verb="event.submitted", obj=locked)
            url = mail.absolute(reverse("events:event", args=[locked.pk]))
            mail.queue(
                mail.to_addresses(
                    publishing_selectors.coordinator_addresses(programme_id=locked.programme_id),
                    template="approval_request",
                    subject=_("Openbare activiteit ter goedkeuring: %(title)s")
                    % {"title": locked.title},
                    context={"event": locked, "url": url},
                ),
                kind="approval_request",
                event=locked,
            )
            return locked
    _publish(locked, by=by, findings=findings)
    return locked


def _publish(event: Event, *, by: Any, findings: list) -> None:
    event.status = Event.Status.PUBLISHED
    event.published_at = timezone.now()
    if event.audience == Event.Audience.PUBLIC:
        event.approved_by = _user(by)
    event.save(update_fields=["status", "published_at", "approved_by"])
    audit(
        actor=by,
        verb="event.announced",
        obj=event,
        audience=event.audience,
        guard_findings=sorted({f.kind for f in findings}),
    )
    _queue_reminder(event)


@transaction.atomic
def event_approve(*, event: Event, by: Any, guard_confirmed: bool = False) -> Event:
    """A coordinator who did not ask for it approves an event open to anyone."""
    locked = _lock(event)
    if locked.status != Event.Status.AWAITING_APPROVAL:
        raise ValidationError(_("Deze activiteit wacht niet op goedkeuring."))
    if locked.submitted_by_id is not None and locked.submitted_by_id == getattr(by, "pk", None):
        raise ValidationError(
            _("Je kunt je eigen aanvraag niet goedkeuren; een andere coördinator doet dat.")
        )
    _ready_to_announce(locked)
    findings = guard.check(
        {"title": locked.title, "description": locked.description}, confirmed=guard_confirmed
    )
    _publish(locked, by=by, findings=findings)
    return locked


@transaction.atomic
def event_cancel(*, event: Event, by: Any, reason: str) -> int:
    """Cancel: everyone registered hears it, and calendars take the entry out. Returns how
    many were told."""
    locked = _lock(event)
    if locked.status == Event.Status.CANCELLED:
        raise ValidationError(_("Deze activiteit is al afgelast."))
    reason = clean_text(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Schrijf waarom, zodat de deelnemers het weten.")})
    was_announced = locked.status == Event.Status.PUBLISHED
    locked.status = Event.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason
    locked.ical_sequence += 1
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "ical_sequence"])
    told = []
    if was_announced:
        told = list(
            locked.registrations.filter(
                status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
            ).select_related("person")
        )
        for registration in told:
            registration.event = locked
    messages = mail.event_cancelled(locked, told)
    audit(actor=by, verb="event.cancelled", obj=locked, recipients=len(messages))
    mail.queue(messages, kind="event_cancelled", event=locked)
    return len(messages)
