"""The API's journey end to end over real HTTP (pytest-django's live server):

a coordinator makes a token on their page and pulls the venster with it; a member raises a
signal and the lead passes it on through the API; a webhook receiver on 127.0.0.1 gets a
signed event when the coordinator answers, and a retry after it was down.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import urllib.error
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerkring.api import services, webhooks
from leerkring.api.models import WebhookDelivery
from tests.api.helpers import token_for
from tests.api.receiver import Receiver


def call(live_server, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
        live_server.url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def signed_by(secret: str, delivery: dict) -> bool:
    parts = dict(p.split("=", 1) for p in delivery["headers"]["Leerkring-Signature"].split(","))
    mac = hmac.new(secret.encode(), f"{parts['t']}.".encode() + delivery["body"], hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


@pytest.mark.django_db(transaction=True)
def test_token_venster_signal_and_signed_webhook_with_a_retry(world, live_server, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True

    # A coordinator makes a token on their page (shown once) and pulls the venster.
    page = Client()
    page.force_login(world.coordinator)
    created = page.post(
        reverse("integrations:tokens"), {"name": "Zaaksysteem", "access": "write", "days": "90"}
    )
    coordinator_token = created.context["new_token"]
    venster = reverse("api:venster", args=[world.programme.slug])
    status, body = call(live_server, "GET", venster, coordinator_token)
    assert (status, body["count"]) == (200, 0)

    # The coordinator subscribes a receiver that is down for now.
    receiver = Receiver()
    subscription = services.webhook_subscribe(
        programme=world.programme,
        url=receiver.url,
        events=["signal.answered"],
        by=world.coordinator,
    )

    # A member raises a signal; the lead passes it on — both through the API.
    status, signal = call(
        live_server,
        "POST",
        reverse("api:community_signals", args=[world.community.pk]),
        token_for(world.participant),
        {
            "title": "Wachtlijst taalschool",
            "description": "Inburgeraars wachten maanden op een plek bij de taalschool.",
            "subtopic": "Wachttijden",
        },
    )
    assert (status, signal["state"]) == (201, "draft")
    status, passed = call(
        live_server,
        "POST",
        reverse("api:signal_pass_on", args=[signal["id"]]),
        token_for(world.lead),
        {},
    )
    assert (status, passed["state"]) == (200, "new")
    status, body = call(live_server, "GET", venster, coordinator_token)
    assert [row["id"] for row in body["results"]] == [signal["id"]]

    # The coordinator answers: the event is written with the answer; the receiver is down.
    action = reverse("api:signal_action", args=[signal["id"]])
    status, _ = call(live_server, "POST", action, coordinator_token, {"action": "triage"})
    assert status == 200
    status, answered = call(
        live_server,
        "POST",
        action,
        coordinator_token,
        {"action": "resolve", "answer": "De taalschool opent een extra groep."},
    )
    assert (status, answered["state"]) == (200, "resolved")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error  # connection refused, recorded for the delivery log

    # The receiver comes up; the retry is sent when it is due, signed.
    receiver.start()
    try:
        due = timezone.now() + datetime.timedelta(hours=1)
        assert webhooks.deliveries_send_due(now=due) == 1
    finally:
        receiver.stop()
    [received] = receiver.received
    assert signed_by(subscription.secret, received)
    event = json.loads(received["body"])
    assert event["type"] == "signal.answered"
    assert event["signal"]["id"] == signal["id"]
    assert event["answer"]["text"] == "De taalschool opent een extra groep."
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
