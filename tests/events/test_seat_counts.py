"""The seat counts kept on each event (`events.seat_counts`) against the ones counted from its
registrations, after every kind of change: registering (member and outsider), confirming,
the waiting list moving up on a cancellation and on more seats, erasing a person, a
registration made, moved or deleted without the services, deleting an event and its programme
(cascade), an event read before a registration changed and saved after, the synthetic network
and the demo data; the pages showing them; and that other saves count nothing again."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.communities.synthetic import synth_build
from leerkring.events import selectors, services
from leerkring.events.models import Event, Registration
from leerkring.events.personal_data import personal_data_erase
from leerkring.events.seat_counts import refresh_seat_counts
from tests import factories

pytestmark = pytest.mark.django_db


def assert_kept() -> None:
    """Every event's kept counts equal its registrations counted per status."""
    counted = Counter(Registration.objects.values_list("event_id", "status"))
    kept = {
        pk: (confirmed, waitlisted, pending)
        for pk, confirmed, waitlisted, pending in Event.objects.values_list(
            "pk", "kept_confirmed", "kept_waitlisted", "kept_pending"
        )
    }
    assert kept == {
        pk: (
            counted[(pk, Registration.Status.CONFIRMED)],
            counted[(pk, Registration.Status.WAITLISTED)],
            counted[(pk, Registration.Status.PENDING)],
        )
        for pk in kept
    }


@pytest.fixture
def event(world):
    return factories.EventFactory(programme=world.programme, capacity=2)


def _member(world):
    return factories.MembershipFactory(community=world.community).person


def test_registering_confirming_and_the_waiting_list_keep_the_counts(world, event):
    first = services.registration_member(event=event, person=_member(world), by=None)
    services.registration_member(event=event, person=_member(world), by=None)
    waiting = services.registration_member(event=event, person=_member(world), by=None)
    assert waiting.status == Registration.Status.WAITLISTED
    assert_kept()
    services.registration_public_request(event=event, name="Fatima Yilmaz", email="f@example.nl")
    outsider = Registration.objects.get(email="f@example.nl")
    assert Event.objects.get(pk=event.pk).kept_pending == 1
    assert_kept()
    services.registration_confirm(registration=outsider)  # full: the waiting list
    assert_kept()
    services.registration_cancel(registration=first, by=None)  # the first waiting moves up
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert_kept()
    services.event_update(event=event, by=world.coordinator, capacity=5)  # the rest moves up
    assert Event.objects.get(pk=event.pk).kept_waitlisted == 0
    assert_kept()
    services.registration_cancel(registration=waiting, by=None)
    assert_kept()
    services.event_cancel(event=event, by=world.coordinator, reason="De spreker is ziek.")
    assert_kept()


def test_erasing_a_person_cancels_their_seats_and_keeps_the_counts(world, event):
    gone = _member(world)
    services.registration_member(event=event, person=gone, by=None)
    services.registration_member(event=event, person=_member(world), by=None)
    services.registration_member(event=event, person=_member(world), by=None)
    personal_data_erase(person=gone, user=None, by=None)
    assert Event.objects.get(pk=event.pk).kept_confirmed == 2
    assert_kept()


def test_rows_made_changed_and_deleted_without_the_services_keep_the_counts(world, event):
    other = factories.EventFactory(programme=world.programme)
    made = [
        Registration.objects.create(
            event=target, name=f"R {n}", email=f"r{n}-{target.pk}@example.nl", status=status
        )
        for n, (target, status) in enumerate(
            [(event, "confirmed"), (event, "waitlisted"), (event, "pending"), (other, "confirmed")]
        )
    ]
    assert_kept()
    made[1].status = Registration.Status.CANCELLED
    made[1].save()
    assert_kept()
    made[0].delete()
    assert_kept()
    Registration.objects.filter(event=other).delete()
    assert Event.objects.get(pk=other.pk).kept_confirmed == 0
    assert_kept()


def _event_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "events_event" SET "kept_confirmed"')
    ]


def test_a_registration_moved_and_many_deleted_at_once_keep_the_counts(world, event):
    other = factories.EventFactory(programme=world.programme)
    made = [
        Registration.objects.create(
            event=event, name=f"R {n}", email=f"r{n}@example.nl", status="confirmed"
        )
        for n in range(3)
    ]
    made[0].event = other
    made[0].save()
    assert Event.objects.get(pk=other.pk).kept_confirmed == 1
    assert_kept()
    with CaptureQueriesContext(connection) as queries:
        Registration.objects.filter(pk__in=[r.pk for r in made]).delete()
    assert len(_event_writes(queries)) == 2  # once per event, not per registration
    assert_kept()


def test_only_a_change_of_status_or_event_counts_again(world, event):
    registration = services.registration_member(event=event, person=_member(world), by=None)
    with CaptureQueriesContext(connection) as queries:
        registration.attended = True
        registration.save(update_fields=["attended"])
        registration.save()  # read, unchanged
        Registration.objects.get(pk=registration.pk).save()
        event.title = "Kennissessie: werk en taal"
        event.save(update_fields=["title"])
    assert _event_writes(queries) == []
    assert_kept()
    with CaptureQueriesContext(connection) as queries:
        services.registration_cancel(registration=registration, by=None)
    assert len(_event_writes(queries)) == 1
    assert_kept()


def test_an_event_read_before_a_registration_changed_keeps_the_new_counts(world, event):
    stale = Event.objects.get(pk=event.pk)
    services.registration_member(event=event, person=_member(world), by=None)
    stale.title = "Kennissessie: werk en taal"
    stale.save()
    assert Event.objects.get(pk=event.pk).kept_confirmed == 1
    assert_kept()


def test_deleting_an_event_or_its_programme_leaves_the_other_counts_right(world, event):
    other = factories.EventFactory(programme=world.programme)
    for target in (event, other):
        services.registration_member(event=target, person=_member(world), by=None)
    event.delete()
    assert_kept()
    # A programme without communities yet can go, its events and registrations with it.
    empty = factories.ProgrammeFactory()
    for n, target in enumerate(factories.EventFactory(programme=empty) for _ in range(2)):
        services.registration_public_request(event=target, name="Gast", email=f"gast{n}@example.nl")
    empty.delete()
    assert list(Event.objects.values_list("pk", flat=True)) == [other.pk]
    assert_kept()


def test_the_refresh_puts_every_count_right(world, event):
    services.registration_member(event=event, person=_member(world), by=None)
    Event.objects.filter(pk=event.pk).update(kept_confirmed=7, kept_pending=3)
    refresh_seat_counts()
    assert_kept()


def test_the_synthetic_network_keeps_the_counts(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        assert Event.objects.filter(kept_confirmed__gt=0).exists()
        assert Event.objects.filter(kept_waitlisted__gt=0).exists()
        assert_kept()
        transaction.set_rollback(True)


def test_the_demo_data_keeps_the_counts(db):
    call_command("demo", stdout=io.StringIO())
    assert Event.objects.filter(kept_confirmed__gt=0).exists()
    assert_kept()


def test_no_code_changes_a_registration_status_past_save():
    """A queryset `update` or `bulk_update` of a registration's status would not reach the
    refresh of the kept counts; every such change goes through `save()`. And a registration
    is only deleted by a cascade together with its event."""
    root = Path(__file__).resolve().parents[2] / "leerkring"
    pattern = re.compile(r"(\.update\(|bulk_update\()[^)]*\bstatus\b", re.S)
    offenders = [
        str(path.relative_to(root))
        for path in (root / "events").rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []
    cascading = [
        field.name
        for field in Registration._meta.concrete_fields
        if field.is_relation and field.remote_field.on_delete.__name__ == "CASCADE"
    ]
    assert cascading == ["event"]


def test_the_pages_show_the_counted_seats(client, world, event):
    for _ in range(3):
        services.registration_member(event=event, person=_member(world), by=None)
    assert_kept()
    shown = selectors.event_for_page(pk=event.pk)
    assert (shown.confirmed_count, shown.waitlist_count) == (2, 1)
    seats = selectors.seats(shown)
    assert (seats.confirmed, seats.waitlisted, seats.pending, seats.full) == (2, 1, 0, True)
    public = selectors.public_event(programme=world.programme, public_id=event.public_id)
    assert (public.confirmed_count, public.waitlist_count) == (2, 1)
    (listed,), _past = selectors.public_event_search(programme=world.programme)
    assert listed.confirmed_count == 2
    response = client.get(
        reverse("events:public_event", args=[world.programme.slug, event.public_id])
    )
    assert "Vol – je kunt je op de wachtlijst zetten." in response.content.decode()
    client.force_login(world.coordinator)
    response = client.get(reverse("events:event", args=[event.pk]))
    assert "2 van 2 plaatsen bezet, 1 op de wachtlijst" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_registration_saved_outside_a_transaction_is_saved_with_its_counts(monkeypatch):
    # Counted in the save's own transaction: a count that fails takes the save back with it.
    from leerkring.events import seat_counts

    event = factories.EventFactory(capacity=2)

    def failing(event_ids):
        raise RuntimeError("the count failed")

    monkeypatch.setattr(seat_counts, "refresh_seat_counts", failing)
    with pytest.raises(RuntimeError):
        Registration(event=event, name="Fatima Yilmaz", email="f@example.nl").save()
    assert not Registration.objects.exists()


def test_a_save_of_the_whole_event_leaves_the_kept_counts_to_the_registrations(world, event):
    stale = Event.objects.get(pk=event.pk)
    services.registration_member(event=event, person=_member(world), by=None)
    stale.title = "Kennissessie: werk en taal"
    with CaptureQueriesContext(connection) as queries:
        stale.save()
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"title"' in update and "kept_" not in update
    assert _event_writes(queries) == []
    assert Event.objects.get(pk=event.pk).title == "Kennissessie: werk en taal"
    assert_kept()
    # A save naming the kept counts writes the instance's, and they are counted again at once.
    stale.save(update_fields=["kept_confirmed"])
    assert_kept()
    # A deferred field stays unread and unwritten.
    partial = Event.objects.only("pk", "title").get(pk=event.pk)
    partial.title = "Kennissessie"
    with CaptureQueriesContext(connection) as queries:
        partial.save()
    assert sum(q["sql"].startswith("UPDATE") for q in queries.captured_queries) == 1
    assert [q for q in queries.captured_queries if q["sql"].startswith("SELECT")] == []


def test_the_waiting_list_moving_up_counts_the_event_once(world, event):
    for _ in range(5):
        services.registration_member(event=event, person=_member(world), by=None)
    with CaptureQueriesContext(connection) as queries:
        services.event_update(event=event, by=world.coordinator, capacity=5)  # three move up
    assert Registration.objects.filter(event=event, status="confirmed").count() == 5
    assert len(_event_writes(queries)) == 1
    assert_kept()


def test_a_registration_delete_tried_again_after_a_failure_keeps_the_counts(world, event):
    from django.db.models.signals import pre_delete

    made = [
        Registration.objects.create(
            event=event, name=f"R {n}", email=f"r{n}@example.nl", status="confirmed"
        )
        for n in range(2)
    ]
    attempts = []

    def failing_once(sender, instance, **kwargs):
        attempts.append(instance.pk)
        if len(attempts) == 2:  # after both rows were announced to the counts
            raise RuntimeError("a lock could not be taken")

    pre_delete.connect(failing_once, sender=Registration, dispatch_uid="test_failing_once")
    doomed = Registration.objects.filter(pk__in=[r.pk for r in made])
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            doomed.delete()
        doomed.delete()  # the same queryset again
    finally:
        pre_delete.disconnect(sender=Registration, dispatch_uid="test_failing_once")
    assert not Registration.objects.exists()
    assert Event.objects.get(pk=event.pk).kept_confirmed == 0
    assert_kept()
