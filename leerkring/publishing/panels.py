"""Panels of the public knowledge base on pages it does not own (see `leerkring.core.panels`).

- The community page (order 500): what this community made public or proposed, and for its
  lead and facilitator the shared lessons and products they could propose.
- A programme's public page (order 300): its public newsletters, with their archives.
"""

from __future__ import annotations

from typing import Any

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Programme
from leerkring.dissemination import selectors as dissemination_selectors

from . import permissions, selectors


def community_panel(community: Community, user: Any) -> dict[str, Any] | None:
    member = community_permissions.is_member(user, community)
    reviewer = permissions.can_review(user, community.programme)
    if not member and not reviewer:
        return None
    context: dict[str, Any] = {
        **selectors.community_publications(community=community),
        "is_member": member,
        "can_propose": permissions.can_propose(user, community),
        "can_review": reviewer,
    }
    if context["can_propose"]:
        context["candidates"] = selectors.proposal_candidates(community=community)
    return context


def public_newsletters_panel(programme: Programme, user: Any) -> dict[str, Any] | None:
    """Public newsletters that have at least one published issue; members-only ones are left
    out whoever looks, because this page is the public's."""
    newsletters = [
        newsletter
        for newsletter in dissemination_selectors.newsletters_of_programme(programme=programme)
        if newsletter.is_public and newsletter.published_count
    ]
    if not newsletters:
        return None
    return {"newsletters": newsletters}
