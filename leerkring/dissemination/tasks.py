"""Background work of the dissemination app (django-tasks; the database backend's `db_worker`
runs it, see README "Background tasks").

The queue holds the issue's id only, never addresses: the task reads the subscribers when it
runs, so an unsubscribe that happens before then is respected.
"""

from __future__ import annotations

from django_tasks import task

from . import newsletter


@task()
def newsletter_issue_send(issue_id: int) -> dict[str, int]:
    """Send a published issue (`newsletter.issue_deliver`): safe to run more than once."""
    return newsletter.issue_deliver(issue_id=issue_id)
