""" "Who else works on this?" read from the links the task worker stores (`dissemination.links`)
shows the same communities, with the same shared subtopics, lessons and products, as working
them out from the programme's agendas on every request did."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.models import Community
from leerkring.communities.synthetic import synth_build
from leerkring.dissemination import links
from leerkring.dissemination.models import CommunityLinks, CommunityLinksRun
from leerkring.events import selectors as event_selectors
from leerkring.meetings.models import AgendaItem, Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def _per_request(community) -> list[dict]:
    """The panel as worked out per request (no stored links)."""
    CommunityLinks.objects.filter(community=community).delete()
    return event_selectors.linked_communities(community=community)


def _held(community, subtopics, *, days_ago=20, category="procedures"):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = factories.MeetingFactory(
        community=community,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    for subtopic in subtopics:
        AgendaItem.objects.create(
            meeting=meeting, title="Casus", topic_category=category, subtopic=subtopic
        )
    return meeting


@pytest.fixture
def topics_world(world):
    """Communities of one programme with overlapping subtopics, in and out of the half year,
    with case and spaces differing, one ended; a community of another programme."""
    more = [
        factories.CommunityFactory(programme=world.programme, name=f"CoP {name}")
        for name in ("Twente", "Drenthe", "Limburg", "Utrecht")
    ]
    _held(world.community, ["Wachttijden", "Kinderopvang", " Taaleis "])
    _held(world.sibling, ["wachttijden", "Taaleis"])
    _held(more[0], ["Kinderopvang", "Wachttijden", "Taaleis"])
    _held(more[1], ["Taaleis"], days_ago=300)  # out of the half year
    _held(more[2], ["Kinderopvang"])
    _held(more[3], ["Wachttijden"])
    more[3].status = Community.Status.ENDED
    more[3].save()
    _held(world.foreign, ["Wachttijden"])
    return world, more


def test_the_stored_links_equal_the_ones_worked_out_per_request(topics_world):
    world, more = topics_world
    communities = [world.community, world.sibling, *more]
    before = {c.pk: _per_request(c) for c in communities}
    links.community_links_refresh()
    assert CommunityLinks.objects.count() == Community.objects.count()
    after = {c.pk: event_selectors.linked_communities(community=c) for c in communities}
    assert after == before
    names = [row["name"] for row in after[world.community.pk]]
    assert names == ["CoP Twente", "CoP Zeeland", "CoP Limburg"]
    assert after[world.community.pk][0]["subtopics"] == ["Kinderopvang", "Taaleis", "Wachttijden"]


def test_a_community_that_ended_since_leaves_the_stored_links(topics_world):
    world, more = topics_world
    links.community_links_refresh()
    more[0].status = Community.Status.ENDED
    more[0].save()
    shown = [row["pk"] for row in event_selectors.linked_communities(community=world.community)]
    assert more[0].pk not in shown
    assert shown == [row["pk"] for row in _per_request(world.community)]


def test_the_community_page_shows_the_same_panel(client, topics_world):
    world, _more = topics_world
    client.force_login(world.lead)
    url = reverse("communities:community", args=[world.community.pk])
    live = client.get(url).content.decode()
    links.community_links_refresh()
    stored = client.get(url).content.decode()
    assert "Wie werkt hier ook aan?" in stored

    def panel(page: str) -> str:
        start = page.index("Wie werkt hier ook aan?")
        return page[start : start + 3000]

    assert panel(stored) == panel(live)


def test_the_worker_works_out_a_programme_once_while_it_is_fresh(topics_world):
    world, _more = topics_world
    assert links.community_links_due() == 2  # both programmes, never worked out
    assert links.community_links_due() == 0  # fresh
    CommunityLinksRun.objects.update(computed_at=timezone.now() - links.MAX_AGE * 2)
    # Another worker holds one programme: it is left to that worker.
    CommunityLinksRun.objects.filter(programme=world.programme).update(
        claimed_until=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert links.community_links_due() == 1
    # A claim that ran out (its worker died) is taken over.
    CommunityLinksRun.objects.filter(programme=world.programme).update(
        claimed_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert links.community_links_due() == 1
    assert CommunityLinksRun.objects.get(programme=world.programme).claimed_until is None
    assert links.community_links_due(should_stop=lambda: True) == 0


def test_the_synthetic_network_stores_links_equal_to_the_ones_per_request(db):
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        communities = list(Community.objects.order_by("pk"))
        assert CommunityLinks.objects.count() == len(communities)
        stored = {c.pk: event_selectors.linked_communities(community=c) for c in communities}
        assert any(stored.values())
        assert stored == {c.pk: _per_request(c) for c in communities}
        transaction.set_rollback(True)


def test_the_knowledge_view_reads_the_stored_links_and_shows_the_same(client, topics_world):
    """With stored links for every listed community the knowledge view reads only their own
    agendas; what it shows is what it worked out from the whole programme before, and a page
    with a community not stored yet is worked out as before."""
    from leerkring.dissemination import selectors

    world, more = topics_world
    listed = list(selectors.knowledge_communities(programme=world.programme))
    live = selectors.knowledge_entries(programme=world.programme, communities=listed)
    links.community_links_refresh()
    assert selectors.knowledge_entries(programme=world.programme, communities=listed) == live
    # A community of the page that has no stored links yet: the whole programme is read.
    CommunityLinks.objects.filter(community=more[0]).delete()
    assert selectors.knowledge_entries(programme=world.programme, communities=listed) == live
    links.community_links_refresh()
    client.force_login(world.participant)
    url = reverse("dissemination:knowledge", args=[world.programme.slug])
    stored_page = client.get(url)
    assert stored_page.context["entries"] == live
    CommunityLinks.objects.all().delete()
    assert client.get(url).context["entries"] == live
