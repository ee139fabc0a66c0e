"""The kept counts of the public knowledge base (`publishing.counts`) against the ones counted
from the publications, after every kind of change; the public list's count, options and
search against what they were worked out per request; and nothing that is not public found
by a search (DESIGN.md §2)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.models import Community, Programme
from leerkring.communities.synthetic import synth_build
from leerkring.dissemination.models import Product
from leerkring.dissemination.services import products as product_services
from leerkring.meetings.models import Lesson
from leerkring.meetings.services import outcomes
from leerkring.publishing import selectors, services
from leerkring.publishing.counts import counted_rows, public_counts_rebuild
from leerkring.publishing.models import Publication, PublicCount
from leerkring.publishing.sources import source_shared_refresh
from leerkring.search.selectors import RANK_CANDIDATES
from tests import factories

pytestmark = pytest.mark.django_db


def _key(row) -> tuple:
    return (
        row.programme_id,
        row.kind,
        row.product_kind,
        row.topic_category,
        row.region,
        row.year,
        row.count,
    )


def assert_counts_kept() -> None:
    kept = sorted(_key(row) for row in PublicCount.objects.all())
    public = Publication.objects.filter(selectors.public_q())
    assert kept == sorted(_key(row) for row in counted_rows(publications=public))
    for programme in Programme.objects.all():
        old = Publication.objects.filter(programme=programme).filter(selectors.public_q())
        assert selectors.public_filter_options(programme=programme).total == old.count()


def _lesson(community, *, shareable=True, text="Samen plannen met het COA scheelt wachttijd."):
    return Lesson.objects.create(
        meeting=factories.MeetingFactory(community=community),
        community=community,
        text=text,
        shareable=shareable,
    )


def _product(world, *, title="Routekaart statushouders", topic="procedures"):
    return product_services.product_create(
        community=world.community,
        by=world.lead,
        title=title,
        kind=Product.Kind.ROUTE_MAP,
        summary="Een routekaart voor de eerste maanden.",
        status=Product.Status.READY,
        shareable=True,
        topic_category=topic,
    )


def _proposed(world, **kwargs):
    return services.publication_propose(
        community=world.community, by=world.lead, title="Openbaar", body="Tekst", **kwargs
    )


def test_the_services_keep_the_counts(world):
    lesson, product = _lesson(world.community), _product(world)
    assert_counts_kept()
    proposed = _proposed(world, lesson=lesson)
    assert_counts_kept()
    published = services.publication_approve(publication=proposed, by=world.coordinator)
    assert_counts_kept()
    assert selectors.public_filter_options(programme=world.programme).total == 1
    declined = _proposed(world, product=product)
    services.publication_decline(publication=declined, by=world.coordinator, reason="Te kort.")
    assert_counts_kept()
    again = services.publication_approve(
        publication=_proposed(world, product=product), by=world.coordinator
    )
    assert_counts_kept()
    assert selectors.public_filter_options(programme=world.programme).total == 2
    services.publication_withdraw(publication=published, by=world.lead)
    assert_counts_kept()
    services.publication_withdraw(publication=again, by=world.lead)
    assert_counts_kept()
    assert selectors.public_filter_options(programme=world.programme).total == 0


def test_sharing_and_unsharing_the_source_keeps_the_counts(world):
    lesson, product = _lesson(world.community), _product(world)
    for source in ({"lesson": lesson}, {"product": product}):
        services.publication_approve(publication=_proposed(world, **source), by=world.coordinator)
    outcomes.lesson_update(lesson=lesson, by=world.lead, shareable=False)
    assert_counts_kept()
    assert selectors.public_filter_options(programme=world.programme).total == 1
    product_services.product_update(
        product=product, by=world.lead, communities=[world.community], shareable=False
    )
    assert_counts_kept()
    outcomes.lesson_update(lesson=lesson, by=world.lead, shareable=True)
    product_services.product_update(
        product=product, by=world.lead, communities=[world.community], shareable=True
    )
    assert_counts_kept()
    assert selectors.public_filter_options(programme=world.programme).total == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        outcomes.lesson_update(lesson=lesson, by=world.lead, shareable=False)
        raise RuntimeError
    assert_counts_kept()


def test_deletions_keep_the_counts(world):
    lesson, product = _lesson(world.community), _product(world)
    for source in ({"lesson": lesson}, {"product": product}):
        services.publication_approve(publication=_proposed(world, **source), by=world.coordinator)
    factories.PublicationFactory(community=world.sibling)
    factories.PublicationFactory(community=world.foreign)
    outcomes.lesson_delete(lesson=Lesson.objects.get(pk=lesson.pk), by=world.lead)
    assert_counts_kept()
    Product.objects.get(pk=product.pk).delete()
    assert_counts_kept()
    Community.objects.get(pk=world.sibling.pk).delete()
    assert_counts_kept()
    assert selectors.public_filter_options(programme=world.programme).total == 0
    Community.objects.get(pk=world.foreign.pk).delete()
    assert_counts_kept()
    assert not PublicCount.objects.exists()
    # A programme's counts counted again from none.
    factories.PublicationFactory(community=world.community)
    assert PublicCount.objects.filter(programme=world.programme).exists()
    PublicCount.objects.filter(programme=world.programme).delete()
    public_counts_rebuild(programme_ids=[world.programme.pk])
    assert_counts_kept()


def test_a_cascade_counts_each_programme_once_in_its_transaction(world):
    for _ in range(3):
        factories.PublicationFactory(community=world.sibling)
    factories.PublicationFactory(community=world.community)
    factories.PublicationFactory(community=world.foreign)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            Community.objects.get(pk=world.sibling.pk).delete()
            Publication.objects.filter(
                programme__in=[world.programme, world.other_programme]
            ).delete()
        # Right before the commit, for whatever reads them later in the transaction.
        assert_counts_kept()
        assert not PublicCount.objects.exists()
    rebuilt = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('DELETE FROM "publishing_publiccount"')
    ]
    # Three publications of one programme, then two of two programmes: three counts, not five.
    assert len(rebuilt) == 3
    assert_counts_kept()


def test_rows_made_without_the_services_and_the_refreshes(world):
    factories.PublicationFactory(community=world.community, dated_on=datetime.date(2023, 5, 1))
    factories.PublicationFactory(community=world.sibling)
    assert_counts_kept()
    moved = factories.PublicationFactory(community=world.sibling)
    Publication.objects.filter(pk=moved.pk).update(region="Twente")  # bypasses save()
    public_counts_rebuild()
    assert_counts_kept()
    Publication.objects.filter(pk=moved.pk).update(source_shared=False)
    assert source_shared_refresh() == 1
    assert_counts_kept()
    # A save that names only other fields counts nothing and changes nothing.
    moved.title = "Nieuwe titel"
    moved.save(update_fields=["title"])
    assert_counts_kept()


def test_the_synthetic_network_keeps_the_counts(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        assert PublicCount.objects.exists()
        assert_counts_kept()
        transaction.set_rollback(True)


def test_the_demo_data_keeps_the_counts(db):
    call_command("demo", stdout=io.StringIO())
    assert PublicCount.objects.exists()
    assert_counts_kept()


def _mixed(world) -> list[Publication]:
    """Every state in two regions, three years, lessons and products of two topics."""
    rows = []
    for number in range(8):
        community = world.community if number % 2 else world.sibling
        rows.append(
            factories.PublicationFactory(
                community=community,
                dated_on=datetime.date(2022 + number % 3, 3, 1),
                published_at=timezone.now() - datetime.timedelta(days=number),
                body=f"De gemeente plant samen. Leerpunt {number}.",
            )
        )
    for number, topic in enumerate(("procedures", "procedures", "own_work")):
        product = _product(world, title=f"Product {number} gemeente", topic=topic)
        rows.append(
            services.publication_approve(
                publication=_proposed(world, product=product), by=world.coordinator
            )
        )
    outcomes.lesson_update(lesson=rows[0].lesson, by=world.lead, shareable=False)
    services.publication_withdraw(publication=rows[1], by=world.lead)
    services.publication_propose(
        community=world.community,
        by=world.lead,
        lesson=_lesson(world.community, text="De gemeente wacht nog."),
        title="Voorstel gemeente",
        body="De gemeente wacht nog.",
    )
    factories.PublicationFactory(community=world.foreign, body="De gemeente elders.")
    return rows


def test_the_list_counts_and_options_are_the_ones_counted(client, world):
    _mixed(world)
    assert_counts_kept()
    programme = world.programme
    url = reverse("publishing:public_programme", args=[programme.slug])
    old = Publication.objects.filter(programme=programme).filter(selectors.public_q())
    options = selectors.public_filter_options(programme=programme)
    assert options.regions == sorted(set(old.exclude(region="").values_list("region", flat=True)))
    assert options.years == sorted({d.year for d in old.values_list("dated_on", flat=True)})[::-1]
    for filters in (
        {},
        {"region": "Zeeland"},
        {"year": 2023},
        {"region": "Zeeland", "year": 2022},
        {"topic": "procedures"},
        {"kind": "lesson"},
        {"kind": Product.Kind.ROUTE_MAP},
        {"topic": "procedures", "kind": "lesson"},
        {"topic": "own_work", "kind": Product.Kind.ROUTE_MAP, "year": timezone.now().year},
    ):
        counted = selectors.public_publications(programme=programme, **filters)
        expected = list(counted.values_list("pk", flat=True))
        assert selectors.public_count(options=options, programme=programme, **filters) == len(
            expected
        ), filters
        page = client.get(url, filters)
        assert page.context["page"].paginator.count == len(expected), filters
        assert [item.pk for item in page.context["page"].object_list] == expected[:20]


def test_a_search_finds_what_it_found_before_and_nothing_more(client, world):
    rows = _mixed(world)
    programme = world.programme
    url = reverse("publishing:public_programme", args=[programme.slug])
    expected = list(
        selectors.public_publications(programme=programme, q="gemeente").values_list(
            "pk", flat=True
        )
    )
    assert expected and rows[0].pk not in expected and rows[1].pk not in expected
    assert set(expected) <= set(
        Publication.objects.filter(programme=programme)
        .filter(selectors.public_q())
        .values_list("pk", flat=True)
    )
    for filters in ({"q": "gemeente"}, {"q": "gemeente", "topic": "procedures"}):
        results = selectors.public_search(programme=programme, **filters)
        old = selectors.public_publications(programme=programme, **filters)
        assert results.ids == list(old.values_list("pk", flat=True))
        assert not results.capped
        page = client.get(url, filters)
        assert page.context["page"].paginator.count == old.count()
        assert [item.pk for item in page.context["page"].object_list] == results.ids[:20]
        assert "Meer dan" not in page.content.decode()


def test_a_common_word_shows_its_newest_matches_and_says_there_are_more(client, world):
    now = timezone.now()
    Publication.objects.bulk_create(
        Publication(
            programme=world.programme,
            community=world.community,
            kind=Publication.Kind.LESSON,
            lesson=_lesson(world.community),
            title=f"Leerpunt {number}",
            body="De gemeente plant samen.",
            dated_on=datetime.date(2024, 1, 1),
            status=Publication.Status.PUBLISHED,
            published_at=now - datetime.timedelta(minutes=number),
            source_shared=True,
        )
        for number in range(RANK_CANDIDATES + 5)
    )
    public_counts_rebuild()
    assert_counts_kept()
    programme = world.programme
    old = list(
        selectors.public_publications(programme=programme, q="gemeente").values_list(
            "pk", flat=True
        )
    )
    results = selectors.public_search(programme=programme, q="gemeente")
    assert results.capped and results.count() == RANK_CANDIDATES
    assert results.ids[:RANK_CANDIDATES] == old[:RANK_CANDIDATES]
    url = reverse("publishing:public_programme", args=[programme.slug])
    first = client.get(url, {"q": "gemeente"})
    assert "Meer dan 200 resultaten" in first.content.decode()
    assert [item.pk for item in first.context["page"].object_list] == old[:20]
    last = client.get(url, {"q": "gemeente", "page": 10})
    assert [item.pk for item in last.context["page"].object_list] == old[180:200]


def test_a_query_without_words_finds_nothing_on_either_database(client, world):
    """A search of punctuation or of the marker characters alone matches no document on
    PostgreSQL; the list and the search share the cleaning, so SQLite finds nothing either."""
    _mixed(world)
    programme = world.programme
    assert selectors.public_publications(programme=programme).exists()
    url = reverse("publishing:public_programme", args=[programme.slug])
    for q in ("!!!", "\ue000 \ue001"):
        assert selectors.public_search(programme=programme, q=q).ids == []
        assert not selectors.public_publications(programme=programme, q=q).exists()
        page = client.get(url, {"q": q})
        assert page.status_code == 200
        assert list(page.context["page"].object_list) == []
