"""Every role's main pages fit a phone (390 px) and a desk (1280 px): the page never scrolls
sideways, no word is drawn across two lines, and axe finds nothing serious or critical.

The pages are filled with the demo data, the fullest data set the project has (long names,
forty signals a page, the monitor's fourteen checks), so a table that crushes its words or a
list that pushes the page wide shows up here. Screenshots land in test-artifacts/screenshots/
as layout-<role>-<page>-<width>.png."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page

from leerkring.communities.models import Community, Programme
from leerkring.communities.synthetic import DEMO_PASSWORD
from leerkring.meetings.models import Meeting
from leerkring.signalling import selectors as signal_selectors
from leerkring.surveys.models import Wave
from tests.browser.helpers import assert_fits, layout_faults, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1280, "height": 900}}


def _participant_pages() -> dict[str, str]:
    community = Community.objects.get(name="CoP Achterhoek")
    upcoming = Meeting.objects.filter(community=community, starts_at__gt=timezone.now())
    meeting = upcoming.order_by("starts_at").first()
    return {
        "home": "/",
        "community": f"/communities/{community.pk}/",
        "agreements": "/agreements/",
        "signals": f"/communities/{community.pk}/signals/",
        "meeting": f"/meetings/{meeting.pk}/",
    }


def _lead_pages() -> dict[str, str]:
    community = Community.objects.get(name="CoP Achterhoek")
    held = Meeting.objects.filter(community=community, starts_at__lt=timezone.now())
    return {
        "home": "/",
        "members": f"/communities/{community.pk}/members/",
        "meetings": f"/communities/{community.pk}/meetings/",
        "held-meeting": f"/meetings/{held.order_by('-starts_at').first().pk}/",
    }


def _coordinator_pages() -> dict[str, str]:
    programme = "/programmes/inburgering"
    return {
        "home": "/",
        "programme": f"{programme}/",
        "venster": f"{programme}/venster/",
        "monitor": f"{programme}/monitor/",
        "themes": f"{programme}/themes/",
    }


def _evaluator_pages() -> dict[str, str]:
    programme = Programme.objects.get(slug="inburgering")
    wave = Wave.objects.filter(programme=programme).order_by("-opens_on").first()
    return {
        "home": "/",
        "surveys": f"/programmes/{programme.slug}/surveys/",
        "wave": f"/waves/{wave.pk}/",
        "observations": f"/programmes/{programme.slug}/observations/",
        "stories": f"/programmes/{programme.slug}/stories/",
    }


def _system_partner_pages() -> dict[str, str]:
    programme = Programme.objects.get(slug="inburgering")
    signal = signal_selectors.system_inbox(programme=programme).first()
    return {
        "home": "/",
        "inbox": f"/programmes/{programme.slug}/system/",
        "signal": f"/system/signals/{signal.pk}/",
    }


ROLES = {
    "participant": ("deelnemer@leerkring.test", _participant_pages),
    "lead": ("trekker@leerkring.test", _lead_pages),
    "coordinator": ("coordinator@leerkring.test", _coordinator_pages),
    "evaluator": ("onderzoeker@leerkring.test", _evaluator_pages),
    "system-partner": ("stelselpartner@leerkring.test", _system_partner_pages),
}


@pytest.mark.parametrize("width", WIDTHS)
def test_each_roles_pages_fit_a_phone_and_a_desk(page: Page, width):
    """One test per width, each through every role, so the demo data is loaded twice in all
    and the two widths run side by side on CI's two workers. Every fault on every page is
    collected before the test fails, so one run shows all that is left to fix."""
    call_command("demo", stdout=io.StringIO())
    page.set_viewport_size(WIDTHS[width])
    failures = []
    for role, (email, pages) in ROLES.items():
        page.context.clear_cookies()
        sign_in(page, email, password=DEMO_PASSWORD)
        for name, url in pages().items():
            response = page.goto(url)
            assert response is not None and response.ok, f"{url} answered {response.status}"
            try:
                assert_fits(page, f"layout-{role}-{name}-{width}")
            except pytest.fail.Exception as failure:
                failures.append(f"{role}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_it_notices_a_word_broken_across_lines_and_a_page_wider_than_its_window(page: Page):
    """The checks themselves: a word forced to break mid-word, and a box wider than the
    window, are both reported; the same page without them passes."""
    page.set_viewport_size(WIDTHS["phone"])
    page.set_content(
        '<p style="inline-size: 5ch; word-break: break-all">Gemeenschap</p>'
        '<div style="inline-size: 500px">breed</div>'
    )
    faults = layout_faults(page)
    assert any("scrolls sideways" in fault for fault in faults)
    assert any("Gemeenschap" in fault for fault in faults)

    page.set_content('<p style="inline-size: 5ch">Een gemeenschap</p>')
    assert layout_faults(page) == []
