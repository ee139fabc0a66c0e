"""Building outgoing e-mail for every app: one HTML and one plain-text template per message,
optional attachments.

Every message is rendered from a pair of templates (``<name>.txt`` and ``<name>.html``) with the
same context, so the plain-text part never drifts from the HTML part. Sending is not done here:
every app puts its messages in the outbox (`leerkring.outbox.services.emails_queue`) in the
transaction of the change that causes them, and the task worker delivers them. There is no
other way out, so every e-mail is retried, recorded and shown in the delivery progress.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from email.mime.base import MIMEBase
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


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
