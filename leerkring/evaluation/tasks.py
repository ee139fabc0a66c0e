"""Background work of the evaluation (django-tasks; see README "Background tasks").

Tasks are thin: they call a function with plain arguments, so the queue holds ids, dates and
a language code, never a report.
"""

from __future__ import annotations

from django_tasks import task

from .reports import store


@task()
def report_compute(*, kind: str, subject_id: int, start: str, end: str, language: str) -> bool:
    """Compute and store a report for its page (queued by the page when its data changed or
    its period was asked for the first time)."""
    return store.report_compute_for(
        kind=kind, subject_id=subject_id, start=start, end=end, language=language
    )
