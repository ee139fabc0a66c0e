"""One mechanism finds the newest matches for the search page and for the searched venster
(`search.selectors.newest_matches`); before, the search page walked the newest rows
(`_walked_candidates`) and the venster asked growing ranges of ids (`newest_matches`). Both
are kept here as they were, and for every caller, visitor, word and filter the new answer is
the old one, on the same data — with walks of a few rows, so that they take several steps,
mix the index's range test with the row-by-row one, and give up on rare words."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.utils import timezone

from leerkring.core.id_lists import in_list
from leerkring.meetings.models import Lesson
from leerkring.search import fulltext, selectors
from leerkring.search.providers import SOURCES
from leerkring.signalling import search as signal_search
from leerkring.signalling import selectors as signalling_selectors
from leerkring.signalling.models import Escalation, Signal
from leerkring.signalling.selectors.venster import venster_base, venster_filter
from tests import factories

OLD_FIRST_RANGE = 4
OLD_RANGE_GROWTH_MAX = 16
VISITORS = ["participant", "lead", "sibling_member", "coordinator", "evaluator", "system_partner"]
WORDS = ["taalschool", "wachtlijst taalschool", "vervoer", "zeldzaam", "kinderopvang vervoer"]
VENSTER_FILTERS = [{}, {"state": Signal.State.NEW}, {"waiting": True}, {"solution_level": "local"}]


# --- The two mechanisms as they were -----------------------------------------------------


def _old_walked_candidates(*, source, user, q: str) -> list[int] | None:
    words = fulltext.query_words(q)
    windows = source.walk_windows(user) if words else None
    if not windows:
        return None
    rows = source.visible(user=user)
    if fulltext.is_full_text():
        condition = fulltext.match_each(source.document(), q)
    else:
        condition = fulltext.fallback_q(source.fields, words)
    wanted = selectors.RANK_CANDIDATES + 1
    read: list[list[int]] = [[] for _window in windows]
    # The windows not read to their end, and how many rows each reads next.
    steps = dict.fromkeys(range(len(windows)), selectors.WALK_ROWS)
    found: list[int] = []
    tested: set[int] = set()
    cutoff = None
    while True:
        for number, step in list(steps.items()):
            if not step:
                continue
            window = windows[number]
            if read[number]:
                window = window.filter(pk__lt=read[number][-1])
            ids = list(window.values_list("pk", flat=True)[:step])
            read[number].extend(ids)
            if len(ids) < step:
                del steps[number]
        above = cutoff
        cutoff = max((read[number][-1] for number in steps), default=None)
        # The rows between the new cutoff and the old one (a row may lie in two windows).
        batch = {
            pk
            for ids in read
            for pk in ids
            if (cutoff is None or pk >= cutoff) and (above is None or pk < above)
        }
        found += (
            rows.filter(condition, in_list("pk", sorted(batch)))
            .annotate(search_newest=F("pk") + 0)
            .order_by("-search_newest")
            .values_list("pk", flat=True)[: wanted - len(found)]
        )
        tested |= batch
        if cutoff is None or len(found) == wanted:
            return found
        if not found:
            return None
        missing = round((wanted - len(found)) * len(tested) / len(found) * selectors.WALK_MARGIN)
        for number in steps:
            # What this window holds below the cutoff already counts towards what is missing;
            # a step is not smaller than a quarter of the first, so a walk takes few of them.
            waiting = sum(1 for pk in read[number] if pk < cutoff)
            steps[number] = (
                max(missing - waiting, selectors.WALK_ROWS // 4) if missing > waiting else 0
            )
        if sum(map(len, read)) + sum(steps.values()) > selectors.WALK_LIMIT * selectors.WALK_ROWS:
            return None


def _old_newest_matches(*, matches, programme: int) -> list[int]:
    newest = (
        selectors.programme_window(matches.model.objects.all(), programme)
        .values_list("pk", flat=True)
        .first()
    )
    if newest is None:
        return []
    span = OLD_FIRST_RANGE
    while True:
        low = newest - span
        found = list(
            matches.filter(pk__gt=low)
            .annotate(search_newest=F("pk") + 0)
            .order_by("-search_newest")
            .values_list("pk", flat=True)[: selectors.RANK_CANDIDATES + 1]
        )
        if len(found) > selectors.RANK_CANDIDATES or low < 1:
            return found
        wanted = (selectors.RANK_CANDIDATES + 1) * 5 / 4
        span = round(span * min(max(wanted / max(len(found), 1), 2), OLD_RANGE_GROWTH_MAX))


def _old_search_candidates(*, source, user, q: str) -> list[int]:
    if source.walk_windows is not None:
        found = _old_walked_candidates(source=source, user=user, q=q)
        if found is not None:
            return found
    matches = selectors.search_matches(source=source, user=user, q=q)
    newest = matches.annotate(search_newest=F("pk") + 0).order_by("-search_newest")
    return list(newest.values_list("pk", flat=True)[: selectors.RANK_CANDIDATES + 1])


def _old_venster_ids(programme, q: str, **filters) -> list[int]:
    rows = venster_filter(
        venster_base(programme=programme), programme=programme, now=timezone.now(), **filters
    )
    return _old_newest_matches(
        matches=signal_search.signals_matching(rows, q), programme=programme.pk
    )


# --- The same data for both ----------------------------------------------------------------


def _network(world) -> None:
    """Signals of both programmes, drafts and passed on, several states, levels and ages, some
    escalated to the system level; shared and unshared lessons; all interleaved."""
    texts = [
        ("Wachtlijst taalschool", "Maanden wachten."),
        ("Vervoer naar de les", "Geen bus op zaterdag."),
        ("Kinderopvang", "Geen plek tijdens de taalschool, en geen vervoer."),
        ("Zeldzaam probleem", "Komt eens voor."),
    ]
    communities = [world.community, world.sibling, world.foreign]
    meetings = {c.pk: factories.MeetingFactory(community=c) for c in communities}
    for n in range(60):
        title, description = texts[n % len(texts)]
        community = communities[n % 3] if n < 40 else world.community
        passed = n % 5 != 1
        signal = factories.SignalFactory(
            community=community,
            title=f"{title} {n}",
            description=description,
            state=[Signal.State.NEW, Signal.State.IN_PROGRESS][n % 2]
            if passed
            else Signal.State.DRAFT,
            passed=passed,
            solution_level=["local", "national"][n % 2],
            passed_on_at=timezone.now() - datetime.timedelta(days=100 if n % 3 == 0 else 1),
        )
        if n % 4 == 0 and passed:
            Escalation.objects.create(signal=signal, level=Escalation.Level.SYSTEM)
        Lesson.objects.create(
            meeting=meetings[community.pk],
            community=community,
            text=f"{title}: {description} ({n})",
            shareable=n % 3 != 0,
        )


@pytest.fixture(params=[2, 5, 1000])
def walk_rows(request, monkeypatch):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(selectors, "WALK_ROWS", request.param)
    monkeypatch.setattr(signalling_selectors.venster, "RANK_CANDIDATES", 4)
    return request.param


def test_the_search_page_finds_what_it_found_before(world, walk_rows):
    _network(world)
    for visitor in [*VISITORS, "foreign_member", "nobody"]:
        user = getattr(world, visitor)
        for key in ("signals", "lessons"):
            for q in WORDS:
                old = _old_search_candidates(source=SOURCES[key], user=user, q=q)
                new = selectors.search_candidates(source=SOURCES[key], user=user, q=q)
                assert new == old, (visitor, key, q)
    anonymous = AnonymousUser()
    assert selectors.search_candidates(source=SOURCES["signals"], user=anonymous, q="vervoer") == []


def test_the_venster_finds_what_it_found_before(world, walk_rows):
    _network(world)
    for filters in VENSTER_FILTERS:
        for q in WORDS:
            old = _old_venster_ids(world.programme, q, **filters)
            found = signalling_selectors.venster_search(programme=world.programme, q=q, **filters)
            assert found.ids == old, (filters, q)
            assert found.capped == (len(old) > 4)


def test_both_rank_the_same_newest_matches_of_one_word(world, walk_rows):
    """A coordinator's search page and venster agree on a programme's newest matches when the
    words parse alike (one plain word)."""
    _network(world)
    page = selectors.search_candidates(
        source=SOURCES["signals"], user=world.coordinator, q="vervoer"
    )
    venster = signalling_selectors.venster_search(programme=world.programme, q="vervoer")
    assert venster.ids == page
