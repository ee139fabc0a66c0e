"""Whom a publication names as its authors, kept on the publication (`publishing.credited`),
against the credits themselves after every kind of change; and the feed naming the same
authors, in the same order, as it did when it read every item's credits."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from leerkring.communities.synthetic import synth_build
from leerkring.core.personal_data import erase_personal_data
from leerkring.publishing import selectors, services
from leerkring.publishing.credited import credited_refresh
from leerkring.publishing.models import Publication, PublicationCredit
from tests import factories

pytestmark = pytest.mark.django_db


def assert_credited_kept() -> None:
    named: dict[int, list[int]] = {}
    for credit in PublicationCredit.objects.order_by("created_at", "pk"):
        named.setdefault(credit.publication_id, []).append(credit.person_id)
    for publication in Publication.objects.all():
        assert publication.credited_people == named.get(publication.pk, []), publication.pk


def _old_author_names(programme) -> list[list[str]]:
    """The authors as the feed and the list read them before: every item's credits, in
    their order."""
    items = selectors.public_publications(programme=programme)[: selectors.FEED_ITEMS]
    return [[credit.person.full_name for credit in item.credits.all()] for item in items]


def test_the_flag_follows_every_change_of_the_credits(world):
    items = [factories.PublicationFactory(community=world.community) for _n in range(3)]
    lead, facilitator = world.lead_m.person, world.facilitator_m.person
    assert_credited_kept()
    services.publication_credit_set(publication=items[0], person=lead, named=True, by=world.lead)
    services.publication_credit_set(
        publication=items[0], person=facilitator, named=True, by=world.facilitator
    )
    PublicationCredit.objects.create(publication=items[1], person=lead)
    assert_credited_kept()
    services.publication_credit_set(publication=items[0], person=lead, named=False, by=world.lead)
    assert_credited_kept()
    assert Publication.objects.get(pk=items[0].pk).credited_people == [facilitator.pk]
    # Leaving Leerkring takes one's name off every item; another's name stays.
    erase_personal_data(person=lead, user=world.lead, by=None)
    assert_credited_kept()
    assert Publication.objects.get(pk=items[1].pk).credited_people == []
    # A person deleted with their credits.
    facilitator.delete()
    assert_credited_kept()
    assert not Publication.objects.exclude(credited_people=[]).exists()


def test_the_recount_sets_the_flag_of_credits_made_past_the_receivers(world):
    item = factories.PublicationFactory(community=world.community)
    PublicationCredit.objects.bulk_create(
        [PublicationCredit(publication=item, person=world.lead_m.person)]
    )
    assert Publication.objects.get(pk=item.pk).credited_people == []  # past the receivers
    assert credited_refresh() == 1
    assert_credited_kept()
    call_command("recount", stdout=io.StringIO())
    assert_credited_kept()


def test_the_synthetic_network_keeps_the_flag(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        assert PublicationCredit.objects.exists()
        assert_credited_kept()
        transaction.set_rollback(True)


def test_the_feed_names_the_authors_it_named_before(client, world):
    people = [world.lead_m.person, world.facilitator_m.person, world.participant_m.person]
    items = [factories.PublicationFactory(community=world.community) for _n in range(8)]
    for number, item in enumerate(items):
        for person in people[: number % 4]:
            services.publication_credit_set(
                publication=item, person=person, named=True, by=person.user
            )
    programme = world.programme
    feed = selectors.public_feed_items(programme=programme)
    old = _old_author_names(programme)
    assert [item.author_names for item in feed] == old
    assert any(len(names) > 1 for names in old) and [] in old
    for url in (
        _feed_url(programme),
        reverse("publishing:public_programme", args=[programme.slug]),
    ):
        text = client.get(url).content.decode()
        for names in old:
            if names:
                assert ", ".join(names) in text
    listed = client.get(reverse("publishing:public_programme", args=[programme.slug]))
    assert [item.author_names for item in listed.context["page"].object_list] == old[:20]


def _feed_url(programme) -> str:
    return reverse("publishing:public_feed_atom", args=[programme.slug])
