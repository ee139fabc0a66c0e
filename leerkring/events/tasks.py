"""Background work of programme events (django-tasks; `db_worker` runs it). Tasks hold ids
and timestamps only, never addresses or tokens."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django_tasks import task

from . import services


@task()
def event_reminder(event_id: int, sequence: int, starts_at: str) -> int:
    """Remind everyone with a seat. A changed or cancelled event is skipped (the service sees
    it by the sequence and start it was queued for)."""
    return services.event_reminders_send(
        event_id=event_id, sequence=sequence, starts_at=parse_datetime(starts_at)
    )


def event_reminder_enqueue(*, event_id: int, sequence: int, starts_at: datetime.datetime) -> None:
    """Queue the reminder for `EVENT_REMINDER_DAYS` before the start. Backends without delayed
    tasks (the immediate backend in tests) run it at once; the service then sees it is too
    early and does nothing."""
    runner = event_reminder
    if runner.get_backend().supports_defer:
        runner = runner.using(
            run_after=starts_at - datetime.timedelta(days=settings.EVENT_REMINDER_DAYS)
        )
    runner.enqueue(event_id=event_id, sequence=sequence, starts_at=starts_at.isoformat())
