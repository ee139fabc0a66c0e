"""The top five: a visible formula, its parts per theme, pin and exclude with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leerkring.signalling import ranking
from leerkring.signalling.models import Signal
from tests.factories import CommunityFactory, SignalFactory, SignalThemeFactory

TODAY = datetime.date(2026, 6, 1)


def _days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def _signal(theme, community, days_ago: int, **fields) -> Signal:
    return SignalFactory(
        community=community, theme=theme, passed=True, raised_on=_days_ago(days_ago), **fields
    )


@pytest.fixture
def dataset(world):
    """Three themes whose parts are known by hand."""
    c1, c2, c3 = world.community, world.sibling, CommunityFactory(programme=world.programme)
    broad = SignalThemeFactory(programme=world.programme, title="Breed")
    # 3 recent signals from 3 communities, newest 10 days old: 3 + 2×3 + 3 = 12
    _signal(broad, c1, 10)
    _signal(broad, c2, 40)
    _signal(broad, c3, 80)
    deep = SignalThemeFactory(programme=world.programme, title="Diep")
    # 4 signals from 1 community, one older than the window, newest 50 days: 3 + 2×1 + 1 = 6
    for days in (50, 60, 70, 200):
        _signal(deep, c1, days)
    # Closed and draft signals do not count.
    _signal(deep, c2, 5, state=Signal.State.RESOLVED)
    SignalFactory(community=c2, theme=deep, raised_on=_days_ago(5))
    old = SignalThemeFactory(programme=world.programme, title="Oud")
    # 1 signal, 300 days old: 0 + 2×1 + 0 = 2
    _signal(old, c2, 300)
    SignalThemeFactory(programme=world.programme, title="Leeg")
    return {"broad": broad, "deep": deep, "old": old}


def _by_title(world) -> dict[str, ranking.RankedTheme]:
    return {e.theme.title: e for e in ranking.theme_ranking(programme=world.programme, today=TODAY)}


def test_each_part_of_the_score_is_computed_as_shown(world, dataset):
    ranked = _by_title(world)
    broad, deep, old = ranked["Breed"], ranked["Diep"], ranked["Oud"]
    assert (broad.signals_recent, broad.communities, broad.recency_bonus, broad.score) == (
        3,
        3,
        ranking.RECENT_BONUS,
        3 * ranking.SIGNAL_WEIGHT + 3 * ranking.COMMUNITY_WEIGHT + ranking.RECENT_BONUS,
    )
    assert broad.score == 12
    assert (deep.signals_recent, deep.signals_open, deep.communities, deep.recency_bonus) == (
        3,
        4,
        1,
        ranking.WINDOW_BONUS,
    )
    assert deep.score == 6
    assert (old.signals_recent, old.communities, old.recency_bonus, old.score) == (0, 1, 0, 2)
    assert ranked["Leeg"].score == 0


def test_themes_are_ranked_by_score_and_empty_themes_stay_out(world, dataset):
    ranked = ranking.theme_ranking(programme=world.programme, today=TODAY)
    assert [e.theme.title for e in ranked] == ["Breed", "Diep", "Oud", "Leeg"]
    assert [e.theme.title for e in ranking.top_five(programme=world.programme, today=TODAY)] == [
        "Breed",
        "Diep",
        "Oud",
    ]


def test_a_pinned_theme_is_always_in_and_an_excluded_one_never(world, dataset):
    empty = _by_title(world)["Leeg"].theme
    ranking.theme_pin(theme=empty, by=world.coordinator, reason="Politiek actueel")
    ranking.theme_exclude(theme=dataset["broad"], by=world.coordinator, reason="Al opgelost")
    top = ranking.top_five(programme=world.programme, today=TODAY)
    assert [e.theme.title for e in top] == ["Leeg", "Diep", "Oud"]


def test_only_five_make_it_and_pins_take_their_place_first(world):
    for i in range(7):
        theme = SignalThemeFactory(programme=world.programme, title=f"T{i}")
        for _ in range(i + 1):
            _signal(theme, world.community, 1)
    low = SignalThemeFactory(programme=world.programme, title="Laag")
    _signal(low, world.community, 300)
    ranking.theme_pin(theme=low, by=world.coordinator, reason="Afspraak met ministerie")
    top = ranking.top_five(programme=world.programme, today=TODAY)
    assert [e.theme.title for e in top] == ["Laag", "T6", "T5", "T4", "T3"]


@pytest.mark.parametrize("action", [ranking.theme_pin, ranking.theme_exclude])
def test_pin_and_exclude_need_a_reason(world, action):
    theme = SignalThemeFactory(programme=world.programme)
    with pytest.raises(ValidationError) as error:
        action(theme=theme, by=world.coordinator, reason="   ")
    assert "reason" in error.value.message_dict
    theme.refresh_from_db()
    assert not theme.pinned and not theme.excluded


def test_the_page_refuses_a_pin_without_a_reason(client, world):
    theme = SignalThemeFactory(programme=world.programme)
    client.force_login(world.coordinator)
    url = reverse("signalling:theme_ranking", args=[theme.pk])
    response = client.post(url, {"action": "pin", "reason": ""})
    assert response.status_code == 200
    assert "Geef een reden" in response.text
    theme.refresh_from_db()
    assert not theme.pinned
    response = client.post(url, {"action": "pin", "reason": "Kamervragen"})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.pinned and theme.ranking_reason == "Kamervragen"


def test_the_page_shows_the_formula_the_parts_and_the_reason(client, world, dataset):
    ranking.theme_exclude(theme=dataset["old"], by=world.coordinator, reason="Buiten bereik")
    client.force_login(world.lead)
    response = client.get(reverse("signalling:top5", args=[world.programme.slug]))
    assert response.status_code == 200
    text = response.text
    assert "Zo wordt de score berekend" in text
    assert f"{ranking.COMMUNITY_WEIGHT} × aantal gemeenschappen" in text
    assert "Buiten bereik" in text
    # Read-only for a lead: no links to change the ranking.
    assert reverse("signalling:theme_ranking", args=[dataset["old"].pk]) not in text


def test_the_ranking_is_a_fixed_number_of_queries(world, dataset, django_assert_num_queries):
    for i in range(20):
        theme = SignalThemeFactory(programme=world.programme)
        _signal(theme, world.community, i)
    with django_assert_num_queries(2):
        ranking.theme_ranking(programme=world.programme, today=TODAY)
