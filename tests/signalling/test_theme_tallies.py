"""The theme figures kept per theme (`signalling.tallies`) equal what counting the signals
gives, before and after every kind of change, for the theme list and for the top five."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.db.models import Count, Max, Q
from django.utils import timezone

from leerkring.signalling import lifecycle, ranking, selectors, tallies
from leerkring.signalling.models import Signal, SignalTheme, SignalThemeTally
from leerkring.signalling.selectors.venster import VENSTER_CLOSED_STATES
from tests.factories import CommunityFactory, SignalFactory, SignalThemeFactory

S = Signal.State
migration = importlib.import_module("leerkring.signalling.migrations.0009_theme_tallies")


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _counted_themes(programme) -> list[tuple]:
    """The theme list as it was counted per request before the tallies."""
    passed_on = ~Q(signals__state=S.DRAFT)
    themes = (
        SignalTheme.objects.filter(programme=programme, merged_into__isnull=True)
        .annotate(
            signal_count=Count("signals", filter=passed_on),
            open_count=Count(
                "signals", filter=passed_on & ~Q(signals__state__in=VENSTER_CLOSED_STATES)
            ),
            community_count=Count("signals__community", filter=passed_on, distinct=True),
            latest=Max("signals__raised_on", filter=passed_on),
        )
        .order_by("title")
    )
    return [(t.pk, t.signal_count, t.open_count, t.community_count, t.latest) for t in themes]


def _tallied_themes(programme) -> list[tuple]:
    return [
        (t.pk, t.signal_count, t.open_count, t.community_count, t.latest)
        for t in selectors.programme_themes(programme=programme)
    ]


def _ranking(programme, parts) -> list[tuple]:
    themes = list(SignalTheme.objects.filter(programme=programme, merged_into__isnull=True))
    today = timezone.localdate()
    return [
        (e.theme.pk, e.signals_recent, e.signals_open, e.communities, e.latest, e.score)
        + (e.in_top_five,)
        for e in ranking._ranked(themes, parts, today=today)
    ]


def assert_tallies_match(programme) -> None:
    assert _tallied_themes(programme) == _counted_themes(programme)
    since = timezone.localdate() - datetime.timedelta(days=ranking.WINDOW_DAYS)
    themes = list(
        SignalTheme.objects.filter(programme=programme, merged_into__isnull=True).select_related(
            "tally"
        )
    )
    tallied = ranking.theme_parts_tallied(themes, since=since)
    assert tallied is not None, "today's ranking must come from the tallies"
    counted = ranking.theme_parts_counted(programme=programme, since=since)
    assert _ranking(programme, tallied) == _ranking(programme, counted)
    shown = [
        (e.theme.pk, e.score, e.in_top_five) for e in ranking.theme_ranking(programme=programme)
    ]
    assert shown == [(row[0], row[5], row[6]) for row in _ranking(programme, counted)]


@pytest.fixture
def mixed(world):
    """Six themes over three communities: every state, drafts, old and recent signals, one
    theme without signals."""
    communities = [world.community, world.sibling, CommunityFactory(programme=world.programme)]
    themes = [SignalThemeFactory(programme=world.programme, title=f"Thema {n}") for n in range(6)]
    states = [S.NEW, S.IN_PROGRESS, S.KNOWN, S.BACK_TO_COMMUNITY, S.ESCALATED_LCC]
    states += [S.ESCALATED_SYSTEM, S.RESOLVED, S.NO_FOLLOW_UP]
    for n in range(60):
        theme = themes[n % 5]
        state = states[(n * 7) % len(states)]
        community = communities[(n * 5) % 3]
        SignalFactory(
            community=community,
            theme=theme,
            passed=True,
            state=state,
            raised_on=_days_ago((n * 37) % 400),
        )
    for n in range(5):
        SignalFactory(community=communities[n % 3], theme=themes[n], raised_on=_days_ago(n))
    return {"themes": themes, "communities": communities}


def test_the_kept_figures_equal_the_counted_ones(world, mixed):
    assert_tallies_match(world.programme)
    empty = mixed["themes"][5]
    row = next(r for r in _tallied_themes(world.programme) if r[0] == empty.pk)
    assert row == (empty.pk, 0, 0, 0, None)


def test_they_follow_each_change_made_through_the_lifecycle(world, mixed):
    first, second = mixed["themes"][0], mixed["themes"][1]
    signals = list(Signal.objects.filter(theme=first).exclude(state=S.DRAFT).order_by("pk"))
    moving = next(s for s in signals if s.state == S.NEW)
    lifecycle.signal_set_theme(signal=moving, by=world.coordinator, theme=second)
    assert_tallies_match(world.programme)
    lifecycle.signal_set_theme(signal=moving, by=world.coordinator, theme=None)
    assert_tallies_match(world.programme)
    lifecycle.signal_set_theme(signal=moving, by=world.coordinator, theme=first)
    lifecycle.signal_triage(signal=moving, by=world.coordinator)
    assert_tallies_match(world.programme)
    lifecycle.signal_resolve(signal=moving, by=world.coordinator, answer="Opgelost in de regio.")
    assert_tallies_match(world.programme)
    draft = Signal.objects.filter(theme=second, state=S.DRAFT).get()
    lifecycle.signal_pass_on(signal=draft, by=world.lead, guard_confirmed=True)
    assert_tallies_match(world.programme)


def test_a_new_signal_saved_with_a_theme_is_counted(world, mixed):
    SignalFactory(
        community=world.sibling, theme=mixed["themes"][5], passed=True, raised_on=_days_ago(3)
    )
    assert_tallies_match(world.programme)


def test_a_ranking_as_of_a_day_before_the_window_counts_the_signals(world, mixed):
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    since = long_ago - datetime.timedelta(days=ranking.WINDOW_DAYS)
    themes = list(SignalTheme.objects.filter(programme=world.programme).select_related("tally"))
    assert ranking.theme_parts_tallied(themes, since=since) is None
    ranked = ranking.theme_ranking(programme=world.programme, today=long_ago)
    counted = ranking.theme_parts_counted(programme=world.programme, since=since)
    assert {e.theme.pk: e.signals_recent for e in ranked if e.signals_open} == {
        pk: row["signals_recent"] for pk, row in counted.items()
    }


def test_the_rebuild_repairs_a_change_made_past_save(world, mixed):
    Signal.objects.filter(theme=mixed["themes"][2]).update(state=S.RESOLVED)
    assert _tallied_themes(world.programme) != _counted_themes(world.programme)
    assert tallies.theme_tallies_rebuild() == SignalTheme.objects.count()
    assert_tallies_match(world.programme)


def test_the_migration_fills_the_tallies_of_existing_signals(world, mixed):
    SignalThemeTally.objects.all().delete()
    migration.tallies_fill(apps, None)
    assert_tallies_match(world.programme)
