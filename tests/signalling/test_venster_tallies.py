"""The venster's counts kept per programme (`signalling.venster_tallies`) equal what counting
the signals gives, after every kind of change, and the venster reads them instead of counting."""

from __future__ import annotations

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkring.communities import synthetic
from leerkring.communities.models import Programme
from leerkring.signalling import lifecycle, selectors, venster_tallies
from leerkring.signalling.models import Signal, SignalResponse, VensterTally
from tests.factories import CommunityFactory, ProgrammeFactory, SignalFactory, SignalThemeFactory

S = Signal.State
migration = importlib.import_module("leerkring.signalling.migrations.0014_venster_tallies")


def _ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _counted(programme, **filters) -> dict:
    """`venster_counts`' figures the way they were counted before the tally."""
    row = _without_tally(programme, **filters)
    return row


def _without_tally(programme, **filters) -> dict:
    tally = VensterTally.objects.filter(programme=programme)
    saved = list(tally.values("programme_id", "states", "unanswered"))
    tally.delete()
    cache.clear()
    try:
        return _figures(selectors.venster_counts(programme=programme, **filters))
    finally:
        VensterTally.objects.bulk_create([VensterTally(**row) for row in saved])
        cache.clear()


def _kept(programme, **filters) -> dict:
    cache.clear()
    return _figures(selectors.venster_counts(programme=programme, **filters))


def _figures(counts: dict) -> dict:
    return {
        "total": counts["total"],
        "waiting": counts["waiting"],
        "matching": counts["matching"],
        "waiting_in_state": counts["waiting_in_state"],
        "states": [(s["state"], s["count"]) for s in counts["states"]],
    }


def _tally_matches_counting(programme) -> bool:
    row = VensterTally.objects.filter(programme=programme).first()
    kept = {"states": row.states, "unanswered": row.unanswered} if row else None
    counted = venster_tallies.tally_figures(Signal, [programme.pk])[programme.pk]
    return kept == counted or (kept is None and counted == {"states": {}, "unanswered": {}})


def assert_kept_match(programme) -> None:
    assert _tally_matches_counting(programme)
    for filters in ({}, {"state": S.NEW}, {"state": S.RESOLVED}):
        for waiting in (False, True):
            assert _kept(programme, **filters, waiting=waiting) == _counted(
                programme, **filters, waiting=waiting
            ), (filters, waiting)


@pytest.fixture
def mixed(world):
    """Signals of every state over two communities, passed on from long ago to just now, some
    answered; drafts; and a signal of another programme."""
    states = [S.NEW, S.IN_PROGRESS, S.KNOWN, S.BACK_TO_COMMUNITY, S.ESCALATED_LCC]
    states += [S.ESCALATED_SYSTEM, S.RESOLVED, S.NO_FOLLOW_UP]
    for n in range(48):
        SignalFactory(
            community=(world.community, world.sibling)[n % 2],
            passed=True,
            state=states[(n * 5) % len(states)],
            passed_on_at=_ago((n * 13) % 120 + 0.3),
            last_feedback_at=_ago(1) if n % 4 == 0 else None,
        )
    SignalFactory(community=world.community)  # a draft
    SignalFactory(community=CommunityFactory(), passed=True, passed_on_at=_ago(80))
    return world


def test_the_kept_counts_equal_the_counted_ones(mixed):
    assert_kept_match(mixed.programme)
    assert _kept(mixed.programme)["waiting"] > 0


def test_the_deadline_day_is_counted_exactly(world):
    """Signals passed on the deadline's own day, just before and just after the cutoff."""
    cutoff = _ago(selectors.feedback_deadline_days(world.programme))
    day_start = datetime.datetime.combine(
        cutoff.astimezone(datetime.UTC).date(), datetime.time.min, tzinfo=datetime.UTC
    )
    moments = [cutoff + datetime.timedelta(hours=h) for h in (-30, -3, -1, 1, 3, 30)]
    moments.append(day_start + (cutoff - day_start) / 2)  # the deadline's own day, before it
    for moment in moments:
        SignalFactory(community=world.community, passed=True, passed_on_at=moment)
    assert_kept_match(world.programme)
    assert _kept(world.programme)["waiting"] == 4


def test_they_follow_each_change_made_through_the_lifecycle(mixed):
    programme = mixed.programme
    signal = Signal.objects.filter(programme=programme, state=S.NEW).order_by("pk").first()
    lifecycle.signal_triage(signal=signal, by=mixed.coordinator)
    assert_kept_match(programme)
    lifecycle.signal_respond(
        signal=signal,
        by=mixed.coordinator,
        text="We kijken ernaar.",
        source=SignalResponse.Source.COORDINATOR,
    )
    assert_kept_match(programme)
    lifecycle.signal_resolve(signal=signal, by=mixed.coordinator, answer="Opgelost in de regio.")
    assert_kept_match(programme)
    draft = Signal.objects.get(programme=programme, state=S.DRAFT)
    lifecycle.signal_pass_on(signal=draft, by=mixed.lead, guard_confirmed=True)
    assert_kept_match(programme)


def test_an_answer_to_a_theme_moves_every_signal_it_reaches(mixed):
    theme = SignalThemeFactory(programme=mixed.programme)
    waiting = Signal.objects.filter(
        selectors.venster_waiting_q(mixed.programme), programme=mixed.programme
    )
    Signal.objects.filter(pk__in=list(waiting.values_list("pk", flat=True)[:6])).update(theme=theme)
    before = _kept(mixed.programme)["waiting"]
    lifecycle.theme_respond(
        theme=theme,
        by=mixed.coordinator,
        text="Het ministerie pakt dit op.",
        source=SignalResponse.Source.COORDINATOR,
    )
    assert _kept(mixed.programme)["waiting"] == before - 6
    assert_kept_match(mixed.programme)


def test_a_save_of_other_fields_and_a_plain_save_keep_the_figures(mixed):
    signal = Signal.objects.filter(programme=mixed.programme).exclude(state=S.DRAFT).first()
    signal.title = "Andere titel"
    signal.save(update_fields=["title"])
    signal.save()
    signal.state = S.KNOWN
    signal.last_feedback_at = None
    signal.save(update_fields=["state", "last_feedback_at"])
    assert_kept_match(mixed.programme)


def test_deletion_and_cascades_leave_the_figures_exact(mixed):
    programme = mixed.programme
    Signal.objects.filter(programme=programme).exclude(state=S.DRAFT).first().delete()
    assert_kept_match(programme)
    mixed.sibling.delete()  # its signals go along
    assert_kept_match(programme)
    other = CommunityFactory(programme=ProgrammeFactory())
    SignalFactory(community=other, passed=True, passed_on_at=_ago(60))
    other.delete()
    assert VensterTally.objects.get(programme_id=other.programme_id).states == {}
    assert_kept_match(other.programme)


def test_the_rebuild_and_the_command_repair_a_change_made_past_save(mixed):
    Signal.objects.filter(programme=mixed.programme, state=S.NEW).update(state=S.RESOLVED)
    assert not _tally_matches_counting(mixed.programme)
    assert venster_tallies.venster_tallies_rebuild() == Programme.objects.count()
    assert_kept_match(mixed.programme)
    Signal.objects.filter(programme=mixed.programme, state=S.KNOWN).update(last_feedback_at=None)
    call_command("venster_tallies", stdout=io.StringIO())
    assert_kept_match(mixed.programme)


def test_the_migration_fills_the_tallies_of_existing_signals(mixed):
    VensterTally.objects.all().delete()
    migration.tallies_fill(apps, None)
    assert_kept_match(mixed.programme)


@pytest.mark.django_db
def test_the_synthetic_network_leaves_exact_tallies():
    synthetic.synth_build(seed=3, scale=0.01, out=lambda _message: None)
    programmes = list(Programme.objects.all())
    assert Signal.objects.exclude(state=S.DRAFT).exists()
    for programme in programmes:
        assert _tally_matches_counting(programme)
    assert_kept_match(max(programmes, key=lambda p: Signal.objects.filter(programme=p).count()))


def test_other_filters_are_counted_and_the_kept_ones_read_no_signals_but_the_deadline_day(
    mixed,
):
    theme = SignalThemeFactory(programme=mixed.programme)
    Signal.objects.filter(programme=mixed.programme, state=S.NEW).update(theme=theme)
    assert _kept(mixed.programme, theme=str(theme.pk))["total"] == (
        Signal.objects.filter(theme=theme).count()
    )
    for filters in ({}, {"state": S.NEW}, {"waiting": True}):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            selectors.venster_counts(programme=mixed.programme, **filters)
        read = [q["sql"] for q in captured if 'FROM "signalling_signal"' in q["sql"]]
        assert len(read) <= 1 and all('"passed_on_at" >=' in sql for sql in read), read


def test_a_change_in_one_programme_leaves_the_others_cached_figures(mixed):
    other = ProgrammeFactory()
    signal = SignalFactory(community=CommunityFactory(programme=other), passed=True)
    version = selectors.venster_cache_version(mixed.programme.pk)
    lifecycle.signal_triage(signal=signal, by=mixed.coordinator)
    assert selectors.venster_cache_version(mixed.programme.pk) == version
