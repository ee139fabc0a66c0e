"""An event's count of registrations with a seat, on the waiting list and waiting for the
address check, kept on the event so its pages and the lists of events show them without
counting the registrations on each request (issue 17: at five times national scale the busiest
session has 500 registrations, and the programme's list counted those of every event shown).

The counts are refreshed whenever a registration is saved or deleted, in the same transaction
and with the event's row locked first (a count made before the lock could miss a registration
another transaction is committing). The registration services lock the event before they
change a registration anyway. Writes that bypass `save()` (bulk inserts of the synthetic
network and the demo data) call `refresh_seat_counts` afterwards; no code changes a
registration's status by a queryset update (a test holds it). A registration is only deleted
by a cascade when its event is (its one cascading key), so the event's counts go with it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Event, Registration

KEPT = {
    "kept_confirmed": Registration.Status.CONFIRMED,
    "kept_waitlisted": Registration.Status.WAITLISTED,
    "kept_pending": Registration.Status.PENDING,
}


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
        ids = list(events.select_for_update().order_by("pk").values_list("pk", flat=True))
        if not ids:
            return 0
        return Event.objects.filter(pk__in=ids).update(**counted_seats())


def registration_deleted(sender, instance: Registration, origin=None, **kwargs) -> None:
    """A registration deleted on its own (or in a queryset of registrations) leaves its event's
    counts; one deleted because its event is deleted needs no refresh."""
    if isinstance(origin, Registration) or (
        isinstance(origin, QuerySet) and origin.model is Registration
    ):
        refresh_seat_counts([instance.event_id])
