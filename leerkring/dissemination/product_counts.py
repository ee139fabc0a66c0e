"""Each programme's number of shareable products, kept when a product changes instead of
counted on every request.

The catalogue says how many products the visitor finds: the programme's shareable ones and
the unshared ones of the visitor's own communities. Counted per request that reads every
product of the programme (1,345 rows at national scale, five times that at five times it); the
first part is kept in `ProgrammeProductCount`, so the page counts only the few unshared
products of the visitor's own communities.

Every change goes through `Product.save()` or `delete()` (the services, the admin, the
factories in tests), and the receivers below count the programme again, in the same
transaction, with its row locked so that two changes cannot both count from a snapshot without
the other. Writes that bypass `save()` (the synthetic network, the demo data) call
`product_counts_rebuild` when they are done.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save

from .models import Product, ProgrammeProductCount


def product_counts_refresh(*, programme_ids: Iterable[int | None], create: bool = True) -> None:
    """Count the shareable products of these programmes again and store the figures;
    `create=False` only updates the figures there are (a product deleted with its programme
    must not leave a new row behind for the programme being deleted)."""
    ids = sorted({pk for pk in programme_ids if pk})
    if not ids:
        return
    with transaction.atomic():
        if create:
            ProgrammeProductCount.objects.bulk_create(
                [ProgrammeProductCount(programme_id=pk) for pk in ids], ignore_conflicts=True
            )
        # Locked in one order, so two refreshes wait for each other instead of deadlocking.
        locked = list(
            ProgrammeProductCount.objects.select_for_update()
            .filter(programme_id__in=ids)
            .order_by("programme_id")
        )
        counts = dict(
            Product.objects.filter(programme_id__in=ids, shareable=True)
            .values("programme_id")
            .annotate(n=Count("pk"))
            .values_list("programme_id", "n")
            .order_by()
        )
        for row in locked:
            row.shared = counts.get(row.programme_id, 0)
        ProgrammeProductCount.objects.bulk_update(locked, ["shared"])


def product_counts_rebuild(*, programme_ids: Iterable[int] | None = None) -> None:
    """Every programme's figure (or these programmes') counted again."""
    from leerkring.communities.models import Programme

    if programme_ids is None:
        programme_ids = Programme.objects.values_list("pk", flat=True)
    product_counts_refresh(programme_ids=list(programme_ids))


def _product_saved(sender, instance: Product, raw: bool, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and "shareable" not in update_fields):
        return
    product_counts_refresh(programme_ids=[instance.programme_id])


def _product_deleted(sender, instance: Product, **kwargs) -> None:
    product_counts_refresh(programme_ids=[instance.programme_id], create=False)


def connect() -> None:
    post_save.connect(_product_saved, sender=Product, dispatch_uid="product_counts_saved")
    post_delete.connect(_product_deleted, sender=Product, dispatch_uid="product_counts_deleted")
