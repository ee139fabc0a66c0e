"""What the outbox holds about one person (core.personal_data): the e-mails addressed to them,
by kind, subject and when (not their content, which may carry one-time links and is cleared
once sent); and, when they leave, those rows lose the address and what was written."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Message


def _addresses(person: Any, user: Any) -> list[str]:
    found = {getattr(person, "email", None), getattr(user, "email", None)}
    return sorted(address.lower() for address in found if address)


def _messages(person: Any, user: Any):
    addresses = _addresses(person, user)
    match = Q(pk__in=[])
    for address in addresses:
        match |= Q(recipient__iexact=address)
    return Message.objects.filter(match)


def personal_data(*, person: Any, user: Any) -> dict[str, list[dict]]:
    return {
        _("E-mails aan jou"): [
            {
                _("soort"): row.kind,
                _("onderwerp"): row.subject,
                _("klaargezet op"): row.created_at.isoformat(),
                _("verstuurd op"): row.sent_at.isoformat() if row.sent_at else None,
            }
            for row in _messages(person, user).order_by("created_at", "pk")
        ]
    }


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    now = timezone.now()
    _messages(person, user).update(
        recipient="",
        to_header="",
        subject="",
        body="",
        html="",
        sealed="",
        reference="",
        attachments=[],
        redacted_at=now,
    )
