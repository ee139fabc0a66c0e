import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests import factories

LOGIN = reverse("accounts:login")
WRONG = "Het e-mailadres of het wachtwoord klopt niet."


@pytest.fixture
def user(db):
    return factories.UserFactory(email="fatima@gemeente.nl")


def sign_in(client, email, password=factories.PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_it_shows_the_sign_in_form_with_an_email_field_and_a_reset_link(client, db):
    body = client.get(LOGIN).content.decode()
    assert "E-mailadres" in body
    assert 'name="username"' in body
    assert reverse("accounts:password_reset") in body
    assert "Wachtwoord vergeten?" in body


def test_it_signs_a_user_in_with_email_and_password(client, user):
    response = sign_in(client, "fatima@gemeente.nl")
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert signed_in_user_id(client) == str(user.pk)


def test_it_accepts_the_address_in_any_case(client, user):
    response = sign_in(client, "  Fatima@Gemeente.NL ")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_it_refuses_a_wrong_password_without_saying_whether_the_address_exists(client, user):
    wrong_password = sign_in(client, "fatima@gemeente.nl", "not-the-password")
    unknown_address = sign_in(client, "nobody@gemeente.nl", "not-the-password")
    assert wrong_password.status_code == unknown_address.status_code == 200
    assert WRONG in wrong_password.content.decode()
    assert WRONG in unknown_address.content.decode()
    assert signed_in_user_id(client) is None


def test_it_refuses_a_disabled_account_with_the_same_message(client, user):
    user.is_active = False
    user.save()
    response = sign_in(client, "fatima@gemeente.nl")
    assert WRONG in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_locks_sign_in_after_five_failures_even_with_the_right_password(client, user):
    for _ in range(4):
        assert sign_in(client, "fatima@gemeente.nl", "wrong-password").status_code == 200
    fifth = sign_in(client, "fatima@gemeente.nl", "wrong-password")
    assert fifth.status_code == 429

    response = sign_in(client, "fatima@gemeente.nl")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Te vaak geprobeerd in te loggen" in body
    assert "15 minuten" in body
    assert reverse("accounts:password_reset") in body
    assert signed_in_user_id(client) is None


def test_it_throttles_per_address_so_other_people_can_still_sign_in(client, user):
    other = factories.UserFactory(email="jan@coa.nl")
    for _ in range(5):
        sign_in(client, "fatima@gemeente.nl", "wrong-password")
    assert sign_in(client, other.email).status_code == 302


def test_it_does_not_let_a_case_change_sidestep_the_throttle(client, user):
    for variant in ["fatima@gemeente.nl", "FATIMA@gemeente.nl", "Fatima@Gemeente.nl"] * 2:
        sign_in(client, variant, "wrong-password")
    assert sign_in(client, "fAtImA@gemeente.nl").status_code == 429


def test_it_signs_out_only_by_post(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert signed_in_user_id(client) == str(user.pk)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert signed_in_user_id(client) is None
    assert "Je bent uitgelogd." in response.content.decode()


def test_it_sends_a_signed_in_user_away_from_the_sign_in_page(client, user):
    client.force_login(user)
    assert client.get(LOGIN).status_code == 302


def test_production_settings_hash_passwords_with_argon2_first():
    import leerkring.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_is_installed_and_hashes(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = get_user_model().objects.create_user("argon@example.nl", "a-long-passphrase")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-passphrase")
