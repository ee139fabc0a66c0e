"""After a programme event: the recording becomes a product of the programme, an open event's
public page shows its look back (only what may be public), the public list of open events
finds past and coming sessions, and the next session of a monthly series is planned from the
last one."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.core.audit import AuditEvent
from leerkring.dissemination.models import Product
from leerkring.events import services
from leerkring.events.forms import same_weekday_next_month
from leerkring.events.models import Event, EventCommunity
from leerkring.meetings.models import Lesson
from leerkring.publishing import guard
from tests import factories

pytestmark = pytest.mark.django_db

RECORDING = "https://video.example.nl/kennissessie-mei"


def held(world, **fields) -> Event:
    """An announced event that ended yesterday."""
    starts = timezone.now() - datetime.timedelta(days=1, hours=2)
    return factories.EventFactory(
        programme=world.programme,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1, minutes=30),
        **fields,
    )


def public_page(world, event):
    return reverse("events:public_event", args=[world.programme.slug, event.public_id])


def test_the_recording_becomes_a_product_of_the_programme(world):
    event = held(world, title="Kennissessie: werk en taal")
    services.event_wrap_up(
        event=event, by=world.coordinator, summary="Korte lijnen werken.", recording_url=RECORDING
    )
    event.refresh_from_db()
    product = event.recording
    assert product.title == "Opname: Kennissessie: werk en taal"
    assert product.kind == Product.Kind.WEBINAR
    assert product.programme == world.programme
    assert product.shareable and product.status == Product.Status.READY
    assert product.scope == Product.Scope.NATIONAL
    assert [link.url for link in product.links.all()] == [RECORDING]
    assert list(product.communities.all()) == []
    assert AuditEvent.objects.filter(verb="product.created", object_id=product.pk).exists()
    # One recording per event: a second link goes to the product's own page.
    with pytest.raises(ValidationError) as raised:
        services.event_wrap_up(
            event=event, by=world.coordinator, summary="", recording_url=RECORDING + "-2"
        )
    assert "recording_url" in raised.value.error_dict
    assert Product.objects.count() == 1


def test_the_communities_of_a_joint_session_stand_behind_its_recording(world):
    event = held(
        world, kind=Event.Kind.JOINT_SESSION, audience=Event.Audience.PROGRAMME, title="Samen"
    )
    now = timezone.now()
    EventCommunity.objects.create(event=event, community=world.community, accepted_at=now)
    EventCommunity.objects.create(event=event, community=world.sibling, accepted_at=now)
    services.event_wrap_up(
        event=event,
        by=world.lead,
        summary="",
        recording_url=RECORDING,
        recording_title="Opname gezamenlijke sessie",
    )
    event.refresh_from_db()
    assert event.recording.title == "Opname gezamenlijke sessie"
    assert set(event.recording.communities.all()) == {world.community, world.sibling}


def test_the_guard_reads_an_open_events_look_back_before_it_goes_public(world):
    event = held(world)
    with pytest.raises(guard.PersonalDataFound):
        services.event_wrap_up(
            event=event, by=world.coordinator, summary="Bel Jan de Vries op 06-12345678."
        )
    event.refresh_from_db()
    assert event.wrapped_up_at is None and event.summary == ""
    services.event_wrap_up(
        event=event,
        by=world.coordinator,
        summary="Bel Jan de Vries op 06-12345678.",
        guard_confirmed=True,
    )
    members_only = held(world, audience=Event.Audience.PROGRAMME)
    # Not public: the summary stays inside the programme, no check needed.
    services.event_wrap_up(
        event=members_only, by=world.coordinator, summary="Bel Jan de Vries op 06-12345678."
    )


def test_an_open_events_public_page_shows_its_look_back_and_only_what_is_public(client, world):
    event = held(world, title="Kennissessie: wachttijden")
    public_item = factories.PublicationFactory(community=world.community, title="Openbaar punt")
    inside = Lesson.objects.create(
        meeting=factories.MeetingFactory(community=world.community),
        community=world.community,
        text="Alleen in het programma gedeeld",
        shareable=True,
    )
    services.event_wrap_up(
        event=event,
        by=world.coordinator,
        summary="De deelnemers namen **korte lijnen** mee.",
        lessons=[public_item.lesson, inside],
        recording_url=RECORDING,
    )
    page = client.get(public_page(world, event)).content.decode()
    assert "Terugblik" in page
    assert "<strong>korte lijnen</strong>" in page
    assert RECORDING in page
    assert "Openbaar punt" in page
    assert (
        reverse("publishing:public_item", args=[world.programme.slug, public_item.public_id])
        in page
    )
    assert "Alleen in het programma gedeeld" not in page
    assert "Aanmelden" not in page  # over: no registration form
    # The programme stops sharing the recording: its link leaves the public page at once.
    event.refresh_from_db()
    assert Product.objects.filter(pk=event.recording_id).update(shareable=False) == 1
    page = client.get(public_page(world, event)).content.decode()
    assert RECORDING not in page
    assert "korte lijnen" in page


def test_the_wrap_up_page_asks_to_confirm_what_the_guard_found(client, world):
    event = held(world)
    client.force_login(world.coordinator)
    url = reverse("events:wrap_up", args=[event.pk])
    page = client.get(url).content.decode()
    assert 'name="recording_url"' in page
    assert 'name="confirmed"' not in page
    data = {"summary": "Mail ons: jan@example.nl", "recording_url": RECORDING}
    response = client.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'name="confirmed"' in text and "lk-guard-hit" in text
    assert Product.objects.count() == 0
    response = client.post(url, {**data, "confirmed": "on"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.recording.links.get().url == RECORDING
    page = client.get(url).content.decode()
    assert 'name="recording_url"' not in page
    assert reverse("dissemination:product", args=[event.recording_id]) in page


def test_the_public_list_finds_coming_and_past_open_events(client, world):
    coming = factories.EventFactory(programme=world.programme, title="Kennissessie: taal en werk")
    past = held(world, title="Kennissessie: jongeren na de ISK")
    services.event_wrap_up(event=past, by=world.coordinator, summary="Over de route na de ISK.")
    factories.EventFactory(programme=world.programme, title="Voor leden", audience="programme")
    factories.EventFactory(programme=world.programme, title="Nog een concept", status="draft")
    factories.EventFactory(programme=world.other_programme, title="Ander programma")
    url = reverse("events:public_event_list", args=[world.programme.slug])
    page = client.get(url).content.decode()
    assert coming.title in page and past.title in page and "met terugblik" in page
    for hidden in ("Voor leden", "Nog een concept", "Ander programma"):
        assert hidden not in page
    found = client.get(url, {"q": "route"}).content.decode()  # in the look back's summary
    assert past.title in found and coming.title not in found
    national_day = client.get(url, {"kind": "national_day"}).content.decode()
    assert past.title not in national_day and coming.title not in national_day
    last_year = client.get(url, {"year": str(past.starts_at.year - 1)}).content.decode()
    assert past.title in last_year  # an unknown year is ignored, not an empty page
    # The knowledge base's search leads on to the events with the same words.
    knowledge_base = client.get(
        reverse("publishing:public_programme", args=[world.programme.slug]), {"q": "route"}
    ).content.decode()
    assert f"{url}?q=route" in knowledge_base


def test_the_public_list_query_count_does_not_grow(client, world):
    url = reverse("events:public_event_list", args=[world.programme.slug])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    held(world)
    factories.EventFactory(programme=world.programme)
    few = count()
    for _ in range(5):
        services.event_wrap_up(event=held(world), by=world.coordinator, summary="Verslag")
        factories.EventFactory(programme=world.programme)
    assert count() == few


def test_the_next_session_of_a_monthly_series_is_planned_from_the_last(client, world):
    event = factories.EventFactory(
        programme=world.programme, title="Maandelijkse kennissessie", capacity=40
    )
    client.force_login(world.coordinator)
    detail = client.get(reverse("events:event", args=[event.pk])).content.decode()
    url = reverse("events:event_create", args=[world.programme.slug])
    assert f"{url}?after={event.pk}" in detail
    form = client.get(url, {"after": event.pk}).context["form"]
    local = timezone.localtime(event.starts_at)
    assert form.initial["title"] == "Maandelijkse kennissessie"
    assert form.initial["capacity"] == 40
    assert form.initial["date"] == same_weekday_next_month(local.date())
    assert form.initial["date"].weekday() == local.weekday()
    # Another programme's event is no template here.
    foreign = factories.EventFactory(programme=world.other_programme, title="Elders")
    form = client.get(url, {"after": foreign.pk}).context["form"]
    assert form.initial.get("title") is None
    client.force_login(world.lead)
    assert (
        f"{url}?after=" not in client.get(reverse("events:event", args=[event.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 12, 8), datetime.date(2027, 1, 12)),  # second Tuesday
        (datetime.date(2026, 10, 1), datetime.date(2026, 11, 5)),  # first Thursday
        (datetime.date(2026, 3, 31), datetime.date(2026, 4, 28)),  # fifth Tuesday: the last
        (datetime.date(2026, 1, 29), datetime.date(2026, 2, 26)),
    ],
)
def test_the_same_weekday_of_the_next_month(day, expected):
    assert same_weekday_next_month(day) == expected
