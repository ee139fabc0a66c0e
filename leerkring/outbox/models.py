"""The outbox: every e-mail the application sends, one row per recipient.

A row is written in the same transaction as the change that causes the e-mail, so a change
that is rolled back sends nothing and a change that is committed cannot lose its mail. The task
worker delivers the rows (`services.deliver`) and marks each one sent as soon as the mail server
accepted it.
"""

from __future__ import annotations

import base64
import email
import json
from email.mime.base import MIMEBase

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.core import sealing
from leerkring.core.leases import LeasedWork

SEAL_PURPOSE = "outbox.secret-content"


class Message(LeasedWork):
    """One e-mail to one recipient.

    `scope` is what the e-mail is about for the sender's progress display (a meeting, a
    newsletter issue, a survey wave); `kind` says which e-mail it is ("meetings.invitation");
    `reference` names the row in the sending app it belongs to ("surveys.invitation:12"), so
    the app can resend to whoever did not get it.
    """

    kind = models.CharField(max_length=60)
    scope_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    scope = GenericForeignKey("scope_type", "scope_id")
    reference = models.CharField(max_length=100, blank=True)

    message_id = models.CharField(max_length=255, unique=True)
    from_email = models.CharField(max_length=320)
    recipient = models.CharField(max_length=320, blank=True)
    # The To header when one e-mail was addressed to several people together; each of them gets
    # their own row (and delivery), all showing the same header.
    to_header = models.TextField(blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)

    # Holds a one-time link (survey, invitation, password reset, confirmation): the content
    # (text, HTML, headers, attachments) waits sealed in `sealed` (core.sealing), so a copy of
    # the database holds no working link, and is cleared as soon as the row is finished.
    secret = models.BooleanField(default=False)
    sealed = models.TextField(blank=True)
    # Survey mail: once delivered, the recipient and reference are cleared too, so the outbox
    # keeps no per-person history of who was reminded when (docs/privacy.md).
    forget_recipient = models.BooleanField(default=False)
    redacted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["scope_type", "scope_id", "kind"], name="outbox_scope"),
            models.Index(fields=["created_at"], name="outbox_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient or '…'}"

    def as_email(self) -> EmailMultiAlternatives:
        """The Django e-mail to hand to the mail backend, with the Message-ID fixed at queueing
        so a retried message is recognisably the same message."""
        content = self.content()
        headers = dict(content["headers"])
        headers["Message-ID"] = self.message_id
        if self.to_header:
            headers["To"] = self.to_header
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=content["body"],
            from_email=self.from_email,
            to=[self.recipient],
            reply_to=self.reply_to or None,
            headers=headers,
        )
        if content["html"]:
            message.attach_alternative(content["html"], "text/html")
        for stored in content["attachments"]:
            if "mime" in stored:
                message.attach(_mime_part(stored["mime"]))
            else:
                content = base64.b64decode(stored["content"])
                if stored.get("text"):
                    content = content.decode("utf-8")
                message.attach(stored["filename"], content, stored["mimetype"])
        return message

    def content(self) -> dict:
        """Text, HTML, headers and attachments, unsealed when the e-mail is secret."""
        if self.sealed:
            return json.loads(sealing.unseal(self.sealed, purpose=SEAL_PURPOSE))
        return {
            "body": self.body,
            "html": self.html,
            "headers": self.headers,
            "attachments": self.attachments,
        }


def content_seal(content: dict) -> str:
    """A secret e-mail's content as it waits in the database (padded to 4 kB blocks, so the
    sealed size says little about the link or the person)."""
    return sealing.seal(json.dumps(content).encode(), purpose=SEAL_PURPOSE, block=4096)


def _mime_part(raw: str) -> MIMEBase:
    """A stored MIME part back as a MIMEBase with exactly its own headers (a calendar
    invitation's `method=REQUEST` must survive the round trip)."""
    parsed = email.message_from_string(raw)
    part = MIMEBase(parsed.get_content_maintype(), parsed.get_content_subtype())
    for name in list(part.keys()):
        del part[name]
    for name, value in parsed.items():
        part[name] = value
    part.set_payload(parsed.get_payload())
    return part


class Attempt(models.Model):
    """One try to hand a message to the mail server, with what came of it."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Aangenomen")
        TEMPORARY = "temporary", _("Tijdelijk mislukt")
        PERMANENT = "permanent", _("Blijvend mislukt")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    code = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("poging")
        verbose_name_plural = _("pogingen")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.code or ''}".strip()
