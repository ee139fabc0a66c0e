"""What a person sees first: the programmes in the navigation and the home page's overview
of what waits for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerkring.accounts.models import Invitation

from .. import permissions
from ..models import (
    FACILITATOR_ROLES,
    LEAD_ROLES,
    Community,
    Membership,
    Programme,
    active_membership_q,
)


def programmes_for_navigation(user) -> dict:
    access = permissions.access_for(user)
    ids = access.programmes_with(permissions.COORDINATOR, permissions.EVALUATOR)
    programmes = (
        list(Programme.objects.filter(pk__in=ids).only("pk", "name", "slug")) if ids else []
    )
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
    access = permissions.access_for(user)
    memberships = (
        list(
            Membership.objects.active()
            .filter(person=access.person)
            .select_related("community__programme", "organisation")
            .order_by("community__name")
        )
        if access.person
        else []
    )
    programme_ids = set(access.programme_roles)
    programmes = (
        {p.pk: p for p in Programme.objects.filter(pk__in=programme_ids)} if programme_ids else {}
    )
    programme_roles = [
        (programmes[pid], sorted(roles))
        for pid, roles in access.programme_roles.items()
        if pid in programmes
    ]

    managed_ids = {m.community_id for m in memberships if m.role in LEAD_ROLES}
    coordinated = access.programmes_with(permissions.COORDINATOR)
    attention: list[AttentionItem] = []
    if managed_ids or coordinated:
        active = active_membership_q("memberships__")
        managed = list(
            Community.objects.filter(Q(pk__in=managed_ids) | Q(programme_id__in=coordinated))
            .exclude(status=Community.Status.ENDED)
            .select_related("programme__rule_profile")
            .annotate(
                member_count=Count("memberships", filter=active),
                lead_count=Count(
                    "memberships", filter=active & Q(memberships__role__in=LEAD_ROLES)
                ),
                facilitator_count=Count(
                    "memberships", filter=active & Q(memberships__role__in=FACILITATOR_ROLES)
                ),
            )
            .order_by("name")
        )
        pending = dict(
            Invitation.objects.filter(
                community_id__in=[c.pk for c in managed],
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .values("community_id")
            .annotate(n=Count("id"))
            .values_list("community_id", "n")
        )
        for community in managed:
            members_url = reverse("communities:members", args=[community.pk])
            if not community.lead_count:
                attention.append(
                    AttentionItem(community, _("Er is nog geen communitytrekker."), members_url)
                )
            if not community.facilitator_count:
                attention.append(
                    AttentionItem(community, _("Er is nog geen procesbegeleider."), members_url)
                )
            minimum = community.programme.rule_profile.members_min
            if (
                minimum
                and community.status == Community.Status.ACTIVE
                and community.member_count < minimum
            ):
                attention.append(
                    AttentionItem(
                        community,
                        ngettext(
                            "%(count)s lid; de spelregels vragen er minstens %(minimum)s.",
                            "%(count)s leden; de spelregels vragen er minstens %(minimum)s.",
                            community.member_count,
                        )
                        % {"count": community.member_count, "minimum": minimum},
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
    # The programmes a person takes part in through a community: where they find what the
    # other communities work on, and (leads and facilitators) the venster.
    member_programmes: dict[int, dict] = {}
    for membership in memberships:
        programme = membership.community.programme
        entry = member_programmes.setdefault(
            programme.pk, {"programme": programme, "guides": False}
        )
        if membership.role != Membership.Role.PARTICIPANT:
            entry["guides"] = True
    return {
        "memberships": memberships,
        "member_programmes": list(member_programmes.values()),
        "programme_roles": programme_roles,
        "attention": attention,
    }
