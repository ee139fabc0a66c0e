"""Up the ladder: escalation to the coordination meeting (LCC) or the system level, and
what the LCC decided for a signal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from leerkring.signalling.models import (
    CoordinationDecision,
    CoordinationMeeting,
    Escalation,
    Signal,
    SignalResponse,
)
from leerkring.signalling.selectors import decisions_closed_reason

from .answers import answer_check, response_add
from .notifications import notify_escalated_system
from .transitions import (
    CLOSED_STATES,
    Kind,
    State,
    actor_or_none,
    event_add,
    required_text,
    signal_lock,
    signal_sync,
    transition_check,
    transition_make,
)


def _escalation_record(
    locked: Signal,
    *,
    by,
    level: str,
    text: str,
    coordination_meeting: CoordinationMeeting | None,
) -> Escalation:
    """The escalation step itself, whether asked for on the signal or decided by the LCC: its
    own record, the state change, the history line and (system level) the mail to the
    system partners. The caller has checked the transition."""
    from_state = locked.state
    to_state = State.ESCALATED_LCC if level == Escalation.Level.LCC else State.ESCALATED_SYSTEM
    escalation = Escalation.objects.create(
        signal=locked,
        level=level,
        question=text,
        coordination_meeting=coordination_meeting,
        escalated_by=actor_or_none(by),
    )
    transition_make(locked, to_state=to_state, by=by, data={"escalation": escalation.pk})
    event_add(
        locked,
        kind=Kind.ESCALATION,
        by=by,
        from_state=from_state,
        to_state=to_state,
        note=text,
        data={"escalation": escalation.pk, "level": level},
    )
    if level == Escalation.Level.SYSTEM:
        notify_escalated_system(locked, escalation)
    return escalation


@transaction.atomic
def signal_escalate(
    *,
    signal: Signal,
    by,
    level: str,
    question: str,
    coordination_meeting: CoordinationMeeting | None = None,
    guard_confirmed: bool = False,
) -> Escalation:
    """One step up the ladder, kept as its own record (issue §2). The question goes to the
    LCC or the system partners and the community sees it: it passes the guard too."""
    if level not in Escalation.Level.values:
        raise ValidationError({"level": _("Kies het niveau waarnaar u opschaalt.")})
    locked = signal_lock(signal)
    text = required_text(question, field="question", message=_("Schrijf de vraag die u voorlegt."))
    answer_check(text, field="question", confirmed=guard_confirmed)
    if coordination_meeting is not None:
        if level != Escalation.Level.LCC:
            raise ValidationError(
                {
                    "coordination_meeting": _(
                        "Alleen een opschaling naar het LCC hoort bij een overleg."
                    )
                }
            )
        if coordination_meeting.programme_id != locked.community.programme_id:
            raise ValidationError(
                {"coordination_meeting": _("Dit overleg hoort bij een ander programma.")}
            )
    to_state = State.ESCALATED_LCC if level == Escalation.Level.LCC else State.ESCALATED_SYSTEM
    transition_check(locked, to_state)
    escalation = _escalation_record(
        locked, by=by, level=level, text=text, coordination_meeting=coordination_meeting
    )
    signal_sync(signal, locked)
    return escalation


# --- The coordination meeting (LCC) --------------------------------------------------------


@transaction.atomic
def coordination_decide(
    *,
    coordination_meeting: CoordinationMeeting,
    signal: Signal,
    by,
    decision: str,
    resulting_state: str,
    guard_confirmed: bool = False,
) -> CoordinationDecision:
    """What the LCC decided for one signal, as a lifecycle step. The decision text doubles as
    the answer (resolved, back to community), the reason (no follow-up) or the question
    (escalated to the system level); the community reads it, so it passes the guard."""
    locked = signal_lock(signal)
    if coordination_meeting.programme_id != locked.community.programme_id:
        raise ValidationError(_("Dit overleg hoort bij een ander programma."))
    # A decision belongs to the meeting at which it is taken (issue 12 §9): the latest meeting
    # held by today, and not one already recorded as held.
    meeting = CoordinationMeeting.objects.select_for_update().get(pk=coordination_meeting.pk)
    closed = decisions_closed_reason(coordination_meeting=meeting)
    if closed:
        raise ValidationError(closed, code="meeting_closed")
    text = required_text(decision, field="decision", message=_("Schrijf het besluit op."))
    if CoordinationDecision.objects.filter(
        coordination_meeting=coordination_meeting, signal=locked
    ).exists():
        raise ValidationError(_("Voor dit signaal is in dit overleg al een besluit vastgelegd."))
    if resulting_state not in State.values:
        raise ValidationError({"resulting_state": _("Kies een geldige status.")})
    answer_check(text, field="decision", confirmed=guard_confirmed)
    from_state = locked.state
    if resulting_state != from_state:
        transition_check(locked, resulting_state)
    elif locked.state in CLOSED_STATES or locked.state == State.DRAFT:
        raise ValidationError(_("Over dit signaal valt niets meer te besluiten."))
    result = CoordinationDecision.objects.create(
        coordination_meeting=coordination_meeting,
        signal=locked,
        decision=text,
        resulting_state=resulting_state,
        decided_by=actor_or_none(by),
    )
    event_add(
        locked,
        kind=Kind.DECISION,
        by=by,
        from_state=from_state,
        to_state=resulting_state,
        note=text,
        data={"coordination_meeting": coordination_meeting.pk, "decision": result.pk},
    )
    lcc = SignalResponse.Source.LCC
    if resulting_state == from_state:
        pass
    elif resulting_state == State.ESCALATED_SYSTEM:
        _escalation_record(
            locked,
            by=by,
            level=Escalation.Level.SYSTEM,
            text=text,
            coordination_meeting=coordination_meeting,
        )
    elif resulting_state == State.ESCALATED_LCC:
        escalation = Escalation.objects.create(
            signal=locked,
            level=Escalation.Level.LCC,
            question=text,
            coordination_meeting=coordination_meeting,
            escalated_by=actor_or_none(by),
        )
        transition_make(locked, to_state=resulting_state, by=by, data={"escalation": escalation.pk})
    elif resulting_state in (State.RESOLVED, State.BACK_TO_COMMUNITY, State.NO_FOLLOW_UP):
        transition_make(locked, to_state=resulting_state, by=by, note=text)
        response_add(locked, by=by, text=text, source=lcc, guard_confirmed=True)
    elif resulting_state == State.KNOWN:
        raise ValidationError(
            {"resulting_state": _("Markeer een signaal als bekend vanuit de signaalpagina.")}
        )
    else:
        transition_make(locked, to_state=resulting_state, by=by, note=text)
    signal_sync(signal, locked)
    return result
