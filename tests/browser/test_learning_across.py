"""Journeys of learning across communities: an outsider registers for an open knowledge
session on a phone and gets the calendar invitation; a waiting list moves up when a member
cancels; a community proposes a product for the public knowledge base, the coordinator approves
it and an anonymous visitor finds it; the coordinator records attendance and the recording of
the monthly session, plans the next one, and a visitor finds the look back. Every page is
checked with axe-core."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from leerkring.communities.models import Membership
from leerkring.dissemination.models import Product
from leerkring.events import services as event_services
from leerkring.events.models import Event, Registration
from leerkring.publishing.models import Publication
from tests import factories
from tests.browser.conftest import is_csp_violation
from tests.browser.helpers import assert_accessible, open_section_with, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://[^\s/]+(/events/(?:confirm|registration)/[A-Za-z0-9_\-]+/)")
PHONE = {"width": 390, "height": 844}


def _phone(browser: Browser, live_server, csp_violations: list[str]) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
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
    return page


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def _calendar(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if "calendar" in a.get_content_type()]
    return Calendar.from_ical(attachment.get_payload(decode=True))


def test_an_outsider_registers_for_an_open_session_on_a_phone(browser, live_server, csp_violations):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    event = factories.EventFactory(
        programme=programme, title="Kennissessie: werk en taal tegelijk", capacity=40
    )
    page = _phone(browser, live_server, csp_violations)

    page.goto("/public/inburgering/")
    assert_accessible(page, "events-public-page-phone")
    _fits(page)
    page.get_by_role("link", name=event.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    assert "meet.example.nl" not in page.content()  # the online link is for registrants
    assert_accessible(page, "events-public-event-phone")
    _fits(page)
    page.get_by_label("Naam").fill("Fatima Yilmaz")
    page.get_by_label("E-mailadres").fill("fatima@gemeente-voorbeeld.nl")
    page.get_by_label("Organisatie").fill("Gemeente Voorbeeld")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name="Kijk in je e-mail")).to_be_visible()
    assert_accessible(page, "events-public-sent-phone")
    assert Registration.objects.get().status == Registration.Status.PENDING

    (check,) = mail.outbox
    (confirm_path,) = LINK.findall(check.body)
    page.goto(confirm_path)
    assert_accessible(page, "events-confirm-ask-phone")
    page.get_by_role("button", name="Ja, ik doe mee").click()
    expect(page.get_by_role("heading", name="Je bent aangemeld")).to_be_visible()
    assert_accessible(page, "events-confirm-done-phone")
    _fits(page)

    confirmation = mail.outbox[-1]
    (entry,) = _calendar(confirmation).events
    assert str(entry["summary"]) == event.title
    assert "meet.example.nl" in str(entry["location"])
    (manage_path,) = LINK.findall(confirmation.body)
    page.goto(manage_path)
    expect(page.get_by_text("Je bent aangemeld.")).to_be_visible()
    assert_accessible(page, "events-manage-phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Zet in je agenda (.ics)").click()
    assert b"BEGIN:VEVENT" in Path(download.value.path()).read_bytes()
    page.context.close()


def test_a_waiting_list_moves_up_when_someone_cancels(page: Page):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    community = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    first = factories.MembershipFactory(community=community, person__full_name="Anouk Jansen")
    second = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    event = factories.EventFactory(
        programme=programme,
        title="Kennissessie: jongeren na de ISK",
        audience=Event.Audience.PROGRAMME,
        capacity=1,
    )

    sign_in(page, first.person.user.email)
    page.goto(f"/events/{event.pk}/")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("Je bent aangemeld.").first).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    sign_in(page, second.person.user.email)
    page.goto(f"/events/{event.pk}/")
    page.get_by_role("button", name="Zet mij op de wachtlijst").click()
    expect(page.get_by_text("Je staat op de wachtlijst (plaats 1).")).to_be_visible()
    assert_accessible(page, "events-waiting-list")
    page.get_by_role("button", name="Uitloggen").click()

    mail.outbox.clear()
    sign_in(page, first.person.user.email)
    page.goto(f"/events/{event.pk}/")
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_text("Je bent afgemeld.")).to_be_visible()
    assert Registration.objects.get(person=second.person).status == "confirmed"
    (moved,) = [m for m in mail.outbox if second.person.email in m.to]
    assert "Er is een plek vrijgekomen" in moved.subject
    assert _calendar(moved).events
    page.get_by_role("button", name="Uitloggen").click()

    sign_in(page, second.person.user.email)
    page.goto(f"/events/{event.pk}/")
    expect(page.get_by_text("Je bent aangemeld.").first).to_be_visible()
    assert_accessible(page, "events-moved-up")


def test_a_product_goes_public_after_the_coordinator_approves_it(page: Page, browser, live_server):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    community = factories.CommunityFactory(programme=programme, name="CoP Rijnmond")
    lead = factories.MembershipFactory(
        community=community, role=Membership.Role.LEAD, person__full_name="Sanne de Vries"
    )
    coordinator = factories.ProgrammeRoleFactory(
        programme=programme, person__full_name="Karin Smit"
    ).person
    product = factories.ProductFactory(
        programme=programme,
        communities=[community],
        shareable=True,
        title="Infographic medische ontheffing",
        summary="Wat een inburgeraar moet doen om medische ontheffing aan te vragen.",
        created_by=lead.person.user,
    )

    # The lead proposes the shared product from the community page.
    sign_in(page, lead.person.user.email)
    page.goto(f"/communities/{community.pk}/")
    open_section_with(page, page.get_by_text("Iets openbaar maken"))
    page.get_by_text("Iets openbaar maken").click()
    page.locator(f"a[href$='/publications/new/product/{product.pk}/']").click()
    assert_accessible(page, "publishing-propose")
    page.get_by_label("Tekst voor bezoekers").fill(
        "Op één pagina: welke stappen een inburgeraar zet voor medische ontheffing."
    )
    page.get_by_role("button", name="Voorleggen aan de coördinator").click()
    expect(page.get_by_text("Het voorstel staat klaar voor de coördinator.")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    # Nothing is public yet.
    page.goto("/public/inburgering/")
    expect(page.get_by_text("Er staat nog niets in deze kennisbank.")).to_be_visible()

    # The coordinator approves it.
    sign_in(page, coordinator.user.email)
    page.goto("/programmes/inburgering/publications/")
    assert_accessible(page, "publishing-review")
    page.get_by_role("link", name=product.title).click()
    assert_accessible(page, "publishing-decide")
    page.get_by_role("button", name="Goedkeuren en openbaar maken").click()
    expect(page.get_by_text("Het staat nu in de openbare kennisbank.")).to_be_visible()
    assert Publication.objects.get().status == Publication.Status.PUBLISHED

    # An anonymous visitor searches the public knowledge base and finds it, without names.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    visitor = context.new_page()
    visitor.goto("/public/inburgering/")
    visitor.get_by_role("textbox", name="Zoeken").fill("ontheffing")
    visitor.get_by_role("button", name="Zoeken").click()
    assert_accessible(visitor, "publishing-public-search")
    visitor.get_by_role("link", name=product.title).click()
    expect(visitor.get_by_text("welke stappen een inburgeraar zet")).to_be_visible()
    assert "Sanne de Vries" not in visitor.content()
    assert "Karin Smit" not in visitor.content()
    assert_accessible(visitor, "publishing-public-item")
    context.close()


def test_the_monthly_session_is_wrapped_up_with_its_recording_and_the_next_planned(
    page: Page, browser, live_server
):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    community = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    member = factories.MembershipFactory(community=community, person__full_name="Anouk Jansen")
    coordinator = factories.ProgrammeRoleFactory(programme=programme).person
    session = factories.EventFactory(programme=programme, title="Kennissessie: de route na de ISK")
    event_services.registration_member(event=session, person=member.person, by=None)
    # Two days later the session has been held, in the afternoon (a fixed hour: the next one
    # is planned with the same times, and a session that ran past midnight would not be).
    starts = timezone.localtime(timezone.now() - datetime.timedelta(days=2)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    Event.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=1, minutes=30)
    )
    session.refresh_from_db()
    recording = "https://video.example.nl/kennissessie-isk"

    sign_in(page, coordinator.user.email)
    page.goto(f"/events/{session.pk}/registrations/")
    page.get_by_label("Anouk Jansen was aanwezig").check()
    page.get_by_label("Deelnemers zonder aanmelding").fill("12")
    page.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(page.get_by_text("Aanwezigheid opgeslagen")).to_be_visible()
    assert_accessible(page, "events-attendance")

    page.goto(f"/events/{session.pk}/")
    page.get_by_role("link", name="Terugblik: verslag en wat er gedeeld is").click()
    page.get_by_label("Verslag").fill(
        "Drie gemeenschappen lieten zien hoe de route na de ISK korter werd."
    )
    page.get_by_label("Link naar de opname").fill(recording)
    assert_accessible(page, "events-wrap-up")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het verslag is opgeslagen.")).to_be_visible()
    product = Product.objects.get()
    assert product.kind == Product.Kind.WEBINAR and product.shareable
    expect(page.get_by_role("link", name=product.title)).to_be_visible()

    # The next one: the same plan, the same weekday a month later, announced at once.
    page.get_by_role("link", name="De volgende plannen: zelfde opzet, een maand later").click()
    expect(page.get_by_label("Titel")).to_have_value(session.title)
    assert_accessible(page, "events-plan-next")
    page.get_by_label("Titel").fill("Kennissessie: werk en taal tegelijk")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("button", name="Aankondigen").click()
    expect(page.get_by_text("De activiteit is aangekondigd.")).to_be_visible()
    following = Event.objects.get(title="Kennissessie: werk en taal tegelijk")
    assert (
        timezone.localtime(following.starts_at).weekday()
        == timezone.localtime(session.starts_at).weekday()
    )
    assert following.starts_at - session.starts_at >= datetime.timedelta(days=27)

    # An anonymous visitor searches the knowledge base, goes on to the open events and finds
    # the look back with the recording, and the next session to register for.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    visitor = context.new_page()
    visitor.goto("/public/inburgering/")
    visitor.get_by_role("textbox", name="Zoeken").fill("ISK")
    visitor.get_by_role("button", name="Zoeken").click()
    visitor.get_by_role("link", name="Zoek ‘ISK’ ook in open activiteiten").click()
    assert_accessible(visitor, "events-public-list-searched")
    visitor.get_by_role("link", name=session.title).click()
    expect(visitor.get_by_role("heading", name="Terugblik")).to_be_visible()
    expect(visitor.get_by_role("link", name="Bekijk de opname")).to_have_attribute(
        "href", recording
    )
    assert "Anouk Jansen" not in visitor.content()
    assert_accessible(visitor, "events-public-look-back")
    visitor.get_by_role("link", name="Alle open activiteiten").first.click()
    visitor.get_by_role("link", name=following.title).click()
    expect(visitor.get_by_role("button", name="Aanmelden")).to_be_visible()
    context.close()
