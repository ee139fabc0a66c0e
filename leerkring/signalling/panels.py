"""The "Onze signalen" panel of the community page (issue "Het venster" §4).

Registered from `apps.SignallingConfig.ready()` through `leerkring.core.panels`, so the
community page does not need to know about signals. Members only: drafts and the community's
own view of its signals belong to the closed room (DESIGN.md §2).
"""

from __future__ import annotations

from typing import Any

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community
from leerkring.core.panels import Task

from . import permissions, selectors
from .selectors import home


def our_signals_panel(community: Community, user: Any) -> dict[str, Any] | None:
    if not community_permissions.is_member(user, community):
        return None
    return {
        **selectors.community_signals(community=community),
        "can_raise": permissions.can_raise_signal(user, community),
    }


def home_tasks(user: Any) -> list[Task]:
    """The home page's lines from signals; see `selectors.home`."""
    return [
        *home.answer_tasks(user),
        *home.coordinator_tasks(user),
        *home.system_partner_tasks(user),
    ]
