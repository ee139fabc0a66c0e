"""Release waiting survey answers into the results (surveys/ballots.py). After every send
Leerkring releases what may be released at once; this command catches what is left when a
wave closes, so the last batch does not wait for someone to open the results. Run once a day
(cron or a systemd timer), shortly after midnight; running it twice changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.surveys.ballots import waves_release_due


class Command(BaseCommand):
    help = "Release waiting survey answers in batches; everything that waits in a closed wave."

    def handle(self, *args, **options) -> None:
        released = waves_release_due()
        self.stdout.write(f"Survey answers released: {released}")
