"""Count every theme's signal figures again (`signalling.tallies`). Needed only after signals
were changed past `Signal.save()` (a bulk update by hand, a restore of part of the data)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.signalling.tallies import theme_tallies_rebuild


class Command(BaseCommand):
    help = "Count the signals of every theme again for the theme list and the top five."

    def handle(self, *args, **options) -> None:
        themes = theme_tallies_rebuild()
        self.stdout.write(f"Themes counted: {themes}")
