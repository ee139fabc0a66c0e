"""A signal's save and the kept figures (`signalling.signal_saves`): one read of the stored row
serves the venster counts and the theme figures; every change to a programme's signals takes
its locks in one order (the programme's venster tally, the signals, the themes), so two
transactions changing signals of one programme in opposite orders do not deadlock; and the
waiting rule is one rule (`signalling.waiting`)."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkring.signalling import coordination, lifecycle
from leerkring.signalling.models import Signal, SignalResponse, SignalThemeTally, VensterTally
from leerkring.signalling.tallies import tally_rows
from leerkring.signalling.venster_tallies import tally_figures
from leerkring.signalling.waiting import is_waiting, waiting_q
from tests.factories import CommunityFactory, SignalFactory, SignalThemeFactory
from tests.signalling.helpers import signal_in_state

S = Signal.State
KEPT_TABLES = ("signalling_venstertally", "signalling_signal", "signalling_signaltheme")


def _ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# --- One read before the save -----------------------------------------------------------


def test_one_read_of_the_stored_row_serves_both_kept_figures(world):
    theme = SignalThemeFactory(programme=world.programme)
    signal = SignalFactory(community=world.community, passed=True)
    signal.refresh_from_db()
    signal.state, signal.theme = S.IN_PROGRESS, theme
    with CaptureQueriesContext(connection) as captured:
        signal.save()
    sqls = [q["sql"] for q in captured.captured_queries]
    update = next(i for i, sql in enumerate(sqls) if sql.startswith('UPDATE "signalling_signal"'))
    reads = [
        sql
        for sql in sqls[:update]
        if sql.startswith("SELECT") and 'FROM "signalling_signal" ' in sql
    ]
    assert len(reads) == 1
    # And both figures moved from it: the theme joined, the state left.
    assert VensterTally.objects.get(programme=world.programme).states == {S.IN_PROGRESS: 1}
    assert SignalThemeTally.objects.get(theme=theme).passed_on == 1


# --- The lock order ----------------------------------------------------------------------


@pytest.fixture
def locks(monkeypatch) -> list[str]:
    """The tables of the kept rows locked, in the order the locks were asked for (on any
    database: SQLite leaves `FOR UPDATE` out of the SQL, but every lock goes through here)."""
    asked: list[str] = []
    original = QuerySet.select_for_update

    def recorded(self, *args, **kwargs):
        table = self.model._meta.db_table
        if table in KEPT_TABLES:
            asked.append(table)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", recorded)
    return asked


def _first_each(asked: list[str]) -> list[str]:
    return list(dict.fromkeys(asked))


def _two_themes(world):
    return (
        SignalThemeFactory(programme=world.programme),
        SignalThemeFactory(programme=world.programme),
    )


def _action_triage(world, locks):
    signal = signal_in_state(world, S.NEW)
    signal.theme = _two_themes(world)[0]
    signal.save()
    locks.clear()
    lifecycle.signal_triage(signal=signal, by=world.coordinator)


def _action_theme(world, locks):
    first, second = _two_themes(world)
    signal = signal_in_state(world, S.IN_PROGRESS)
    lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=first)
    locks.clear()
    lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=second)


def _action_plain_save(world, locks):
    signal = SignalFactory(community=world.community, passed=True, theme=_two_themes(world)[0])
    signal.refresh_from_db()
    locks.clear()
    with transaction.atomic():
        signal.state = S.IN_PROGRESS
        signal.save()


def _action_merge(world, locks):
    first, second = _two_themes(world)
    signal = signal_in_state(world, S.IN_PROGRESS)
    lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=first)
    locks.clear()
    coordination.theme_merge(theme=first, into=second, by=world.coordinator)


def _action_theme_answer(world, locks):
    theme = _two_themes(world)[0]
    signal = signal_in_state(world, S.IN_PROGRESS)
    lifecycle.signal_set_theme(signal=signal, by=world.coordinator, theme=theme)
    locks.clear()
    lifecycle.theme_respond(
        theme=theme,
        by=world.coordinator,
        text="De taalschool opent een extra groep.",
        source=SignalResponse.Source.COORDINATOR,
    )


@pytest.mark.parametrize(
    "action", [_action_triage, _action_theme, _action_plain_save, _action_theme_answer]
)
def test_every_change_locks_the_programme_first_then_signals_then_themes(world, locks, action):
    action(world, locks)
    order = _first_each(locks)
    assert order[:2] == ["signalling_venstertally", "signalling_signal"]
    assert order == [table for table in KEPT_TABLES if table in order]


def test_a_merge_locks_the_programme_before_its_themes_and_signals(world, locks):
    """A merge locks both themes before it moves their signals; with the programme's tally
    held first, no other change to the programme's signals holds any of them meanwhile."""
    _action_merge(world, locks)
    assert locks[0] == "signalling_venstertally"
    assert set(locks) == set(KEPT_TABLES)


@pytest.mark.django_db(transaction=True)
def test_two_transactions_saving_signals_of_one_programme_in_opposite_orders_both_commit():
    """Before the one order: the first locked theme A's figures, then the programme's tally;
    the second theme B's figures, then waited for the tally; the first then waited for B's —
    a deadlock, which PostgreSQL broke by failing one of them."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and deadlocks need PostgreSQL.")
    community = CommunityFactory()
    programme = community.programme
    theme_a = SignalThemeFactory(programme=programme)
    theme_b = SignalThemeFactory(programme=programme)
    first_signals = [
        SignalFactory(community=community, passed=True, theme=theme_a),
        SignalFactory(community=community, passed=True, theme=theme_b),
    ]
    second_signals = [
        SignalFactory(community=community, passed=True, theme=theme_b),
        SignalFactory(community=community, passed=True, theme=theme_a),
    ]
    started = threading.Event()
    errors: list[BaseException] = []

    def change(signal: Signal) -> None:
        fresh = Signal.objects.get(pk=signal.pk)
        fresh.state = S.IN_PROGRESS
        fresh.save()

    def first() -> None:
        try:
            with transaction.atomic():
                change(first_signals[0])
                started.set()
                time.sleep(0.5)  # the second takes its first locks meanwhile
                change(first_signals[1])
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            started.set()
            connection.close()

    def second() -> None:
        try:
            started.wait(10)
            with transaction.atomic():
                change(second_signals[0])
                change(second_signals[1])
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert Signal.objects.filter(state=S.IN_PROGRESS).count() == 4
    kept = VensterTally.objects.get(programme=programme)
    assert kept.states == tally_figures(Signal, [programme.pk])[programme.pk]["states"]
    for row in tally_rows(Signal, [theme_a.pk, theme_b.pk]):
        tally = SignalThemeTally.objects.get(theme_id=row["theme_id"])
        assert (tally.passed_on, tally.open) == (row["passed_on"], row["open"]) == (2, 2)


# --- One waiting rule --------------------------------------------------------------------


def test_the_waiting_rule_of_one_signal_is_the_queryset_rule(world):
    cutoff = _ago(42)
    for state in (S.DRAFT, S.NEW, S.IN_PROGRESS, S.ESCALATED_SYSTEM, S.RESOLVED, S.NO_FOLLOW_UP):
        for passed in (None, _ago(100), _ago(42.001), _ago(41.999), _ago(1)):
            for answered in (None, _ago(2)):
                SignalFactory(
                    community=world.community,
                    state=state,
                    passed_on_at=passed,
                    last_feedback_at=answered,
                )
    signals = list(Signal.objects.all())
    for before in (None, cutoff):
        by_query = set(Signal.objects.filter(waiting_q(before)).values_list("pk", flat=True))
        by_value = {
            s.pk
            for s in signals
            if is_waiting(
                state=s.state,
                passed_on_at=s.passed_on_at,
                last_feedback_at=s.last_feedback_at,
                passed_on_before=before,
            )
        }
        assert by_query == by_value
        assert by_query  # the test holds some waiting signals


def test_a_community_deleted_locks_the_programme_before_its_signals_go(world):
    for _ in range(3):
        SignalFactory(community=world.sibling, passed=True)
    SignalFactory(community=world.sibling)  # a draft counts nowhere
    with CaptureQueriesContext(connection) as captured:
        world.sibling.delete()
    sqls = [q["sql"] for q in captured.captured_queries]
    deleted = next(
        i for i, sql in enumerate(sqls) if sql.startswith('DELETE FROM "signalling_signal"')
    )
    tally_reads = [
        i
        for i, sql in enumerate(sqls)
        if sql.startswith("SELECT") and 'FROM "signalling_venstertally"' in sql
    ]
    # Locked once, before the signals' rows go (the order every change takes).
    assert tally_reads and tally_reads[0] < deleted
    assert len([i for i in tally_reads if i < deleted]) == 1
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in sqls[tally_reads[0]]
    kept = VensterTally.objects.get(programme=world.programme).states
    assert kept == tally_figures(Signal, [world.programme.pk])[world.programme.pk]["states"]
