"""What Leerkring holds about a person in this app, for "Mijn gegevens" (core.personal_data)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import (
    Membership,
)


def personal_data(*, person, user) -> dict[str, list[dict]]:
    """The person record and every membership, past and present."""
    if person is None:
        return {}
    memberships = (
        Membership.objects.filter(person=person)
        .select_related("community", "organisation")
        .order_by("joined_on", "pk")
    )
    return {
        _("Persoon"): [
            {
                _("naam"): person.full_name,
                _("e-mailadres"): person.email,
                _("functie"): person.job_title,
                _("organisatie"): person.organisation.name if person.organisation_id else None,
                _("in Leerkring sinds"): person.created_at.isoformat(),
            }
        ],
        _("Lidmaatschappen"): [
            {
                _("gemeenschap"): row.community.name,
                _("rol"): row.get_role_display(),
                _("organisatie"): row.organisation.name if row.organisation_id else None,
                _("lid sinds"): row.joined_on.isoformat(),
                _("lid tot"): row.left_on.isoformat() if row.left_on else None,
            }
            for row in memberships
        ],
    }
