"""The outbox's task (django-tasks): a wake-up for the worker after e-mail was queued.

The queue holds nothing but the request itself; the e-mail is in the outbox. A worker's
periodic run (`services.pump`) delivers whatever is due anyway, so this task only makes the
first attempt immediate.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def outbox_deliver() -> dict[str, int]:
    return dict(services.deliver(budget_seconds=60))
