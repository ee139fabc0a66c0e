"""What a journey does on a page: sign in, check accessibility, keep a screenshot."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from allauth.mfa import app_settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from leerkring.accounts import second_factor
from leerkring.accounts.models import User
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BROKEN_WORDS_SCRIPT = Path(__file__).with_name("broken_words.js")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


# Codes already typed per account: allauth accepts each code once, so a second sign-in within
# the same 30 seconds uses the next period's code (the browser tests allow one period of drift).
_USED_COUNTERS: dict[int, int] = {}


def totp_code_for(user) -> str:
    """The code the person's authenticator app shows, one not typed before."""
    secret = second_factor.totp_secret(user)
    now = int(time.time()) // app_settings.TOTP_PERIOD
    counter = max(now, _USED_COUNTERS.get(user.pk, now - 1) + 1)
    while counter > int(time.time()) // app_settings.TOTP_PERIOD + 1:
        time.sleep(1)
    _USED_COUNTERS[user.pk] = counter
    return second_factor.totp_now(secret, at=counter * app_settings.TOTP_PERIOD)


def sign_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    """Sign in through the real login form, as a person would, with the code from their
    authenticator app when they have one. Someone whose role requires a second factor gets an
    app first (the first-time set-up has its own journey in test_second_factor.py)."""
    user = User.objects.get(email=email)
    if second_factor.is_required(user) and not second_factor.has_second_factor(user):
        second_factor.totp_activate_with_secret(user=user, secret=second_factor.DEMO_TOTP_SECRET)
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        page.locator("input[name=code]").fill(totp_code_for(user))
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()


def screenshot(page: Page, name: str) -> Path:
    """Photograph the whole page once it has loaded. Chromium refuses a capture taken while a
    page is being replaced ("Unable to capture screenshot"); a click that navigates can leave
    the old page half gone, so the capture waits for the new one and tries again."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    for attempt in range(3):
        page.wait_for_load_state()
        try:
            page.screenshot(path=str(path), full_page=True)
            return path
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error) or attempt == 2:
                raise
            page.wait_for_timeout(250)
    return path


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.0/2.1 A+AA violations on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern; an
        # injected <script> element would be (rightly) refused as an inline script.
        page.evaluate(f"() => {{ {AXE_SCRIPT.read_text()}\n }}")
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def assert_accessible(page: Page, name: str) -> None:
    """Photograph the page (test-artifacts/screenshots/<name>.png), then fail on any serious or
    critical axe violation with the rule, its help text and the failing elements."""
    screenshot(page, name)
    violations = axe_violations(page)
    if violations:
        lines = [f"axe found {len(violations)} serious/critical violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            for node in violation["nodes"][:10]:
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(f"    at {json.dumps(node['target'])}: {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def assert_styled(page: Page) -> None:
    """The NL Design System stylesheets were served and applied (static files work)."""
    for name in ("design-tokens.css", "component-library.css", "leerkring.css"):
        loaded = page.evaluate(
            """(name) => [...document.styleSheets].some(
                   (sheet) => sheet.href && sheet.href.includes(name) && sheet.cssRules.length > 0)""",
            name,
        )
        assert loaded, f"stylesheet {name} did not load on {page.url}"
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Noto Sans" in font, f"design tokens not applied to the body (font: {font})"


def layout_faults(page: Page) -> list[str]:
    """What keeps the page from fitting its window: the page itself scrolling sideways (a wide
    table scrolls inside its own box instead), and words drawn across two lines."""
    faults = []
    width = page.viewport_size["width"]
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    if page_width > width:
        faults.append(f"the page scrolls sideways: {page_width} px wide in a {width} px window")
    words = page.evaluate(BROKEN_WORDS_SCRIPT.read_text())
    if words:
        faults.append(f"{len(words)} word(s) drawn across two lines: " + ", ".join(words[:15]))
    return faults


def assert_fits(page: Page, name: str) -> None:
    """Photograph the page, then fail when it does not fit its window (layout_faults) or has a
    serious or critical axe violation, naming everything that is wrong at once."""
    screenshot(page, name)
    faults = layout_faults(page)
    for violation in axe_violations(page):
        targets = ", ".join(json.dumps(node["target"]) for node in violation["nodes"][:5])
        faults.append(
            f"axe [{violation['impact']}] {violation['id']}: {violation['help']} at {targets}"
        )
    if faults:
        pytest.fail(
            f"{page.url} at {page.viewport_size['width']} px:\n- " + "\n- ".join(faults),
            pytrace=False,
        )


def open_section_with(page: Page, content) -> None:
    """The community page folds its sections; open the one holding `content` (a locator), as
    a person does by clicking its title."""
    section = page.locator("details.lk-fold", has=content)
    if section.get_attribute("open") is None:
        section.locator("summary").first.click()
