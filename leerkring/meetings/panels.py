"""The meeting panels of the community page (issue "Meetings" §6, the community timeline).

The community page does not know about meetings (STYLE.md: nothing points back from
`communities`); `apps.MeetingsConfig.ready()` registers these through `leerkring.core.panels`.
Each function decides with this app's permission rules whether the visitor sees its panel
(None: not at all) and returns what its template needs. The page itself has already checked
that the visitor may see the community: its members, and the programme's coordinators and
evaluators, who get the shape only — dates, counts, rates and topics, no names (DESIGN.md §2).
"""

from __future__ import annotations

from typing import Any

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community
from leerkring.core.panels import Task

from . import permissions, selectors
from .models import Rsvp
from .selectors import home

THREADS_ON_COMMUNITY_PAGE = 5


def next_meeting_panel(community: Community, user: Any) -> dict[str, Any] | None:
    """The top of the community page: the next meeting, with the RSVP buttons for a member.
    Coordinators and evaluators see its date and form only (the shape)."""
    if not permissions.can_view_meeting_list(user, community):
        return None
    member = permissions.can_open_meetings(user, community)
    person = community_permissions.access_for(user).person if member else None
    meeting = selectors.next_meeting(community=community, person=person)
    return {
        "meeting": meeting,
        "can_open_meetings": member,
        "can_answer": member and meeting is not None,
        # What the compact RSVP form (meetings/partials/home_rsvp.html) needs.
        "rsvp": {
            "meeting": meeting,
            "my_answer": meeting.my_answer if meeting is not None else "",
            "choices": Rsvp.Answer.choices,
            "back": "community",
        },
        "can_plan": permissions.can_plan_meetings(user, community),
    }


def latest_outcomes_panel(community: Community, user: Any) -> dict[str, Any] | None:
    """The top of the community page: what the community recently concluded. Lessons and
    agreements are what is said in the community: members only."""
    if not permissions.can_view_community_agreements(user, community):
        return None
    return selectors.latest_outcomes(community=community)


def threads_panel(community: Community, user: Any) -> dict[str, Any] | None:
    """The latest conversations between meetings; members only."""
    if not permissions.can_use_threads(user, community):
        return None
    return {
        "threads": list(
            selectors.threads_of_community(community=community)[:THREADS_ON_COMMUNITY_PAGE]
        ),
        "limit": THREADS_ON_COMMUNITY_PAGE,
    }


def meetings_panel(community: Community, user: Any) -> dict[str, Any] | None:
    """Upcoming and past meetings, the past ones with their attendance rate."""
    if not permissions.can_view_meeting_list(user, community):
        return None
    return {
        **selectors.timeline_meetings(community=community),
        "can_open_meetings": permissions.can_open_meetings(user, community),
        "can_use_threads": permissions.can_use_threads(user, community),
    }


def topics_panel(community: Community, user: Any) -> dict[str, Any] | None:
    """Agenda items per topic category: counts, which coordinators may see too."""
    if not permissions.can_view_meeting_list(user, community):
        return None
    return selectors.topics_covered(community=community)


def agreements_panel(community: Community, user: Any) -> dict[str, Any] | None:
    if not permissions.can_view_community_agreements(user, community):
        return None
    return {"agreements": selectors.open_agreements_of_community(community=community)}


def member_attendance_panel(community: Community, user: Any) -> dict[str, Any] | None:
    """Named attendance per member: the lead and the facilitator only (report §5.1.2)."""
    if not permissions.can_view_member_attendance(user, community):
        return None
    return {"overview": selectors.member_attendance_overview(community=community)}


def home_tasks(user: Any) -> list[Task]:
    """The home page's lines from meetings: every member's next meetings, agreements and
    messages; the lead's and facilitator's follow-up and planning. See `selectors.home`."""
    return [
        *home.next_meeting_tasks(user),
        *home.agreement_tasks(user),
        *home.message_tasks(user),
        *home.after_meeting_tasks(user),
        *home.planning_tasks(user),
    ]
