"""Who may propose, approve and see publications (the public knowledge base).

- The public pages are for anyone; they show only what is published, and the selectors decide
  that (`selectors.public_publications`), not the visitor.
- A community chooses what goes public: its lead and facilitator propose its shareable lessons
  and products, and may withdraw them again.
- The programme's coordinator approves or declines — never their own proposal (four eyes).
- Members of the proposing community and the programme's coordinators follow a proposal.
- Only the person themself puts their name on a publication.
"""

from __future__ import annotations

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import COORDINATOR, access_for

from .models import Publication


def can_propose(user, community: Community) -> bool:
    """The lead and facilitator speak for the community when something goes public."""
    return community_permissions.is_lead(user, community) or community_permissions.is_facilitator(
        user, community
    )


def can_review(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, COORDINATOR)


def can_view_proposal(user, publication: Publication) -> bool:
    if community_permissions.is_member(user, publication.community):
        return True
    return can_review(user, publication.programme)


def can_approve(user, publication: Publication) -> bool:
    """A coordinator of the programme who did not propose it."""
    if not can_review(user, publication.programme):
        return False
    return publication.proposed_by_id is None or publication.proposed_by_id != getattr(
        user, "pk", None
    )


def can_withdraw(user, publication: Publication) -> bool:
    return can_propose(user, publication.community) or can_review(user, publication.programme)


def can_credit(user, publication: Publication) -> bool:
    """A member of the community behind it may add (or remove) their own name."""
    return community_permissions.is_member(user, publication.community)
