"""Planning programme events: a coordinator's open knowledge session, joint sessions that
communities plan together, four eyes before leads open something to anyone, changes that
reach calendars, and who sees which event."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from leerkring.accounts.models import ProgrammeRole
from leerkring.events import selectors, services
from leerkring.events.models import Event, EventCommunity, Registration
from leerkring.meetings import services as meeting_services
from leerkring.meetings.models import AgendaItem, Lesson, Meeting
from leerkring.publishing import guard
from tests import factories

pytestmark = pytest.mark.django_db


def fields(**overrides):
    starts = (timezone.now() + datetime.timedelta(days=10)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    return {
        "kind": Event.Kind.KNOWLEDGE_SESSION,
        "audience": Event.Audience.PUBLIC,
        "title": "Maandelijkse kennissessie: werk en taal",
        "description": "Drie CoP's vertellen wat werkt.",
        "format": Event.Format.ONLINE,
        "online_url": "https://meet.example.nl/sessie",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=1, minutes=30),
        "capacity": 50,
        **overrides,
    }


def test_a_coordinator_announces_an_open_session_and_it_is_public_at_once(client, world):
    event = services.event_create(programme=world.programme, by=world.coordinator, **fields())
    assert event.status == Event.Status.DRAFT
    public = reverse("events:public_event", args=[world.programme.slug, event.public_id])
    assert client.get(public).status_code == 404
    services.event_announce(event=event, by=world.coordinator)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    page = client.get(public)
    assert page.status_code == 200
    # The online link is for registrants only.
    assert "meet.example.nl" not in page.content.decode()
    knowledge_base = client.get(reverse("publishing:public_programme", args=[world.programme.slug]))
    assert event.title in knowledge_base.content.decode()


def test_the_guard_reads_an_open_sessions_texts_before_it_goes_public(world):
    event = services.event_create(
        programme=world.programme,
        by=world.coordinator,
        **fields(description="Bel mevrouw Jansen op 06-12345678 voor vragen."),
    )
    with pytest.raises(guard.PersonalDataFound):
        services.event_announce(event=event, by=world.coordinator)
    assert Event.objects.get().status == Event.Status.DRAFT
    services.event_announce(event=event, by=world.coordinator, guard_confirmed=True)
    assert Event.objects.get().status == Event.Status.PUBLISHED


def test_joint_session_needs_every_community_to_agree(world, django_capture_on_commit_callbacks):
    sibling_lead = factories.MembershipFactory(community=world.sibling, role="lead")
    with django_capture_on_commit_callbacks(execute=True):
        event = services.joint_session_propose(
            community=world.community,
            partners=[world.sibling],
            by=world.lead,
            **fields(audience=Event.Audience.PROGRAMME, capacity=None),
        )
    assert event.kind == Event.Kind.JOINT_SESSION
    assert [m.to for m in mail.outbox] == [[sibling_lead.person.email]]
    with pytest.raises(ValidationError):
        services.event_announce(event=event, by=world.lead)
    services.joint_session_answer(
        event=event, community=world.sibling, accept=True, by=sibling_lead.person.user
    )
    services.event_announce(event=event, by=world.lead)
    assert Event.objects.get().status == Event.Status.PUBLISHED


def test_a_joint_session_open_to_anyone_waits_for_a_coordinator(world):
    event = services.joint_session_propose(
        community=world.community, partners=[world.sibling], by=world.lead, **fields()
    )
    EventCommunity.objects.filter(event=event).update(accepted_at=timezone.now())
    services.event_announce(event=event, by=world.lead)
    event.refresh_from_db()
    assert event.status == Event.Status.AWAITING_APPROVAL
    assert selectors.public_events(programme=world.programme) == []
    services.event_approve(event=event, by=world.coordinator)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.approved_by == world.coordinator


def test_four_eyes_the_coordinator_who_asked_does_not_approve(world):
    factories.MembershipFactory(
        community=world.community, person=world.coordinator.person, role="lead"
    )
    event = services.joint_session_propose(
        community=world.community, partners=[world.sibling], by=world.coordinator, **fields()
    )
    EventCommunity.objects.filter(event=event).update(accepted_at=timezone.now())
    # A coordinator announcing publishes at once; make it a lead's request instead.
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.AWAITING_APPROVAL, submitted_by=world.coordinator
    )
    with pytest.raises(ValidationError):
        services.event_approve(event=event, by=world.coordinator)
    second = factories.ProgrammeRoleFactory(
        programme=world.programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user
    services.event_approve(event=event, by=second)


def test_only_a_coordinator_changes_the_text_of_a_public_event(world):
    event = services.joint_session_propose(
        community=world.community, partners=[world.sibling], by=world.lead, **fields()
    )
    EventCommunity.objects.filter(event=event).update(accepted_at=timezone.now())
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    event.refresh_from_db()
    with pytest.raises(ValidationError):
        services.event_update(event=event, by=world.lead, title="Andere titel")
    services.event_update(event=event, by=world.coordinator, title="Andere titel")


def test_a_new_time_updates_the_calendars_of_everyone_with_a_seat(
    world, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(programme=world.programme)
    services.registration_member(event=event, person=world.participant_m.person, by=None)
    mail.outbox.clear()
    later = event.starts_at + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            event=event,
            by=world.coordinator,
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=1),
        )
    event.refresh_from_db()
    assert event.ical_sequence == 1
    (message,) = [m for m in mail.outbox if m.subject.startswith("Gewijzigd")]
    (attachment,) = message.attachments
    (entry,) = Calendar.from_ical(attachment.get_payload(decode=True)).events
    assert int(entry["sequence"]) == 1


def test_cancelling_tells_everyone_registered(world, django_capture_on_commit_callbacks):
    event = factories.EventFactory(programme=world.programme, capacity=1)
    services.registration_member(event=event, person=world.participant_m.person, by=None)
    services.registration_member(event=event, person=world.lead_m.person, by=None)
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.event_cancel(event=event, by=world.coordinator, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        told = services.event_cancel(event=event, by=world.coordinator, reason="Spreker ziek")
    assert told == 2
    cancelled = [m for m in mail.outbox if m.subject.startswith("Afgelast")]
    assert len(cancelled) == 2
    assert all("Spreker ziek" in m.body for m in cancelled)


def test_wrap_up_names_only_what_was_shared(world):
    event = factories.EventFactory(programme=world.programme)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    event.refresh_from_db()
    meeting = factories.MeetingFactory(community=world.community)
    shared = Lesson.objects.create(
        meeting=meeting, community=world.community, text="Gedeeld", shareable=True
    )
    kept = Lesson.objects.create(
        meeting=meeting, community=world.community, text="Binnen", shareable=False
    )
    with pytest.raises(ValidationError):
        services.event_wrap_up(event=event, by=world.coordinator, summary="", lessons=[kept])
    services.event_wrap_up(
        event=event, by=world.coordinator, summary="Goed gesprek", lessons=[shared]
    )
    assert list(event.presented_lessons.all()) == [shared]


def test_who_sees_which_event(client, world):
    guides_only = factories.EventFactory(
        programme=world.programme, audience=Event.Audience.GUIDES, kind=Event.Kind.PEER_SUPERVISION
    )
    draft = factories.EventFactory(programme=world.programme, status=Event.Status.DRAFT)
    members = factories.EventFactory(programme=world.programme, audience=Event.Audience.PROGRAMME)
    url = reverse("events:event_list", args=[world.programme.slug])

    def listed(user):
        client.force_login(user)
        return client.get(url).content.decode()

    as_participant = listed(world.participant)
    assert members.title in as_participant
    assert guides_only.title not in as_participant
    assert draft.title not in as_participant
    assert guides_only.title in listed(world.lead)
    assert draft.title in listed(world.coordinator)
    client.force_login(world.system_partner)
    assert client.get(url).status_code == 403
    client.force_login(world.participant)
    assert client.get(reverse("events:event", args=[guides_only.pk])).status_code == 403


def test_the_home_page_lists_events_for_their_audience(client, world):
    factories.EventFactory(programme=world.programme, title="Open kennissessie")
    factories.EventFactory(
        programme=world.programme, title="Intervisie voor trekkers", audience=Event.Audience.GUIDES
    )
    factories.EventFactory(programme=world.other_programme, title="Elders")
    client.force_login(world.participant)
    page = client.get(reverse("core:home")).content.decode()
    assert "Open kennissessie" in page
    assert "Intervisie voor trekkers" not in page
    assert "Elders" not in page
    client.force_login(world.facilitator)
    assert "Intervisie voor trekkers" in client.get(reverse("core:home")).content.decode()
    client.force_login(world.system_partner)
    assert "Open kennissessie" not in client.get(reverse("core:home")).content.decode()


def test_events_one_registered_for_are_in_the_personal_calendar_feed(client, world):
    event = factories.EventFactory(programme=world.programme, title="In mijn agenda")
    other = factories.EventFactory(programme=world.programme, title="Niet aangemeld")
    services.registration_member(event=event, person=world.participant_m.person, by=None)
    token = meeting_services.calendar_feed_create(person=world.participant_m.person, by=None)
    feed = client.get(reverse("meetings:calendar_feed", args=[token])).content.decode()
    assert "In mijn agenda" in feed
    assert other.title not in feed


def test_the_public_page_lists_only_open_announced_events(client, world):
    factories.EventFactory(programme=world.programme, title="Voor iedereen")
    factories.EventFactory(
        programme=world.programme, title="Alleen leden", audience=Event.Audience.PROGRAMME
    )
    factories.EventFactory(
        programme=world.programme, title="Nog concept", status=Event.Status.DRAFT
    )
    page = client.get(reverse("publishing:public_programme", args=[world.programme.slug]))
    text = page.content.decode()
    assert "Voor iedereen" in text
    assert "Alleen leden" not in text
    assert "Nog concept" not in text
    members_only = Event.objects.get(title="Alleen leden")
    public = reverse("events:public_event", args=[world.programme.slug, members_only.public_id])
    assert client.get(public).status_code == 404


def test_the_community_page_shows_who_else_works_on_its_topics(client, world):
    def held(community, subtopic):
        starts = timezone.now() - datetime.timedelta(days=20)
        meeting = factories.MeetingFactory(
            community=community,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            status=Meeting.Status.HELD,
        )
        AgendaItem.objects.create(
            meeting=meeting,
            title="Casus van mevrouw A.",
            topic_category="procedures",
            subtopic=subtopic,
        )
        return meeting

    held(world.community, "Wachttijden")
    meeting = held(world.sibling, "Wachttijden")
    Lesson.objects.create(
        meeting=meeting, community=world.sibling, text="Gedeeld leerpunt", shareable=True
    )
    Lesson.objects.create(
        meeting=meeting, community=world.sibling, text="Geheim leerpunt", shareable=False
    )
    client.force_login(world.lead)
    page = client.get(reverse("communities:community", args=[world.community.pk])).content.decode()
    assert "Wie werkt hier ook aan?" in page
    assert world.sibling.name in page
    assert "Gedeeld leerpunt" in page
    assert "Geheim leerpunt" not in page
    assert "Casus van mevrouw A." not in page
    assert reverse("events:joint_session_create", args=[world.community.pk]) in page
    client.force_login(world.participant)
    page = client.get(reverse("communities:community", args=[world.community.pk])).content.decode()
    assert world.sibling.name in page
    assert reverse("events:joint_session_create", args=[world.community.pk]) not in page


def test_a_member_registers_from_the_event_page(client, world):
    event = factories.EventFactory(programme=world.programme, audience=Event.Audience.PROGRAMME)
    client.force_login(world.participant)
    response = client.post(reverse("events:event_register", args=[event.pk]))
    assert response.status_code == 302
    assert Registration.objects.get().person == world.participant_m.person
    ics = client.get(reverse("events:event_ics", args=[event.pk]))
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    # A download is published to nobody in particular (RFC 5546 §3.2.1).
    assert b"METHOD:PUBLISH" in ics.content and b"ATTENDEE" not in ics.content
    client.post(reverse("events:event_unregister", args=[event.pk]))
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    assert client.get(reverse("events:event_ics", args=[event.pk])).status_code == 404
