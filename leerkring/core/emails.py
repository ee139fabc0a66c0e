"""Outgoing e-mail for every app: one HTML and one plain-text template per message, optional
attachments.

Every message is rendered from a pair of templates (``<name>.txt`` and ``<name>.html``) with the
same context, so the plain-text part never drifts from the HTML part. Messages are sent after
the surrounding transaction commits: a rolled-back change must not have told anyone anything.

This module is the one way the apps build and send mail (`email_build`, `emails_send`,
`emails_send_on_commit`); how a message travels to the mail server is decided here only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from email.mime.base import MIMEBase
from typing import Any

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def email_build(
    *,
    template: str,
    context: dict[str, Any],
    subject: str,
    to: Sequence[str],
    attachments: Iterable[MIMEBase] = (),
    reply_to: Sequence[str] | None = None,
) -> EmailMultiAlternatives:
    """Render ``template + ".txt"`` as the body and ``template + ".html"`` as the HTML
    alternative. Attachments are ready MIME parts (see `leerkring.meetings.ical.ics_attachment`),
    so their headers (e.g. ``method=REQUEST`` for calendar invitations) stay under our control."""
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"{template}.txt", context),
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for part in attachments:
        message.attach(part)
    return message


def emails_send(messages: Sequence[EmailMultiAlternatives]) -> int:
    """Send over one connection; returns how many were sent."""
    if not messages:
        return 0
    with mail.get_connection() as connection:
        return connection.send_messages(list(messages)) or 0


def _send_logged(messages: list[EmailMultiAlternatives]) -> None:
    """The change is already committed; a mail server that is down must not turn the page
    into an error. The failure is logged for the administrator instead."""
    try:
        emails_send(messages)
    except Exception:
        logger.exception("Sending %d e-mail(s) failed", len(messages))


def emails_send_on_commit(messages: Sequence[EmailMultiAlternatives]) -> None:
    """Send once the current transaction commits (immediately outside a transaction)."""
    messages = list(messages)
    if messages:
        transaction.on_commit(lambda: _send_logged(messages))
