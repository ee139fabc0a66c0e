"""Count every programme's venster figures again (`signalling.venster_tallies`). Needed only
after signals were changed past `Signal.save()` (a bulk update by hand, a restore of part of
the data)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.signalling.venster_tallies import venster_tallies_rebuild


class Command(BaseCommand):
    help = "Count the signals of every programme again for the venster's counts."

    def handle(self, *args, **options) -> None:
        programmes = venster_tallies_rebuild()
        self.stdout.write(f"Programmes counted: {programmes}")
