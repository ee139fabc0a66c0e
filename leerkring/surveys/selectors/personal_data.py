"""What the surveys app holds about one person: that they were invited to a wave, and whether
they answered (yes/no). Their answers are not here because nothing links an answer to anyone
(privacy.md, "Enquêtes: anoniem door ontwerp")."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Invitation


def personal_data(*, person, user) -> dict[str, list[dict]]:
    addresses = [address for address in (getattr(person, "email", None),) if address]
    if person is None and not addresses:
        return {}
    match = Q(person=person) if person is not None else Q()
    if addresses:
        match |= Q(email__in=addresses)
    invitations = Invitation.objects.filter(match).select_related("wave").order_by("pk")
    return {
        _("Uitnodigingen voor vragenlijsten"): [
            {
                _("meetronde"): str(row.wave),
                _("e-mailadres"): row.email,
                _("verstuurd op"): row.sent_at.isoformat() if row.sent_at else None,
                _("ingevuld"): row.answered,
            }
            for row in invitations
        ]
    }
