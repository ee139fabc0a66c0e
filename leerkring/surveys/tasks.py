"""Background work of the surveys (django-tasks; see README "Background tasks").

The queue holds no addresses and no tokens: a reminder's fresh token is made inside the
service while it sends, and only its hash is stored.
"""

from __future__ import annotations

from django_tasks import task

from . import ballots, services


@task()
def survey_reminders_send_due() -> int:
    """Send the scheduled reminders that are due (same as `manage.py send_survey_reminders`)."""
    return services.survey_reminders_send_due()


@task()
def survey_responses_release_due() -> int:
    """Release waiting answers (same as `manage.py release_survey_responses`)."""
    return ballots.waves_release_due()
