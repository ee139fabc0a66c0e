"""What a signal's save moves in the kept figures: its programme's venster counts
(`venster_tallies`) and its themes' figures (`tallies`), in the transaction of the save.

One read of the stored row before the save serves both: the part the signal had in the venster
counts and the theme it leaves.

The locks are taken in one order for every change to a programme's signals, so two
transactions that change signals of one programme — in any order — wait for each other instead
of deadlocking on the kept rows:

1. the programme's venster tally row (`venster_tallies.programmes_lock`): taken by the
   lifecycle before it locks a signal (`lifecycle.transitions.signal_lock`), by the bulk steps
   before theirs (a theme's answer, a merge, the import), here before the stored row is
   read for a save that came without it, and before a delete removes signals (also with their
   community or programme; `venster_tallies`);
2. the signals' rows;
3. the themes' rows, in key order, and their figures (`tallies.theme_tallies_refresh`).

Outside a transaction each refresh commits on its own and nothing is held between them, so
nothing is locked ahead there.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db import connection
from django.db.models.signals import post_save, pre_save

from leerkring.core.row_before import RowBefore

from . import tallies, venster_tallies
from .models import Signal


class StoredSignal(NamedTuple):
    """The stored values the two refreshes need of a signal before its save."""

    programme_id: int
    state: str
    passed_on_at: datetime.datetime | None
    last_feedback_at: datetime.datetime | None
    theme_id: int | None


stored_before = RowBefore(
    StoredSignal, watched=venster_tallies.KEPT_FIELDS | tallies.TALLIED_FIELDS
)


def _signal_pre_save(sender, instance: Signal, raw: bool, update_fields=None, **kwargs) -> None:
    """Lock the programme's tally first, then read the stored row once (locked, in a
    transaction; the lifecycle holds both already), so the part and the theme moved after the
    save are the ones the signal had."""
    fields = None if update_fields is None else set(update_fields)
    instance._venster_changed = not raw and (
        fields is None or bool(venster_tallies.KEPT_FIELDS & fields)
    )
    instance._themes_changed = not raw and (fields is None or bool(tallies.TALLIED_FIELDS & fields))
    in_transaction = connection.in_atomic_block
    if (
        (instance._venster_changed or instance._themes_changed)
        and in_transaction
        and instance.state != Signal.State.DRAFT
    ):
        # A draft counts nowhere; a signal never goes back to being one.
        venster_tallies.programmes_lock([instance.programme_id])
    stored_before.read(instance, raw=raw, update_fields=update_fields, lock=in_transaction)


def _signal_post_save(sender, instance: Signal, created: bool, raw: bool, **kwargs) -> None:
    if raw:
        return
    before = stored_before(instance)
    if getattr(instance, "_venster_changed", False):
        old = venster_tallies.signal_part(*before[:4]) if before else None
        venster_tallies.tallies_add(
            venster_tallies.parts_moved([old], [venster_tallies.part_of(instance)])
        )
    if getattr(instance, "_themes_changed", False) and not (
        created and instance.state == Signal.State.DRAFT  # a new draft counts nowhere
    ):
        left = before.theme_id if before else None
        tallies.theme_tallies_refresh(theme_ids=[instance.theme_id, left])


def connect() -> None:
    pre_save.connect(_signal_pre_save, sender=Signal, dispatch_uid="signal_kept_pre_save")
    post_save.connect(_signal_post_save, sender=Signal, dispatch_uid="signal_kept_post_save")
