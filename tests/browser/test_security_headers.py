"""The Content-Security-Policy in a real browser: our pages run under it without a single
violation (checked after every journey by the `page` fixture), and it does block what it
should, so that check can fail."""

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_policy_blocks_an_injected_inline_script_and_the_journey_notices(
    page: Page, csp_violations: list[str]
):
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === undefined")
    assert any("inline script" in violation for violation in csp_violations)
    csp_violations.clear()  # the fixture would (rightly) fail this test otherwise


def test_htmx_and_the_pages_work_under_the_policy(page: Page, world_for_browser):
    sign_in(page, world_for_browser.email)
    page.goto("/")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert page.evaluate("() => typeof window.htmx === 'object'")
    assert_accessible(page, "home-under-csp")


def test_the_admin_sign_in_page_works_under_the_policy(page: Page):
    page.goto("/admin/login/")
    expect(page.locator("input[name=password]")).to_be_visible()


@pytest.fixture
def world_for_browser():
    return factories.MembershipFactory().person.user
