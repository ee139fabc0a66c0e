"""Who may see or do what with meetings, agendas, attendance, outcomes, minutes and threads.

What is said in a meeting (agenda details, minutes, outcomes, who attended) is for members of
the community. Coordinators and evaluators of the programme see the shape only: dates, format,
host and attendance *counts* (DESIGN.md §2). The lead organises and keeps the minutes; the
facilitator builds the agenda and records the outcomes (report §3.2.3) — both may do both,
because the report found the roles overlap in practice.
"""

from __future__ import annotations

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community

from .models import Meeting


def can_view_meeting_list(user, community: Community) -> bool:
    """Dates and counts: members, and coordinators/evaluators of the programme."""
    return community_permissions.can_view_community(user, community)


def can_view_meeting(user, meeting: Meeting) -> bool:
    """Agenda, outcomes and minutes are what is said in the community: members only."""
    return community_permissions.is_member(user, meeting.community)


def can_plan_meetings(user, community: Community) -> bool:
    return community_permissions.is_lead(user, community) or community_permissions.is_facilitator(
        user, community
    )


def can_edit_meeting(user, meeting: Meeting) -> bool:
    return can_plan_meetings(user, meeting.community)


def can_manage_observation(user, meeting: Meeting) -> bool:
    """Whether the evaluator may observe this meeting is the community's choice."""
    return can_plan_meetings(user, meeting.community)


def can_edit_agenda(user, meeting: Meeting) -> bool:
    return can_plan_meetings(user, meeting.community)


def can_record_attendance(user, meeting: Meeting) -> bool:
    return can_plan_meetings(user, meeting.community)


def can_record_outcomes(user, meeting: Meeting) -> bool:
    return can_plan_meetings(user, meeting.community)


def can_edit_minutes(user, meeting: Meeting) -> bool:
    return can_plan_meetings(user, meeting.community)


def can_answer_invitation(user, meeting: Meeting) -> bool:
    return community_permissions.is_member(user, meeting.community)


def can_view_member_attendance(user, community: Community) -> bool:
    """Attendance per named member over recent meetings helps the lead and facilitator approach
    quiet members personally (report §5.1.2); it is not for everyone's eyes."""
    return can_plan_meetings(user, community)


def can_use_threads(user, community: Community) -> bool:
    return community_permissions.is_member(user, community)


# --- Outcomes, minutes, agreements and threads -----------------------------------------


def can_view_agreement(user, agreement) -> bool:
    """An agreement is what is said in the community: members only."""
    return community_permissions.is_member(user, agreement.community)


def can_change_agreement_status(user, agreement) -> bool:
    """The one who took the agreement on reports on it; the lead and facilitator follow all
    agreements up (report §5.1.3), so they may change any of their community."""
    if can_plan_meetings(user, agreement.community):
        return True
    person = community_permissions.access_for(user).person
    if person is None or agreement.owner_id is None:
        return False
    owner = agreement.owner
    return (
        owner.person_id == person.pk
        and owner.is_active
        and community_permissions.is_member(user, agreement.community)
    )


# --- Invitations, calendar and attendance ----------------------------------------------


def can_publish_meeting(user, meeting: Meeting) -> bool:
    return can_edit_meeting(user, meeting)


def can_follow_meeting_mail(user, meeting: Meeting) -> bool:
    """Who sends the meeting's e-mail sees whether it arrived (addresses of members included)
    and may send it again: the lead and facilitator."""
    return can_plan_meetings(user, meeting.community)


def can_view_rsvp_answers(user, meeting: Meeting) -> bool:
    """Who said they will come is for whoever organises the meeting: the lead and facilitator."""
    return can_plan_meetings(user, meeting.community)


def can_download_meeting_ics(user, meeting: Meeting) -> bool:
    return can_view_meeting(user, meeting)


def can_use_calendar_feed(user) -> bool:
    """Anyone with a person record may keep a feed; it holds only their own communities'
    meetings, so someone without memberships just gets an empty calendar."""
    return community_permissions.access_for(user).person is not None


# --- Planning and agenda ---------------------------------------------------------------


def can_open_meetings(user, community: Community) -> bool:
    """Whether the meeting list links to the meeting pages: members only, because a meeting
    page shows what is said; coordinators see the list's dates and counts without links."""
    return community_permissions.is_member(user, community)


def can_print_agenda(user, meeting: Meeting) -> bool:
    return can_view_meeting(user, meeting)


# --- Community timeline ----------------------------------------------------------------


def can_view_community_agreements(user, community: Community) -> bool:
    """Open agreements name who does what: what is said in the community, members only."""
    return community_permissions.is_member(user, community)
