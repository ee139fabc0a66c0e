"""What a community's row held before the save in progress, for the kept figures that depend on
its programme, region and status: the programme's counts per region and status
(`programme_counts`) and the member counts of the networks of its programme (a community that
moves to another programme takes its guides along; `network.member_counts`).

The old values are read once per save, in `pre_save`, for all of them, and only when the save
may change them (a save naming other fields in `update_fields` reads nothing). They are read
from the row, not taken from the instance as it was loaded: an instance read before another
change moved the community would otherwise compare with what the community was then, and
leave a count wrong."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models.signals import pre_save

from .models import Community

# The fields whose change moves a community in the programme's counts or between programmes.
TRACKED_FIELDS = frozenset({"programme", "programme_id", "region", "status"})


class CommunityRow(NamedTuple):
    programme_id: int
    region: str
    status: str


def community_row(community: Community) -> CommunityRow:
    return CommunityRow(community.programme_id, community.region, community.status)


def may_change(update_fields) -> bool:
    """Whether a save with these `update_fields` can change a tracked field."""
    return update_fields is None or bool(TRACKED_FIELDS & set(update_fields))


def row_before(community: Community) -> CommunityRow | None:
    """The tracked values the row held before the save in progress; None when they were not
    read: a new community, a raw save (fixtures), a save that changes none of them, a row
    that was not there."""
    return getattr(community, "_row_before", None)


def _community_saving(
    sender, instance: Community, raw: bool = False, update_fields=None, **kwargs
) -> None:
    instance._row_before = None
    if raw or instance._state.adding or instance.pk is None or not may_change(update_fields):
        return
    values = (
        Community.objects.filter(pk=instance.pk)
        .values_list("programme_id", "region", "status")
        .first()
    )
    instance._row_before = CommunityRow(*values) if values else None


def connect() -> None:
    pre_save.connect(_community_saving, sender=Community, dispatch_uid="community_row_before")
