"""Journey: a lead marks a lesson shareable on the wrap-up page and makes a shared product with
a file; a member of another community of the programme finds both in the knowledge view and
the catalogue, and downloads the file. What the lead kept inside stays out of sight."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.communities.models import Membership
from leerkring.dissemination.models import Product
from leerkring.meetings.models import AgendaItem, Lesson, Meeting
from tests import factories
from tests.browser.helpers import assert_accessible, open_section_with, sign_in
from tests.dissemination.test_uploads import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARED = "Samen plannen met het COA scheelt wachttijd"
KEPT_INSIDE = "De wethouder remt de samenwerking af"


def test_a_shared_lesson_and_product_reach_another_community(page: Page, tmp_path):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    achterhoek = factories.CommunityFactory(
        programme=programme, name="CoP Achterhoek", theme="Taal en werk tegelijk"
    )
    zeeland = factories.CommunityFactory(programme=programme, name="CoP Zeeland")
    lead = factories.MembershipFactory(
        community=achterhoek, role=Membership.Role.LEAD, person__full_name="Anouk Jansen"
    )
    reader = factories.MembershipFactory(community=zeeland, person__full_name="Joost de Wit")
    starts = timezone.now() - datetime.timedelta(days=10)
    meeting = factories.MeetingFactory(
        community=achterhoek,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    AgendaItem.objects.create(
        meeting=meeting, title="Casus gezin B.", topic_category="procedures", subtopic="Wachttijden"
    )
    lesson = Lesson.objects.create(meeting=meeting, community=achterhoek, text=SHARED)
    Lesson.objects.create(meeting=meeting, community=achterhoek, text=KEPT_INSIDE)

    # The lead marks the first lesson shareable on the wrap-up page.
    sign_in(page, lead.person.user.email)
    page.goto(f"/meetings/{meeting.pk}/wrapup/")
    page.locator(f"#lesson-{lesson.pk}").get_by_role("link", name="Wijzigen").click()
    page.get_by_label("Mag gedeeld worden buiten de gemeenschap").check()
    assert_accessible(page, "dissemination-lesson-share")
    page.get_by_role("button", name="Opslaan").click()
    lesson.refresh_from_db()
    assert lesson.shareable

    # ...then makes a product from the community page and shares it with the programme.
    page.goto(f"/communities/{achterhoek.pk}/")
    open_section_with(page, page.locator("a", has_text="Nieuw product"))
    page.get_by_role("link", name="Nieuw product").click()
    page.wait_for_url(f"**/communities/{achterhoek.pk}/products/new/")
    assert_accessible(page, "dissemination-product-new")
    page.get_by_label("Titel").fill("Routekaart van aanmelding tot PIP")
    page.get_by_label("Soort product").select_option(label="Routekaart")
    page.get_by_label("Samenvatting").fill("Wie doet **wat** in de eerste maanden.")
    page.get_by_label("Regionaal").check()
    page.get_by_label("Zichtbaar voor het hele programma").check()
    page.get_by_role("button", name="Product aanmaken").click()
    expect(page.get_by_text("Het product is aangemaakt.")).to_be_visible()

    # A disguised file is refused, a real PDF is taken.
    fake = tmp_path / "routekaart.pdf"
    fake.write_bytes(b"MZ this is no pdf")
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_role("button", name="Bestand toevoegen").click()
    expect(page.get_by_text("geen echt PDF-bestand").first).to_be_visible()
    assert_accessible(page, "dissemination-product-file-refused")
    real = tmp_path / "routekaart-pip.pdf"
    real.write_bytes(PDF_BYTES)
    page.locator("input[type=file]").set_input_files(str(real))
    page.get_by_role("button", name="Bestand toevoegen").click()
    expect(page.get_by_text("Het bestand is toegevoegd.")).to_be_visible()
    page.get_by_role("button", name="Naar ‘In ontwikkeling’").click()
    expect(page.get_by_text("De status is nu ‘In ontwikkeling’.")).to_be_visible()
    assert_accessible(page, "dissemination-product-page")
    product = Product.objects.get()
    assert product.shareable and product.files.count() == 1

    # A member of another community finds both in the knowledge view...
    page.context.clear_cookies()
    sign_in(page, reader.person.user.email)
    page.goto("/programmes/inburgering/knowledge/")
    achterhoek_card = page.locator(f"#gemeenschap-{achterhoek.pk}")
    expect(achterhoek_card.get_by_text(SHARED)).to_be_visible()
    expect(achterhoek_card.get_by_text("Wachttijden")).to_be_visible()
    expect(page.get_by_role("link", name="CoP Zeeland")).to_have_count(0)
    assert KEPT_INSIDE not in page.content()
    assert "Casus gezin B." not in page.content()
    assert_accessible(page, "dissemination-knowledge")

    # ...and the product in the catalogue, with its file as a download.
    page.goto("/programmes/inburgering/products/")
    page.get_by_label("Soort").select_option(label="Routekaart")
    page.get_by_role("button", name="Toon").click()
    assert_accessible(page, "dissemination-catalogue")
    page.get_by_role("link", name="Routekaart van aanmelding tot PIP").click()
    expect(page.get_by_role("button", name="Naar ‘Klaar’")).to_have_count(0)
    assert_accessible(page, "dissemination-product-reader")
    with page.expect_download() as download:
        page.get_by_role("link", name="routekaart-pip.pdf").click()
    assert download.value.suggested_filename == "routekaart-pip.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
