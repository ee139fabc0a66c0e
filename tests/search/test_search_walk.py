"""Search's walk through a programme's newest signals (`selectors._walked_candidates`) finds the
same newest matches, in the same order, as asking every match of the visible signals — when
the walk finds enough, and when it finds too few and the index is asked instead. On SQLite and
PostgreSQL alike, for every kind of visitor, so no signal is found that was not found before
(DESIGN.md §2)."""

from __future__ import annotations

import pytest

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Person
from leerkring.communities.permissions import forget_access
from leerkring.search import selectors
from leerkring.search.providers import SOURCES
from leerkring.signalling.models import Escalation, Signal
from tests import factories

VISITORS = [
    "participant",
    "lead",
    "facilitator",
    "sibling_member",
    "foreign_member",
    "coordinator",
    "evaluator",
    "system_partner",
    "other_coordinator",
    "nobody",
]
QUERIES = ["taalschool", "wachtlijst taalschool", "vervoer", "kinderopvang vervoer", "zeldzaam"]


def _network(world) -> None:
    """Signals of both programmes, drafts and passed on, interleaved so that the newest rows of
    the table belong to the other programme; one escalated to the system level."""
    texts = [
        ("Wachtlijst taalschool", "Maanden wachten."),
        ("Vervoer naar de les", "Geen bus op zaterdag."),
        ("Kinderopvang", "Geen plek tijdens de taalschool."),
        ("Zeldzaam probleem", "Komt eens voor."),
    ]
    communities = [world.community, world.sibling, world.foreign]
    for n in range(36):
        title, description = texts[n % len(texts)]
        community = communities[n % 3] if n < 24 else world.foreign
        passed = n % 4 != 1
        signal = factories.SignalFactory(
            community=community,
            title=f"{title} {n}",
            description=description,
            state=Signal.State.NEW if passed else Signal.State.DRAFT,
            passed=passed,
        )
        if n % 5 == 0 and passed:
            Escalation.objects.create(signal=signal, level=Escalation.Level.SYSTEM)


def _expected(user, q: str) -> list[int]:
    """The newest matches as search found them before the walk: every visible match, newest
    first."""
    matches = selectors.search_matches(source=SOURCES["signals"], user=user, q=q)
    return list(
        matches.order_by("-pk").values_list("pk", flat=True)[: selectors.RANK_CANDIDATES + 1]
    )


@pytest.mark.parametrize("walk_rows", [2, 6, 1000])
def test_the_walk_finds_the_newest_matches_the_index_finds(world, monkeypatch, walk_rows):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "WALK_ROWS", walk_rows)
    _network(world)
    for visitor in VISITORS:
        user = getattr(world, visitor)
        for q in QUERIES:
            found = selectors.search_candidates(source=SOURCES["signals"], user=user, q=q)
            assert found == _expected(user, q), (visitor, q)


def test_the_walk_answers_a_common_word_and_leaves_a_rare_one_to_the_index(world, monkeypatch):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "WALK_ROWS", 8)
    _network(world)
    signals = SOURCES["signals"]
    walked = selectors._walked_candidates(source=signals, user=world.coordinator, q="taalschool")
    assert walked is not None
    assert walked == _expected(world.coordinator, "taalschool")
    # Too few matches among the newest rows: an older one may be missing, the index decides.
    assert (
        selectors._walked_candidates(source=signals, user=world.coordinator, q="zeldzaam") is None
    )
    assert selectors.search_candidates(
        source=signals, user=world.coordinator, q="zeldzaam"
    ) == _expected(world.coordinator, "zeldzaam")
    # Someone who sees signals of two programmes is left to the index as well.
    factories.ProgrammeRoleFactory(
        person=Person.objects.get(user=world.coordinator),
        programme=world.other_programme,
        role=ProgrammeRole.Role.COORDINATOR,
    )
    forget_access(world.coordinator)
    assert (
        selectors._walked_candidates(source=signals, user=world.coordinator, q="taalschool") is None
    )
    assert selectors.search_candidates(
        source=signals, user=world.coordinator, q="taalschool"
    ) == _expected(world.coordinator, "taalschool")


def test_a_signal_keeps_its_communitys_programme(world):
    signal = factories.SignalFactory(community=world.foreign)
    assert signal.programme_id == world.other_programme.pk
    assert Signal.objects.filter(programme=world.programme).count() == 0
