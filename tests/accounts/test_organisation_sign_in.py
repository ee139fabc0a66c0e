"""Signing in with an organisation's account: the real OpenID Connect flow against a real
provider process (tests/oidc/provider.mjs, npm `oidc-provider`) on 127.0.0.1."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from leerkring.accounts import second_factor
from leerkring.accounts.models import User
from leerkring.communities.models import Person
from leerkring.core.models import AuditEvent
from tests import factories
from tests.oidc.server import running_provider

TESTSERVER = "http://testserver"
ACCOUNTS = {
    "fatima": {"email": "fatima@gemeente.nl", "email_verified": True, "name": "Fatima el Amrani"},
    "coordinator": {"email": "anouk@divosa.nl", "email_verified": True, "name": "Anouk Jansen"},
    "unverified": {"email": "jan@coa.nl", "email_verified": False, "name": "Jan de Vries"},
    "newcomer": {"email": "nieuw@gemeente.nl", "email_verified": True, "name": "Nieuwe Collega"},
}


@pytest.fixture(scope="module")
def provider():
    callbacks = [
        f"{TESTSERVER}/accounts/oidc/{provider_id}/login/callback/"
        for provider_id in ("gemeente", "regio")
    ]
    with running_provider(redirect_uris=callbacks, accounts=ACCOUNTS) as running:
        yield running


@pytest.fixture
def configure(settings, provider):
    """Point allauth at the running provider, with the given apps' settings."""

    def configure(*apps):
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": list(apps) or [provider.app()],
            }
        }

    configure()
    return configure


def organisation_sign_in(client, provider, *, sub, amr="pwd", acr="", provider_id="gemeente"):
    start = client.post(reverse("openid_connect_login", args=[provider_id]))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.issuer)
    back = provider.sign_in(start["Location"], sub=sub, amr=amr, acr=acr)
    assert back.startswith(f"{TESTSERVER}/accounts/oidc/{provider_id}/login/callback/")
    return client.get(back.removeprefix(TESTSERVER))


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def fatima(world):
    user = world.participant
    user.email = "fatima@gemeente.nl"
    user.save()
    return user


@pytest.fixture
def coordinator(world):
    user = world.coordinator
    user.email = "anouk@divosa.nl"
    user.save()
    return user


def test_the_sign_in_page_offers_each_configured_organisation(client, db, configure, provider):
    configure(provider.app(), provider.app("regio", "Regio Twente"))
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Inloggen met Gemeente Voorbeeld" in page
    assert "Inloggen met Regio Twente" in page
    assert reverse("openid_connect_login", args=["regio"]) in page


def test_a_participant_signs_in_with_the_organisations_account(client, fatima, configure, provider):
    response = organisation_sign_in(client, provider, sub="fatima")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in_as(client) == str(fatima.pk)
    assert client.get(reverse("core:home")).status_code == 200
    # Matched once by the verified address, remembered by the provider's identifier.
    account = SocialAccount.objects.get(user=fatima)
    assert (account.provider, account.uid) == ("gemeente", "fatima")
    assert AuditEvent.objects.filter(verb="account.provider_connected", actor=fatima).exists()
    fatima.refresh_from_db()
    assert fatima.check_password(factories.PASSWORD)  # the password still works too


def test_a_second_sign_in_uses_the_remembered_connection(client, fatima, configure, provider):
    organisation_sign_in(client, provider, sub="fatima")
    client.post(reverse("accounts:logout"))
    fatima.email = "f.elamrani@gemeente.nl"
    fatima.save()
    organisation_sign_in(client, provider, sub="fatima")
    assert signed_in_as(client) == str(fatima.pk)
    assert SocialAccount.objects.filter(user=fatima).count() == 1


def test_an_unverified_address_is_not_matched(client, world, configure, provider):
    world.participant.email = "jan@coa.nl"
    world.participant.save()
    response = organisation_sign_in(client, provider, sub="unverified")
    assert response.status_code == 403
    assert "Geen bevestigd e-mailadres" in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_nobody_gets_an_account_by_signing_in(client, db, configure, provider):
    response = organisation_sign_in(client, provider, sub="newcomer")
    assert "Geen account gevonden" in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="nieuw@gemeente.nl").exists()


def test_a_provider_configured_for_a_programme_creates_the_account(
    client, world, configure, provider
):
    configure(provider.app(signup_programme=world.programme.slug))
    organisation_sign_in(client, provider, sub="newcomer")
    user = User.objects.get(email="nieuw@gemeente.nl")
    assert signed_in_as(client) == str(user.pk)
    assert not user.has_usable_password()
    person = Person.objects.get(user=user)
    assert person.full_name == "Nieuwe Collega"
    event = AuditEvent.objects.get(verb="account.created_by_provider")
    assert event.data == {"provider": "gemeente", "programme": world.programme.slug}


def test_a_switched_off_account_stays_switched_off(client, fatima, configure, provider):
    fatima.is_active = False
    fatima.save()
    response = organisation_sign_in(client, provider, sub="fatima")
    assert signed_in_as(client) is None
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == reverse("account_inactive")


def test_a_coordinator_without_the_providers_second_factor_must_set_one_up(
    client, coordinator, configure, provider
):
    organisation_sign_in(client, provider, sub="coordinator", amr="pwd")
    assert signed_in_as(client) == str(coordinator.pk)
    home = client.get(reverse("core:home"))
    assert home["Location"].startswith(reverse("accounts:second_factor_setup"))


def test_a_coordinator_with_an_app_is_asked_for_its_code_after_a_password_only_provider(
    client, coordinator, configure, provider
):
    second_factor.totp_activate_with_secret(user=coordinator, secret=second_factor.DEMO_TOTP_SECRET)
    response = organisation_sign_in(client, provider, sub="coordinator", amr="pwd")
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None


def test_the_providers_second_factor_counts_and_is_not_asked_again(
    client, coordinator, world, configure, provider
):
    second_factor.totp_activate_with_secret(user=coordinator, secret=second_factor.DEMO_TOTP_SECRET)
    response = organisation_sign_in(client, provider, sub="coordinator", amr="pwd,mfa")
    assert response["Location"] == reverse("core:home")
    assert signed_in_as(client) == str(coordinator.pk)
    programme = client.get(reverse("communities:programme", args=[world.programme.slug]))
    assert programme.status_code == 200


def test_an_acr_the_configuration_names_counts_as_a_second_factor(
    client, coordinator, world, configure, provider
):
    configure(provider.app(mfa_acr=["urn:test:loa:mfa"]))
    organisation_sign_in(client, provider, sub="coordinator", amr="pwd", acr="urn:test:loa:mfa")
    assert client.get(reverse("core:home")).status_code == 200

    client.post(reverse("accounts:logout"))
    organisation_sign_in(
        client, provider, sub="coordinator", amr="pwd", acr="urn:test:loa:password"
    )
    assert client.get(reverse("core:home"))["Location"].startswith(
        reverse("accounts:second_factor_setup")
    )


def test_a_forged_answer_signs_nobody_in(client, fatima, configure, provider):
    start = client.post(reverse("openid_connect_login", args=["gemeente"]))
    back = provider.sign_in(start["Location"], sub="fatima")
    forged = back.replace("state=", "state=x")
    response = client.get(forged.removeprefix(TESTSERVER))
    assert signed_in_as(client) is None
    assert "Inloggen lukte niet" in response.content.decode()


def test_providers_come_from_environment_variables():
    from leerkring.settings import oidc_providers

    environ = {
        "OIDC_PROVIDERS": "entra, regio-twente",
        "OIDC_ENTRA_LABEL": "Gemeente Utrecht",
        "OIDC_ENTRA_SERVER_URL": "https://login.microsoftonline.com/tenant/v2.0",
        "OIDC_ENTRA_CLIENT_ID": "id-1",
        "OIDC_ENTRA_CLIENT_SECRET": "geheim-1",
        "OIDC_REGIO_TWENTE_LABEL": "Regio Twente",
        "OIDC_REGIO_TWENTE_SERVER_URL": "https://sso.twente.example",
        "OIDC_REGIO_TWENTE_CLIENT_ID": "id-2",
        "OIDC_REGIO_TWENTE_CLIENT_SECRET": "geheim-2",
        "OIDC_REGIO_TWENTE_SIGNUP_PROGRAMME": "inburgering",
        "OIDC_REGIO_TWENTE_MFA_ACR": "urn:twente:loa:high",
    }
    entra, twente = oidc_providers(environ)
    assert (entra["provider_id"], entra["name"], entra["client_id"]) == (
        "entra",
        "Gemeente Utrecht",
        "id-1",
    )
    assert entra["settings"]["mfa_amr"] == ["mfa"]
    assert entra["settings"]["signup_programme"] == ""
    assert twente["settings"] == {
        "server_url": "https://sso.twente.example",
        "signup_programme": "inburgering",
        "mfa_amr": ["mfa"],
        "mfa_acr": ["urn:twente:loa:high"],
    }


def test_a_provider_without_its_secret_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    from leerkring.settings import oidc_providers

    with pytest.raises(ImproperlyConfigured, match="OIDC_X_CLIENT_SECRET"):
        oidc_providers(
            {
                "OIDC_PROVIDERS": "x",
                "OIDC_X_LABEL": "X",
                "OIDC_X_SERVER_URL": "https://x.example",
                "OIDC_X_CLIENT_ID": "x",
            }
        )


def test_the_content_security_policy_lets_the_sign_in_form_go_to_the_providers(monkeypatch):
    import importlib

    import leerkring.settings as production

    monkeypatch.setenv("OIDC_PROVIDERS", "entra")
    monkeypatch.setenv("OIDC_ENTRA_LABEL", "Gemeente Utrecht")
    monkeypatch.setenv("OIDC_ENTRA_SERVER_URL", "https://login.microsoftonline.com/t/v2.0")
    monkeypatch.setenv("OIDC_ENTRA_CLIENT_ID", "id")
    monkeypatch.setenv("OIDC_ENTRA_CLIENT_SECRET", "geheim")
    reloaded = importlib.reload(production)
    try:
        form_action = reloaded.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
        assert form_action == ["'self'", "https://login.microsoftonline.com"]
    finally:
        monkeypatch.undo()
        importlib.reload(production)
