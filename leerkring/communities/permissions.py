"""Who may see or do what with programmes, communities, members and organisations.

This module is the only place these decisions are made (DESIGN.md §2). Views, exports and the
API call these functions; they never test roles themselves. The rules, in short:

- what is said in a community, and who its members are, is for its members;
- coordinators (and evaluators) of a programme see each community's *shape*: composition by
  organisation type, counts, dates — not names;
- coordinators and the community's lead manage the membership, because they set up the
  community and appoint its lead and facilitator;
- system partners see only escalated signals (a later app); nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from leerkring.accounts.models import ProgrammeRole

from .models import FACILITATOR_ROLES, LEAD_ROLES, Community, Membership, Person, Programme

COORDINATOR = ProgrammeRole.Role.COORDINATOR
EVALUATOR = ProgrammeRole.Role.EVALUATOR
SYSTEM_PARTNER = ProgrammeRole.Role.SYSTEM_PARTNER


@dataclass(frozen=True)
class Access:
    """What one signed-in user is, loaded once per request (two queries)."""

    person: Person | None = None
    community_roles: dict[int, str] = field(default_factory=dict)
    programme_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    def has_programme_role(self, programme_id: int, *roles: str) -> bool:
        return bool(self.programme_roles.get(programme_id, frozenset()) & set(roles))

    def programmes_with(self, *roles: str) -> set[int]:
        return {pid for pid, held in self.programme_roles.items() if held & set(roles)}


_NOBODY = Access()


def access_for(user) -> Access:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return _NOBODY
    cached = getattr(user, "_leerkring_access", None)
    if cached is not None:
        return cached
    person = Person.objects.filter(user=user).first()
    if person is None:
        access = _NOBODY
    else:
        community_roles = dict(
            Membership.objects.active().filter(person=person).values_list("community_id", "role")
        )
        programme_roles: dict[int, set[str]] = {}
        for programme_id, role in ProgrammeRole.objects.filter(person=person).values_list(
            "programme_id", "role"
        ):
            programme_roles.setdefault(programme_id, set()).add(role)
        access = Access(
            person=person,
            community_roles=community_roles,
            programme_roles={pid: frozenset(r) for pid, r in programme_roles.items()},
        )
    user._leerkring_access = access
    return access


def forget_access(user) -> None:
    """Drop the per-request cache after a service changed this user's roles."""
    if hasattr(user, "_leerkring_access"):
        del user._leerkring_access


# --- Programme -------------------------------------------------------------------------


def is_coordinator(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, COORDINATOR)


def can_view_programme(user, programme: Programme) -> bool:
    """The overview shows only the shape of communities, which coordinators and evaluators use."""
    return access_for(user).has_programme_role(programme.pk, COORDINATOR, EVALUATOR)


def can_edit_rule_profile(user, programme: Programme) -> bool:
    return is_coordinator(user, programme)


def can_create_community(user, programme: Programme) -> bool:
    return is_coordinator(user, programme)


def can_manage_programme_roles(user, programme: Programme) -> bool:
    return is_coordinator(user, programme)


def can_view_access_log(user, programme: Programme) -> bool:
    """Who read or exported personal data (core.AccessRecord): the programme's coordinators,
    and administrators."""
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return bool(getattr(user, "is_active", False))
    return is_coordinator(user, programme)


# --- Community -------------------------------------------------------------------------


def community_role(user, community: Community) -> str | None:
    return access_for(user).community_roles.get(community.pk)


def is_member(user, community: Community) -> bool:
    return community_role(user, community) is not None


def is_lead(user, community: Community) -> bool:
    return community_role(user, community) in LEAD_ROLES


def is_facilitator(user, community: Community) -> bool:
    return community_role(user, community) in FACILITATOR_ROLES


def can_view_community(user, community: Community) -> bool:
    return is_member(user, community) or access_for(user).has_programme_role(
        community.programme_id, COORDINATOR, EVALUATOR
    )


def can_view_members(user, community: Community) -> bool:
    """Names of members are for members; coordinators see composition counts instead."""
    return is_member(user, community)


def can_view_composition(user, community: Community) -> bool:
    return can_view_community(user, community)


def can_edit_community(user, community: Community) -> bool:
    return is_lead(user, community) or is_coordinator(user, community.programme)


def can_manage_members(user, community: Community) -> bool:
    """The lead keeps the community; the coordinator sets it up and appoints its guidance."""
    return is_lead(user, community) or access_for(user).has_programme_role(
        community.programme_id, COORDINATOR
    )


# --- Organisations ---------------------------------------------------------------------


def coordinated_programme_ids(user) -> set[int]:
    return access_for(user).programmes_with(COORDINATOR)


def can_view_organisations(user) -> bool:
    return bool(coordinated_programme_ids(user))


def can_edit_organisations(user) -> bool:
    return can_view_organisations(user)
