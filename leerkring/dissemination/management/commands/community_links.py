"""Work out "who else works on this?" for every community now (`dissemination.links`), instead
of waiting for the task worker's next round: after a restore, or to see a change at once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from leerkring.dissemination.links import community_links_refresh


class Command(BaseCommand):
    help = "Work out the closest communities of every community on recent agendas."

    def handle(self, *args, **options) -> None:
        stored = community_links_refresh()
        self.stdout.write(f"Communities linked: {stored}")
