"""What the dissemination app holds about one person (core.personal_data): newsletter
subscriptions, by person or by address, and the products and disseminations they recorded;
and, when they leave, their subscriptions end and lose the address (the rows stay, so past
deliveries still add up)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Dissemination, Product, Subscriber


def _subscriptions(person: Any):
    match = Q(person=person)
    if person.email:
        match |= Q(email__iexact=person.email)
    return Subscriber.objects.filter(match)


def personal_data(*, person: Any, user: Any) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = {}
    if person is not None:
        sections[_("Nieuwsbrieven")] = [
            {
                _("nieuwsbrief"): str(row.newsletter),
                _("e-mailadres"): row.email,
                _("aangemeld op"): row.created_at.isoformat(),
                _("bevestigd op"): row.confirmed_at.isoformat() if row.confirmed_at else None,
                _("afgemeld op"): (
                    row.unsubscribed_at.isoformat() if row.unsubscribed_at else None
                ),
            }
            for row in _subscriptions(person).select_related("newsletter").order_by("created_at")
        ]
    if user is not None:
        sections[_("Producten die je vastlegde")] = [
            {_("product"): row.title, _("op"): row.created_at.isoformat()}
            for row in Product.objects.filter(created_by=user).order_by("created_at")
        ]
        sections[_("Verspreidingen die je vastlegde")] = [
            {
                _("product"): row.product.title,
                _("waar"): row.get_channel_display(),
                _("wanneer"): row.shared_on.isoformat(),
            }
            for row in Dissemination.objects.filter(shared_by=user)
            .select_related("product")
            .order_by("shared_on")
        ]
    return sections


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    if person is None:
        return
    now = timezone.now()
    for subscriber in _subscriptions(person):
        subscriber.person = None
        subscriber.email = f"verwijderd-{subscriber.pk}@leerkring.invalid"
        subscriber.unsubscribed_at = subscriber.unsubscribed_at or now
        subscriber.save(update_fields=["person", "email", "unsubscribed_at"])
