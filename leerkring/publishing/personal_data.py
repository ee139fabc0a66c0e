"""What the public knowledge base holds about one person (core.personal_data): the public items
they chose to be named on, the proposals they made and the ones they decided on. When they
leave, their name comes off every public page at once; proposals and decisions stay as the
programme's record (the account behind them is anonymised by the accounts app)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import Publication, PublicationCredit


def personal_data(*, person: Any, user: Any) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = {}
    if person is not None:
        sections[_("Openbare publicaties waar je naam bij staat")] = [
            {
                _("titel"): credit.publication.title,
                _("status"): credit.publication.get_status_display(),
                _("sinds"): credit.created_at.isoformat(),
            }
            for credit in PublicationCredit.objects.filter(person=person)
            .select_related("publication")
            .order_by("created_at")
        ]
    if user is not None:
        sections[_("Voorstellen voor de openbare kennisbank")] = [
            {
                _("titel"): row.title,
                _("status"): row.get_status_display(),
                _("voorgesteld op"): row.proposed_at.isoformat(),
            }
            for row in Publication.objects.filter(proposed_by=user).order_by("proposed_at")
        ]
        sections[_("Besluiten over de openbare kennisbank")] = [
            {
                _("titel"): row.title,
                _("status"): row.get_status_display(),
                _("besloten op"): row.decided_at.isoformat() if row.decided_at else None,
            }
            for row in Publication.objects.filter(decided_by=user).order_by("decided_at")
        ]
    return sections


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    if person is not None:
        PublicationCredit.objects.filter(person=person).delete()
