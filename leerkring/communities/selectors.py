"""Reads for programmes, communities, members and organisations.

Every list here is built with a fixed number of queries, whatever the size of the data
(guarded by tests that compare query counts on a small and a larger dataset).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from leerkring.accounts.models import Invitation

from . import permissions
from .models import (
    FACILITATOR_ROLES,
    LEAD_ROLES,
    Community,
    Membership,
    Organisation,
    Programme,
)


def programmes_for_navigation(user) -> dict:
    access = permissions.access_for(user)
    ids = access.programmes_with(permissions.COORDINATOR, permissions.EVALUATOR)
    programmes = list(Programme.objects.filter(pk__in=ids).only("pk", "name", "slug")) if ids else []
    return {
        "programmes": programmes,
        "can_view_organisations": bool(access.programmes_with(permissions.COORDINATOR)),
    }


@dataclass
class AttentionItem:
    community: Community
    message: str
    url: str


def home_overview(user) -> dict:
    """A signed-in person's communities with their roles, their programme roles, and what asks
    for their attention: guidance missing, a community below its minimum size, invitations not
    yet accepted."""
    from django.urls import reverse
    from django.utils.translation import gettext as _, ngettext

    access = permissions.access_for(user)
    memberships = list(
        Membership.objects.active()
        .filter(person=access.person)
        .select_related("community__programme", "organisation")
        .order_by("community__name")
    ) if access.person else []
    programme_ids = set(access.programme_roles)
    programmes = {p.pk: p for p in Programme.objects.filter(pk__in=programme_ids)} if programme_ids else {}
    programme_roles = [
        (programmes[pid], sorted(roles)) for pid, roles in access.programme_roles.items() if pid in programmes
    ]

    managed_ids = {m.community_id for m in memberships if m.role in LEAD_ROLES}
    coordinated = access.programmes_with(permissions.COORDINATOR)
    managed = Community.objects.filter(
        Q(pk__in=managed_ids) | Q(programme_id__in=coordinated)
    ).exclude(status=Community.Status.ENDED).select_related("programme__rule_profile")
    managed = list(managed.order_by("name")) if (managed_ids or coordinated) else []
    attention: list[AttentionItem] = []
    if managed:
        ids = [c.pk for c in managed]
        roles_by_community: dict[int, list[str]] = defaultdict(list)
        for community_id, role in Membership.objects.active().filter(community_id__in=ids).values_list(
            "community_id", "role"
        ):
            roles_by_community[community_id].append(role)
        pending = Counter(
            Invitation.objects.filter(
                community_id__in=ids, accepted_at__isnull=True, revoked_at__isnull=True
            ).values_list("community_id", flat=True)
        )
        for community in managed:
            roles = roles_by_community.get(community.pk, [])
            members_url = reverse("communities:members", args=[community.pk])
            if not any(r in LEAD_ROLES for r in roles):
                attention.append(AttentionItem(community, _("Er is nog geen communitytrekker."), members_url))
            if not any(r in FACILITATOR_ROLES for r in roles):
                attention.append(AttentionItem(community, _("Er is nog geen procesbegeleider."), members_url))
            minimum = community.programme.rule_profile.members_min
            if minimum and community.status == Community.Status.ACTIVE and len(roles) < minimum:
                attention.append(
                    AttentionItem(
                        community,
                        _("%(count)s leden; de spelregels vragen er minstens %(minimum)s.")
                        % {"count": len(roles), "minimum": minimum},
                        members_url,
                    )
                )
            if pending.get(community.pk):
                attention.append(
                    AttentionItem(
                        community,
                        ngettext(
                            "%(count)s uitnodiging is nog niet aangenomen.",
                            "%(count)s uitnodigingen zijn nog niet aangenomen.",
                            pending[community.pk],
                        )
                        % {"count": pending[community.pk]},
                        members_url,
                    )
                )
    return {
        "memberships": memberships,
        "programme_roles": programme_roles,
        "attention": attention,
    }
