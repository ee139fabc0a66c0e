"""Each programme's venster counts, kept when a signal changes instead of counted per request.

The venster shows, above its table, how many signals the programme holds per state and how
many wait for feedback. Counted per request that read every signal of the programme (100,000
rows at national scale, 500,000 at five times it: ~1 s cold, and the page is often cold, as
any change in the network made the cached figures stale). A `VensterTally` row holds them:

- per state, the passed-on signals (drafts never leave the community);
- per open state, the never-answered signals by the (UTC) day they were passed on. "Waiting"
  (`waiting.waiting_q`: passed on before the deadline, open, no answer) moves
  with time, so it is summed when read: the days before the deadline's day from the tally,
  the deadline's own day from the signals (an index on programme and passed-on moment reads
  that one day). Exact, and a few thousand numbers whatever the programme's size.

A signal's part changes with its state, its passed-on moment and its first answer. Every such
change goes through `Signal.save()` (the lifecycle, the import, the factories in tests) or
`delete()`, and the receivers (`signal_saves`, and below) move the signal's part in the same
transaction: the programme's tally row is locked first (`programmes_lock`), then the signal
row is read locked before the save (so two changes to one signal cannot both start from the
same old part). The one bulk answer
(`lifecycle.answers.theme_respond`) moves the parts of the signals it answered itself. Writes
that bypass `save()` (the synthetic network, the demo data) call `venster_tallies_rebuild`
when done; `manage.py venster_tallies` does the same by hand.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, pre_delete

from leerkring.core.delete_runs import PerDelete
from leerkring.core.locking import lock_in_order

from .models import Signal, VensterTally
from .waiting import is_waiting, waiting_q

DRAFT = "draft"
KEPT_FIELDS = {"state", "passed_on_at", "last_feedback_at"}
UTC = datetime.UTC

#: A signal's part in its programme's tally: (programme, state, UTC day passed on or None when
#: it does not count as never answered and open).
Part = tuple[int, str, str | None]


def signal_part(programme_id, state, passed_on_at, last_feedback_at) -> Part | None:
    if state == DRAFT or programme_id is None:
        return None
    day = None
    if is_waiting(state=state, passed_on_at=passed_on_at, last_feedback_at=last_feedback_at):
        # Waiting once the deadline has passed: counted by the day it was passed on.
        day = passed_on_at.astimezone(UTC).date().isoformat()
    return (programme_id, state, day)


def part_of(signal: Signal) -> Part | None:
    return signal_part(
        signal.programme_id, signal.state, signal.passed_on_at, signal.last_feedback_at
    )


def programmes_lock(programme_ids: Iterable[int | None], *, create: bool = True) -> list[int]:
    """Lock the programmes' tally rows in key order (in an open transaction), each made first
    when missing (unless not `create`); returns the programmes locked, without one deleted
    meanwhile.

    The first lock of every change to a programme's signals (`signal_saves` gives the order):
    taken before the signals' rows and their themes', two transactions that change signals of
    one programme wait for each other instead of deadlocking on those."""
    ids = sorted({pk for pk in programme_ids if pk is not None})
    if not ids:
        return []
    locked = lock_in_order(VensterTally.objects.filter(programme_id__in=ids))
    if create and len(locked) < len(ids):
        VensterTally.objects.bulk_create(
            [VensterTally(programme_id=pk) for pk in ids if pk not in locked],
            ignore_conflicts=True,
        )
        locked = lock_in_order(VensterTally.objects.filter(programme_id__in=ids))
    return locked


def tallies_add(delta: Counter, *, create: bool = True) -> None:
    """Add `delta` ({part: +n/-n}) to the programmes' tallies, their rows locked in key order
    (`programmes_lock`; already held when the change took that lock first). A programme
    without a tally row gets one (unless not `create`); one deleted meanwhile is left out."""
    delta = Counter({part: n for part, n in delta.items() if n})
    if not delta:
        return
    with transaction.atomic():
        locked = programmes_lock([part[0] for part in delta], create=create)
        for tally in VensterTally.objects.filter(programme_id__in=locked).order_by("pk"):
            for (programme_id, state, day), n in delta.items():
                if programme_id != tally.programme_id:
                    continue
                _bump(tally.states, state, n)
                if day is not None:
                    _bump(tally.unanswered.setdefault(state, {}), day, n)
                    if not tally.unanswered[state]:
                        del tally.unanswered[state]
            tally.save(update_fields=["states", "unanswered"])


def _bump(counts: dict, key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n
    if not counts[key]:
        del counts[key]


def parts_moved(before: Iterable[Part | None], after: Iterable[Part | None]) -> Counter:
    delta: Counter = Counter()
    for part in before:
        if part is not None:
            delta[part] -= 1
    for part in after:
        if part is not None:
            delta[part] += 1
    return delta


def tally_figures(signal_model, programme_ids: list[int]) -> dict[int, dict]:
    """The figures of these programmes counted from their signals ({programme: {"states",
    "unanswered"}}, empty ones for a programme without signals). Takes the model as an argument
    so the migration that fills the table can use its own."""
    figures = {pk: {"states": {}, "unanswered": {}} for pk in programme_ids}
    passed_on = signal_model.objects.filter(programme_id__in=programme_ids).exclude(state=DRAFT)
    for programme_id, state, n in (
        passed_on.values_list("programme_id", "state").annotate(n=Count("pk")).order_by()
    ):
        figures[programme_id]["states"][state] = n
    unanswered = (
        passed_on.filter(waiting_q(None))
        .annotate(day=TruncDate("passed_on_at", tzinfo=UTC))
        .values_list("programme_id", "state", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for programme_id, state, day, n in unanswered:
        figures[programme_id]["unanswered"].setdefault(state, {})[day.isoformat()] = n
    return figures


def venster_tallies_rebuild(*, programme_ids: Iterable[int] | None = None) -> int:
    """Every programme's figures (or these programmes') counted again; returns how many."""
    from leerkring.communities.models import Programme

    programmes = Programme.objects.order_by("pk")
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=list(programme_ids))
    ids = list(programmes.values_list("pk", flat=True))
    for start in range(0, len(ids), 50):
        chunk = ids[start : start + 50]
        with transaction.atomic():
            VensterTally.objects.bulk_create(
                [VensterTally(programme_id=pk) for pk in chunk], ignore_conflicts=True
            )
            lock_in_order(VensterTally.objects.filter(programme_id__in=chunk))
            for programme_id, row in tally_figures(Signal, chunk).items():
                VensterTally.objects.filter(programme_id=programme_id).update(**row)
    return len(ids)


def waiting_by_state(tally: VensterTally, *, programme_id: int, cutoff: datetime.datetime) -> dict:
    """Open, never-answered signals passed on before `cutoff`, per state: the kept days before
    the cutoff's day, and that day itself counted from the signals (one index range)."""
    cutoff_day = cutoff.astimezone(UTC).date()
    first = cutoff_day.isoformat()
    waiting = {
        state: sum(n for day, n in days.items() if day < first)
        for state, days in tally.unanswered.items()
    }
    day_start = datetime.datetime.combine(cutoff_day, datetime.time.min, tzinfo=UTC)
    if any(first in days for days in tally.unanswered.values()):
        on_the_day = (
            Signal.objects.filter(programme_id=programme_id, passed_on_at__gte=day_start)
            .filter(waiting_q(cutoff))
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for state, n in on_the_day:
            waiting[state] = waiting.get(state, 0) + n
    return waiting


# --- Keeping the tallies up to date --------------------------------------------------------


# Signals deleted — on their own, or with their community or programme — lock their programme's
# tally before their rows go, in the order every change to a programme's signals takes
# (`signal_saves`): once per programme per delete (`core.delete_runs`).
_deletes = PerDelete()


def _signal_deleting(sender, instance: Signal, origin=None, **kwargs) -> None:
    if part_of(instance) is not None and _deletes.expect(origin, instance.programme_id):
        programmes_lock([instance.programme_id], create=False)


def _signal_deleted(sender, instance: Signal, origin=None, **kwargs) -> None:
    """A deleted signal leaves its programme's tally (drafts count nowhere; a community's or a
    programme's deletion takes its signals along — a tally already gone is left so)."""
    part = part_of(instance)
    if part is None:
        return
    _deletes.last(origin, instance.programme_id)
    tallies_add(Counter({part: -1}), create=False)


def connect() -> None:
    # A save moves the signal's part through `signal_saves`, with the theme figures.
    pre_delete.connect(_signal_deleting, sender=Signal, dispatch_uid="venster_tally_deleting")
    post_delete.connect(_signal_deleted, sender=Signal, dispatch_uid="venster_tally_deleted")
