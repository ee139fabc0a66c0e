"""How far the meeting's e-mail got: sent / waiting / failed per kind, from the outbox."""

from __future__ import annotations

from leerkring.meetings.models import Meeting
from leerkring.outbox import selectors as outbox_selectors

# Kinds of e-mail about a meeting, in the order the progress display lists them.
MEETING_KINDS = (
    "meetings.invitation",
    "meetings.update",
    "meetings.cancellation",
    "meetings.reminder",
    "meetings.minutes",
)


def meeting_mail_progress(*, meeting: Meeting) -> outbox_selectors.Progress:
    """For the lead and facilitator (`permissions.can_follow_meeting_mail`), addresses of
    failures included: they know their members. Two queries."""
    return outbox_selectors.progress(meeting, kinds=MEETING_KINDS)
