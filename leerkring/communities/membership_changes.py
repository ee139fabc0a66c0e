"""What a membership's row held before the save in progress, for the kept figures that count
seats: the member counts of its community (`member_counts`; a membership moved to another
community leaves the first one too) and the members of the networks of its programme
(`network.member_counts`: a guide's role, person, community and dates).

The old values are read once per save, in `pre_save`, for both, and only when the save may
change them (a save naming other fields in `update_fields` reads nothing). They are read from
the row, not taken from the instance as it was loaded: an instance read before another change
moved the membership would otherwise compare with what the membership was then, and leave a
count wrong."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models.signals import pre_save

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


def seat(membership: Membership) -> Seat:
    return Seat(
        membership.role,
        membership.community_id,
        membership.person_id,
        membership.joined_on,
        membership.left_on,
    )


def may_change(update_fields) -> bool:
    """Whether a save with these `update_fields` can change a seat's counted fields."""
    return update_fields is None or bool(SEAT_FIELDS & set(update_fields))


def seat_before(membership: Membership) -> Seat | None:
    """The seat as the row held it before the save in progress; None when it was not read: a
    new membership, a raw save (fixtures), a save that changes none of its fields, a row that
    was not there."""
    return getattr(membership, "_seat_before", None)


def _membership_saving(
    sender, instance: Membership, raw: bool = False, update_fields=None, **kwargs
) -> None:
    instance._seat_before = None
    if raw or instance._state.adding or instance.pk is None or not may_change(update_fields):
        return
    values = (
        Membership.objects.filter(pk=instance.pk)
        .values_list("role", "community_id", "person_id", "joined_on", "left_on")
        .first()
    )
    instance._seat_before = Seat(*values) if values else None


def connect() -> None:
    pre_save.connect(_membership_saving, sender=Membership, dispatch_uid="membership_seat_before")
