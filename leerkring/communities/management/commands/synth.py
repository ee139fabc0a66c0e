"""`manage.py synth`: the national-scale synthetic network (DESIGN.md §5) for benchmarks."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leerkring.communities.synthetic import synth_build, synth_has_data


class Command(BaseCommand):
    help = (
        "Build a deterministic synthetic network at national scale (3 programmes, 600 "
        "communities, 2,000 organisations, 15,000 people). Only into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0 is national scale; 0.1 ten times smaller."
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Empty the whole database first (all data, all accounts).",
        )

    def handle(self, *args, seed: int, scale: float, flush: bool, **options) -> None:
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        if synth_has_data():
            if not flush:
                raise CommandError(
                    "The database already holds data. Synthetic data goes only into an empty "
                    "database; add --flush to empty it first."
                )
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        ctx = synth_build(seed=seed, scale=scale, out=self.stdout.write)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Synthetic network, seed {seed}, scale {scale}:")
        for name, count in ctx.counts.items():
            self.stdout.write(f"  {name:<22} {count:>8,}")
        for name, seconds in ctx.timings.items():
            self.stdout.write(f"  {name:<40} {seconds:6.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s."))
