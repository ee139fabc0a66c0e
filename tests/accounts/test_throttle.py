"""Password spraying and credential stuffing: failures counted per client over all addresses
and per address over all clients, on top of django-axes (address and client together)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from leerkring.accounts import throttle
from tests import factories

LOGIN = reverse("accounts:login")
LOCKED = "Te vaak geprobeerd in te loggen"


@pytest.fixture(autouse=True)
def _limits(settings, db):
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGNIN_LIMITS_PER_CLIENT = ["10/300", "50/86400"]
    settings.SIGNIN_LIMITS_PER_ACCOUNT = ["20/3600"]
    cache.clear()


def sign_in(client, email, password=factories.PASSWORD, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def without_csrf(response) -> str:
    """The page without its per-render CSRF tokens."""
    return re.sub(
        r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode()
    )


def test_it_refuses_a_client_that_sprays_one_password_over_many_addresses(client, db):
    victims = [factories.UserFactory() for _ in range(3)]
    # Ten addresses, each tried once: axes alone (address and client) would never lock any.
    for number in range(10):
        assert sign_in(client, f"guess{number}@gemeente.nl", "Welkom2024!").status_code == 200

    refused = sign_in(client, victims[0].email)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_refused_client_gets_the_same_page_for_known_and_unknown_addresses(client, db):
    known = factories.UserFactory(email="fatima@gemeente.nl")
    for number in range(10):
        sign_in(client, f"guess{number}@gemeente.nl", "Welkom2024!")

    for_known = sign_in(client, known.email, "Welkom2024!")
    for_unknown = sign_in(client, "nobody-here@gemeente.nl", "Welkom2024!")
    assert for_known.status_code == for_unknown.status_code == 429
    assert without_csrf(for_known) == without_csrf(for_unknown)


def test_other_clients_still_sign_in_while_one_is_refused(client, db):
    user = factories.UserFactory()
    for number in range(10):
        sign_in(client, f"guess{number}@gemeente.nl", "Welkom2024!")
    assert sign_in(client, user.email).status_code == 429

    elsewhere = Client()
    assert sign_in(elsewhere, user.email, ip="198.51.100.20").status_code == 302


def test_the_daily_limit_holds_a_patient_sprayer(client, db, settings, monkeypatch):
    settings.SIGNIN_LIMITS_PER_CLIENT = ["10/300", "25/86400"]
    clock = [1_000_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: clock[0])
    for number in range(25):
        if number and number % 9 == 0:
            clock[0] += 301  # a new five-minute window: the short limit starts over
        assert sign_in(client, f"guess{number}@gemeente.nl", "Zomer2024!").status_code == 200
    clock[0] += 301
    assert sign_in(client, "guess-next@gemeente.nl", "Zomer2024!").status_code == 429

    clock[0] += 86_400
    assert sign_in(client, "guess-next@gemeente.nl", "Zomer2024!").status_code == 200


def test_it_refuses_an_address_attacked_from_many_clients(db):
    user = factories.UserFactory(email="jan@coa.nl")
    # Credential stuffing / brute force spread over clients: two tries each stay under axes.
    for number in range(20):
        client = Client()
        sign_in(client, user.email, f"leaked-password-{number}", ip=f"192.0.2.{number + 1}")

    fresh = Client()
    refused = sign_in(fresh, user.email, ip="198.51.100.99")
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    # Another address from that same fresh client is not affected.
    other = factories.UserFactory()
    assert sign_in(fresh, other.email, ip="198.51.100.99").status_code == 302


def test_an_unknown_address_is_counted_like_a_known_one(db):
    for number in range(20):
        sign_in(Client(), "no-account@gemeente.nl", "raden", ip=f"192.0.2.{number + 1}")
    assert sign_in(Client(), "no-account@gemeente.nl", ip="198.51.100.1").status_code == 429


def test_a_new_password_by_email_lifts_the_address_limit(client, db, settings):
    settings.SIGNIN_LIMITS_PER_ACCOUNT = ["3/3600"]
    user = factories.UserFactory(email="sanne@taalschool.nl")
    for number in range(3):
        sign_in(Client(), user.email, "fout-wachtwoord", ip=f"192.0.2.{number + 1}")
    assert sign_in(Client(), user.email, ip="198.51.100.1").status_code == 429

    throttle.forget_account(user.email)
    assert sign_in(Client(), user.email, ip="198.51.100.1").status_code == 302


def test_counters_name_no_address_in_the_cache(db):
    sign_in(Client(), "geheim-adres@gemeente.nl", "fout", ip="203.0.113.55")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM leerkring_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("lk-signin" in key for key in keys)
    assert not any("geheim-adres" in key or "203.0.113.55" in key for key in keys)
