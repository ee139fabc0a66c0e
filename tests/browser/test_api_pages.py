"""A coordinator makes an API token (shown once) and subscribes a webhook, in the browser."""

import pytest
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.api.models import ApiToken, WebhookSubscription
from tests import factories
from tests.browser.helpers import assert_accessible, assert_styled, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    role = factories.ProgrammeRoleFactory(
        role=ProgrammeRole.Role.COORDINATOR, programme__slug="inburgering"
    )
    return role.person.user


def test_a_coordinator_makes_a_token_and_subscribes_a_webhook(page: Page, coordinator):
    sign_in(page, coordinator.email)
    page.goto("/me/")
    page.get_by_role("link", name="API-sleutels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-sleutels")
    assert_styled(page)
    assert_accessible(page, "api-tokens")

    page.get_by_label("Naam").fill("Dashboard regio Oost")
    page.get_by_role("button", name="Sleutel maken").click()
    token = page.get_by_label("Je API-sleutel").input_value()
    assert token.startswith("lk_")
    assert ApiToken.objects.get().name == "Dashboard regio Oost"
    expect(page.get_by_role("cell", name="Dashboard regio Oost", exact=True)).to_be_visible()
    assert_accessible(page, "api-token-made")

    page.goto("/programmes/inburgering/webhooks/")
    assert_accessible(page, "webhooks")
    page.get_by_label("Adres (URL) van de ontvanger").fill("http://127.0.0.1:9/hook")
    page.get_by_label("Signaal beantwoord").check()
    page.get_by_role("button", name="Webhook toevoegen").click()
    secret = page.get_by_label("Geheim").input_value()
    assert secret == WebhookSubscription.objects.get().secret
    page.get_by_role("link", name="http://127.0.0.1:9/hook").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Webhook naar")
    assert_accessible(page, "webhook")
