"""A network's number of threads, kept on the network so its page pages through the threads
without counting the network's links on each request (issue 17: 1,500 threads at five times
national scale).

The count is refreshed whenever a thread is linked to a network or its link deleted (also
through a cascade of the thread), in the same transaction and with the network's row locked
first; the bulk inserts of the synthetic network call `refresh_thread_counts` afterwards."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from leerkring.core.locking import lock_in_order

from .models import Network, NetworkThread


def counted_threads() -> Coalesce:
    """The kept count as counted from the links (for the refresh and the tests)."""
    links = (
        NetworkThread.objects.filter(network=OuterRef("pk"))
        .order_by()
        .values("network")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(links, output_field=IntegerField()), 0)


def refresh_thread_counts(network_ids: list[int] | None = None) -> None:
    """Count the threads of these networks (all when None) again and keep the counts."""
    networks = Network.objects.all()
    if network_ids is not None:
        networks = networks.filter(pk__in=network_ids)
    with transaction.atomic():
        ids = lock_in_order(networks)
        if ids:
            Network.objects.filter(pk__in=ids).update(kept_thread_count=counted_threads())


def link_saved(sender, instance: NetworkThread, created: bool = False, **kwargs) -> None:
    refresh_thread_counts([instance.network_id])


def link_deleted(sender, instance: NetworkThread, origin=None, **kwargs) -> None:
    # A link deleted because its network is deleted needs no refresh.
    if not isinstance(origin, Network):
        refresh_thread_counts([instance.network_id])
