"""Signed webhooks for a programme's signal events.

Every change to a signal is written to its append-only history (`SignalEvent`) by the
lifecycle. The events a subscriber can ask for follow from that history:

| history entry                                | webhook event       |
|----------------------------------------------|---------------------|
| passed on                                    | `signal.passed_on`  |
| escalated (LCC or system level)              | `signal.escalated`  |
| an answer to the community (also on a theme) | `signal.answered`   |
| state to resolved or no follow-up            | `signal.closed`     |

A delivery row is written in the same transaction as the change (so a rolled-back change
sends nothing and a committed one cannot lose its event), and the task worker sends it after
commit. A failed attempt is tried again after 1, 2, 4, … times `WEBHOOK_RETRY_SECONDS`, up to
`WEBHOOK_MAX_ATTEMPTS` tries; a worker holds a delivery by a short lease, so two workers
never send it at once and one that died lets go when the lease runs out.

The body is built when it is sent, with the rights of the person who subscribed: what the
venster shows them (the community, never a person), and nothing when they lost the right.
It is signed with HMAC-SHA256 over the timestamp and the body (docs/api.md).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from leerkring.signalling import lifecycle
from leerkring.signalling import permissions as signal_permissions
from leerkring.signalling import selectors as signal_selectors
from leerkring.signalling.models import Escalation, Signal, SignalEvent, SignalResponse

from .models import WebhookDelivery, WebhookSubscription
from .serializers.signals import AnswerSerializer, EscalationSerializer, SignalListSerializer
from .services import webhook_url_problem

Event = WebhookSubscription.Event
LEASE = datetime.timedelta(seconds=60)
SIGNATURE_HEADER = "Leerkring-Signature"
USER_AGENT = "Leerkring-Webhooks/1"


# --- From the signal history to deliveries ---------------------------------------------------


def events_of(entry: SignalEvent) -> list[tuple[str, dict]]:
    """The webhook events one history entry stands for, with what they are about."""
    data = entry.data if isinstance(entry.data, dict) else {}
    Kind = SignalEvent.Kind
    if entry.kind == Kind.PASSED_ON:
        return [(Event.PASSED_ON, {})]
    if entry.kind == Kind.ESCALATION:
        return [(Event.ESCALATED, {"escalation": data.get("escalation")})]
    if entry.kind == Kind.RESPONSE and "theme" not in data:
        return [(Event.ANSWERED, {"response": data.get("response")})]
    if entry.kind == Kind.STATE and entry.to_state in lifecycle.CLOSED_STATES:
        return [(Event.CLOSED, {})]
    return []


def deliveries_record(*, signal_ids: list[int], event: str, data_per_signal: dict | None = None):
    """Queue one delivery per matching subscription, inside the caller's transaction."""
    if not signal_ids:
        return []
    programmes = dict(
        Signal.objects.filter(pk__in=signal_ids).values_list("pk", "community__programme_id")
    )
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(
            programme_id__in=set(programmes.values()), active=True
        )
        if event in s.events
    ]
    deliveries = [
        WebhookDelivery(
            subscription=subscription,
            event=event,
            signal_id=signal_id,
            data=(data_per_signal or {}).get(signal_id, {}),
        )
        for signal_id in signal_ids
        for subscription in subscriptions
        if subscription.programme_id == programmes.get(signal_id)
    ]
    return WebhookDelivery.objects.bulk_create(deliveries)


def deliveries_for_entry(entry: SignalEvent) -> list[WebhookDelivery]:
    created = []
    for event, data in events_of(entry):
        created += deliveries_record(
            signal_ids=[entry.signal_id], event=event, data_per_signal={entry.signal_id: data}
        )
    return created


def deliveries_for_theme_answer(response: SignalResponse) -> list[WebhookDelivery]:
    """An answer on a main issue reaches every passed-on signal linked to it (and to the
    themes merged into it), as `lifecycle.theme_respond` tells their communities."""
    signal_ids = list(
        Signal.objects.filter(
            Q(theme_id=response.theme_id) | Q(theme__merged_into=response.theme_id)
        )
        .exclude(state=Signal.State.DRAFT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return deliveries_record(
        signal_ids=signal_ids,
        event=Event.ANSWERED,
        data_per_signal={pk: {"response": response.pk} for pk in signal_ids},
    )


# --- The body and its signature --------------------------------------------------------------


class NotAllowed(Exception):
    """The subscriber may no longer see this signal."""


def may_receive(subscription: WebhookSubscription, signal: Signal) -> bool:
    user = subscription.created_by
    if user is None or not user.is_active:
        return False
    return user.is_staff or signal_permissions.can_view_signal(user, signal)


def payload(delivery: WebhookDelivery) -> dict:
    """What the venster shows the subscriber about this signal and event, in Dutch."""
    subscription = delivery.subscription
    signal = (
        Signal.objects.select_related("community", "community__programme", "theme")
        .filter(pk=delivery.signal_id)
        .first()
    )
    if signal is None or not may_receive(subscription, signal):
        raise NotAllowed
    signal.waiting = signal_selectors.signal_is_waiting_for_feedback(signal=signal)
    with override("nl"):
        body = {
            "id": str(delivery.event_id),
            "type": delivery.event,
            "created_at": delivery.created_at.isoformat(),
            "programme": {
                "slug": signal.community.programme.slug,
                "name": signal.community.programme.name,
            },
            "signal": {
                **SignalListSerializer(signal).data,
                "description": signal.description,
                "url": settings.SITE_URL + reverse("api:signal", args=[signal.pk]),
            },
        }
        response_id = delivery.data.get("response")
        if response_id:
            response = SignalResponse.objects.filter(pk=response_id).first()
            if response is not None:
                body["answer"] = AnswerSerializer(response).data
        escalation_id = delivery.data.get("escalation")
        if escalation_id:
            escalation = Escalation.objects.filter(pk=escalation_id, signal=signal).first()
            if escalation is not None:
                body["escalation"] = EscalationSerializer(escalation).data
    return body


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>` (docs/api.md shows the check)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


# --- Sending ---------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver answers itself; a redirect counts as a failure rather than being followed
    somewhere the subscription did not name."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass
class Attempt:
    delivered: bool
    status_code: int | None = None
    error: str = ""


def _post(url: str, body: bytes, headers: dict) -> Attempt:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:
            return Attempt(delivered=200 <= answer.status < 300, status_code=answer.status)
    except urllib.error.HTTPError as error:
        return Attempt(delivered=False, status_code=error.code, error=f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Attempt(delivered=False, error=str(reason)[:500] or error.__class__.__name__)


def retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def _claim(pk: int, now) -> bool:
    return bool(
        WebhookDelivery.objects.filter(pk=pk, status=WebhookDelivery.Status.PENDING)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=now + LEASE)
    )


def deliver(pk: int) -> datetime.datetime | None:
    """Try one delivery now. Returns when to try again, or None when it is done (delivered,
    given up, or in another worker's hands)."""
    now = timezone.now()
    if not _claim(pk, now):
        return None
    delivery = WebhookDelivery.objects.select_related(
        "subscription", "subscription__created_by"
    ).get(pk=pk)
    subscription = delivery.subscription
    try:
        if not subscription.active:
            raise NotAllowed
        body = json.dumps(payload(delivery), ensure_ascii=False, separators=(",", ":")).encode()
    except NotAllowed:
        return _finish(
            delivery, Attempt(False, error=_("Geen toegang meer tot dit signaal.")), final=True
        )
    problem = webhook_url_problem(subscription.url)
    if problem:
        return _finish(delivery, Attempt(False, error=problem), final=True)
    timestamp = int(time.time())
    attempt = _post(
        subscription.url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Leerkring-Event": delivery.event,
            "Leerkring-Delivery": str(delivery.event_id),
            SIGNATURE_HEADER: signature(secret=subscription.secret, timestamp=timestamp, body=body),
        },
    )
    return _finish(delivery, attempt)


def _finish(delivery: WebhookDelivery, attempt: Attempt, *, final: bool = False):
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = attempt.status_code
    delivery.leased_until = None
    retry_at = None
    if attempt.delivered:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
    else:
        delivery.last_error = attempt.error[:500]
        if final or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            retry_at = now + retry_delay(delivery.attempts)
            delivery.next_attempt_at = retry_at
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "leased_until",
            "status",
            "delivered_at",
            "last_error",
            "next_attempt_at",
        ]
    )
    return retry_at


def due_deliveries(*, now=None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_send_due(*, now=None) -> int:
    """Send what is due: a retry whose time came, or an event whose task was lost. A failed
    delivery queues its own retry for the worker; `manage.py send_webhooks` (from cron) is
    the safety net, and the only sender with a task backend that cannot wait."""
    sent = 0
    for pk in due_deliveries(now=now):
        deliver(pk)
        sent += 1
    return sent
