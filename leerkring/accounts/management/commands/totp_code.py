"""`manage.py totp_code <email>`: the code a demo account's authenticator app would show now.

Only for accounts set up with the published demo secret (`manage.py demo`); for anyone else the
secret is private and this command refuses.
"""

from __future__ import annotations

import time

from allauth.mfa import app_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leerkring.accounts.models import User
from leerkring.accounts.second_factor import DEMO_TOTP_SECRET, totp_now, totp_secret


class Command(BaseCommand):
    help = "Print the current authenticator-app code of a demo account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the demo account's e-mail address")

    def handle(self, *args, email: str, **options) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No account with the address {email}.")
        if totp_secret(user) != DEMO_TOTP_SECRET:
            raise CommandError(
                f"{email} has no authenticator app with the demo secret; its codes are private."
            )
        left = app_settings.TOTP_PERIOD - int(time.time()) % app_settings.TOTP_PERIOD
        self.stdout.write(totp_now(DEMO_TOTP_SECRET))
        self.stderr.write(f"(valid for another {left} seconds)")
