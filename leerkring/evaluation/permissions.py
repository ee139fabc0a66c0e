"""Who may see or do what with observations, change stories, the monitor and reports.

Observations are the evaluator's notes and stay in the background: evaluators and the
programme's coordinators read them, members never (report §2). The monitor helps a community
steer, so its lead and facilitator see their own community's checks; coordinators and
evaluators see the programme's matrix. Reports are for coordinators and evaluators, and the
lead and facilitator may see their own community's report.
"""

from __future__ import annotations

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, access_for


def is_evaluator(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, EVALUATOR)


def can_observe(user, community: Community) -> bool:
    """An evaluator of the programme; which meetings, `can_observe_meeting` decides."""
    return is_evaluator(user, community.programme)


def can_observe_meeting(user, meeting) -> bool:
    """Only a meeting the evaluator was invited to as observer, or that the community opened
    to the programme's evaluators (meetings.Meeting.observers / open_to_observation): an
    observer sees what happens in the room, so only where the community let them in."""
    access = access_for(user)
    if not access.has_programme_role(meeting.community.programme_id, EVALUATOR):
        return False
    if meeting.open_to_observation:
        return True
    return access.person is not None and meeting.observers.filter(pk=access.person.pk).exists()


def can_view_observations(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, EVALUATOR, COORDINATOR)


def can_manage_stories(user, programme: Programme) -> bool:
    return is_evaluator(user, programme)


def can_view_stories(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, EVALUATOR, COORDINATOR)


def can_view_programme_monitor(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, EVALUATOR, COORDINATOR)


def can_view_community_monitor(user, community: Community) -> bool:
    return can_view_programme_monitor(user, community.programme) or (
        community_permissions.is_lead(user, community)
        or community_permissions.is_facilitator(user, community)
    )


def can_view_programme_report(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, EVALUATOR, COORDINATOR)


def can_view_community_report(user, community: Community) -> bool:
    return can_view_community_monitor(user, community)


# --- Observations and stories -----------------------------------------------------------
# Decided on ids, so lists can check many rows without loading their programmes.


def can_view_observation(user, observation) -> bool:
    return access_for(user).has_programme_role(
        observation.meeting.community.programme_id, EVALUATOR, COORDINATOR
    )


def can_edit_observation(user, observation) -> bool:
    """Evaluators who may observe the meeting: observers work as a team and complete each
    other's notes. Coordinators read along."""
    return can_observe_meeting(user, observation.meeting)


def can_manage_observation_templates(user, programme: Programme) -> bool:
    return is_evaluator(user, programme)


def can_view_observation_template(user, template) -> bool:
    """The built-in schema is for every evaluator and coordinator; a programme's own
    template for that programme's."""
    access = access_for(user)
    if template.programme_id is None:
        return bool(access.programmes_with(EVALUATOR, COORDINATOR))
    return access.has_programme_role(template.programme_id, EVALUATOR, COORDINATOR)


def can_edit_observation_template(user, template) -> bool:
    return template.programme_id is not None and access_for(user).has_programme_role(
        template.programme_id, EVALUATOR
    )
