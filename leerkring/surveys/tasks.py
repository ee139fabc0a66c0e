"""Background work of the surveys (django-tasks; see README "Background tasks").

The queue holds no addresses and no tokens: a reminder's fresh token is made inside the
service while it sends, and only its hash is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from . import ballots, services, stored_results
from .models import Wave
from .views.results import results_page_prerender


@task()
def survey_reminders_send_due() -> int:
    """Send the scheduled reminders that are due (same as `manage.py send_survey_reminders`)."""
    return services.survey_reminders_send_due()


@task()
def survey_responses_release_due() -> int:
    """Release waiting answers (same as `manage.py release_survey_responses`)."""
    return ballots.waves_release_due()


@task()
def wave_results_store(wave_id: int) -> int:
    """Compute and store the results of a wave after a release (queued by the release), so
    the results page reads them instead of computing, and render the page's content in the
    site's language for its first visitor; returns the version stored."""
    wave = (
        Wave.objects.select_related("programme__rule_profile", "questionnaire")
        .filter(pk=wave_id)
        .first()
    )
    if wave is None:
        return 0
    stored_results.wave_results_stored(wave)
    with translation.override(settings.LANGUAGE_CODE):
        results_page_prerender(wave)
    return wave.results_version
