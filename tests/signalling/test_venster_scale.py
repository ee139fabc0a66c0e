"""The venster at national scale and beyond (issue 17): its signals found by the programme kept
on the signal, and a community filter that is a search field once a programme has more
communities than a choice list can usefully hold. Results, counts and confidentiality must be
the ones of the list and the join they replace."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.communities.selectors import choices
from leerkring.signalling import selectors
from leerkring.signalling.models import Signal
from tests.api.helpers import ApiClient, token_for
from tests.factories import CommunityFactory, SignalFactory
from tests.refused_links import comparable, field_error, unknown_community_pk

State = Signal.State


@pytest.fixture
def many(monkeypatch):
    """Make every programme with more than one community a "large" one."""
    monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 1)


def _signal(community, **fields) -> Signal:
    fields.setdefault("passed", True)
    return SignalFactory(community=community, **fields)


def _url(world, query: str = "") -> str:
    return reverse("signalling:venster", args=[world.programme.slug]) + query


def test_the_venster_holds_the_signals_the_community_join_found(world):
    for community in (world.community, world.sibling, world.foreign):
        _signal(community)
        _signal(community, state=State.IN_PROGRESS)
        SignalFactory(community=community)  # a draft
    kept = selectors.venster_base(programme=world.programme)
    joined = Signal.objects.filter(community__programme=world.programme).exclude(state=State.DRAFT)
    assert sorted(kept.values_list("pk", flat=True)) == sorted(joined.values_list("pk", flat=True))
    assert kept.count() == 4


def test_a_small_programme_lists_every_community_and_the_chosen_one(world):
    communities = selectors.venster_communities(programme=world.programme, chosen=world.sibling.pk)
    assert communities.listed == [
        (world.community.pk, "CoP Achterhoek"),
        (world.sibling.pk, "CoP Zeeland"),
    ]
    assert not communities.searchable
    assert communities.chosen == (world.sibling.pk, "CoP Zeeland")


def test_a_large_programme_lists_none_and_finds_the_chosen_one_in_one_query(world, many):
    with CaptureQueriesContext(connection) as context:
        communities = selectors.venster_communities(
            programme=world.programme, chosen=str(world.community.pk)
        )
    assert len(context) == 1
    assert communities.listed == []
    assert communities.searchable
    assert communities.chosen == (world.community.pk, "CoP Achterhoek")


@pytest.mark.parametrize("chosen", [None, "", "abc", "-1"])
def test_no_chosen_community_without_a_number(world, chosen):
    assert selectors.venster_communities(programme=world.programme, chosen=chosen).chosen is None


def test_another_programmes_community_is_never_the_chosen_one(world, many):
    communities = selectors.venster_communities(programme=world.programme, chosen=world.foreign.pk)
    assert communities.chosen is None


def test_the_page_of_a_large_programme_searches_communities_by_name(client, world, many):
    _signal(world.community, title="Taalschool vol")
    _signal(world.sibling, title="Kinderopvang dicht")
    _signal(world.foreign, title="Elders in Zeeland")
    client.force_login(world.coordinator)
    response = client.get(_url(world))
    assert 'name="community_name"' in response.text
    assert "CoP Zeeland</option>" not in response.text
    response = client.get(_url(world, "?community_name=zeeland"))
    assert "Kinderopvang dicht" in response.text
    assert "Taalschool vol" not in response.text
    assert "Elders in Zeeland" not in response.text
    assert "1 signaal." in response.text


def test_a_shared_link_to_one_community_still_works_in_a_large_programme(client, world, many):
    _signal(world.community, title="Taalschool vol")
    _signal(world.sibling, title="Kinderopvang dicht")
    client.force_login(world.coordinator)
    response = client.get(_url(world, f"?community={world.sibling.pk}"))
    assert "Kinderopvang dicht" in response.text
    assert "Taalschool vol" not in response.text
    assert f'<option value="{world.sibling.pk}" selected>CoP Zeeland</option>' in response.text
    response = client.get(_url(world, f"?community={world.foreign.pk}"))
    assert "Taalschool vol" in response.text  # a stale choice is named and left out
    assert "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer." in response.text


def test_a_small_programme_keeps_its_choice_list(client, world):
    client.force_login(world.coordinator)
    response = client.get(_url(world))
    assert "CoP Zeeland</option>" in response.text
    assert 'name="community_name"' not in response.text


@pytest.mark.parametrize("large", [False, True])
def test_the_api_filters_on_a_community_id_whatever_the_size(world, request, large):
    if large:
        request.getfixturevalue("many")
    _signal(world.community, title="Taalschool vol")
    _signal(world.sibling, title="Kinderopvang dicht")
    api = ApiClient(token_for(world.coordinator, access="read"))
    url = reverse("api:venster", args=[world.programme.slug])
    body = api.get(url, {"community": world.sibling.pk}).json()
    assert [row["title"] for row in body["results"]] == ["Kinderopvang dicht"]
    wrong = api.get(url, {"community": world.foreign.pk})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["pointer"] == "#/community"
    # The name search is the page's; the API's filters stay those it documents.
    body = api.get(url, {"community_name": "zeeland"}).json()
    assert body["count"] == 2


def test_the_query_count_does_not_depend_on_the_number_of_communities(client, world, monkeypatch):
    for _n in range(3):
        CommunityFactory(programme=world.programme)
    client.force_login(world.coordinator)
    query = f"?community={world.sibling.pk}"

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(_url(world, query)).status_code == 200
        return len(context)

    count()  # the counts cached
    small = count()
    monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 2)
    assert count() == small


@pytest.mark.parametrize("large", [False, True])
def test_a_link_to_a_community_the_visitor_may_not_choose_is_named_next_to_the_field(
    client, world, request, large
):
    if large:
        request.getfixturevalue("many")
    _signal(world.community, title="Taalschool vol")
    _signal(world.foreign, title="Elders in Utrecht")
    client.force_login(world.lead)
    pages = []
    for asked in (world.foreign.pk, unknown_community_pk(), "abc"):
        response = client.get(_url(world, f"?community={asked}"))
        assert response.status_code == 200
        assert field_error(response.text, "id_community") == (
            "Deze gemeenschap hoort niet bij dit programma of bestaat niet meer. Je ziet nu de "
            "signalen van alle gemeenschappen."
        )
        assert '<details class="lk-fold lk-filters-more" open>' in response.text
        assert ('name="community_name"' in response.text) is large
        assert "Taalschool vol" in response.text  # the filter left out, not the table emptied
        assert world.foreign.name not in response.text
        assert "Elders in Utrecht" not in response.text
        pages.append(comparable(response.text, asked))
    assert pages[0] == pages[1] == pages[2]
