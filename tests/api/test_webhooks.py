import datetime
import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.api import services, webhooks
from leerkring.api.models import WebhookDelivery, WebhookSubscription
from leerkring.signalling import lifecycle
from leerkring.signalling.models import Signal
from tests.api.receiver import Receiver
from tests.factories import SignalThemeFactory
from tests.signalling.helpers import signal_in_state

ALL_EVENTS = WebhookSubscription.Event.values


@pytest.fixture(autouse=True)
def _webhooks_to_loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_RETRY_SECONDS = 60


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def subscribe(world, url, events=ALL_EVENTS):
    return services.webhook_subscribe(
        programme=world.programme, url=url, events=events, by=world.coordinator
    )


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What docs/api.md tells a receiver to do."""
    parts = dict(item.split("=", 1) for item in headers["Leerkring-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def test_an_answered_signal_reaches_the_receiver_signed(
    world, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(world, receiver.url, events=["signal.answered"])
    signal = signal_in_state(world, Signal.State.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.signal_resolve(signal=signal, by=world.coordinator, answer="Opgelost.")
    assert len(receiver.received) == 1
    delivery = receiver.received[0]
    assert verify(subscription.secret, delivery["headers"], delivery["body"])
    assert not verify("whsec_other", delivery["headers"], delivery["body"])
    body = json.loads(delivery["body"])
    assert body["type"] == "signal.answered"
    assert body["signal"]["id"] == signal.pk
    assert body["signal"]["community"] == {"id": world.community.pk, "name": "CoP Achterhoek"}
    assert body["answer"]["text"] == "Opgelost."
    assert delivery["headers"]["Leerkring-Event"] == "signal.answered"
    assert delivery["headers"]["Leerkring-Delivery"] == body["id"]
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)


def test_the_payload_names_no_person(world, receiver, django_capture_on_commit_callbacks):
    subscribe(world, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        signal_in_state(world, Signal.State.RESOLVED)
    assert receiver.received
    names = {
        world.participant.person.full_name,
        world.lead.person.full_name,
        world.coordinator.person.full_name,
        world.participant.email,
        world.lead.email,
    }
    for delivery in receiver.received:
        text = delivery["body"].decode()
        assert not any(name in text for name in names)


def test_each_kind_of_event_is_sent_when_subscribed(
    world, receiver, django_capture_on_commit_callbacks
):
    subscribe(world, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        signal = signal_in_state(world, Signal.State.IN_PROGRESS)
        lifecycle.signal_escalate(signal=signal, by=world.coordinator, level="lcc", question="?")
        lifecycle.signal_close_no_follow_up(signal=signal, by=world.coordinator, reason="Klaar.")
    types = [json.loads(d["body"])["type"] for d in receiver.received]
    assert types == ["signal.passed_on", "signal.escalated", "signal.closed", "signal.answered"]
    escalated = json.loads(receiver.received[1]["body"])
    assert escalated["escalation"]["level"] == "lcc"


def test_an_answer_on_a_theme_reaches_every_linked_signal(
    world, receiver, django_capture_on_commit_callbacks
):
    theme = SignalThemeFactory(programme=world.programme)
    first = signal_in_state(world, Signal.State.IN_PROGRESS)
    second = signal_in_state(world, Signal.State.IN_PROGRESS)
    for signal in (first, second):
        lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=theme)
    subscribe(world, receiver.url, events=["signal.answered"])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.theme_respond(
            theme=theme, by=world.coordinator, text="Landelijk opgepakt.", source="coordinator"
        )
    bodies = [json.loads(d["body"]) for d in receiver.received]
    assert sorted(b["signal"]["id"] for b in bodies) == sorted([first.pk, second.pk])
    assert {b["answer"]["text"] for b in bodies} == {"Landelijk opgepakt."}
    assert all(b["answer"]["on_theme"] for b in bodies)


def test_a_receiver_that_is_down_gets_a_retry_later(world, django_capture_on_commit_callbacks):
    receiver = Receiver()  # nothing listens on its port yet
    subscribe(world, receiver.url, events=["signal.answered"])
    signal = signal_in_state(world, Signal.State.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.signal_resolve(signal=signal, by=world.coordinator, answer="Opgelost.")
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    assert webhooks.deliveries_send_due() == 0  # not due yet

    receiver.start()
    try:
        later = timezone.now() + datetime.timedelta(minutes=2)
        assert webhooks.deliveries_send_due(now=later) == 1
    finally:
        receiver.stop()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 2)
    assert len(receiver.received) == 1
    assert json.loads(receiver.received[0]["body"])["id"] == str(row.event_id)


def test_the_back_off_doubles_and_then_gives_up(world, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver = Receiver(status=500).start()
    try:
        subscribe(world, receiver.url, events=["signal.passed_on"])
        signal_in_state(world, Signal.State.NEW)
        row = WebhookDelivery.objects.get()
        waits = []
        for _attempt in range(2):
            retry_at = webhooks.deliver(row.pk)
            row.refresh_from_db()
            waits.append(round((retry_at - row.last_attempt_at).total_seconds()))
        assert webhooks.deliver(row.pk) is None
    finally:
        receiver.stop()
    assert waits == [60, 120]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert (row.last_status_code, row.last_error) == (500, "HTTP 500")
    assert len(receiver.received) == 3


def test_a_subscriber_who_lost_the_role_gets_nothing(world, receiver):
    from leerkring.accounts.models import ProgrammeRole

    subscribe(world, receiver.url, events=["signal.passed_on"])
    ProgrammeRole.objects.filter(person__user=world.coordinator).delete()
    signal_in_state(world, Signal.State.NEW)
    row = WebhookDelivery.objects.get()
    webhooks.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == "failed"
    assert row.last_error == "Geen toegang meer tot dit signaal."
    assert receiver.received == []


def test_a_rolled_back_change_sends_nothing(world, receiver):
    subscribe(world, receiver.url, events=["signal.passed_on"])
    signal = signal_in_state(world, Signal.State.DRAFT)
    with pytest.raises(lifecycle.PersonalDataFound):
        signal.description = "BSN 111222333"
        signal.save()
        lifecycle.signal_pass_on(signal=signal, by=world.lead)
    assert not WebhookDelivery.objects.exists()


def test_another_programme_s_subscription_hears_nothing(world, receiver):
    services.webhook_subscribe(
        programme=world.other_programme,
        url=receiver.url,
        events=ALL_EVENTS,
        by=world.other_coordinator,
    )
    signal_in_state(world, Signal.State.RESOLVED)
    assert not WebhookDelivery.objects.exists()


def test_private_addresses_are_refused_outside_development(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    for url in ("http://example.org/hook", "https://127.0.0.1/hook", "https://10.1.2.3/hook"):
        assert services.webhook_url_problem(url)


def test_the_subscription_page_shows_the_delivery_log(world, client):
    receiver = Receiver()
    subscription = subscribe(world, receiver.url, events=["signal.passed_on"])
    signal_in_state(world, Signal.State.NEW)
    webhooks.deliver(WebhookDelivery.objects.get().pk)
    client.force_login(world.coordinator)
    page = client.get(reverse("integrations:webhook", args=[subscription.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Wacht" in content
    assert subscription.secret not in content


def test_a_coordinator_subscribes_on_the_page_and_sees_the_secret_once(world, client):
    client.force_login(world.coordinator)
    url = reverse("integrations:webhooks", args=[world.programme.slug])
    response = client.post(
        url, {"url": "http://127.0.0.1:9/hook", "events": ["signal.answered"], "active": "on"}
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret in response.content.decode()
    assert subscription.secret not in client.get(url).content.decode()
    refused = client.post(url, {"url": "http://127.0.0.1:9/hook", "events": []})
    assert refused.status_code == 400
