"""Demo data for accounts: the demo's coordinator, evaluator, system partner and administrator
need a second factor like everyone in those roles, so each gets an authenticator app with the
documented demo secret (second_factor.DEMO_TOTP_SECRET). `manage.py demo` prints it, and
`manage.py totp_code <email>` (or `make totp`) shows the current code."""

from __future__ import annotations

from leerkring.communities.demo_data import LOGINS, DemoContext, demo_step

from .models import User
from .second_factor import DEMO_TOTP_SECRET, is_required, totp_activate_with_secret


@demo_step(order=50)
def demo_second_factors(context: DemoContext) -> None:
    users = User.objects.filter(email__in=LOGINS.values())
    given = 0
    for user in users:
        if is_required(user):
            totp_activate_with_secret(user=user, secret=DEMO_TOTP_SECRET)
            given += 1
    context.counts["second factors"] = given
