"""Background work of the meeting cycle (django-tasks; the database backend's `db_worker`
runs it, see README "Background tasks").

Tasks are thin: they call a service with plain arguments, so the queue holds ids and
timestamps, never e-mail addresses or tokens.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django_tasks import task

from . import services


@task()
def meeting_reminder(meeting_id: int, sequence: int, starts_at: str) -> int:
    """Remind members of a published meeting. `sequence` and `starts_at` are the version it was
    queued for: a meeting changed or cancelled since then is skipped (see the service)."""
    return services.meeting_reminder_send(
        meeting_id=meeting_id, sequence=sequence, starts_at=parse_datetime(starts_at)
    )


def meeting_reminder_enqueue(
    *, meeting_id: int, sequence: int, starts_at: datetime.datetime
) -> None:
    """Queue the reminder for `MEETING_REMINDER_DAYS` before the start. Backends without
    delayed tasks (the immediate backend in tests) run it at once; the service then sees it is
    too early and does nothing."""
    runner = meeting_reminder
    if runner.get_backend().supports_defer:
        runner = runner.using(
            run_after=starts_at - datetime.timedelta(days=settings.MEETING_REMINDER_DAYS)
        )
    runner.enqueue(meeting_id=meeting_id, sequence=sequence, starts_at=starts_at.isoformat())
