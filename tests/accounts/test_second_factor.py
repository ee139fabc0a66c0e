"""The second step at sign-in: required for programme roles and staff, optional for everyone
else, asked on every sign-in, and recoverable by the administrator without seeing a secret."""

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from leerkring.accounts import second_factor
from leerkring.core.models import AuditEvent
from tests import factories
from tests.conftest import force_login_password_only
from tests.test_permission_matrix import MATRIX

LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:second_factor_setup")
AUTHENTICATE = reverse("mfa_authenticate")
SECRET = second_factor.DEMO_TOTP_SECRET


def password_step(client, user, next_url=""):
    data = {"username": user.email, "password": factories.PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def give_app(user) -> None:
    second_factor.totp_activate_with_secret(user=user, secret=SECRET)


# --- Who is asked, and when ----------------------------------------------------------------


def test_a_participant_without_a_second_factor_signs_in_with_the_password_alone(client, world):
    response = password_step(client, world.participant)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert signed_in(client)
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize("visitor", ["coordinator", "evaluator", "system_partner"])
def test_programme_roles_must_set_up_a_second_factor_on_the_first_sign_in(client, world, visitor):
    user = getattr(world, visitor)
    password_step(client, user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2F"
    page = client.get(response.url).content.decode()
    assert "Stel je tweede stap in" in page
    assert reverse("mfa_activate_totp") in page
    assert reverse("mfa_add_webauthn") in page


def test_a_coordinator_reaches_no_page_without_the_second_step(world):
    """Every URL the coordinator may open when fully signed in is closed after the password
    alone; only setting up the second step and signing out stay open."""
    open_names = {
        "accounts:second_factor_setup",
        "accounts:logout",
        "account_logout",
        "account_reauthenticate",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
    }
    checked = 0
    for name, door in sorted(MATRIX.items()):
        if door.public or "coordinator" not in door.allowed or name in open_names:
            continue
        client = Client()
        force_login_password_only(client, world.coordinator)
        response = getattr(client, door.method)(reverse(name, args=door.args(world)), door.data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(SETUP), name
        checked += 1
    assert checked > 100


def test_the_admin_is_closed_to_staff_without_the_second_step(db):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    force_login_password_only(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_the_admin_sign_in_goes_through_our_sign_in_page(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_coordinator_is_asked_for_the_code_on_every_sign_in(client, world):
    give_app(world.coordinator)
    response = password_step(client, world.coordinator)
    assert response.status_code == 302
    assert response.url == AUTHENTICATE
    assert not signed_in(client)

    wrong = client.post(AUTHENTICATE, {"code": "000000"})
    assert "Deze code klopt niet." in wrong.content.decode()
    assert not signed_in(client)

    right = client.post(AUTHENTICATE, {"code": second_factor.totp_now(SECRET)})
    assert right.status_code == 302
    assert signed_in(client)
    assert second_factor.session_passed(right.wsgi_request)
    assert (
        client.get(reverse("communities:programme", args=[world.programme.slug])).status_code == 200
    )


def test_a_participant_who_chose_a_second_factor_is_asked_too(client, world):
    give_app(world.participant)
    assert password_step(client, world.participant).url == AUTHENTICATE
    assert not signed_in(client)


def test_the_page_asked_for_is_reached_after_both_steps(client, world):
    give_app(world.coordinator)
    venster = reverse("signalling:venster", args=[world.programme.slug])
    password_step(client, world.coordinator, next_url=venster)
    response = client.post(AUTHENTICATE, {"code": second_factor.totp_now(SECRET)})
    assert response.url == venster


def test_a_recovery_code_works_once_in_place_of_the_app(client, world):
    give_app(world.coordinator)
    code = RecoveryCodes(
        Authenticator.objects.get(user=world.coordinator, type="recovery_codes")
    ).get_unused_codes()[0]
    password_step(client, world.coordinator)
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    assert signed_in(client)

    other = Client()
    password_step(other, world.coordinator)
    again = other.post(AUTHENTICATE, {"code": code})
    assert "Deze code klopt niet." in again.content.decode()


def test_guessing_codes_is_throttled(client, world):
    give_app(world.coordinator)
    password_step(client, world.coordinator)
    for _ in range(5):
        client.post(AUTHENTICATE, {"code": "123456"})
    blocked = client.post(AUTHENTICATE, {"code": second_factor.totp_now(SECRET)})
    assert not signed_in(client)
    assert blocked.status_code in (200, 429)


def test_a_session_without_the_second_step_must_prove_it_when_an_app_exists(world):
    give_app(world.evaluator)
    client = Client()
    force_login_password_only(client, world.evaluator)
    response = client.get(reverse("core:home"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    proved = client.post(reverse("mfa_reauthenticate"), {"code": second_factor.totp_now(SECRET)})
    assert proved.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_setting_up_the_app_passes_the_second_step_for_this_session(client, world):
    """allauth announces a new factor once its transaction commits, as in production; hence a
    test with real transactions (serialized rollback keeps the data migrations' rows)."""
    password_step(client, world.coordinator)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": second_factor.totp_now(secret)})
    assert response.url == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(verb="second_factor.added", actor=world.coordinator).exists()


def test_an_invited_coordinator_sets_up_the_second_step_after_choosing_a_password(
    client, world, django_capture_on_commit_callbacks
):
    from leerkring.accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        services.programme_role_assign(
            programme=world.programme,
            email="nieuw@divosa.nl",
            full_name="Nieuwe Coördinator",
            role="coordinator",
            by=world.coordinator,
        )
    path = re.search(r"/accounts/invitation/[^/\s]+/", mail.outbox[-1].body).group(0)
    client.post(
        path,
        {"new_password1": "een-lang-wachtwoord-2024", "new_password2": "een-lang-wachtwoord-2024"},
    )
    assert signed_in(client)
    assert client.get(reverse("core:home"))["Location"].startswith(SETUP)


# --- Keeping and losing factors --------------------------------------------------------------


def test_secrets_are_stored_encrypted(world):
    give_app(world.coordinator)
    authenticator = Authenticator.objects.get(user=world.coordinator, type="totp")
    assert SECRET not in str(authenticator.data)
    assert second_factor.totp_secret(world.coordinator) == SECRET


def test_someone_who_needs_a_second_factor_cannot_remove_the_last_one(client, world):
    give_app(world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert second_factor.has_second_factor(world.coordinator)
    assert "Stel eerst een andere in" in response.content.decode()


def test_a_participant_may_switch_the_app_off_again(
    client, world, django_capture_on_commit_callbacks
):
    give_app(world.participant)
    client.force_login(world.participant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"))
    assert not second_factor.has_second_factor(world.participant)
    assert AuditEvent.objects.filter(verb="second_factor.removed").exists()


def test_the_administrator_resets_a_lost_second_factor_without_seeing_a_secret(world):
    give_app(world.coordinator)
    coordinator_client = Client()
    password_step(coordinator_client, world.coordinator)
    coordinator_client.post(AUTHENTICATE, {"code": second_factor.totp_now(SECRET)})
    assert UserSession.objects.filter(user=world.coordinator).exists()

    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    admin_client = Client()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Authenticator-app" in listing or "TOTP" in listing
    authenticator = Authenticator.objects.get(user=world.coordinator, type="totp")
    detail = admin_client.get(
        reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    ).content.decode()
    assert authenticator.data["secret"] not in detail
    assert SECRET not in detail

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [world.coordinator.pk]},
        follow=True,
    )
    assert "sessies beëindigd" in response.content.decode()
    assert not Authenticator.objects.filter(user=world.coordinator).exists()
    assert not UserSession.objects.filter(user=world.coordinator).exists()
    assert AuditEvent.objects.filter(verb="second_factor.reset", actor=admin).count() == 2
    # The coordinator's session has ended; at the next sign-in a new factor must be set up.
    assert not signed_in(coordinator_client)
    fresh = Client()
    password_step(fresh, world.coordinator)
    assert fresh.get(reverse("core:home"))["Location"].startswith(SETUP)


# --- The demo --------------------------------------------------------------------------------


def test_the_totp_code_command_only_tells_demo_codes(world):
    give_app(world.coordinator)
    out = io.StringIO()
    call_command("totp_code", world.coordinator.email, stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == second_factor.totp_now(SECRET)

    second_factor.totp_activate_with_secret(user=world.evaluator, secret="JBSWY3DPEHPK3PXP")
    with pytest.raises(CommandError):
        call_command("totp_code", world.evaluator.email, stdout=io.StringIO())


@pytest.mark.django_db
def test_a_newcomer_signs_in_as_every_demo_role_with_what_the_demo_prints():
    out = io.StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    assert SECRET in printed
    assert "make totp EMAIL=" in printed
    logins = re.findall(r"^  .+?\s(\S+@\S+)\s+(\S+)(  \+ code)?$", printed, re.MULTILINE)
    assert len(logins) == 7
    for email, password, needs_code in logins:
        client = Client()
        response = client.post(LOGIN, {"username": email, "password": password})
        if needs_code:
            assert response.url == AUTHENTICATE, email
            code = io.StringIO()
            call_command("totp_code", email, stdout=code, stderr=io.StringIO())
            # A code is accepted once; the demo accounts share the secret but not the use.
            response = client.post(AUTHENTICATE, {"code": code.getvalue().strip()})
        assert response.status_code == 302, email
        home = client.get(reverse("core:home"))
        assert home.status_code == 200, email
