"""Personal API tokens, idempotency keys, and webhook subscriptions with their delivery log.

Only a SHA-256 hash of a token is stored (like invitation links): a copy of the database hands
out no working key. A webhook secret is kept as written, because signing a delivery needs it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Programme


class ApiToken(models.Model):
    class Access(models.TextChoices):
        READ = "read", _("Alleen lezen")
        WRITE = "write", _("Lezen en schrijven")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("naam"), max_length=100)
    #: The first characters of the token, shown in the list so a person recognises it.
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    access = models.CharField(_("rechten"), max_length=5, choices=Access.choices)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("alleen voor programma"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("verloopt op"))
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    #: Made in a session that proved a second factor. A token made without one (as a
    #: participant) does not carry a programme role or staff status given later.
    second_factor_passed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class IdempotencyKey(models.Model):
    """A create that was done, with its answer, so a client that retries with the same
    `Idempotency-Key` gets the same answer instead of a second signal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    #: Method and path, and a hash of the body: the same key for another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class WebhookSubscription(models.Model):
    class Event(models.TextChoices):
        PASSED_ON = "signal.passed_on", _("Signaal doorgegeven")
        ESCALATED = "signal.escalated", _("Signaal opgeschaald")
        ANSWERED = "signal.answered", _("Signaal beantwoord")
        CLOSED = "signal.closed", _("Signaal afgesloten")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(_("adres (URL)"), max_length=500)
    events = models.JSONField(_("gebeurtenissen"), default=list)
    secret = models.CharField(max_length=100)
    #: Whose rights decide what a delivery may carry; without them, nothing is sent.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["programme_id", "url", "pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription: sent by the task worker, retried with back-off.

    The payload is built when it is sent, from the signal as it is then and with the
    subscriber's rights at that moment, so a redaction or a lost role is respected by retries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht")
        DELIVERED = "delivered", _("Afgeleverd")
        FAILED = "failed", _("Mislukt")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=30, choices=WebhookSubscription.Event.choices)
    signal_id = models.BigIntegerField()
    #: What the event is about beyond the signal: the answer, the escalation level.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: A worker that takes a delivery holds it until then; another may take it after.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.signal_id} ({self.status})"
