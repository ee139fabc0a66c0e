"""The surveys app's part when someone leaves Leerkring (core.personal_data): their
invitations lose the person and the address. The rows stay, answered or not, so response
rates of past waves do not change; answers were never linked to anyone."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ..models import Invitation


def erased_address(invitation: Invitation) -> str:
    # One invitation per address and wave: the placeholder stays unique and reaches nobody.
    return f"verwijderd-{invitation.pk}@leerkring.invalid"


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    if person is None:
        return
    match = Q(person=person)
    if person.email:
        match |= Q(email__iexact=person.email)
    for invitation in Invitation.objects.filter(match):
        invitation.person = None
        invitation.email = erased_address(invitation)
        invitation.save(update_fields=["person", "email"])
