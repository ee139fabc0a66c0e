"""What a journey does on a page: sign in, check accessibility, keep a screenshot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def sign_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    """Sign in through the real login form, as a person would."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
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
