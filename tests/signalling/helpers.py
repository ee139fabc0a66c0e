"""Build signals in any state the way the application does: through the lifecycle."""

from __future__ import annotations

from leerkring.signalling import lifecycle
from leerkring.signalling.models import Escalation, Signal
from tests.factories import SignalThemeFactory

State = Signal.State


def raise_signal(world, **fields) -> Signal:
    values = {
        "title": "Wachtlijst taalschool",
        "description": "Inburgeraars wachten maanden op een plek bij de taalschool.",
        "subtopic": "Wachttijden",
        "solution_level": "national",
    }
    values.update(fields)
    return lifecycle.signal_raise(community=world.community, by=world.participant, **values)


def signal_in_state(world, state: str, **fields) -> Signal:
    """A signal of `world.community` brought to `state` along the shortest legal path."""
    signal = raise_signal(world, **fields)
    if state == State.DRAFT:
        return signal
    lifecycle.signal_pass_on(signal=signal, by=world.lead, guard_confirmed=True)
    if state == State.NEW:
        return signal
    lifecycle.signal_triage(signal=signal, by=world.coordinator)
    if state == State.IN_PROGRESS:
        return signal
    move_to(world, signal, state)
    return signal


def move_to(world, signal: Signal, state: str):
    """Perform the one lifecycle action that leads to `state`."""
    by = world.coordinator
    if state == State.NEW:
        return lifecycle.signal_pass_on(signal=signal, by=world.lead, guard_confirmed=True)
    if state == State.IN_PROGRESS:
        return lifecycle.signal_triage(signal=signal, by=by)
    if state == State.KNOWN:
        theme = SignalThemeFactory(programme=world.programme)
        return lifecycle.signal_mark_known(signal=signal, by=by, theme=theme)
    if state == State.BACK_TO_COMMUNITY:
        return lifecycle.signal_back_to_community(signal=signal, by=by, answer="Lokaal oppakken.")
    if state == State.ESCALATED_LCC:
        return lifecycle.signal_escalate(
            signal=signal, by=by, level=Escalation.Level.LCC, question="Herkennen jullie dit?"
        )
    if state == State.ESCALATED_SYSTEM:
        return lifecycle.signal_escalate(
            signal=signal, by=by, level=Escalation.Level.SYSTEM, question="Kan de wet anders?"
        )
    if state == State.RESOLVED:
        return lifecycle.signal_resolve(signal=signal, by=by, answer="Opgelost met de taalschool.")
    if state == State.NO_FOLLOW_UP:
        return lifecycle.signal_close_no_follow_up(signal=signal, by=by, reason="Valt buiten ons.")
    raise AssertionError(state)
