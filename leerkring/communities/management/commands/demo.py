"""`manage.py demo`: the demo network of the seed documents, with one login per role."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from leerkring.communities.demo_data import demo_build, demo_exists, demo_logins, demo_reset
from leerkring.communities.models import Programme


class Command(BaseCommand):
    help = (
        "Load the demo network: the twelve CoP's Inburgering, a Sociaal Werk in de Wijk "
        "programme and the CoP Gewogen Maatwerk, with fictional people and demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has a programme (for `make run`).",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Remove the demo data first, then load it again."
        )

    def handle(self, *args, if_empty: bool, reset: bool, **options) -> None:
        if reset:
            demo_reset()
        if if_empty and Programme.objects.exists():
            self.stdout.write("The database already has programmes; demo data not loaded.")
        elif demo_exists():
            self.stdout.write("Demo data is already loaded (use --reset to load it again).")
        else:
            started = time.perf_counter()
            counts = demo_build()
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded in {time.perf_counter() - started:.1f} s: {summary}."
                )
            )
        self.stdout.write("\nDemo logins (password for all the same):")
        for label, email, password in demo_logins():
            self.stdout.write(f"  {label:<48} {email:<34} {password}")
