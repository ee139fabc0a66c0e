"""`manage.py demo`: the demo network of the seed documents, with one login per role."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from leerkring.accounts import second_factor
from leerkring.accounts.models import User
from leerkring.accounts.second_factor import DEMO_TOTP_SECRET
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
        with_second_factor = []
        for label, email, password in demo_logins():
            user = User.objects.filter(email=email).first()
            needs_code = user is not None and second_factor.totp_secret(user) == DEMO_TOTP_SECRET
            marker = "  + code" if needs_code else ""
            self.stdout.write(f"  {label:<48} {email:<34} {password}{marker}")
            if needs_code:
                with_second_factor.append(email)
        if with_second_factor:
            example = with_second_factor[0]
            self.stdout.write(
                "\n'+ code': after the password these accounts ask for a second step, a code from\n"
                "an authenticator app. Either add this demo key to any authenticator app\n"
                f"(Microsoft/Google Authenticator, FreeOTP, KeePassXC):\n    {DEMO_TOTP_SECRET}\n"
                "or print the current code in a terminal:\n"
                f"    make totp EMAIL={example}\n"
                f"    (= DEBUG=true .venv/bin/python manage.py totp_code {example})"
            )
