"""Journey: a participant signs in with their organisation's account, in Chromium, through a
real OpenID Connect provider process (tests/oidc/provider.mjs), under the site's CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.helpers import assert_accessible
from tests.oidc.server import running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_signs_in_with_the_organisations_account(page: Page, live_server, settings):
    membership = factories.MembershipFactory(
        community__name="CoP Achterhoek", person__email="fatima@gemeente.nl"
    )
    user = membership.person.user
    user.email = "fatima@gemeente.nl"
    user.save()
    accounts = {"fatima": {"email": user.email, "email_verified": True, "name": "Fatima"}}
    callback = f"{live_server.url}/accounts/oidc/gemeente/login/callback/"
    with running_provider(redirect_uris=[callback], accounts=accounts) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [provider.app()]}
        }
        # As settings.py does for OIDC_PROVIDERS: the sign-in form may lead to the provider.
        policy = settings.CONTENT_SECURITY_POLICY
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": {
                **policy["DIRECTIVES"],
                "form-action": ["'self'", provider.issuer],
            }
        }

        page.goto("/accounts/login/")
        button = page.get_by_role("button", name="Inloggen met Gemeente Voorbeeld")
        expect(button).to_be_visible()
        assert_accessible(page, "login-with-organisation")
        button.click()

        page.locator("input[name=login]").fill("fatima")
        page.locator("input[name=amr]").fill("pwd")
        page.get_by_role("button", name="Sign in").click()

        expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
        expect(page.get_by_role("heading", name="CoP Achterhoek")).to_be_visible()
