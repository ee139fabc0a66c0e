"""A network's number of threads, kept on the network so its page pages through the threads
without counting the network's links on each request (issue 17: 1,500 threads at five times
national scale).

The number is that of the threads the network lists: one rule (`listed_threads_q`) serves the
list (`selectors.network_threads`) and the count, so the pager never promises a page the list
does not fill. It is refreshed whenever a thread is linked to a network, its link moved or
deleted (also through a cascade of the thread), and when a linked thread's community changes,
in the same transaction and with the networks' rows locked first; the bulk inserts of the
synthetic network call `refresh_thread_counts` afterwards."""

from __future__ import annotations

from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce

from leerkring.core.locking import lock_in_order
from leerkring.core.row_before import RowBefore
from leerkring.meetings.models import Thread

from .models import Network, NetworkThread


def listed_threads_q(network: Network | int | Expression) -> Q:
    """The threads a network lists (on `Thread`): linked to it and without a community — a
    thread of a community belongs to that community's pages, and the list walks the index of
    the threads without one (`thread_without_community`)."""
    return Q(network_link__network=network, community__isnull=True)


def counted_threads() -> Coalesce:
    """The kept count as counted by the list's rule (for the refresh and the tests)."""
    threads = (
        Thread.objects.filter(listed_threads_q(OuterRef("pk")))
        .order_by()
        .values("network_link__network")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(threads, output_field=IntegerField()), 0)


def refresh_thread_counts(network_ids: list[int] | None = None) -> None:
    """Count the threads of these networks (all when None) again and keep the counts."""
    networks = Network.objects.all()
    if network_ids is not None:
        networks = networks.filter(pk__in=network_ids)
    with transaction.atomic():
        ids = lock_in_order(networks)
        if ids:
            Network.objects.filter(pk__in=ids).update(kept_thread_count=counted_threads())


class LinkRow(NamedTuple):
    network_id: int


class ThreadRow(NamedTuple):
    community_id: int | None
    network_id: int | None


# The network a link pointed to before, so a link moved counts both networks.
link_before = RowBefore(LinkRow, watched={"network", "network_id"})
# A thread's community before the save and the network it is linked to, in one read: only a
# linked thread that gains or loses a community enters or leaves a network's list.
thread_before = RowBefore(
    ThreadRow,
    watched={"community", "community_id"},
    lookups=("community_id", "network_link__network_id"),
)


def link_saving(sender, instance: NetworkThread, raw: bool = False, update_fields=None, **kwargs):
    link_before.read(instance, raw=raw, update_fields=update_fields)


def link_saved(
    sender, instance: NetworkThread, created: bool = False, update_fields=None, **kwargs
) -> None:
    if not link_before.may_change(update_fields):
        return
    before = None if created else link_before(instance)
    if before == link_before.now(instance):
        return
    refresh_thread_counts(
        sorted({instance.network_id, before.network_id if before else None} - {None})
    )


def link_deleted(sender, instance: NetworkThread, origin=None, **kwargs) -> None:
    # A link deleted because its network is deleted needs no refresh.
    if not isinstance(origin, Network):
        refresh_thread_counts([instance.network_id])


def thread_saving(sender, instance: Thread, raw: bool = False, update_fields=None, **kwargs):
    thread_before.read(instance, raw=raw, update_fields=update_fields)


def thread_saved(sender, instance: Thread, created: bool = False, update_fields=None, **kwargs):
    """A linked thread that gains or loses a community enters or leaves its network's list.
    A new thread has no link yet, and a save naming other fields (a message's time) or keeping
    the community changes nothing counted."""
    if created or not thread_before.may_change(update_fields):
        return
    before = thread_before(instance)
    if before is None:
        # Not read (a raw save): count the networks it is linked to.
        ids = list(
            NetworkThread.objects.filter(thread=instance).values_list("network_id", flat=True)
        )
    elif before.community_id == instance.community_id or before.network_id is None:
        return
    else:
        ids = [before.network_id]
    if ids:
        refresh_thread_counts(ids)
