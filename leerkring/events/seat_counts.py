"""An event's count of registrations with a seat, on the waiting list and waiting for the
address check, kept on the event so its pages and the lists of events show them without
counting the registrations on each request (issue 17: at five times national scale the busiest
session has 500 registrations, and the programme's list counted those of every event shown).

As every kept figure, the counts follow the rows they count through signals, in the same
transaction and with the event's row locked first (`core.locking.lock_in_order`; a count made
before the lock could miss a registration another transaction is committing):
- a registration made, or saved with another status or event (a save naming other fields in
  `update_fields` — attendance, reminders — counts nothing);
- a registration deleted on its own or in a queryset, once per event per delete
  (`core.delete_runs`); one deleted because its event is deleted (its one cascading key) needs
  nothing;
- a save of the whole event writes none of them (`Event.save` leaves them out: the instance
  holds them as they were when it was read, perhaps before a registration changed); a save
  that names them, or a raw one, counts them again at once.
The registration services lock the event before they change a registration anyway; the
waiting list moving up saves several registrations of one event and counts them once, after
the last (`counted_once`). Writes that
bypass `save()` (bulk inserts of the synthetic network and the demo data) call
`refresh_seat_counts` afterwards; no code changes a registration's status by a queryset update
(a test holds it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from leerkring.core.delete_runs import PerDelete
from leerkring.core.locking import lock_in_order
from leerkring.core.row_before import RowBefore

from .models import Event, Registration

KEPT = {
    "kept_confirmed": Registration.Status.CONFIRMED,
    "kept_waitlisted": Registration.Status.WAITLISTED,
    "kept_pending": Registration.Status.PENDING,
}
# The fields of a registration the counts read.
COUNTED_FIELDS = frozenset({"status", "event", "event_id"})


def _counted(status: str) -> Coalesce:
    of_event = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(of_event, output_field=IntegerField()), 0)


def counted_seats() -> dict[str, Coalesce]:
    """The kept counts as counted from the registrations (for the refresh and the tests)."""
    return {field: _counted(status) for field, status in KEPT.items()}


def refresh_seat_counts(event_ids: list[int] | None = None) -> int:
    """Count the registrations of these events (all when None) again and keep the counts.
    Two queries. Returns how many events were refreshed."""
    events: QuerySet[Event] = Event.objects.all()
    if event_ids is not None:
        events = events.filter(pk__in=event_ids)
    with transaction.atomic():
        ids = lock_in_order(events)
        if not ids:
            return 0
        return Event.objects.filter(pk__in=ids).update(**counted_seats())


class Place(NamedTuple):
    event_id: int
    status: str


# Where the registration stood before this save, read when the save may move it to another
# event (a save of the whole row, or one naming the event); a save naming its status only
# changes it on the same event, and a new registration stood nowhere.
place_before = RowBefore(Place, watched={"event", "event_id"})


def registration_saving(
    sender, instance: Registration, raw: bool = False, update_fields=None, **kwargs
) -> None:
    place_before.read(instance, raw=raw, update_fields=update_fields)


_held = threading.local()


@contextmanager
def counted_once() -> Iterator[None]:
    """Registrations saved inside count their events once, at the end (in the caller's
    transaction), instead of once per save; inside another such block, at the end of that."""
    if getattr(_held, "events", None) is not None:
        yield
        return
    _held.events = set()
    try:
        yield
        events = _held.events
    finally:
        _held.events = None
    if events:
        refresh_seat_counts(sorted(events))


def registration_saved(
    sender, instance: Registration, created: bool = False, update_fields=None, **kwargs
) -> None:
    if update_fields is not None and not COUNTED_FIELDS & set(update_fields):
        return
    before = None if created else place_before(instance)
    if before == place_before.now(instance):
        return
    events = {instance.event_id, before.event_id if before else None} - {None}
    held = getattr(_held, "events", None)
    if held is not None:
        held.update(events)
        return
    refresh_seat_counts(sorted(events))


def _on_its_own(origin) -> bool:
    # Deleted on its own or in a queryset of registrations, not because its event went.
    return isinstance(origin, Registration) or (
        isinstance(origin, QuerySet) and origin.model is Registration
    )


_deletes = PerDelete()


def registration_deleting(sender, instance: Registration, origin=None, **kwargs) -> None:
    if _on_its_own(origin):
        _deletes.expect(origin, instance.event_id)


def registration_deleted(sender, instance: Registration, origin=None, **kwargs) -> None:
    """A registration deleted on its own leaves its event's counts: counted again once per
    event per delete, after its last registration in it."""
    if _on_its_own(origin) and _deletes.last(origin, instance.event_id):
        refresh_seat_counts([instance.event_id])


def event_saved(sender, instance: Event, created: bool = False, update_fields=None, **kwargs):
    """A save that wrote the kept counts (naming them, or a raw one) wrote them as they were
    when the instance was read; a new event has no registrations, and any other save (also one
    of the whole event, `Event.save`) wrote none of them."""
    if created or (update_fields is not None and not set(KEPT) & set(update_fields)):
        return
    refresh_seat_counts([instance.pk])


def connect() -> None:
    pre_save.connect(registration_saving, sender=Registration, dispatch_uid="kept_seats")
    post_save.connect(registration_saved, sender=Registration, dispatch_uid="kept_seats")
    pre_delete.connect(registration_deleting, sender=Registration, dispatch_uid="kept_seats")
    post_delete.connect(registration_deleted, sender=Registration, dispatch_uid="kept_seats")
    post_save.connect(event_saved, sender=Event, dispatch_uid="kept_seats")
