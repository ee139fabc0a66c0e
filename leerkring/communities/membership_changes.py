"""What a membership's row held before the save in progress, for the kept figures that count
seats: the member counts of its community (`member_counts`; a membership moved to another
community leaves the first one too) and the members of the networks of its programme
(`network.member_counts`: a guide's role, person, community and dates).

The old values are read once per save, in `pre_save`, for both, and only when the save may
change them (`core.row_before`; a save naming other fields in `update_fields` reads nothing)."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models.signals import pre_save

from leerkring.core.row_before import RowBefore

from .models import Membership

# The fields of a seat that the kept figures read.
SEAT_FIELDS = frozenset(
    {"role", "community", "community_id", "person", "person_id", "joined_on", "left_on"}
)


class Seat(NamedTuple):
    role: str
    community_id: int
    person_id: int
    joined_on: datetime.date
    left_on: datetime.date | None


seat_before = RowBefore(Seat, watched=SEAT_FIELDS)


def seat(membership: Membership) -> Seat:
    return seat_before.now(membership)


def may_change(update_fields) -> bool:
    """Whether a save with these `update_fields` can change a seat's counted fields."""
    return seat_before.may_change(update_fields)


def _membership_saving(
    sender, instance: Membership, raw: bool = False, update_fields=None, **kwargs
) -> None:
    seat_before.read(instance, raw=raw, update_fields=update_fields)


def connect() -> None:
    pre_save.connect(_membership_saving, sender=Membership, dispatch_uid="membership_seat_before")
