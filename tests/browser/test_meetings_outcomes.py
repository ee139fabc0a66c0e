"""Journey: the facilitator wraps a meeting up on a phone (a lesson, an agreement, a signal),
the lead writes and downloads the minutes, the participant closes their agreement on "my
agreements" and starts a thread."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.communities.models import Membership
from leerkring.meetings.models import Agreement, Lesson, Meeting, Thread
from leerkring.signalling.models import Signal
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_wrap_up_minutes_agreements_and_threads(page: Page):
    community = factories.CommunityFactory(name="CoP Achterhoek")
    lead = factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )
    facilitator = factories.MembershipFactory(
        community=community, role=Membership.Role.FACILITATOR, person__full_name="Sanne Bos"
    )
    participant = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    meeting = factories.MeetingFactory(
        community=community,
        starts_at=timezone.now() - datetime.timedelta(days=10, hours=4),
        ends_at=timezone.now() - datetime.timedelta(days=10, hours=1),
        status=Meeting.Status.HELD,
    )

    # The facilitator records the outcomes on a phone.
    page.set_viewport_size(PHONE)
    sign_in(page, facilitator.person.user.email)
    page.goto(f"/meetings/{meeting.pk}/wrapup/")
    assert_accessible(page, "wrapup-empty-phone")

    page.locator("#id_lesson-text").fill("Samen plannen met het COA scheelt wachttijd")
    page.get_by_label("Tweede orde: onderliggende patronen anders").check()
    page.get_by_label("Lokaal beleid").check()
    page.get_by_label("Mag gedeeld worden buiten de gemeenschap").check()
    page.get_by_role("button", name="Leerpunt toevoegen").click()
    expect(page.get_by_text("Leerpunt toegevoegd.")).to_be_visible()

    page.locator("#id_agreement-text").fill("Contact leggen met de taalschool")
    page.locator("#id_agreement-owner").select_option(
        label=f"Joost de Wit ({participant.organisation.name})"
    )
    # After the meeting (an earlier date is refused) and already past, so it shows as overdue.
    due = timezone.localtime(meeting.starts_at).date() + datetime.timedelta(days=2)
    page.locator("#id_agreement-due_date").fill(due.isoformat())
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.get_by_text("Afspraak toegevoegd.")).to_be_visible()

    page.locator("#id_signal-title").fill("Wachttijden taalles")
    page.locator("#id_signal-description").fill("Inburgeraars wachten maanden op een plek.")
    page.locator("#id_signal-subtopic").select_option(label="Wachttijden")
    page.get_by_label("Landelijk").check()
    page.get_by_role("button", name="Signaal toevoegen").click()
    expect(page.get_by_text("Signaal toegevoegd.")).to_be_visible()
    assert_accessible(page, "wrapup-filled-phone")

    assert Lesson.objects.get().shareable
    assert Agreement.objects.get().owner == participant
    assert Signal.objects.get().topic_category == "procedures"

    # The lead writes the minutes with a preview, then downloads them.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    sign_in(page, lead.person.user.email)
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.get_by_label("Verslag").fill("# Opening\n\nWelkom bij Zoë.\n\n- Rondje\n- Casus")
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.get_by_role("heading", name="Opening")).to_be_visible()
    assert_accessible(page, "minutes-preview")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het verslag is opgeslagen.")).to_be_visible()
    assert_accessible(page, "minutes-saved")

    with page.expect_download() as docx:
        page.get_by_role("link", name="Verslag downloaden als Word-bestand (DOCX)").click()
    assert docx.value.suggested_filename.endswith(".docx")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Verslag downloaden als PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.get_by_text("Welkom bij Zoë.")).to_be_visible()
    assert_accessible(page, "meeting-with-outcomes")

    # The participant finds the overdue agreement and closes it.
    page.context.clear_cookies()
    sign_in(page, participant.person.user.email)
    page.goto("/agreements/")
    expect(page.get_by_text("Verlopen", exact=True)).to_be_visible()
    assert_accessible(page, "my-agreements")
    page.get_by_label("Status: Contact leggen met de taalschool").select_option("done")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.get_by_text("De afspraak staat nu op ‘gedaan’.")).to_be_visible()
    assert Agreement.objects.get().status == Agreement.Status.DONE

    # ...and starts a thread.
    page.goto(f"/communities/{community.pk}/threads/")
    assert_accessible(page, "threads-empty")
    page.get_by_label("Onderwerp").fill("Ervaringen met de PIP")
    page.get_by_role("textbox", name="Bericht").fill("Hoe doen jullie de **intake**?")
    page.get_by_role("button", name="Gesprek beginnen").click()
    expect(page.get_by_role("heading", name="Ervaringen met de PIP")).to_be_visible()
    assert_accessible(page, "thread")
    assert Thread.objects.get().messages.count() == 1
