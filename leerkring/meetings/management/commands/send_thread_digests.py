"""Send the daily thread digest: members who chose "one overview a day" get one e-mail per
community with the messages written since their previous digest. Run once a day (cron or a
systemd timer); running it twice sends nothing new the second time."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.meetings.services import thread_digests_send


class Command(BaseCommand):
    help = "Send the daily e-mail digest of new thread messages to members who chose it."

    def handle(self, *args, **options) -> None:
        sent = thread_digests_send()
        self.stdout.write(f"Thread digests queued: {sent}")
