"""Search's walk through a programme's newest signals and shared lessons
(`selectors.newest_matches`) finds the same newest matches, in the same order, as asking
every match of the visible rows — when the walk finds enough, and when it finds too few and
the index is asked instead; and the result pages show the same rows in the same order as
before. On SQLite and PostgreSQL alike, for every kind of visitor, so nothing is found that was
not found before (DESIGN.md §2)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Person
from leerkring.communities.permissions import forget_access
from leerkring.communities.synthetic import synth_build
from leerkring.dissemination.permissions import can_view_lesson
from leerkring.meetings.models import Lesson
from leerkring.meetings.services import outcomes
from leerkring.search import fulltext, selectors
from leerkring.search.providers import SOURCES, Seeker
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
    "anonymous",
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


def _walked(*, source, user, q: str) -> list[int] | None:
    """The walk alone, as `search_candidates` sets it up; None leaves the answer to the index."""
    walk = selectors.search_walk(source=source, user=user, q=q)
    if not walk:
        return None
    matches = selectors.search_matches(source=source, user=user, q=q)
    return selectors._walked(matches=matches, first_rows=selectors.WALK_ROWS, **walk)


def _visitor(world, name: str):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


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
        user = _visitor(world, visitor)
        for q in QUERIES:
            found = selectors.search_candidates(source=SOURCES["signals"], user=user, q=q)
            assert found == _expected(user, q), (visitor, q)


def test_the_walk_answers_a_common_word_and_leaves_a_rare_one_to_the_index(world, monkeypatch):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "WALK_ROWS", 8)
    _network(world)
    signals = SOURCES["signals"]
    walked = _walked(source=signals, user=world.coordinator, q="taalschool")
    assert walked is not None
    assert walked == _expected(world.coordinator, "taalschool")
    # Too few matches among the newest rows and no room to read on: an older one may be
    # missing, the index decides.
    monkeypatch.setattr(selectors, "WALK_LIMIT", 1)
    assert _walked(source=signals, user=world.coordinator, q="zeldzaam") is None
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
    assert _walked(source=signals, user=world.coordinator, q="taalschool") is None
    assert selectors.search_candidates(
        source=signals, user=world.coordinator, q="taalschool"
    ) == _expected(world.coordinator, "taalschool")


def _system_marks_hold() -> None:
    """The system mark a system partner's search walks by is exactly "has an escalation to the
    system level", the rule `signals_visible` applies (`signalling.permissions`)."""
    escalated = set(
        Escalation.objects.filter(level=Escalation.Level.SYSTEM).values_list("signal_id", flat=True)
    )
    marked = set(
        Signal.objects.filter(system_escalated_at__isnull=False).values_list("pk", flat=True)
    )
    assert marked == escalated


def test_a_system_partner_walks_the_programmes_signals_with_a_system_mark(world, monkeypatch):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 1)
    _network(world)
    _system_marks_hold()
    signals = SOURCES["signals"]
    partner = world.system_partner
    escalated = Signal.objects.filter(
        programme=world.programme, escalations__level=Escalation.Level.SYSTEM
    )
    (window,) = selectors.signal_windows(partner)
    assert list(window.values_list("pk", flat=True)) == sorted(
        escalated.values_list("pk", flat=True), reverse=True
    )
    # A common word among the walked rows is answered by the walk, a rare one by the index.
    monkeypatch.setattr(selectors, "WALK_ROWS", 3)
    monkeypatch.setattr(selectors, "WALK_LIMIT", 1)
    walked = _walked(source=signals, user=partner, q="taalschool")
    assert walked is not None
    assert walked == _expected(partner, "taalschool")
    assert _walked(source=signals, user=partner, q="zeldzaam") is None
    monkeypatch.setattr(selectors, "WALK_LIMIT", 5)
    assert selectors.search_candidates(source=signals, user=partner, q="zeldzaam") == _expected(
        partner, "zeldzaam"
    )
    # A mark without an escalation (were one ever left behind) shows nothing more: the walked
    # rows are still asked who may see them.
    stray = factories.SignalFactory(
        community=world.community, title="Taalschool", state=Signal.State.NEW, passed=True
    )
    Signal.objects.filter(pk=stray.pk).update(system_escalated_at=stray.created_at)
    for walk_rows in (2, 3, 1000):
        monkeypatch.setattr(selectors, "WALK_ROWS", walk_rows)
        for q in QUERIES:
            found = selectors.search_candidates(source=signals, user=partner, q=q)
            assert stray.pk not in found
            assert found == _expected(partner, q), (walk_rows, q)
            assert set(found) <= set(escalated.values_list("pk", flat=True))


def test_the_system_marks_follow_the_lifecycle_and_deletions(world):
    from leerkring.signalling import lifecycle

    _network(world)
    signal = factories.SignalFactory(community=world.community, state=Signal.State.NEW, passed=True)
    lifecycle.signal_triage(signal=signal, by=world.coordinator)
    lifecycle.signal_escalate(
        signal=signal, by=world.coordinator, level=Escalation.Level.LCC, question="Herkennen?"
    )
    _system_marks_hold()
    lifecycle.signal_escalate(
        signal=signal, by=world.coordinator, level=Escalation.Level.SYSTEM, question="De wet?"
    )
    _system_marks_hold()
    assert Signal.objects.get(pk=signal.pk).system_escalated_at is not None
    world.sibling.delete()  # its signals and their escalations go with it
    _system_marks_hold()
    Signal.objects.filter(pk=signal.pk).delete()
    _system_marks_hold()


def test_a_signal_keeps_its_communitys_programme(world):
    signal = factories.SignalFactory(community=world.foreign)
    assert signal.programme_id == world.other_programme.pk
    assert Signal.objects.filter(programme=world.programme).count() == 0


# --- Lessons ---------------------------------------------------------------------------------

LESSON_TEXTS = [
    "De taalschool werkt met een wachtlijst",
    "Vervoer naar de taalschool regelen",
    "Kinderopvang tijdens het vervoer",
    "Een zeldzaam inzicht",
]


def _lesson_network(world) -> None:
    """Lessons of the three communities, shared and not, interleaved so that the newest rows
    of the table belong to the other programme; each text is unique (the result's title)."""
    communities = [world.community, world.sibling, world.foreign]
    meetings = {c.pk: factories.MeetingFactory(community=c) for c in communities}
    for n in range(48):
        community = communities[n % 3] if n < 36 else world.foreign
        Lesson.objects.create(
            meeting=meetings[community.pk],
            community=community,
            text=f"{LESSON_TEXTS[n % len(LESSON_TEXTS)]} ({n}).",
            shareable=n % 5 in (0, 2, 3),
        )


def _matching_lessons(q: str):
    """Every lesson matching `q`, with the document built from the text as before."""
    words = fulltext.query_words(q)
    if fulltext.is_full_text():
        return Lesson.objects.annotate(document=fulltext.document("text")).filter(
            document=fulltext.search_query(q)
        )
    return Lesson.objects.filter(fulltext.fallback_q(("text",), words))


def _expected_lessons(user, q: str) -> list[int]:
    """The newest matches as search found them before the walk: every match the lesson's own
    permission rule lets this person see, newest first."""
    matches = _matching_lessons(q).select_related("community__programme").order_by("-pk")
    return [lesson.pk for lesson in matches if can_view_lesson(user, lesson)][
        : selectors.RANK_CANDIDATES + 1
    ]


@pytest.mark.parametrize("walk_rows", [2, 5, 1000])
def test_the_walk_finds_the_newest_lessons_the_index_finds(world, monkeypatch, walk_rows):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "WALK_ROWS", walk_rows)
    _lesson_network(world)
    for visitor in VISITORS:
        user = _visitor(world, visitor)
        for q in QUERIES:
            found = selectors.search_candidates(source=SOURCES["lessons"], user=user, q=q)
            assert found == _expected_lessons(user, q), (visitor, q)


def test_the_lesson_walk_answers_a_common_word_and_leaves_a_rare_one_to_the_index(
    world, monkeypatch
):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "WALK_ROWS", 10)
    _lesson_network(world)
    lessons = SOURCES["lessons"]
    for user in (world.participant, world.coordinator, world.sibling_member):
        walked = _walked(source=lessons, user=user, q="taalschool")
        assert walked is not None
        assert walked == _expected_lessons(user, "taalschool")
    # Too few among a full window's rows and no room to read on: an older one may be missing,
    # the index decides.
    monkeypatch.setattr(selectors, "WALK_LIMIT", 1)
    assert _walked(source=lessons, user=world.coordinator, q="zeldzaam") is None
    monkeypatch.setattr(selectors, "WALK_LIMIT", 5)
    # A window that holds every row it may hold answers whatever it finds.
    monkeypatch.setattr(selectors, "WALK_ROWS", 1000)
    walked = _walked(source=lessons, user=world.participant, q="zeldzaam")
    assert walked == _expected_lessons(world.participant, "zeldzaam")
    # Someone who reads two programmes is left to the index.
    factories.ProgrammeRoleFactory(
        person=Person.objects.get(user=world.participant),
        programme=world.other_programme,
        role=ProgrammeRole.Role.EVALUATOR,
    )
    forget_access(world.participant)
    assert _walked(source=lessons, user=world.participant, q="taalschool") is None
    assert selectors.search_candidates(
        source=lessons, user=world.participant, q="taalschool"
    ) == _expected_lessons(world.participant, "taalschool")


@pytest.mark.parametrize("walk_rows", [3, 4])
def test_the_walk_reads_on_below_its_first_rows_and_finds_what_the_index_finds(
    world, monkeypatch, walk_rows
):
    """Too few matches among the first rows of a window: the walk reads on from the oldest
    of them and answers with the same newest matches as the index, where it asked the index
    before; with no room to read on, it leaves them to the index."""
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "WALK_ROWS", walk_rows)
    monkeypatch.setattr(selectors, "WALK_LIMIT", 10)
    _network(world)
    _lesson_network(world)
    cases = [
        ("signals", world.coordinator, _expected),
        ("signals", world.lead, _expected),
        ("lessons", world.coordinator, _expected_lessons),
        ("lessons", world.participant, _expected_lessons),
    ]
    for key, user, expected in cases:
        source = SOURCES[key]
        walked = _walked(source=source, user=user, q="taalschool")
        assert walked == expected(user, "taalschool"), (key, user)
        # The first rows alone do not hold enough of them.
        monkeypatch.setattr(selectors, "WALK_LIMIT", 1)
        assert _walked(source=source, user=user, q="taalschool") is None
        assert selectors.search_candidates(source=source, user=user, q="taalschool") == expected(
            user, "taalschool"
        )
        monkeypatch.setattr(selectors, "WALK_LIMIT", 10)
        for q in QUERIES:
            found = selectors.search_candidates(source=source, user=user, q=q)
            assert found == expected(user, q), (key, user, q)


def test_a_member_never_finds_another_communitys_unshared_lesson(world, monkeypatch):
    monkeypatch.setattr(selectors, "WALK_ROWS", 4)
    _lesson_network(world)
    for visitor in ("participant", "sibling_member", "foreign_member", "coordinator"):
        user = _visitor(world, visitor)
        own = set(Person.objects.get(user=user).memberships.values_list("community", flat=True))
        for q in QUERIES:
            found = selectors.search_candidates(source=SOURCES["lessons"], user=user, q=q)
            for lesson in Lesson.objects.filter(pk__in=found):
                assert lesson.shareable or lesson.community_id in own, (visitor, q)


# --- Products --------------------------------------------------------------------------------


def _product_network(world) -> None:
    """Products of the three communities (and one of two), shared and not, interleaved as the
    lessons are; each title is unique."""
    communities = [world.community, world.sibling, world.foreign]
    for n in range(36):
        community = communities[n % 3] if n < 27 else world.foreign
        extra = [world.sibling] if n % 7 == 0 and community == world.community else []
        factories.ProductFactory(
            programme=community.programme,
            communities=[community, *extra],
            title=f"{LESSON_TEXTS[n % len(LESSON_TEXTS)]} [{n}]",
            summary="Een product." if n % 2 else "Over de taalschool.",
            shareable=n % 5 in (0, 2, 3),
        )


def _expected_products(user, q: str) -> list[int]:
    """The newest matches as search found them before: every visible product whose document,
    built from the text, matches; newest first."""
    source = SOURCES["products"]
    rows = source.visible(user=user)
    words = fulltext.query_words(q)
    if fulltext.is_full_text():
        rows = rows.annotate(document=fulltext.document(*source.fields)).filter(
            document=fulltext.search_query(q)
        )
    else:
        rows = rows.filter(fulltext.fallback_q(source.fields, words))
    return list(rows.order_by("-pk").values_list("pk", flat=True)[: selectors.RANK_CANDIDATES + 1])


@pytest.mark.parametrize("walk_rows", [2, 5, 1000])
def test_search_finds_the_newest_products_it_found_before(world, monkeypatch, walk_rows):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "WALK_ROWS", walk_rows)
    _product_network(world)
    for visitor in VISITORS:
        user = _visitor(world, visitor)
        for q in QUERIES:
            found = selectors.search_candidates(source=SOURCES["products"], user=user, q=q)
            assert found == _expected_products(user, q), (visitor, q)


def _old_page_order(source, ids: list[int], q: str) -> list[int]:
    """The order the result pages had: the candidates ranked on the document built from the
    text (PostgreSQL) or newest first (SQLite)."""
    from django.contrib.postgres.search import SearchRank

    model = source.visible(user=None).model
    rows = model.objects.filter(pk__in=ids[: selectors.RANK_CANDIDATES])
    if not fulltext.is_full_text():
        return list(rows.order_by("-pk").values_list("pk", flat=True))
    rank = SearchRank(fulltext.document(*source.fields), fulltext.search_query(q))
    return list(rows.annotate(r=rank).order_by("-r", "-pk").values_list("pk", flat=True))


@pytest.mark.parametrize("per_page", [2, 3])
def test_the_result_pages_show_the_same_rows_in_the_same_order(world, monkeypatch, per_page):
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 7)
    monkeypatch.setattr(selectors, "WALK_ROWS", 6)
    _lesson_network(world)
    _network(world)
    _product_network(world)
    titles = {lesson.pk: str(lesson) for lesson in Lesson.objects.all()}
    for visitor in ("participant", "lead", "coordinator", "system_partner", "foreign_member"):
        user = _visitor(world, visitor)
        seeker = Seeker(user)
        for key in ("lessons", "signals", "products"):
            source = SOURCES[key]
            for q in QUERIES:
                ids = selectors.search_candidates(source=source, user=user, q=q)
                order = _old_page_order(source, ids, q)
                shown = []
                for start in range(0, len(order) + per_page, per_page):
                    shown += selectors.search_hits(
                        source=source, seeker=seeker, q=q, ids=ids, start=start,
                        stop=start + per_page,
                    )  # fmt: skip
                if key in ("signals", "products"):
                    got = [int(hit.url.rstrip("/").split("/")[-1]) for hit in shown]
                else:
                    by_title = {text: pk for pk, text in titles.items()}
                    got = [by_title[str(hit.title)] for hit in shown]
                assert got == order, (visitor, key, q)


def _lessons_keep_their_programme_and_document() -> None:
    assert Lesson.objects.exists()
    assert not Lesson.objects.exclude(programme_id=F("community__programme_id")).exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM meetings_lesson WHERE search_vector IS DISTINCT FROM "
                "to_tsvector('dutch', COALESCE(text, ''))"
            )
            assert cursor.fetchone()[0] == 0


def test_a_lesson_keeps_its_communitys_programme_and_document(world):
    meeting = factories.MeetingFactory(community=world.foreign)
    lesson = outcomes.lesson_create(meeting=meeting, by=world.foreign_member, text="Eerste tekst")
    assert lesson.programme_id == world.other_programme.pk
    outcomes.lesson_update(lesson=lesson, by=world.foreign_member, text="Een andere taalschool")
    Lesson.objects.create(meeting=meeting, community=world.foreign, text="Rechtstreeks")
    assert Lesson.objects.filter(programme=world.programme).count() == 0
    _lessons_keep_their_programme_and_document()
    assert selectors.search_candidates(
        source=SOURCES["lessons"], user=world.foreign_member, q="taalschool"
    ) == [lesson.pk]


def test_the_synthetic_network_and_the_demo_data_keep_the_lessons_programme(db):
    """And the signals' system marks a system partner's search walks by."""
    with transaction.atomic():
        synth_build(seed=5, scale=0.02, out=lambda _message: None)
        _lessons_keep_their_programme_and_document()
        _system_marks_hold()
        transaction.set_rollback(True)
    call_command("demo", stdout=io.StringIO())
    _lessons_keep_their_programme_and_document()
    _system_marks_hold()
