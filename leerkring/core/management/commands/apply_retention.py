"""`manage.py apply_retention`: remove or anonymise personal data that is past its retention
period (core.retention). Run it once a day; a second run the same day changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.core.retention import apply_retention


class Command(BaseCommand):
    help = "Remove or anonymise personal data past its retention period (RETENTION_*_DAYS)."

    def handle(self, *args, **options) -> None:
        for result in apply_retention():
            if result.cutoff is None:
                self.stdout.write(f"{result.rule.key}: off ({result.rule.setting}=0)")
            else:
                self.stdout.write(
                    f"{result.rule.key}: {result.count} "
                    f"({result.rule.description}, older than {result.rule.days} days)"
                )
