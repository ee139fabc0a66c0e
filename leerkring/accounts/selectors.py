"""Reads for accounts: programme roles with whether each person can sign in yet, and what
the accounts app holds about one person (core.personal_data)."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.communities.models import Person, Programme
from leerkring.core.models import AuditEvent

from .models import Invitation, ProgrammeRole

ACCOUNT_STATUS_LABELS = {
    "active": gettext_lazy("Kan inloggen"),
    "invited": gettext_lazy("Uitgenodigd, nog niet aangenomen"),
    "expired": gettext_lazy("Uitnodiging verlopen"),
    "inactive": gettext_lazy("Account uitgeschakeld"),
    "none": gettext_lazy("Nog geen account"),
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


# --- Personal data (core.personal_data) ---------------------------------------------------


def personal_data(*, person, user) -> dict[str, list[dict]]:
    """The account, its second factors, sessions and organisation accounts, programme roles,
    invitations received, and what the audit history records this account doing."""
    sections: dict[str, list[dict]] = {}
    if person is not None:
        roles = ProgrammeRole.objects.filter(person=person).select_related("programme")
        sections[_("Programmarollen")] = [
            {
                _("programma"): row.programme.name,
                _("rol"): row.get_role_display(),
                _("sinds"): row.created_at.isoformat(),
            }
            for row in roles.order_by("created_at")
        ]
        invitations = Invitation.objects.filter(person=person).select_related("community")
        sections[_("Uitnodigingen")] = [
            {
                _("e-mailadres"): row.email,
                _("gemeenschap"): row.community.name if row.community_id else None,
                _("verstuurd op"): row.created_at.isoformat(),
                _("aangenomen op"): row.accepted_at.isoformat() if row.accepted_at else None,
            }
            for row in invitations.order_by("created_at")
        ]
    if user is None:
        return sections
    sections[_("Account")] = [
        {
            _("e-mailadres"): user.email,
            _("aangemaakt op"): user.date_joined.isoformat(),
            _("laatst ingelogd"): user.last_login.isoformat() if user.last_login else None,
            _("actief"): user.is_active,
            _("beheerder"): user.is_staff,
        }
    ]
    sections[_("Tweede stap")] = [
        {
            _("soort"): str(Authenticator.Type(row.type).label),
            _("toegevoegd op"): row.created_at.isoformat(),
            _("laatst gebruikt"): row.last_used_at.isoformat() if row.last_used_at else None,
        }
        for row in Authenticator.objects.filter(user=user).order_by("created_at")
    ]
    sections[_("Sessies")] = [
        {
            _("begonnen op"): row.created_at.isoformat(),
            _("IP-adres"): row.ip,
            _("browser"): row.user_agent,
        }
        for row in UserSession.objects.filter(user=user).order_by("created_at")
    ]
    sections[_("Organisatie-accounts")] = [
        {
            _("organisatie"): row.provider,
            _("kenmerk bij de organisatie"): row.uid,
            _("gekoppeld op"): row.date_joined.isoformat(),
        }
        for row in SocialAccount.objects.filter(user=user).order_by("date_joined")
    ]
    sections[_("Wat je deed in Leerkring")] = [
        {
            _("wanneer"): row.created_at.isoformat(),
            _("wat"): row.verb,
            _("soort gegeven"): row.object_type,
        }
        for row in AuditEvent.objects.filter(actor=user).order_by("created_at", "pk")
    ]
    return sections


def open_membership_invitations(community) -> list[Invitation]:
    """Invitations to join `community` not yet accepted, revoked or expired, newest first,
    for the member list: the address and the name as the inviter typed it — nothing from an
    account the address may have."""
    return list(
        Invitation.objects.filter(
            community=community,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(role="")
        .only("email", "invited_name", "role", "created_at", "expires_at")
        .order_by("-created_at")
    )
