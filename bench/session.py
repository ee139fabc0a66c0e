"""A test client signed in as a benchmark's visitor, second factor included.

Coordinators, evaluators, system partners and administrators must pass a second step after the
password (docs/security.md); `Client.force_login` gives the password step only, and the
second-factor middleware would send every page of theirs to the code form. The benchmark signs
in as someone who went through both steps, the way the test suite's `force_login` does
(tests/conftest.py).
"""

from __future__ import annotations

import time


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "mfa", "at": time.time(), "type": "totp", "id": 0, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client
