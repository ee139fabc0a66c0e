"""What a community's row held before the save in progress, for what follows its save: the
programme's counts per region and status (`programme_counts`), the member counts of the networks
of its programme (a community that moves to another programme takes its guides along;
`network.member_counts`), and the stored survey results that name it (`surveys.stored_results`:
a renamed community drops them).

The old values are read once per save, in `pre_save`, for all of them, and only when the save
may change them (`core.row_before`; a save naming other fields in `update_fields` reads
nothing)."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models.signals import pre_save

from leerkring.core.row_before import RowBefore

from .models import Community

# The fields whose change moves a community in the programme's counts or between programmes.
TRACKED_FIELDS = frozenset({"programme", "programme_id", "region", "status"})


class CommunityRow(NamedTuple):
    programme_id: int
    region: str
    status: str
    name: str


row_before = RowBefore(CommunityRow, watched=TRACKED_FIELDS | {"name"})


def community_row(community: Community) -> CommunityRow:
    return row_before.now(community)


def counted_part(row: CommunityRow | None) -> tuple[int, str, str] | None:
    """What the programme's counts read of a community: its programme, region and status."""
    return None if row is None else (row.programme_id, row.region, row.status)


def may_change(update_fields) -> bool:
    """Whether a save with these `update_fields` can change a counted field."""
    return update_fields is None or not TRACKED_FIELDS.isdisjoint(update_fields)


def renamed(community: Community) -> bool:
    """Whether the save in progress (or just made) changed the community's name; false when
    the row before was not read (a new community, a raw save, a save naming other fields)."""
    before = row_before(community)
    return before is not None and before.name != community.name


def _community_saving(
    sender, instance: Community, raw: bool = False, update_fields=None, **kwargs
) -> None:
    row_before.read(instance, raw=raw, update_fields=update_fields)


def connect() -> None:
    pre_save.connect(_community_saving, sender=Community, dispatch_uid="community_row_before")
