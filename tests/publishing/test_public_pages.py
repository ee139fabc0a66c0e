"""The public knowledge base without sign-in: it shows what was published and nothing else —
not proposals, not declined or withdrawn items, not a source the community stopped sharing,
not who wrote it unless they chose to be named, and no row ids."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.dissemination import services as dissemination_services
from leerkring.meetings.models import Lesson
from leerkring.meetings.services import outcomes
from leerkring.publishing import services
from leerkring.publishing.models import Publication, PublicationCredit
from tests import factories

pytestmark = pytest.mark.django_db


def public_url(world):
    return reverse("publishing:public_programme", args=[world.programme.slug])


def test_an_anonymous_visitor_finds_a_published_lesson(client, world):
    item = factories.PublicationFactory(community=world.community, title="Vaste contactpersoon")
    response = client.get(public_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vaste contactpersoon" in page
    detail = client.get(
        reverse("publishing:public_item", args=[world.programme.slug, item.public_id])
    )
    assert detail.status_code == 200
    assert world.community.name in detail.content.decode()


@pytest.mark.parametrize(
    "status",
    [Publication.Status.PROPOSED, Publication.Status.DECLINED, Publication.Status.WITHDRAWN],
)
def test_what_is_not_published_stays_off_the_public_pages(client, world, status):
    item = factories.PublicationFactory(
        community=world.community, title="Nog niet openbaar", status=status, published_at=None
    )
    assert "Nog niet openbaar" not in client.get(public_url(world)).content.decode()
    detail = reverse("publishing:public_item", args=[world.programme.slug, item.public_id])
    assert client.get(detail).status_code == 404
    feed = client.get(reverse("publishing:public_feed_atom", args=[world.programme.slug]))
    assert "Nog niet openbaar" not in feed.content.decode()


def test_a_source_no_longer_shared_disappears_at_once(client, world):
    item = factories.PublicationFactory(community=world.community, title="Teruggenomen")
    outcomes.lesson_update(lesson=item.lesson, by=world.lead, shareable=False)
    assert "Teruggenomen" not in client.get(public_url(world)).content.decode()
    detail = reverse("publishing:public_item", args=[world.programme.slug, item.public_id])
    assert client.get(detail).status_code == 404


def test_nobody_is_named_unless_they_chose_it(client, world):
    lead_name = world.lead_m.person.full_name
    lesson = Lesson.objects.create(
        meeting=factories.MeetingFactory(community=world.community),
        community=world.community,
        text="Korte lijnen met de taalschool.",
        shareable=True,
        created_by=world.lead,
    )
    publication = services.publication_propose(
        community=world.community, lesson=lesson, by=world.lead, title="Korte lijnen", body="Tekst"
    )
    services.publication_approve(publication=publication, by=world.coordinator)
    detail = reverse("publishing:public_item", args=[world.programme.slug, publication.public_id])
    feed = reverse("publishing:public_feed_atom", args=[world.programme.slug])
    for url in (public_url(world), detail, feed):
        page = client.get(url).content.decode()
        assert lead_name not in page
        assert world.lead.email not in page
    PublicationCredit.objects.create(publication=publication, person=world.lead_m.person)
    assert lead_name in client.get(detail).content.decode()
    assert lead_name in client.get(feed).content.decode()


def test_public_addresses_carry_no_row_ids(client, world):
    item = factories.PublicationFactory(community=world.community)
    page = client.get(public_url(world)).content.decode()
    links = re.findall(r'href="(/public/[^"]*)"', page)
    assert links
    for link in links:
        assert f"/{item.pk}/" not in link
        assert f"/{item.lesson_id}/" not in link


def test_another_programmes_items_stay_on_their_own_page(client, world):
    factories.PublicationFactory(community=world.foreign, title="Van een ander programma")
    assert "Van een ander programma" not in client.get(public_url(world)).content.decode()


def test_search_and_filters(client, world):
    old = factories.PublicationFactory(
        community=world.community,
        title="Taalles en kinderopvang",
        body="Kinderopvang regelen voor de taalles.",
        dated_on=datetime.date(2023, 5, 1),
    )
    factories.PublicationFactory(
        community=world.sibling, title="Werkgevers betrekken", body="Duale trajecten."
    )
    url = public_url(world)

    def titles(**query):
        return client.get(url, query).content.decode()

    assert "Werkgevers betrekken" not in titles(q="kinderopvang")
    assert "Taalles en kinderopvang" in titles(q="kinderopvang")
    assert "Taalles en kinderopvang" not in titles(region="Zeeland")
    assert "Werkgevers betrekken" in titles(region="Zeeland")
    assert "Werkgevers betrekken" not in titles(year="2023")
    assert old.title in titles(year="2023")
    assert old.title in titles(kind="lesson")
    assert old.title not in titles(kind="infographic")
    # A stale filter value is ignored rather than failing the page.
    assert client.get(url, {"region": "Nergens"}).status_code == 200


def test_the_feeds_list_published_items(client, world):
    factories.PublicationFactory(community=world.community, title="In de feed")
    atom = client.get(reverse("publishing:public_feed_atom", args=[world.programme.slug]))
    rss = client.get(reverse("publishing:public_feed_rss", args=[world.programme.slug]))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "In de feed" in atom.content.decode()
    assert "In de feed" in rss.content.decode()


def test_only_approved_files_can_be_downloaded(client, world, settings, tmp_path):
    product = factories.ProductFactory(
        programme=world.programme, communities=[world.community], shareable=True
    )
    upload = SimpleUploadedFile("kaart.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    approved = dissemination_services.product_file_add(
        product=product, upload=upload, by=world.lead
    )
    publication = services.publication_propose(
        community=world.community,
        product=product,
        by=world.lead,
        title=product.title,
        body="Samenvatting",
        files=[approved],
    )
    services.publication_approve(publication=publication, by=world.coordinator)
    later = SimpleUploadedFile("concept.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    dissemination_services.product_file_add(product=product, upload=later, by=world.lead)
    detail = client.get(
        reverse("publishing:public_item", args=[world.programme.slug, publication.public_id])
    ).content.decode()
    assert "kaart.pdf" in detail
    assert "concept.pdf" not in detail
    file_url = reverse(
        "publishing:public_file",
        args=[world.programme.slug, publication.public_id, publication.files.get().public_id],
    )
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    services.publication_withdraw(publication=publication, by=world.lead)
    assert client.get(file_url).status_code == 404


def test_the_public_page_shows_public_newsletters_only(client, world):
    public = factories.NewsletterFactory(
        programme=world.programme, is_public=True, title="Open brief"
    )
    closed = factories.NewsletterFactory(
        programme=world.programme, is_public=False, title="Dichte brief"
    )
    for newsletter in (public, closed):
        factories.IssueFactory(newsletter=newsletter, status="sent", published_at=timezone.now())
    page = client.get(public_url(world)).content.decode()
    assert "Open brief" in page
    assert "Dichte brief" not in page


def test_the_public_page_query_count_does_not_grow_with_items(client, world):
    first = factories.PublicationFactory(community=world.community)
    client.get(public_url(world))
    with CaptureQueriesContext(connection) as nobody_named:
        client.get(public_url(world))
    # The authors' names are one query for the whole page, none when nobody is named.
    PublicationCredit.objects.create(publication=first, person=world.lead_m.person)
    with CaptureQueriesContext(connection) as few:
        client.get(public_url(world))
    assert len(few) == len(nobody_named) + 1
    for _ in range(12):
        item = factories.PublicationFactory(community=world.sibling)
        PublicationCredit.objects.create(publication=item, person=world.sibling_member_m.person)
    with CaptureQueriesContext(connection) as many:
        client.get(public_url(world))
    assert len(few) == len(many)


def test_leaving_leerkring_takes_ones_name_off_the_public_pages(client, world):
    from leerkring.core.personal_data import erase_personal_data

    item = factories.PublicationFactory(community=world.community)
    PublicationCredit.objects.create(publication=item, person=world.lead_m.person)
    detail = reverse("publishing:public_item", args=[world.programme.slug, item.public_id])
    assert world.lead_m.person.full_name in client.get(detail).content.decode()
    erase_personal_data(person=world.lead_m.person, user=world.lead, by=None)
    assert not PublicationCredit.objects.exists()
