"""One count per owner per delete, however many of its rows the delete takes along.

A kept figure follows every row deleted (`post_delete`), also through a cascade: deleting a
programme takes its communities, their memberships, its publications along, and Django sends
`post_delete` once per row. Counting the owner again per row counts it as often as it lost
rows, each time to the same result, because one `delete()` removes all rows of a model in one
statement before it sends their signals.

`PerDelete` keeps, per `delete()` call (the signals' `origin`) and owner, the number of rows
still to come: the `pre_delete` receiver calls `expect()` for each row (Django sends every
`pre_delete` before it deletes anything), the `post_delete` receiver asks `last()`, which is
true for the owner's last row of that call. By then all of them are gone, and one count is
right. The count is still made in the delete's own transaction, with the owner's row locked:
whatever reads the figure later in that transaction (the rest of a service, a test) reads it
right, which a count after the commit (`transaction.on_commit`) would not give, and it cannot
be lost between the commit and the count.

The state is per thread. A delete that fails half-way (a deadlock, a receiver that raised)
leaves its entry behind; a delete is told apart from an earlier one with the same origin — the
same instance or queryset deleted again after a failure — by the transaction block Django opens
for each delete (`Collector.delete`, the innermost atomic block while it sends the signals), so
a retry starts from its own rows and counts its owners, instead of waiting for rows the failed
attempt announced.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable

from django.db import connection


def _delete_block() -> object | None:
    # The atomic block `Collector.delete` opened around this delete's signals (Django keeps the
    # open blocks on the connection, innermost last); None outside a transaction.
    blocks = connection.atomic_blocks
    return blocks[-1] if blocks else None


class PerDelete:
    """Rows announced by `pre_delete` and not yet deleted, per origin and owner key."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _runs(self) -> dict[int, tuple[object, object, Counter]]:
        runs = getattr(self._local, "runs", None)
        if runs is None:
            runs = self._local.runs = {}
        return runs

    def expect(self, origin: object, key: Hashable) -> bool:
        """A row of `key` is about to be deleted by the delete that started at `origin`; true
        for the first such row of `key` in this delete."""
        runs = self._runs()
        block = _delete_block()
        # The origin and block are held until the delete is done, so their ids are not reused.
        entry = runs.get(id(origin))
        if entry is None or entry[0] is not origin or entry[1] is not block:
            entry = runs[id(origin)] = (origin, block, Counter())
        entry[2][key] += 1
        return entry[2][key] == 1

    def last(self, origin: object, key: Hashable) -> bool:
        """This row of `key` is deleted: true when no other row of `key` in the same delete is
        still to come (and for a row whose deletion was not announced)."""
        runs = self._runs()
        entry = runs.get(id(origin))
        if (
            entry is None
            or entry[0] is not origin
            or entry[1] is not _delete_block()
            or entry[2][key] <= 0
        ):
            return True
        pending = entry[2]
        pending[key] -= 1
        if pending[key]:
            return False
        del pending[key]
        if not pending:
            del runs[id(origin)]
        return True
