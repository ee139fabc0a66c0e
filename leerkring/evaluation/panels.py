"""The monitor panel of the community page: a compact summary of the community's own monitor.

Registered from `apps.EvaluationConfig.ready()` through `leerkring.core.panels`, so the
community page need not know about the evaluation app. Shown to whoever may open the
community's monitor (its lead and facilitator, the programme's coordinators and evaluators);
participants do not see it — it is a steering aid for those who guide the community.
"""

from __future__ import annotations

from typing import Any

from leerkring.communities.models import Community
from leerkring.core.panels import Task

from . import monitor, permissions, selectors


def monitor_panel(community: Community, user: Any) -> dict[str, Any] | None:
    if not permissions.can_view_community_monitor(user, community):
        return None
    checks = selectors.community_monitor(community=community)
    return {
        "counts": monitor.status_counts(checks),
        "attention": [c for c in checks if c.status in (monitor.RED, monitor.ORANGE)],
        "labels": monitor.STATUS_LABELS,
    }


def home_tasks(user: Any) -> list[Task]:
    """The home page's lines from evaluation: the evaluator's observations and open story
    invitations, the coordinator's red lights."""
    return [
        *selectors.observation_tasks(user),
        *selectors.story_invitation_tasks(user),
        *selectors.monitor_tasks(user),
    ]
