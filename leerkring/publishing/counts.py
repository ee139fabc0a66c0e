"""The public knowledge base's counts per programme, kept when a publication changes instead of
counted on every visit.

The public page offers the regions and years that have something public, says how many items
it found, and pages through them. Counted per request, that read every public row of the
programme (635 at national scale, five times as many at five times it; issue 17). The counts
per kind, topic, region and year are kept in `PublicCount`, so the page reads at most one row
per region and year for its options and count, and a filtered list adds up the few
combinations that match its filters.

Every change that can put a publication on or off the public pages, or move it to another
filter, goes through `Publication.save()` or `delete()` (the services: propose, approve,
decline, withdraw; the factories in tests; a cascade from a deleted lesson, product, community
or programme), or through `publishing.sources`, which sets `source_shared` when a lesson or
product is shared or unshared and then calls `public_counts_refresh`. The receivers count the
programme again in the same transaction, with the programme's row locked so that two changes
cannot both count from a snapshot without the other (as the monitor's standings do); a delete
that takes many publications of a programme along counts it once, after the last of them and
still in the same transaction, so a read later in that transaction finds the counts right (not
after the commit: `core.delete_runs`). Writes
that bypass `save()` (the synthetic network, the demo data) call `public_counts_rebuild` when
they are done. `tests/publishing/test_public_counts.py` holds the kept counts to the ones
counted from the publications after each kind of change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_save, pre_delete

from leerkring.communities.models import Programme
from leerkring.core.delete_runs import PerDelete
from leerkring.core.locking import lock_in_order

from .models import Publication, PublicCount
from .selectors import public_q

# The fields whose change can move a publication on or off the public pages or to another
# filter; a save that names only other fields (a title, a decision's date) counts nothing.
COUNTED_FIELDS = frozenset(
    {
        "programme",
        "programme_id",
        "status",
        "source_shared",
        "kind",
        "product_kind",
        "topic_category",
        "region",
        "dated_on",
    }
)


def counted_rows(*, publications: QuerySet, count_model: Any = PublicCount) -> list:
    """The counts as worked out from these public publications: one row per programme and
    combination of kind, topic, region and year, and per programme, region and year their sum.
    The model is an argument so the migration that fills the table can use its own."""
    groups = (
        publications.annotate(year=ExtractYear("dated_on"))
        .values_list("programme_id", "kind", "product_kind", "topic_category", "region", "year")
        .annotate(n=Count("*"))
        .order_by()
    )
    rows = []
    per_region_year: Counter = Counter()
    for programme_id, kind, product_kind, topic, region, year, n in groups:
        rows.append(
            count_model(
                programme_id=programme_id,
                kind=kind,
                product_kind=product_kind,
                topic_category=topic,
                region=region,
                year=year,
                count=n,
            )
        )
        per_region_year[(programme_id, region, year)] += n
    rows += [
        count_model(programme_id=programme_id, region=region, year=year, count=n)
        for (programme_id, region, year), n in per_region_year.items()
    ]
    return rows


def public_counts_refresh(*, programme_ids: Iterable[int | None]) -> None:
    """Count the public publications of these programmes again and store the counts."""
    ids = sorted({pk for pk in programme_ids if pk})
    if not ids:
        return
    with transaction.atomic():
        # Locked in one order, so two refreshes wait for each other instead of deadlocking; a
        # programme being deleted is still there until the end of its cascade.
        locked = lock_in_order(Programme.objects.filter(pk__in=ids))
        PublicCount.objects.filter(programme_id__in=ids).delete()
        public = Publication.objects.filter(programme_id__in=locked).filter(public_q())
        PublicCount.objects.bulk_create(counted_rows(publications=public), batch_size=1000)


def public_counts_rebuild(*, programme_ids: Iterable[int] | None = None) -> None:
    """Every programme's counts (or these programmes') counted again."""
    if programme_ids is None:
        programme_ids = Programme.objects.values_list("pk", flat=True)
    public_counts_refresh(programme_ids=list(programme_ids))


def _publication_saved(sender, instance: Publication, raw: bool, update_fields=None, **kw):
    if raw or (update_fields is not None and not COUNTED_FIELDS & set(update_fields)):
        return
    public_counts_refresh(programme_ids=[instance.programme_id])


_deletes = PerDelete()


def _publication_deleting(sender, instance: Publication, origin=None, **kwargs) -> None:
    _deletes.expect(origin, instance.programme_id)


def _publication_deleted(sender, instance: Publication, origin=None, **kwargs) -> None:
    """A cascade (a lesson, product, community or programme deleted) deletes its publications
    in one statement and then sends this for each: the programme is counted again once, after
    the last of them. Still inside the delete's transaction and not at its commit
    (`transaction.on_commit`): the deleting service, or whatever runs after it in the same
    transaction, may read the counts, and a count after the commit could be lost between the
    two; the programme's row stays locked until the commit either way."""
    if _deletes.last(origin, instance.programme_id):
        public_counts_refresh(programme_ids=[instance.programme_id])


def connect() -> None:
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid="public_counts_saved")
    pre_delete.connect(
        _publication_deleting, sender=Publication, dispatch_uid="public_counts_deleting"
    )
    post_delete.connect(
        _publication_deleted, sender=Publication, dispatch_uid="public_counts_deleted"
    )
