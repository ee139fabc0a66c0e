"""Reads for accounts: programme roles with whether each person can sign in yet."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Person, Programme

from .models import Invitation, ProgrammeRole

ACCOUNT_STATUS_LABELS = {
    "active": _("Kan inloggen"),
    "invited": _("Uitgenodigd, nog niet aangenomen"),
    "expired": _("Uitnodiging verlopen"),
    "inactive": _("Account uitgeschakeld"),
    "none": _("Nog geen account"),
}


def account_status(person: Person, *, open_invitation: bool, any_invitation: bool) -> str:
    user = person.user
    if user is not None and user.has_usable_password():
        return "active" if user.is_active else "inactive"
    if open_invitation:
        return "invited"
    if any_invitation:
        return "expired"
    return "none"


@dataclass
class ProgrammeRoleRow:
    programme_role: ProgrammeRole
    status: str

    @property
    def status_label(self) -> str:
        return str(ACCOUNT_STATUS_LABELS[self.status])


def programme_roles_with_status(programme: Programme) -> dict[str, list[ProgrammeRoleRow]]:
    """The programme's coordinators, evaluators and system partners, grouped by role, each with
    their account status. One query, whatever the number of people."""
    now = timezone.now()
    unaccepted = Invitation.objects.filter(person=OuterRef("person"), accepted_at__isnull=True)
    roles = (
        ProgrammeRole.objects.filter(programme=programme)
        .select_related("person__organisation", "person__user")
        .annotate(
            has_open_invitation=Exists(
                unaccepted.filter(revoked_at__isnull=True, expires_at__gt=now)
            ),
            has_any_invitation=Exists(unaccepted),
        )
        .order_by("person__full_name", "pk")
    )
    grouped: dict[str, list[ProgrammeRoleRow]] = {role: [] for role in ProgrammeRole.Role.values}
    for programme_role in roles:
        status = account_status(
            programme_role.person,
            open_invitation=programme_role.has_open_invitation,
            any_invitation=programme_role.has_any_invitation,
        )
        grouped[programme_role.role].append(ProgrammeRoleRow(programme_role, status))
    return grouped
