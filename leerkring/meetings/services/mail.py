"""The meeting's e-mail goes through the outbox (`leerkring.outbox`): every invitation, update,
cancellation, reminder and minutes mail is a row per member written in the transaction of the
change that causes it, delivered by the worker and retried while the mail server refuses for a
while. The meeting page shows how far delivery got and can send again to whoever did not get it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from leerkring.core.audit import audit
from leerkring.meetings.models import Meeting
from leerkring.meetings.selectors.mail import MEETING_KINDS
from leerkring.outbox import selectors as outbox_selectors
from leerkring.outbox import services as outbox


def meeting_mail_queue(messages: list, *, kind: str, meeting: Meeting) -> int:
    """Put the meeting's e-mails in the outbox in the caller's transaction; returns how many
    people they go to."""
    return outbox.emails_queue(messages, kind=f"meetings.{kind}", scope=meeting)


@transaction.atomic
def meeting_mail_resend(*, meeting: Meeting, by: Any) -> int:
    """ "Opnieuw versturen naar wie het niet kreeg": each member's newest failed e-mail about the
    meeting goes out again with a fresh retry period. Returns how many were queued again."""
    count = outbox.failed_retry(
        messages=outbox_selectors.failed_messages(meeting, kinds=MEETING_KINDS)
    )
    if count:
        audit(
            actor=by,
            verb="meeting.mail_resent",
            obj=meeting,
            community_id=meeting.community_id,
            recipients=count,
        )
    return count
