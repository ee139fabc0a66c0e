"""The community filter shared by the venster, the catalogue and the survey results
(`communities.selectors.community_choices`): a list up to the threshold, a name search above
it, the chosen community always found, and never one outside what the caller offers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leerkring.communities.models import Community
from leerkring.communities.selectors import choices, community_choices
from tests import factories

MAX = 3


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", MAX)


@pytest.fixture(params=["queryset", "pairs"])
def offer(request, world):
    """The programme's communities as a caller passes them: a queryset (venster, catalogue) or
    (pk, name) pairs by name (survey results); both must answer alike."""

    def make():
        communities = Community.objects.filter(programme=world.programme)
        if request.param == "queryset":
            return communities
        return list(communities.order_by("name").values_list("pk", "name"))

    return make


def _grow(world, size: int) -> list[tuple[int, str]]:
    """The programme holds `size` communities (two to start with); by name, the last one sorts
    after all others, so it is never among the first ones read."""
    for n in range(size - 2):
        factories.CommunityFactory(programme=world.programme, name=f"CoP Midden {n}")
    communities = Community.objects.filter(programme=world.programme).order_by("name")
    assert communities.count() == size
    return list(communities.values_list("pk", "name"))


@pytest.mark.parametrize(("size", "searchable"), [(MAX - 1, False), (MAX, False), (MAX + 1, True)])
def test_it_lists_up_to_the_threshold_and_searches_above(world, offer, size, searchable):
    everyone = _grow(world, size)
    found = community_choices(offer())
    assert found.searchable is searchable
    assert found.listed == ([] if searchable else everyone)
    assert found.chosen is None
    assert not found.asked and not found.refused
    assert found.offered == found.listed


@pytest.mark.parametrize("size", [MAX - 1, MAX, MAX + 1, MAX + 5])
def test_it_keeps_the_chosen_community_at_every_size(world, offer, size):
    last = _grow(world, size)[-1]
    for asked in (last[0], str(last[0])):
        found = community_choices(offer(), chosen=asked)
        assert found.chosen == last
        assert not found.refused
        assert last in found.offered
        if found.searchable:
            assert found.offered == [last]


@pytest.mark.parametrize("size", [MAX - 1, MAX + 1])
def test_it_never_offers_another_programmes_community(world, offer, size):
    stranger = factories.CommunityFactory(programme=world.other_programme, name="AAA Eerste")
    _grow(world, size)
    found = community_choices(offer(), chosen=stranger.pk)
    assert found.chosen is None
    assert found.refused
    assert stranger.pk not in {pk for pk, _name in found.listed + found.offered}


@pytest.mark.parametrize(
    "asked", ["abc", "-1", "1.5", " 1", str(2**63), "9" * 30, "0", 10**9, "²", "١"]
)
def test_an_id_that_is_no_community_is_refused_not_an_error(world, offer, asked):
    _grow(world, MAX + 1)
    found = community_choices(offer(), chosen=asked)
    assert found.refused
    assert found.chosen is None


@pytest.mark.parametrize("asked", [None, ""])
def test_nothing_asked_is_nothing_refused(world, offer, asked):
    found = community_choices(offer(), chosen=asked)
    assert not found.asked and not found.refused


@pytest.mark.parametrize("size", [MAX - 1, MAX + 5])
def test_a_queryset_is_one_query_whatever_its_size(world, size):
    last = _grow(world, size)[-1]
    communities = Community.objects.filter(programme=world.programme)
    with CaptureQueriesContext(connection) as context:
        found = community_choices(communities, chosen=last[0])
    assert len(context) == 1
    assert found.chosen == last
