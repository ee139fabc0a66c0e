"""The system partners' inbox read from the marks kept on each signal (`signalling.system_marks`)
lists the same signals, in the same order, with the same dates and answers, as working them
out from the escalations and answers on every request did."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from leerkring.signalling import lifecycle, selectors, system_marks
from leerkring.signalling.models import Escalation, Signal, SignalResponse
from tests.factories import SignalFactory
from tests.signalling.helpers import signal_in_state

State = Signal.State
migration = importlib.import_module("leerkring.signalling.migrations.0010_signal_system_marks")


def _worked_out(programme) -> list[tuple]:
    """The inbox as it was worked out per request before the marks."""
    escalations = Escalation.objects.filter(signal=OuterRef("pk"), level="system")
    latest = escalations.order_by("-escalated_at", "-pk")
    answered = SignalResponse.objects.filter(signal=OuterRef("pk"), source="system")
    rows = (
        Signal.objects.filter(community__programme=programme)
        .filter(Exists(escalations))
        .annotate(
            escalated_at=Subquery(latest.values("escalated_at")[:1]),
            answered=Exists(answered),
        )
        .order_by("answered", "-escalated_at", "-pk")
    )
    return [(s.pk, s.escalated_at, s.answered) for s in rows]


def _inbox(programme) -> list[tuple]:
    return [(s.pk, s.escalated_at, s.answered) for s in selectors.system_inbox(programme=programme)]


@pytest.fixture
def escalated(world):
    """Signals escalated to the system level at different times, one twice, some answered by
    the system level and some by the coordinator only; others only to the LCC or not at all."""
    now = timezone.now()
    signals = []
    for n in range(8):
        signal = SignalFactory(community=world.community, passed=True, state=State.ESCALATED_SYSTEM)
        Escalation.objects.create(
            signal=signal,
            level="system",
            question="Kan de regel anders?",
            escalated_at=now - datetime.timedelta(days=(n * 5) % 7),
        )
        if n % 3 == 0:
            SignalResponse.objects.create(signal=signal, source="system", text="Wij kijken ernaar.")
        if n % 3 == 1:
            SignalResponse.objects.create(signal=signal, source="coordinator", text="Genoteerd.")
        signals.append(signal)
    Escalation.objects.create(
        signal=signals[2],
        level="system",
        question="Nog een keer: kan de regel anders?",
        escalated_at=now + datetime.timedelta(hours=1),
    )
    lcc_only = SignalFactory(community=world.sibling, passed=True, state=State.ESCALATED_LCC)
    Escalation.objects.create(signal=lcc_only, level="lcc", question="Herkennen jullie dit?")
    SignalFactory(community=world.sibling, passed=True)
    foreign = SignalFactory(community=world.foreign, passed=True, state=State.ESCALATED_SYSTEM)
    Escalation.objects.create(signal=foreign, level="system", question="Elders?")
    return signals


def test_the_inbox_equals_the_one_worked_out_per_request(world, escalated):
    assert len(_inbox(world.programme)) == 8
    assert _inbox(world.programme) == _worked_out(world.programme)
    assert _inbox(world.programme)[0][2] is False


def test_it_follows_an_escalation_and_an_answer_through_the_lifecycle(world, escalated):
    signal = signal_in_state(world, State.ESCALATED_SYSTEM, title="Termijn te kort")
    assert _inbox(world.programme) == _worked_out(world.programme)
    assert {pk: answered for pk, _at, answered in _inbox(world.programme)}[signal.pk] is False
    lifecycle.signal_respond(
        signal=signal, by=world.system_partner, text="De wet staat het toe.", source="system"
    )
    assert _inbox(world.programme) == _worked_out(world.programme)
    assert {pk: answered for pk, _at, answered in _inbox(world.programme)}[signal.pk] is True


def test_the_refresh_repairs_marks_written_past_save(world, escalated):
    Signal.objects.update(system_escalated_at=None, system_answered=False)
    assert _inbox(world.programme) == []
    system_marks.system_marks_refresh()
    assert _inbox(world.programme) == _worked_out(world.programme)


def test_the_migration_fills_the_marks_of_existing_signals(world, escalated):
    Signal.objects.update(system_escalated_at=None, system_answered=False)
    migration.marks_fill(apps, None)
    assert _inbox(world.programme) == _worked_out(world.programme)


# --- The inbox's count, kept per programme -----------------------------------------------------

count_migration = importlib.import_module("leerkring.signalling.migrations.0011_system_inbox_tally")


def _counts_hold(world) -> None:
    """The kept count of every programme equals the inbox worked out per request."""
    for programme in (world.programme, world.other_programme):
        assert selectors.system_inbox_count(programme=programme) == len(_worked_out(programme))
        assert selectors.system_inbox_count(programme=programme) == (
            selectors.system_inbox(programme=programme).count()
        )


def test_the_count_follows_escalations_answers_and_deletions(world, escalated):
    _counts_hold(world)
    assert selectors.system_inbox_count(programme=world.programme) == 8
    # A first escalation counts, a second one of the same signal and an answer do not.
    signal = signal_in_state(world, State.ESCALATED_SYSTEM, title="Termijn te kort")
    _counts_hold(world)
    Escalation.objects.create(signal=signal, level="system", question="Nog eens?")
    lifecycle.signal_respond(
        signal=signal, by=world.system_partner, text="De wet staat het toe.", source="system"
    )
    _counts_hold(world)
    assert selectors.system_inbox_count(programme=world.programme) == 9
    # An escalation to the LCC only does not count.
    lcc = SignalFactory(community=world.sibling, passed=True, state=State.ESCALATED_LCC)
    Escalation.objects.create(signal=lcc, level="lcc", question="Herkennen jullie dit?")
    _counts_hold(world)
    # A signal whose escalation to the system level is gone loses its mark and its count.
    Escalation.objects.filter(signal=escalated[0], level="system").delete()
    system_marks.system_marks_refresh(signal_ids=[escalated[0].pk])
    _counts_hold(world)
    # A deleted signal with a mark leaves the count.
    Signal.objects.get(pk=escalated[1].pk).delete()
    _counts_hold(world)
    assert selectors.system_inbox_count(programme=world.programme) == 7


def test_the_full_refresh_and_the_migration_count_again(world, escalated):
    from leerkring.signalling.models import SystemInboxTally

    SystemInboxTally.objects.update(escalated=42)
    system_marks.system_marks_refresh()
    _counts_hold(world)
    SystemInboxTally.objects.all().delete()
    count_migration.counts_fill(apps, None)
    _counts_hold(world)


def test_the_api_and_the_page_give_the_kept_count(client, world, escalated):
    from django.urls import reverse

    from leerkring.signalling.models import SystemInboxTally

    client.force_login(world.system_partner)
    url = reverse("api:system_inbox", args=[world.programme.slug])
    body = client.get(url, {"page_size": 3}).json()
    assert body["count"] == 8 and len(body["results"]) == 3
    worked_out = [pk for pk, *_ in _worked_out(world.programme)]
    assert [row["id"] for row in body["results"]] == worked_out[:3]
    page = client.get(reverse("signalling:system_inbox", args=[world.programme.slug]))
    assert "8 signalen." in page.content.decode()
    # The count is read, not worked out: a (wrong) kept count shows.
    SystemInboxTally.objects.filter(programme=world.programme).update(escalated=9)
    assert client.get(url).json()["count"] == 9
