"""Delete access-log records older than ACCESS_LOG_RETENTION_DAYS (default 365). Run once a
day (cron or a systemd timer); running it twice deletes nothing new."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.core.access_log import purge, retention_days


class Command(BaseCommand):
    help = "Delete access-log records older than the retention period."

    def handle(self, *args, **options) -> None:
        deleted = purge()
        self.stdout.write(
            f"Access-log records older than {retention_days()} days deleted: {deleted}"
        )
