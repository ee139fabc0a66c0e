"""A searched venster ranks only the newest matches (`selectors.venster_search`): with no more
than `RANK_CANDIDATES` matches its rows are exactly the venster's ordering of every match;
beyond, the newest of them, in the same order, and it says it was capped."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from leerkring.search import selectors as search_selectors
from leerkring.signalling import selectors
from leerkring.signalling.models import Signal
from leerkring.signalling.selectors import venster as venster_selectors
from tests.factories import SignalFactory

State = Signal.State


def _signals(world, count: int, **fields) -> list[Signal]:
    """Signals with every venster order key varied: some waiting for feedback, several
    states, dates and levels, the word once or twice (a different rank)."""
    today = timezone.localdate()
    made = []
    for n in range(count):
        waiting = n % 3 == 0
        made.append(
            SignalFactory(
                community=world.community if n % 2 else world.sibling,
                passed=True,
                state=[State.NEW, State.IN_PROGRESS, State.KNOWN][n % 3],
                title=f"Wachttijd {n}" + (" wachttijd bij de taalschool" if n % 4 == 0 else ""),
                raised_on=today - datetime.timedelta(days=(n * 7) % 11),
                solution_level=["national", "local"][n % 2],
                passed_on_at=timezone.now() - datetime.timedelta(days=100 if waiting else 1),
                **fields,
            )
        )
    return made


def _old_order(world, q: str, **filters) -> list[int]:
    """Every match in the venster's order, as the venster listed a search before the cap."""
    return [s.pk for s in selectors.venster_signals(programme=world.programme, q=q, **filters)]


def _searched(world, q: str, **filters) -> selectors.VensterSearchResults:
    return selectors.venster_search(programme=world.programme, q=q, **filters)


@pytest.fixture(params=[2, 5, 1000])
def narrow_ranges(request, monkeypatch):
    """Walks of two and five rows a step, so a search takes several steps (and asks the
    index after too few matches) even in a small network; and one read whole."""
    monkeypatch.setattr(search_selectors, "WALK_ROWS", request.param)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sort": "-date"},
        {"sort": "level"},
        {"sort": "-community"},
        {"state": State.NEW},
        {"waiting": True},
    ],
)
def test_up_to_the_cap_a_search_lists_what_the_venster_listed(world, narrow_ranges, filters):
    _signals(world, 14)
    SignalFactory(community=world.community, title="Wachttijd als concept")  # a draft
    SignalFactory(community=world.foreign, passed=True, title="Wachttijd elders")
    SignalFactory(community=world.community, passed=True, title="Huisvesting")
    found = _searched(world, "wachttijd", **filters)
    expected = _old_order(world, "wachttijd", **filters)
    assert expected
    assert [s.pk for s in found[0 : len(found)]] == expected
    assert found.count() == len(expected)
    assert not found.capped
    # Any page of it is the same slice of the venster's order.
    assert [s.pk for s in found[2:5]] == expected[2:5]


def test_beyond_the_cap_it_ranks_the_newest_matches_only(world, narrow_ranges, monkeypatch):
    monkeypatch.setattr(search_selectors, "RANK_CANDIDATES", 5)
    monkeypatch.setattr(venster_selectors, "RANK_CANDIDATES", 5)
    made = _signals(world, 9)
    SignalFactory(community=world.community, passed=True, title="Huisvesting")
    found = _searched(world, "wachttijd")
    newest = sorted(s.pk for s in made)[-5:]
    assert found.capped
    assert found.count() == len(found) == 5
    listed = [s.pk for s in found[0:5]]
    assert sorted(listed) == newest
    # In the venster's order: waiting first, then the best match, then the newest.
    assert listed == [pk for pk in _old_order(world, "wachttijd") if pk in newest]


def test_a_search_that_finds_exactly_the_cap_is_not_capped(world, narrow_ranges, monkeypatch):
    monkeypatch.setattr(search_selectors, "RANK_CANDIDATES", 5)
    monkeypatch.setattr(venster_selectors, "RANK_CANDIDATES", 5)
    _signals(world, 5)
    found = _searched(world, "wachttijd")
    assert not found.capped
    assert [s.pk for s in found[0:5]] == _old_order(world, "wachttijd")


def test_a_search_without_matches_is_empty(world):
    _signals(world, 3)
    found = _searched(world, "kinderopvang")
    assert found.count() == 0 and not found.capped
    assert found[0:50] == []


def test_the_newest_matches_are_those_of_one_sort_of_every_match(world, narrow_ranges):
    """`newest_matches` walks the programme's newest signals; its answer is the plain sort of
    all matches."""
    made = _signals(world, 11)
    SignalFactory(community=world.foreign, passed=True, title="Taalschool elders")
    matches = Signal.objects.filter(programme=world.programme, title__icontains="taalschool")
    found = search_selectors.newest_matches(
        matches=matches,
        tested=matches,
        windows=search_selectors.signal_programme_windows(world.programme.pk),
    )
    assert found == sorted((s.pk for s in made if "taalschool" in s.title), reverse=True)


CAPPED = "Er zijn meer treffers: alleen de nieuwste 5 zijn op relevantie gesorteerd en getoond."


def test_the_page_ranks_the_newest_matches_as_the_api_and_says_so(client, world, monkeypatch):
    """The HTML venster and the API answer one search with the same rows (DESIGN.md §2: one
    rule for both), and the page tells in Dutch when only the newest were ranked."""
    from django.urls import reverse

    from leerkring.signalling.views import venster as venster_views

    for module in (search_selectors, venster_selectors, venster_views):
        monkeypatch.setattr(module, "RANK_CANDIDATES", 5)
    made = _signals(world, 9)
    SignalFactory(community=world.community, passed=True, title="Fietsenstalling vol")
    SignalFactory(community=world.sibling, passed=True, title="Geen fietsenstalling")
    client.force_login(world.coordinator)
    url = reverse("signalling:venster", args=[world.programme.slug])
    response = client.get(url, {"q": "wachttijd"})
    listed = [s.pk for s in response.context["page"].object_list]
    assert listed == [s.pk for s in _searched(world, "wachttijd")[0:5]]
    assert sorted(listed) == sorted(s.pk for s in made)[-5:]
    assert response.context["page"].paginator.count == 5
    assert CAPPED in response.content.decode()
    # A narrower search ranks every match, and says nothing.
    response = client.get(url, {"q": "fietsenstalling"})
    expected = _old_order(world, "fietsenstalling")
    assert len(expected) == 2
    assert [s.pk for s in response.context["page"].object_list] == expected
    assert "Er zijn meer treffers" not in response.content.decode()
