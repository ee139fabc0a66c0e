"""Reads for the meeting cycle, one module per sub-domain, each read with a fixed number of
queries.

- `planning`: meetings of a community, host and case rotation, work forms, the agenda
- `invitations`: members on the meeting day, answers, attendance, the calendar feed
- `mail`: how far the meeting's e-mail got (the outbox)
- `outcomes`: lessons, agreements with their history, signals, the minutes export
- `threads`: conversations between meetings
- `timeline`: the community page's meeting panels
- `home`: the lines of the home page's "Wat nu"

Callers use `from leerkring.meetings import selectors`; the names below are the public ones."""

from .invitations import (
    AttendanceRow,
    attendance_rows,
    attendance_summary,
    calendar_feed_for_token,
    calendar_feed_meetings,
    calendar_feed_token_hash,
    meeting_mail_recipients,
    meeting_page_path,
    meeting_rsvp_context,
    member_of_meeting_community,
    members_on_meeting_day,
    rsvp_answer_of,
    rsvp_overview,
)
from .mail import meeting_mail_progress
from .outcomes import (
    CommunityAgreements,
    agreements_of_user,
    agreements_with_history,
    meeting_outcomes,
    meeting_outcomes_context,
    minutes_export_context,
)
from .planning import (
    AgendaOverview,
    case_rotation,
    has_open_agreements_before,
    host_rotation,
    local_date,
    meeting_agenda,
    meeting_with_context,
    meetings_of_community,
    open_agreements_before,
    rotation_turn,
    work_forms_for,
)
from .threads import thread_messages, thread_notification_mode_of, threads_of_community
from .timeline import (
    MEMBER_ATTENDANCE_MEETINGS,
    TIMELINE_PAST,
    TIMELINE_TOPIC_DAYS,
    TIMELINE_UPCOMING,
    MemberAttendance,
    MemberAttendanceRow,
    MembershipPeriod,
    TopicCount,
    attendance_rate,
    latest_outcomes,
    member_attendance_overview,
    next_meeting,
    open_agreements_of_community,
    timeline_meetings,
    topics_covered,
)

__all__ = [
    "meeting_mail_progress",
    "AgendaOverview",
    "AttendanceRow",
    "CommunityAgreements",
    "MEMBER_ATTENDANCE_MEETINGS",
    "MemberAttendance",
    "MemberAttendanceRow",
    "MembershipPeriod",
    "TIMELINE_PAST",
    "TIMELINE_TOPIC_DAYS",
    "TIMELINE_UPCOMING",
    "TopicCount",
    "agreements_of_user",
    "agreements_with_history",
    "attendance_rate",
    "attendance_rows",
    "attendance_summary",
    "calendar_feed_for_token",
    "calendar_feed_meetings",
    "calendar_feed_token_hash",
    "case_rotation",
    "has_open_agreements_before",
    "host_rotation",
    "local_date",
    "meeting_agenda",
    "meeting_outcomes",
    "meeting_outcomes_context",
    "meeting_mail_recipients",
    "meeting_page_path",
    "meeting_rsvp_context",
    "meeting_with_context",
    "meetings_of_community",
    "latest_outcomes",
    "member_attendance_overview",
    "next_meeting",
    "member_of_meeting_community",
    "members_on_meeting_day",
    "minutes_export_context",
    "open_agreements_before",
    "open_agreements_of_community",
    "rotation_turn",
    "rsvp_answer_of",
    "rsvp_overview",
    "thread_messages",
    "thread_notification_mode_of",
    "threads_of_community",
    "timeline_meetings",
    "topics_covered",
    "work_forms_for",
]
