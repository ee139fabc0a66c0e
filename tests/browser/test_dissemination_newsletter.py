"""Journey: a coordinator composes an issue from a lesson a community shared, previews it and
sends it; a subscriber receives it (the locmem outbox) and unsubscribes through the link in
the e-mail, without signing in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.dissemination.models import Delivery, NewsletterIssue, Subscriber
from leerkring.meetings.models import Lesson
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compose_preview_send_and_unsubscribe(page: Page, live_server, settings):
    settings.SITE_URL = live_server.url
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    community = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    meeting = factories.MeetingFactory(community=community)
    Lesson.objects.create(
        meeting=meeting,
        community=community,
        text="Samen plannen met het COA scheelt wachttijd",
        shareable=True,
    )
    Lesson.objects.create(
        meeting=meeting,
        community=community,
        text="Vertrouwelijk: namen van klanten",
        shareable=False,
    )
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.COORDINATOR
    ).person.user
    newsletter = factories.NewsletterFactory(
        programme=programme, title="Nieuws uit de CoP's", is_public=True
    )
    reader = factories.SubscriberFactory(newsletter=newsletter, email="manager@gemeente.nl")

    # The coordinator starts a new issue from the newsletter page.
    sign_in(page, coordinator.email)
    page.goto(f"/newsletters/{newsletter.pk}/")
    assert_accessible(page, "newsletter-archive-editor")
    page.get_by_role("link", name="Nieuwe editie").click()
    page.get_by_label("Titel van deze editie").fill("Voorjaar")
    page.get_by_label("Inleiding").fill("Welkom bij de **voorjaarseditie**.")
    assert_accessible(page, "newsletter-issue-new")
    page.get_by_role("button", name="Editie aanmaken").click()

    # Only what the community shared is on offer.
    expect(page.get_by_role("heading", name="Wat de gemeenschappen deelden")).to_be_visible()
    expect(page.get_by_text("Vertrouwelijk: namen van klanten")).to_have_count(0)
    page.get_by_label("Samen plannen met het COA scheelt wachttijd").check()
    page.get_by_role("button", name="Keuze opslaan").click()
    expect(page.get_by_text("De keuze is opgeslagen.")).to_be_visible()

    # The editor gives the item a heading of their own.
    page.get_by_text("Kop en tekst aanpassen").click()
    page.locator("input[name^='item-'][name$='-title']").fill("Plan samen met het COA")
    page.get_by_role("button", name=re.compile(r"^Opslaan")).click()
    expect(page.get_by_role("heading", name="Plan samen met het COA")).to_be_visible()
    page.locator("#text-heading").scroll_into_view_if_needed()
    assert_accessible(page, "newsletter-issue-edit")

    # The preview is the e-mail itself.
    page.get_by_role("link", name="Voorbeeld bekijken").click()
    expect(page.get_by_role("heading", name="Plan samen met het COA")).to_be_visible()
    expect(page.get_by_text("voorjaarseditie")).to_be_visible()
    assert_accessible(page, "newsletter-issue-preview")
    page.get_by_role("link", name="Terug naar samenstellen").click()

    page.get_by_role("button", name="Publiceren en versturen").click()
    expect(page.get_by_text("per e-mail.")).to_be_visible()
    assert_accessible(page, "newsletter-issue-publish-confirm")
    page.get_by_role("button", name="Ja, publiceren en versturen").click()
    expect(page.get_by_text("De editie staat in het archief")).to_be_visible()
    expect(page.get_by_role("heading", name="Voorjaar", exact=True)).to_be_visible()
    assert_accessible(page, "newsletter-issue-published")

    issue = NewsletterIssue.objects.get()
    assert issue.status == NewsletterIssue.Status.SENT
    assert Delivery.objects.get().status == Delivery.Status.SENT

    # The subscriber receives it and unsubscribes through the link, without signing in.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["manager@gemeente.nl"]
    assert "Plan samen met het COA" in message.body
    link = re.search(r"Afmelden: (\S+)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    page.context.clear_cookies()
    page.goto(link)
    assert_accessible(page, "newsletter-unsubscribe-ask")
    page.get_by_role("button", name="Ja, meld mij af").click()
    expect(page.get_by_role("heading", name="Je bent afgemeld")).to_be_visible()
    assert_accessible(page, "newsletter-unsubscribe-done")
    reader.refresh_from_db()
    assert reader.unsubscribed_at is not None

    page.goto(link)
    expect(page.get_by_role("heading", name="Je bent al afgemeld")).to_be_visible()

    # The public archive is open to the anonymous visitor.
    page.goto(f"/issues/{issue.pk}/")
    expect(page.get_by_role("heading", name="Plan samen met het COA")).to_be_visible()
    assert_accessible(page, "newsletter-issue-public")
    assert Subscriber.objects.filter(unsubscribed_at__isnull=True).count() == 0
