"""Sessions end 12 hours after sign-in for everyone, and after 30 minutes idle for people with
a programme role and staff (SessionLimitsMiddleware)."""

import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from leerkring.accounts.middleware import SEEN, STARTED
from tests import factories

HOME = reverse("core:home")
LOGIN = reverse("accounts:login")


def age_session(client, *, started_ago: float = 0, seen_ago: float = 0) -> None:
    session = client.session
    now = time.time()
    session[STARTED] = now - started_ago
    session[SEEN] = now - seen_ago
    session.save()


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def participant(world):
    return world.participant


def test_the_session_remembers_when_it_started(client, participant):
    client.force_login(participant)
    assert client.get(HOME).status_code == 200
    assert abs(client.session[STARTED] - time.time()) < 60


def test_a_participant_stays_signed_in_after_an_idle_hour(client, participant):
    client.force_login(participant)
    age_session(client, started_ago=3600, seen_ago=3600)
    assert client.get(HOME).status_code == 200
    assert signed_in(client)


def test_every_session_ends_twelve_hours_after_sign_in(client, participant):
    client.force_login(participant)
    age_session(client, started_ago=12 * 3600 + 5, seen_ago=10)
    agreements = reverse("meetings:my_agreements")
    response = client.get(agreements)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?{urlencode({'next': agreements})}"
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "Je sessie is verlopen." in page


@pytest.mark.parametrize("visitor", ["coordinator", "evaluator", "system_partner"])
def test_programme_roles_are_signed_out_after_thirty_idle_minutes(client, world, visitor):
    client.force_login(getattr(world, visitor))
    age_session(client, started_ago=3600, seen_ago=29 * 60)
    assert client.get(HOME).status_code == 200
    assert signed_in(client)

    age_session(client, started_ago=3600, seen_ago=31 * 60)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)
    assert "niet actief" in client.get(response["Location"]).content.decode()


def test_staff_are_signed_out_after_thirty_idle_minutes(client, db):
    admin = factories.UserFactory(is_staff=True)
    client.force_login(admin)
    age_session(client, started_ago=600, seen_ago=31 * 60)
    assert client.get(HOME).status_code == 302
    assert not signed_in(client)


def test_a_request_keeps_an_active_session_alive(client, world):
    client.force_login(world.coordinator)
    for _ in range(3):
        age_session(client, started_ago=3600, seen_ago=20 * 60)
        assert client.get(HOME).status_code == 200
    assert time.time() - client.session[SEEN] < 60


def test_the_limits_are_configurable(client, world, settings):
    settings.SESSION_IDLE_MINUTES = 0
    settings.SESSION_IDLE_MINUTES_MEMBERS = 10
    client.force_login(world.coordinator)
    age_session(client, started_ago=3600, seen_ago=5 * 3600)
    assert client.get(HOME).status_code == 302  # members' limit applies to everyone

    client.force_login(world.participant)
    age_session(client, started_ago=3600, seen_ago=9 * 60)
    assert client.get(HOME).status_code == 200
    age_session(client, started_ago=3600, seen_ago=11 * 60)
    assert client.get(HOME).status_code == 302


def test_an_htmx_request_is_sent_to_sign_in_by_htmx(client, world):
    client.force_login(world.coordinator)
    age_session(client, started_ago=3600, seen_ago=45 * 60)
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == LOGIN
    assert not signed_in(client)


def test_the_session_cookie_lasts_no_longer_than_the_absolute_limit(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
