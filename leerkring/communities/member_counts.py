"""A community's count of active members and of their distinct organisations, kept on the
community so the programme overview sorts and shows them without counting every membership of
the programme on each request (issue 17: at five times national scale a page sorted by members
counted 78,000 memberships to show fifty communities).

Who is active depends on the date (`active_membership_q`), so each kept count holds until the
first date after the count on which one of the community's memberships starts or ends
(`kept_counts_until`); past that date, or where nothing is kept, the overview counts. The counts
are refreshed whenever a membership is saved or deleted (once per community per delete, and
not when the community goes with it), in the same transaction and with the community's row
locked; writes that bypass `save()` (bulk inserts of the synthetic network)
call `refresh_member_counts` afterwards, or `manage.py member_counts` does so by hand."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from leerkring.core.delete_runs import PerDelete
from leerkring.core.locking import lock_in_order

from .models import Community, Membership, Programme, active_membership_q


def refresh_member_counts(
    community_ids: list[int] | None = None, *, today: datetime.date | None = None
) -> None:
    """Count the active members and organisations of these communities (all when None) again
    and keep them. Two queries and one update per community."""
    today = today or timezone.localdate()
    communities = Community.objects.all()
    if community_ids is not None:
        communities = communities.filter(pk__in=community_ids)
    with transaction.atomic():
        ids = lock_in_order(communities)
        if not ids:
            return
        active = active_membership_q(on=today)
        rows = {
            row["community_id"]: row
            for row in Membership.objects.filter(community_id__in=ids)
            .values("community_id")
            .annotate(
                members=Count("pk", filter=active),
                organisations=Count("organisation", filter=active, distinct=True),
                next_join=Min("joined_on", filter=Q(joined_on__gt=today)),
                next_leave=Min("left_on", filter=Q(left_on__gt=today)),
            )
            .order_by()
        }
        kept = []
        for pk in ids:
            row = rows.get(pk, {})
            changes = [d for d in (row.get("next_join"), row.get("next_leave")) if d]
            kept.append(
                Community(
                    pk=pk,
                    kept_member_count=row.get("members", 0),
                    kept_organisation_count=row.get("organisations", 0),
                    kept_counts_until=min(changes) if changes else None,
                )
            )
        Community.objects.bulk_update(
            kept,
            ["kept_member_count", "kept_organisation_count", "kept_counts_until"],
            batch_size=500,
        )


def refresh_outdated_counts(*, programme: Programme, today: datetime.date | None = None) -> None:
    """Count again the communities of the programme whose kept counts are missing or out of
    date, so that every kept count is valid and a sort on the kept column itself (an index,
    reading only the rows shown) is the sort on the exact counts. Reads the outdated rows only
    (`community_counts_until` and the index on the kept count, where missing ones sort)."""
    today = today or timezone.localdate()
    outdated = list(
        Community.objects.filter(programme=programme)
        .filter(Q(kept_member_count__isnull=True) | Q(kept_counts_until__lte=today))
        .order_by()
        .values_list("pk", flat=True)
    )
    if outdated:
        refresh_member_counts(outdated, today=today)


def forget_member_counts(community_ids: list[int]) -> None:
    """Mark the counts of these communities as not kept, for changes that bypass `save()`
    (an organisation deleted sets its memberships' organisation to empty by an update)."""
    Community.objects.filter(pk__in=community_ids).update(
        kept_member_count=None, kept_organisation_count=None, kept_counts_until=None
    )


# Memberships deleted together (a queryset, a person erased with seats in several communities)
# count each community once, after its last one; those deleted because their community is
# deleted count nothing, the community and its counts go (`core.delete_runs`).
_deletes = PerDelete()


def _with_its_community(instance: Membership, origin) -> bool:
    if isinstance(origin, Community):
        return origin.pk == instance.community_id
    return isinstance(origin, QuerySet) and origin.model is Community


def membership_deleting(sender, instance: Membership, origin=None, **kwargs) -> None:
    if not _with_its_community(instance, origin):
        _deletes.expect(origin, instance.community_id)


def membership_deleted(sender, instance: Membership, origin=None, **kwargs) -> None:
    if not _with_its_community(instance, origin) and _deletes.last(origin, instance.community_id):
        refresh_member_counts([instance.community_id])


def organisation_deleted(sender, instance, **kwargs) -> None:
    forget_member_counts(
        list(
            Membership.objects.filter(organisation=instance)
            .values_list("community_id", flat=True)
            .distinct()
        )
    )


def member_count(today: datetime.date | None = None) -> Case:
    """The community's active members: kept while valid, counted otherwise."""
    return _kept_or_counted("kept_member_count", "pk", distinct=False, today=today)


def organisation_count(today: datetime.date | None = None) -> Case:
    """The distinct organisations of the community's active members: kept while valid,
    counted otherwise."""
    return _kept_or_counted("kept_organisation_count", "organisation", distinct=True, today=today)


def _kept_or_counted(kept: str, field: str, *, distinct: bool, today) -> Case:
    # PostgreSQL evaluates a CASE branch only when it is taken, so the correlated count runs
    # for the communities whose kept count is missing or out of date only.
    today = today or timezone.localdate()
    counts = (
        Membership.objects.filter(active_membership_q(on=today), community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count(field, distinct=distinct))
        .values("n")
    )
    valid = Q(**{f"{kept}__isnull": False}) & (
        Q(kept_counts_until__isnull=True) | Q(kept_counts_until__gt=today)
    )
    return Case(
        When(valid, then=F(kept)),
        default=Coalesce(Subquery(counts, output_field=IntegerField()), 0),
        output_field=IntegerField(),
    )
