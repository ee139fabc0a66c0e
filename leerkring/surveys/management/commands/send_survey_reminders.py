"""Send the scheduled survey reminders: for every open wave with "herinnering elke … dagen",
everyone invited who has not answered and whose last e-mail is at least that many days old
gets a reminder with a fresh link. Run once a day (cron or a systemd timer); nothing is sent
for closed waves, and running it twice on a day sends nothing new the second time."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.surveys.services import survey_reminders_send_due


class Command(BaseCommand):
    help = "Send due reminders for open survey waves to invitees who have not answered."

    def handle(self, *args, **options) -> None:
        sent = survey_reminders_send_due()
        self.stdout.write(f"Survey reminders sent: {sent}")
