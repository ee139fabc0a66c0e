"""Tests that look at the mail of one step: what earlier steps queued in the outbox is delivered
and forgotten first, so it does not arrive in the middle of the step under test."""

from django.core import mail

from leerkring.outbox import services as outbox


def mailbox_clear() -> None:
    outbox.deliver()
    mail.outbox.clear()
