"""Background work of the venster (django-tasks; see README "Background tasks").

The weekly digest reminds each programme's coordinators which signals wait for an answer past
the feedback deadline — the report found that unanswered signals demotivate communities.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_signal_digest() -> int:
    """One e-mail per programme with waiting signals, to its coordinators."""
    return services.signal_digests_send()
