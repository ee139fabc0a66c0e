"""The products panel of the community page (orders 300–399, see `leerkring.core.panels`).

The community page is open to its members and to the programme's coordinators and evaluators.
Members see all their community's products; coordinators and evaluators see the ones the
community shared (DESIGN.md §2: shape plus what was shared)."""

from __future__ import annotations

from typing import Any

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community
from leerkring.core.panels import Task

from . import permissions, selectors


def products_panel(community: Community, user: Any) -> dict[str, Any] | None:
    member = community_permissions.is_member(user, community)
    # A member of this community is a reader of its programme; ask the database only for others.
    reader = member or permissions.is_programme_reader(user, community.programme)
    if not reader:
        return None
    return {
        **selectors.products_of_community(community=community, user=user),
        "is_member": member,
        "can_create": permissions.can_create_product(user, community),
        # The catalogue and the knowledge view are open to the programme's readers.
        "can_view_catalogue": reader,
        "can_view_knowledge": reader,
    }


def home_tasks(user: Any) -> list[Task]:
    return selectors.home_tasks_of(user)
