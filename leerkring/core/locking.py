"""Row locks taken in one order.

Kept counts (communities per programme, public items, theme tallies, network figures) are
refreshed inside the transaction that changed what they count, with the owner rows locked.
Two such transactions that lock overlapping rows in different orders would deadlock; locked in
primary-key order, the second waits for the first instead.
"""

from __future__ import annotations

from django.db.models import QuerySet


def lock_in_order(rows: QuerySet) -> list[int]:
    """Lock `rows` (in an open transaction) in primary-key order and return their keys; rows
    deleted meanwhile are left out."""
    return list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
