"""The kept "source still shared" of each publication (`publishing.sources`) against the rule
worked out from the lessons and products themselves, after every kind of change; and the
public pages against what the rule worked out per request showed (DESIGN.md §2: nothing that
is not shared may ever be public)."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.synthetic import synth_build
from leerkring.dissemination.models import Product
from leerkring.dissemination.services import products as product_services
from leerkring.meetings.models import Lesson
from leerkring.meetings.services import outcomes
from leerkring.publishing import selectors, services
from leerkring.publishing.counts import public_counts_rebuild
from leerkring.publishing.models import Publication
from leerkring.publishing.sources import source_shared_q, source_shared_refresh
from tests import factories

pytestmark = pytest.mark.django_db


def computed_public_q() -> Q:
    """What the public pages showed before the flag was kept: worked out from the sources."""
    return Q(status=Publication.Status.PUBLISHED) & source_shared_q()


def assert_kept() -> None:
    kept = set(Publication.objects.filter(source_shared=True).values_list("pk", flat=True))
    computed = set(Publication.objects.filter(source_shared_q()).values_list("pk", flat=True))
    assert kept == computed
    public = set(Publication.objects.filter(selectors.public_q()).values_list("pk", flat=True))
    assert public == set(
        Publication.objects.filter(computed_public_q()).values_list("pk", flat=True)
    )


def _lesson(world, *, shareable=True, text="Samen plannen met het COA scheelt wachttijd."):
    return Lesson.objects.create(
        meeting=factories.MeetingFactory(community=world.community),
        community=world.community,
        text=text,
        shareable=shareable,
        created_by=world.lead,
    )


def _product(world, *, shareable=True, title="Routekaart statushouders"):
    return product_services.product_create(
        community=world.community,
        by=world.lead,
        title=title,
        kind=Product.Kind.ROUTE_MAP,
        summary="Een routekaart voor de eerste maanden.",
        status=Product.Status.READY,
        shareable=shareable,
    )


def _public(world, **kwargs):
    return services.publication_approve(
        publication=services.publication_propose(
            community=world.community, by=world.lead, title="Openbaar", body="Tekst", **kwargs
        ),
        by=world.coordinator,
    )


def _visible(client, world, publication) -> bool:
    """Whether anyone without an account finds it: list, item page and feed."""
    slug = world.programme.slug
    listed = (
        f"/{publication.public_id}/"
        in client.get(reverse("publishing:public_programme", args=[slug])).content.decode()
    )
    item = client.get(reverse("publishing:public_item", args=[slug, publication.public_id]))
    feed = client.get(reverse("publishing:public_feed_atom", args=[slug])).content.decode()
    in_feed = publication.public_id in feed
    assert listed == (item.status_code == 200) == in_feed
    return listed


def test_a_proposal_takes_the_flag_from_its_source_and_keeps_it_through_the_decisions(world):
    lesson, product = _lesson(world), _product(world)
    proposed = services.publication_propose(
        community=world.community, by=world.lead, lesson=lesson, title="Leerpunt", body="Tekst"
    )
    assert proposed.source_shared
    assert_kept()
    services.publication_decline(publication=proposed, by=world.coordinator, reason="Te kort.")
    assert_kept()
    published = _public(world, product=product)
    assert Publication.objects.get(pk=published.pk).source_shared
    assert_kept()
    services.publication_withdraw(publication=published, by=world.lead)
    assert_kept()


def test_unsharing_and_sharing_a_lesson_again_sets_the_flag_in_the_same_step(client, world):
    lesson = _lesson(world)
    publication = _public(world, lesson=lesson)
    assert _visible(client, world, publication)
    outcomes.lesson_update(lesson=lesson, by=world.lead, shareable=False)
    assert not Publication.objects.get(pk=publication.pk).source_shared
    assert_kept()
    assert not _visible(client, world, publication)
    outcomes.lesson_update(lesson=lesson, by=world.lead, shareable=True)
    assert_kept()
    assert _visible(client, world, publication)


def test_unsharing_and_sharing_a_product_again_sets_the_flag_in_the_same_step(client, world):
    product = _product(world)
    publication = _public(world, product=product)
    assert _visible(client, world, publication)
    product_services.product_update(
        product=product, by=world.lead, communities=[world.community], shareable=False
    )
    assert_kept()
    assert not _visible(client, world, publication)
    # A change that leaves the sharing alone leaves the flag alone.
    product_services.product_status_change(
        product=product, status=Product.Status.IN_DEVELOPMENT, by=world.lead
    )
    product_services.product_update(
        product=product, by=world.lead, communities=[world.community], title="Nieuwe titel"
    )
    assert_kept()
    assert not _visible(client, world, publication)
    product_services.product_update(
        product=product, by=world.lead, communities=[world.community], shareable=True
    )
    assert_kept()
    assert _visible(client, world, publication)


def test_an_unshare_that_fails_leaves_the_flag_as_it_was(world):
    lesson = _lesson(world)
    publication = _public(world, lesson=lesson)
    with pytest.raises(RuntimeError), transaction.atomic():
        outcomes.lesson_update(lesson=lesson, by=world.lead, shareable=False)
        raise RuntimeError
    assert Publication.objects.get(pk=publication.pk).source_shared
    assert_kept()


def test_deleting_the_source_deletes_its_publications(world):
    lesson, product = _lesson(world), _product(world)
    first, second = _public(world, lesson=lesson), _public(world, product=product)
    outcomes.lesson_delete(lesson=Lesson.objects.get(pk=lesson.pk), by=world.lead)
    Product.objects.get(pk=product.pk).delete()
    assert not Publication.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert_kept()


def test_a_row_made_without_the_services_reads_its_source(world):
    shared = factories.PublicationFactory(community=world.community)
    unshared = factories.PublicationFactory(
        community=world.community, lesson=_lesson(world, shareable=False)
    )
    assert shared.source_shared and not unshared.source_shared
    assert_kept()


def test_the_refresh_puts_every_flag_right(world):
    shared = factories.PublicationFactory(community=world.community)
    unshared = factories.PublicationFactory(
        community=world.community, lesson=_lesson(world, shareable=False)
    )
    Publication.objects.filter(pk=shared.pk).update(source_shared=False)
    Publication.objects.filter(pk=unshared.pk).update(source_shared=True)
    assert source_shared_refresh() == 2
    assert_kept()


def test_the_synthetic_network_keeps_the_flag(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        assert Publication.objects.filter(source_shared=True).exists()
        assert_kept()
        transaction.set_rollback(True)


def test_the_demo_data_keeps_the_flag(db):
    call_command("demo", stdout=io.StringIO())
    assert Publication.objects.filter(source_shared=True).exists()
    assert_kept()


def test_no_code_writes_the_sharing_past_save():
    """A queryset `update` or `bulk_update` of `shareable` would not reach the receivers that
    keep the flag; every write of it goes through `save()`."""
    root = Path(__file__).resolve().parents[2] / "leerkring"
    pattern = re.compile(r"(\.update\(|bulk_update\()[^)]*shareable", re.S)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []


def _old_public_publications(programme, **filters):
    """The public list as worked out per request before the flag was kept."""
    items = Publication.objects.filter(programme=programme).filter(computed_public_q())
    if filters.get("topic"):
        items = items.filter(topic_category=filters["topic"])
    if filters.get("region"):
        items = items.filter(region=filters["region"])
    if filters.get("year"):
        items = items.filter(dated_on__year=filters["year"])
    return list(items.order_by("-published_at", "-pk").values_list("pk", flat=True))


def test_the_public_pages_show_what_they_showed_before(client, world):
    """A mix of every state: published and shared, published and unshared (lesson and
    product), proposed, declined, withdrawn, another programme's; then the list, its filter
    options, its count and the feed against the rule worked out from the sources."""
    now = timezone.now()
    rows = []
    for number in range(6):
        lesson = _lesson(world, shareable=True, text=f"Leerpunt {number}.")
        rows.append(_public(world, lesson=lesson))
        product = _product(world, title=f"Product {number}")
        rows.append(_public(world, product=product))
    outcomes.lesson_update(lesson=rows[0].lesson, by=world.lead, shareable=False)
    product_services.product_update(
        product=rows[3].product, by=world.lead, communities=[world.community], shareable=False
    )
    services.publication_withdraw(publication=rows[4], by=world.lead)
    services.publication_propose(
        community=world.community,
        by=world.lead,
        lesson=_lesson(world, text="Nog een voorstel."),
        title="Voorstel",
        body="Tekst",
    )
    Publication.objects.filter(pk=rows[5].pk).update(
        region="Twente", dated_on=datetime.date(2024, 3, 1), published_at=now
    )
    public_counts_rebuild()  # the update above bypasses `save()`
    factories.PublicationFactory(community=world.foreign)
    assert_kept()

    programme = world.programme
    new = list(selectors.public_publications(programme=programme).values_list("pk", flat=True))
    assert new == _old_public_publications(programme)
    assert rows[0].pk not in new and rows[3].pk not in new and rows[4].pk not in new
    for filters in ({"region": "Twente"}, {"year": 2024}, {"topic": "procedures"}):
        filtered = selectors.public_publications(programme=programme, **filters)
        assert list(filtered.values_list("pk", flat=True)) == _old_public_publications(
            programme, **filters
        )
    old = Publication.objects.filter(programme=programme).filter(computed_public_q())
    options = selectors.public_filter_options(programme=programme)
    assert options.regions == sorted(set(old.exclude(region="").values_list("region", flat=True)))
    assert options.years == sorted(
        set(old.annotate(y=ExtractYear("dated_on")).values_list("y", flat=True)), reverse=True
    )
    assert selectors.public_publications(programme=programme).count() == old.count()
    assert options.total == old.count()
    page = client.get(reverse("publishing:public_programme", args=[programme.slug]))
    assert page.context["page"].paginator.count == old.count()
    assert [item.pk for item in page.context["page"].object_list] == new[:20]
    feed = [item.pk for item in selectors.public_feed_items(programme=programme)]
    assert feed == _old_public_publications(programme)[: selectors.FEED_ITEMS]
    assert list(selectors.programmes_with_public_items()) == sorted(
        [world.programme, world.other_programme], key=lambda p: p.name
    )
