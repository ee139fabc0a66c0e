"""Waiting for feedback: the one rule (issue §4), for every place that judges it.

A signal waits for feedback when it was passed on before the programme's deadline, is not
closed, and no answer reached the community yet. Every step that ends or hands back a signal
(resolved, back to community, no follow-up) writes an answer, so those never wait; a progress
update ends the wait too.

The venster, its panel and the digest ask it as a queryset condition
(`selectors.waiting_for_feedback_q`, `venster_waiting_q`); the venster's kept counts
(`venster_tallies`) keep the never-answered open signals per day they were passed on and sum
the days before the deadline when read, so they ask the same rule without the deadline
(`waiting_q(None)`), and of one signal in Python (`is_waiting`). A test holds the two forms to
each other.

No imports from the rest of the app beyond its models, so the selectors and the tallies (which
the selectors read) can both use it.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from .models import Signal

CLOSED_STATES = (Signal.State.RESOLVED, Signal.State.NO_FOLLOW_UP)
#: The states in which a signal never waits: not yet passed on, or closed.
NEVER_WAITING = (Signal.State.DRAFT, *CLOSED_STATES)


def waiting_q(passed_on_before: datetime.datetime | None) -> Q:
    """Passed on before `passed_on_before` (at any time, when None), not closed, never
    answered. The partial indexes on never-answered open signals (`Signal.Meta.indexes`) are
    built on this same condition."""
    passed = (
        Q(passed_on_at__isnull=False)
        if passed_on_before is None
        else Q(passed_on_at__lt=passed_on_before)
    )
    return passed & Q(last_feedback_at__isnull=True) & ~Q(state__in=NEVER_WAITING)


def is_waiting(
    *,
    state: str,
    passed_on_at: datetime.datetime | None,
    last_feedback_at: datetime.datetime | None,
    passed_on_before: datetime.datetime | None = None,
) -> bool:
    """`waiting_q` of one signal's values."""
    if state in NEVER_WAITING or last_feedback_at is not None or passed_on_at is None:
        return False
    return passed_on_before is None or passed_on_at < passed_on_before
