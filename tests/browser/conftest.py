"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server runs in a thread of this process, so the test database, settings overrides
and the locmem e-mail outbox are shared with the test. Every page a journey visits is checked
with axe-core and photographed into test-artifacts/screenshots/ (see helpers.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = os.environ.get("LEERKRING_CHROMIUM", "/usr/bin/chromium")
# Chromium as root needs --no-sandbox; the rest keeps it from calling out of a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser is a browser test, even if a module forgets the mark.

    The live server needs real transactions, so each test ends with a flush that would also
    wipe rows data migrations put there (the work-form catalogue, questionnaire templates).
    Serialized rollback puts them back, so no test depends on the order."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test-browser` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _one_period_of_clock_drift(settings):
    """Journeys sign the same person in more than once within 30 seconds; each sign-in needs a
    fresh code, so the next period's code must be accepted too (tests/browser/helpers.py)."""
    settings.MFA_TOTP_TOLERANCE = 1


def is_csp_violation(message: ConsoleMessage) -> bool:
    """Chromium reports every blocked script, style, frame or form as a console error that
    names the Content Security Policy."""
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def csp_violations() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, live_server, csp_violations: list[str]) -> Iterator[Page]:
    """A fresh browser profile per test, speaking Dutch like the product's users. Whatever the
    journey does, no page may break the Content-Security-Policy."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(f"{page.url}: {message.text}")
            if is_csp_violation(message)
            else None
        ),
    )
    yield page
    context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)
