"""Each programme's communities counted per region and status, kept on the programme
(`Programme.kept_community_counts`) so the programme overview, the API's list of communities
and the knowledge view know how many communities there are, and which regions, without
reading every community of the programme on each request (issue 17: 2,250 communities at five
times national scale, read twice per page for the pager's count and the region filter).

Every change goes through `Community.save()` or `delete()` (the services, the admin, the
factories in tests), and the receivers below count the programme again when a save changed its
programme, region or status (`community_changes` reads the old values once per save) — both
programmes when a community moves — in the same transaction, with the programme's row locked so
that two changes cannot both count from a snapshot without the other; a programme deleted with
its communities is counted once. Writes that bypass `save()` (the synthetic network's bulk
insert) call `programme_counts_rebuild` when they are done. Where nothing is kept, the readers
count as before."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save, pre_delete

from leerkring.core.delete_runs import PerDelete
from leerkring.core.locking import lock_in_order

from .community_changes import community_row, counted_part, may_change, row_before
from .models import Community, Programme


def programme_counts_refresh(*, programme_ids: Iterable[int | None]) -> None:
    """Count the communities of these programmes per region and status again and keep them."""
    ids = sorted({pk for pk in programme_ids if pk})
    if not ids:
        return
    with transaction.atomic():
        # Locked in one order, so two refreshes wait for each other instead of deadlocking.
        locked = lock_in_order(Programme.objects.filter(pk__in=ids))
        counts: dict[int, list] = {pk: [] for pk in locked}
        rows = (
            Community.objects.filter(programme_id__in=locked)
            .values("programme_id", "region", "status")
            .annotate(n=Count("pk"))
            .order_by("programme_id", "region", "status")
        )
        for row in rows:
            counts[row["programme_id"]].append([row["region"], row["status"], row["n"]])
        for pk, kept in counts.items():
            Programme.objects.filter(pk=pk).update(kept_community_counts=kept)


def programme_counts_rebuild(*, programme_ids: Iterable[int] | None = None) -> None:
    """Every programme's counts (or these programmes') counted again."""
    if programme_ids is None:
        programme_ids = Programme.objects.values_list("pk", flat=True)
    programme_counts_refresh(programme_ids=list(programme_ids))


def kept_count(
    programme: Programme, *, region: str = "", status: str = "", ended=True
) -> int | None:
    """How many communities the programme has (of this region, this status; `ended=False`
    leaves ended ones out), from the kept counts; None when nothing is kept."""
    if programme.kept_community_counts is None:
        return None
    return sum(
        n
        for kept_region, kept_status, n in programme.kept_community_counts
        if (not region or kept_region == region)
        and (not status or kept_status == status)
        and (ended or kept_status != Community.Status.ENDED)
    )


def kept_regions(programme: Programme) -> list[str] | None:
    """The regions of the programme's communities, from the kept counts; None when nothing is
    kept. The counts are kept in the database's `ORDER BY region`, so the regions come in the
    order a query would give them."""
    if programme.kept_community_counts is None:
        return None
    return list(
        dict.fromkeys(region for region, _status, n in programme.kept_community_counts if region)
    )


def _community_saved(sender, instance: Community, update_fields=None, **kwargs) -> None:
    """Count again only when the save changed the programme, region or status (both
    programmes when the community moved); any other save (a name, a phase, the kept member
    counts) leaves the programme's counts as they are. A new community, or one whose old row
    was not read (a raw save), counts its programme."""
    if not may_change(update_fields):
        return
    before = row_before(instance)
    if counted_part(before) == counted_part(community_row(instance)):
        return
    programme_counts_refresh(
        programme_ids=[instance.programme_id, before.programme_id if before else None]
    )


# A programme deleted takes its communities along in one statement: counted once, after the
# last of them (`core.delete_runs`).
_deletes = PerDelete()


def _community_deleting(sender, instance: Community, origin=None, **kwargs) -> None:
    _deletes.expect(origin, instance.programme_id)


def _community_deleted(sender, instance: Community, origin=None, **kwargs) -> None:
    if _deletes.last(origin, instance.programme_id):
        programme_counts_refresh(programme_ids=[instance.programme_id])


def connect() -> None:
    post_save.connect(_community_saved, sender=Community, dispatch_uid="programme_counts_saved")
    pre_delete.connect(
        _community_deleting, sender=Community, dispatch_uid="programme_counts_deleting"
    )
    post_delete.connect(
        _community_deleted, sender=Community, dispatch_uid="programme_counts_deleted"
    )
