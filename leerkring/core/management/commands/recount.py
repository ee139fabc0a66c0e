"""Count every kept figure again (`core.kept_figures`): after a restore, a bulk update by hand
or anything else that changed data past the models."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from leerkring.core.kept_figures import kept_figures


class Command(BaseCommand):
    help = "Count every figure the services keep (tallies, counts, seats) again from the data."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "keys", nargs="*", help="Only these figures (default: all; --list shows them)."
        )
        parser.add_argument("--list", action="store_true", help="Show the figures and stop.")

    def handle(self, *args, keys: list[str], list: bool, **options) -> None:  # noqa: A002
        figures = kept_figures()
        if list:
            for figure in figures:
                self.stdout.write(f"{figure.key}: {figure.title}")
            return
        unknown = set(keys) - {figure.key for figure in figures}
        if unknown:
            raise CommandError(f"Unknown figures: {', '.join(sorted(unknown))} (see --list).")
        for figure in figures:
            if keys and figure.key not in keys:
                continue
            started = time.monotonic()
            with transaction.atomic():
                figure.recount()
            self.stdout.write(f"{figure.key}: counted again in {time.monotonic() - started:.1f} s")
