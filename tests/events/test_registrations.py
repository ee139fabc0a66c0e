"""Registering for programme events: seats and the waiting list, double opt-in for people
without an account, links that carry only opaque tokens, reminders, attendance, and the
removal of public registrants' data after the event."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from leerkring.core.models import AuditEvent
from leerkring.core.retention import apply_retention
from leerkring.events import selectors, services
from leerkring.events.models import Event, Registration, RegistrationToken, token_hash
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN_LINK = re.compile(r"http://[^/\s]+(/events/(?:confirm|registration)/([A-Za-z0-9_\-]+)/)")


@pytest.fixture
def event(world):
    return factories.EventFactory(programme=world.programme, capacity=2)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (e-mails) when the block ends."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def person(world, name):
    return getattr(world, f"{name}_m").person


def calendar_of(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if "calendar" in str(a.get_content_type())]
    return Calendar.from_ical(attachment.get_payload(decode=True))


def links(message) -> list[tuple[str, str]]:
    return TOKEN_LINK.findall(message.body)


def test_a_member_registers_and_gets_the_calendar_invitation(world, event, on_commit):
    with on_commit():
        registration = services.registration_member(
            event=event, person=person(world, "participant"), by=world.participant
        )
    assert registration.status == Registration.Status.CONFIRMED
    (message,) = mail.outbox
    assert message.to == [world.participant.email]
    calendar = calendar_of(message)
    (entry,) = calendar.events
    assert str(calendar["method"]) == "REQUEST"
    assert world.participant.email in str(entry["attendee"])
    assert str(entry["summary"]) == event.title
    assert event.online_url in str(entry["location"])
    # Registering again changes nothing.
    again = services.registration_member(
        event=event, person=person(world, "participant"), by=world.participant
    )
    assert again.pk == registration.pk


def test_a_full_event_puts_people_on_the_waiting_list_which_moves_up(world, event, on_commit):
    first = services.registration_member(event=event, person=person(world, "participant"), by=None)
    services.registration_member(event=event, person=person(world, "lead"), by=None)
    waiting = services.registration_member(
        event=event, person=person(world, "facilitator"), by=None
    )
    assert waiting.status == Registration.Status.WAITLISTED
    assert selectors.waitlist_position(waiting) == 1
    mail.outbox.clear()
    with on_commit():
        services.registration_cancel(registration=first, by=world.participant)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    moved = [m for m in mail.outbox if "vrijgekomen" in m.subject]
    assert len(moved) == 1
    assert moved[0].to == [world.facilitator.email]
    assert calendar_of(moved[0]).events
    cancelled = [m for m in mail.outbox if m.subject.startswith("Afgemeld")]
    assert cancelled[0].to == [world.participant.email]
    assert str(calendar_of(cancelled[0])["method"]) == "CANCEL"
    assert AuditEvent.objects.filter(verb="event.registration.moved_up").count() == 1


def test_more_seats_move_the_waiting_list_up_in_order(world, event):
    for name in ("participant", "lead"):
        services.registration_member(event=event, person=person(world, name), by=None)
    waiting = []
    for _ in range(3):
        member = factories.MembershipFactory(community=world.community)
        waiting.append(services.registration_member(event=event, person=member.person, by=None))
    services.event_update(event=event, by=world.coordinator, capacity=4)
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_an_outsider_confirms_their_address_before_they_get_a_seat(client, world, event, on_commit):
    url = reverse("events:public_event", args=[world.programme.slug, event.public_id])
    with on_commit():
        response = client.post(url, {"name": "Fatima Yilmaz", "email": "Fatima@Example.org"})
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.email == "fatima@example.org"
    assert selectors.seats(event).confirmed == 0  # no seat held before confirming
    (message,) = mail.outbox
    ((path, token),) = links(message)
    # The link carries an opaque token: no id, no address; only its hash is stored.
    assert str(registration.pk) not in path.replace(token, "")
    assert "fatima" not in path
    assert not RegistrationToken.objects.filter(token_hash=token).exists()
    assert RegistrationToken.objects.filter(token_hash=token_hash(token)).exists()
    # Opening the link only asks (mail scanners open links).
    assert client.get(path).status_code == 200
    assert Registration.objects.get().status == Registration.Status.PENDING
    mail.outbox.clear()
    with on_commit():
        client.post(path)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    (confirmation,) = mail.outbox
    assert calendar_of(confirmation).events
    ((manage_path, _token),) = links(confirmation)
    assert "/events/registration/" in manage_path
    # The confirmation link is used up.
    assert client.get(path).status_code == 404


def test_the_page_says_the_same_for_an_address_already_registered(client, world, event, on_commit):
    url = reverse("events:public_event", args=[world.programme.slug, event.public_id])
    first = client.post(url, {"name": "A", "email": "a@example.org"})
    with on_commit():
        second = client.post(url, {"name": "A", "email": "a@example.org"})
    # Equal but for the (masked) CSRF token every page carries.
    csrf = re.compile(rb'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub(b"", first.content) == csrf.sub(b"", second.content)
    assert Registration.objects.count() == 1
    # The owner of the address gets a new confirmation link; the page told nobody.
    assert any("a@example.org" in m.to for m in mail.outbox)


def test_the_personal_link_cancels_and_the_waiting_list_moves_up(client, world, event, on_commit):
    services.registration_member(event=event, person=person(world, "participant"), by=None)
    with on_commit():
        services.registration_public_request(event=event, name="Bo", email="bo@example.org")
    (_path, token) = links(mail.outbox[-1])[0]
    with on_commit():
        services.registration_confirm(
            registration=selectors.registration_for_token(token, RegistrationToken.Purpose.CONFIRM)
        )
    waiting = services.registration_member(event=event, person=person(world, "lead"), by=None)
    assert waiting.status == Registration.Status.WAITLISTED
    (manage_path, _token) = links(mail.outbox[-1])[0]
    page = client.get(manage_path)
    assert page.status_code == 200
    assert Registration.objects.get(email="bo@example.org").status == "confirmed"
    assert client.get(manage_path + "calendar.ics").status_code == 200
    client.post(manage_path)
    assert Registration.objects.get(email="bo@example.org").status == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_unknown_tokens_reveal_nothing(client):
    assert client.get(reverse("events:confirm", args=["nope"])).status_code == 404
    assert client.get(reverse("events:manage", args=["nope"])).status_code == 404


def test_registration_closes_when_the_event_starts_or_is_cancelled(world, event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    event.refresh_from_db()
    with pytest.raises(ValidationError):
        services.registration_member(event=event, person=person(world, "participant"), by=None)
    other = factories.EventFactory(programme=world.programme)
    services.event_cancel(event=other, by=world.coordinator, reason="Ziekte van de spreker")
    with pytest.raises(ValidationError):
        services.registration_public_request(event=other, name="X", email="x@example.org")


def test_robots_fill_the_honeypot_and_nothing_is_stored(client, world, event):
    url = reverse("events:public_event", args=[world.programme.slug, event.public_id])
    client.post(url, {"name": "Bot", "email": "bot@example.org", "website": "spam"})
    assert not Registration.objects.exists()


def test_too_many_registrations_from_one_address(client, world, event, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    url = reverse("events:public_event", args=[world.programme.slug, event.public_id])
    for n in range(10):
        assert client.post(url, {"name": "N", "email": f"n{n}@example.org"}).status_code == 200
    assert client.post(url, {"name": "N", "email": "n11@example.org"}).status_code == 429
    assert Registration.objects.count() == 10


def test_reminders_go_once_to_everyone_with_a_seat(world, event, settings, on_commit):
    services.registration_member(event=event, person=person(world, "participant"), by=None)
    services.registration_member(event=event, person=person(world, "lead"), by=None)
    services.registration_member(event=event, person=person(world, "facilitator"), by=None)
    mail.outbox.clear()
    settings.EVENT_REMINDER_DAYS = 30  # due now
    with on_commit():
        sent = services.event_reminders_send(
            event_id=event.pk, sequence=event.ical_sequence, starts_at=event.starts_at
        )
    assert sent == 2
    reminded = [m for m in mail.outbox if m.subject.startswith("Herinnering")]
    assert {m.to[0] for m in reminded} == {world.participant.email, world.lead.email}
    assert (
        services.event_reminders_send(
            event_id=event.pk, sequence=event.ical_sequence, starts_at=event.starts_at
        )
        == 0
    )
    # A reminder queued for an older version of the event is skipped.
    assert (
        services.event_reminders_send(
            event_id=event.pk, sequence=event.ical_sequence + 1, starts_at=event.starts_at
        )
        == 0
    )


def test_a_reminder_waits_until_it_is_due(world, event, settings):
    services.registration_member(event=event, person=person(world, "participant"), by=None)
    settings.EVENT_REMINDER_DAYS = 2  # the event is a week ahead
    assert (
        services.event_reminders_send(
            event_id=event.pk, sequence=event.ical_sequence, starts_at=event.starts_at
        )
        == 0
    )


def test_public_registrants_data_is_removed_after_the_retention_period(world, event, settings):
    settings.EVENT_REGISTRATION_RETENTION_DAYS = 30
    services.registration_member(event=event, person=person(world, "participant"), by=None)
    services.registration_public_request(event=event, name="Fatima", email="f@example.org")
    registration = Registration.objects.get(email="f@example.org")
    services.registration_confirm(registration=registration)
    registration.refresh_from_db()
    registration.attended = True
    registration.save()

    def retention(days_after_event):
        results = apply_retention(now=event.ends_at + datetime.timedelta(days=days_after_event))
        (result,) = [r for r in results if r.rule.key == "event_registrations"]
        return result.count

    assert retention(29) == 0
    assert retention(31) == 1
    registration.refresh_from_db()
    assert (registration.name, registration.email, registration.organisation_name) == ("", "", "")
    assert registration.anonymised_at is not None
    assert registration.attended is True and registration.status == "confirmed"
    assert not RegistrationToken.objects.filter(registration=registration).exists()
    assert Registration.objects.filter(person__isnull=False).get().person is not None
    # Safe to run twice.
    assert retention(31) == 0
    out = io.StringIO()
    call_command("apply_retention", stdout=out)


def test_organisers_see_names_never_addresses(client, world, event):
    services.registration_public_request(event=event, name="Fatima Yilmaz", email="f@example.org")
    services.registration_confirm(registration=Registration.objects.get())
    client.force_login(world.coordinator)
    page = client.get(reverse("events:registrations", args=[event.pk])).content.decode()
    assert "Fatima Yilmaz" in page
    assert "f@example.org" not in page


def test_attendance_after_the_event(world, event):
    present = services.registration_member(
        event=event, person=person(world, "participant"), by=None
    )
    absent = services.registration_member(event=event, person=person(world, "lead"), by=None)
    with pytest.raises(ValidationError):
        services.attendance_record(event=event, present={present.pk}, extra=3, by=world.coordinator)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    event.refresh_from_db()
    counts = services.attendance_record(
        event=event, present={present.pk}, extra=12, by=world.coordinator
    )
    assert counts == {"present": 1, "absent": 1, "extra": 12}
    absent.refresh_from_db()
    assert absent.attended is False


def test_leaving_leerkring_gives_up_seats_ahead_and_keeps_past_attendance(world, event):
    from leerkring.core.personal_data import collect_personal_data, erase_personal_data

    past = factories.EventFactory(programme=world.programme)
    services.registration_member(event=past, person=person(world, "participant"), by=None)
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-1),
    )
    services.registration_member(event=event, person=person(world, "participant"), by=None)
    services.registration_member(event=event, person=person(world, "lead"), by=None)
    waiting = services.registration_member(
        event=event, person=person(world, "facilitator"), by=None
    )
    chapters = collect_personal_data(person=person(world, "participant"), user=world.participant)
    (events_part,) = [c for c in chapters if c.key == "events"]
    assert len(events_part.sections["Aanmeldingen voor activiteiten"]) == 2
    erase_personal_data(person=person(world, "participant"), user=world.participant, by=None)
    ahead = Registration.objects.get(event=event, person=person(world, "participant"))
    assert ahead.status == Registration.Status.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert Registration.objects.get(event=past).status == Registration.Status.CONFIRMED


def test_seat_counts_match_the_joined_counts_they_replace(world):
    """The confirmed and waiting counts per event, counted per event shown, are those of the
    former join of every registration of the listed events (past and upcoming, with none,
    some of each status)."""
    from django.db.models import Count, Q

    now = timezone.now()
    events = [
        factories.EventFactory(
            programme=world.programme,
            starts_at=now + datetime.timedelta(days=d),
            ends_at=now + datetime.timedelta(days=d, hours=2),
        )  # fmt: skip
        for d in (-30, -3, 2, 9)
    ]
    statuses = [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED,
                Registration.Status.PENDING, Registration.Status.CANCELLED]  # fmt: skip
    for i, event in enumerate(events[1:], start=1):
        for n in range(i * 3):
            Registration.objects.create(
                event=event, name=f"R {n}", email=f"r{i}-{n}@example.nl",
                status=statuses[n % len(statuses)],
            )  # fmt: skip
    joined = {
        "confirmed_old": Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        ),
        "waitlist_old": Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    }
    for past in (False, True):
        for user in (world.coordinator, world.participant):
            new = selectors.events_of_programme(programme=world.programme, user=user, past=past)
            old = new.annotate(**joined)
            assert [(e.pk, e.confirmed_count, e.waitlist_count) for e in new] == [
                (e.pk, e.confirmed_old, e.waitlist_old) for e in old
            ]
            assert new.count() == old.count()
    page = selectors.event_for_page(pk=events[-1].pk)
    assert (page.confirmed_count, page.waitlist_count) == (3, 2)
