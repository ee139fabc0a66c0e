"""Send the weekly digest of signals waiting for feedback to each programme's coordinators.
Run once a week (cron or a systemd timer); it runs through the task queue like other
background work, or straight away with --now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.signalling.services import signal_digests_send
from leerkring.signalling.tasks import send_signal_digest


class Command(BaseCommand):
    help = "Send the weekly e-mail of signals waiting for feedback to the coordinators."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send straight away instead of via the task queue."
        )

    def handle(self, *args, **options) -> None:
        if options["now"]:
            sent = signal_digests_send()
            self.stdout.write(f"Signal digests sent: {sent}")
        else:
            send_signal_digest.enqueue()
            self.stdout.write("Signal digest queued.")
