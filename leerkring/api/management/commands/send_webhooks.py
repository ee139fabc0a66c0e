"""Send every webhook delivery that is due (retries and events whose task was lost).

Safe to run at any time and as often as you like; run it every few minutes from cron as a
safety net next to the task worker."""

from django.core.management.base import BaseCommand

from leerkring.api import webhooks


class Command(BaseCommand):
    help = "Send webhook deliveries that are due."

    def handle(self, *args, **options):
        sent = webhooks.deliveries_send_due()
        self.stdout.write(f"{sent} webhook deliveries tried.")
