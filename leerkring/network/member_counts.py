"""A network's number of members (today's leads and facilitators of its programmes' communities
and the people they invited), kept on the network so its page does not count the guides' seats
of every community of its programmes on each request (issue 17: 8,000 rows at five times
national scale), as `communities.member_counts` keeps a community's members.

Who is a lead or facilitator today depends on the date, so the kept number holds until the
first date after the count on which one of those seats starts or ends (`kept_members_until`);
past that date, or where nothing is kept, the page counts. The number is refreshed in the same
transaction, with the network's row locked first, whenever a membership of a community of its
programmes, an invitation or its programmes change, and when a community is saved (it may have
moved to another programme); the synthetic network counts once its networks are in."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from leerkring.communities.models import Community, Membership
from leerkring.core.locking import lock_in_order

from .models import Network, NetworkMember
from .permissions import GUIDE_ROLES


def _guide_seats(network_id: int):
    return Membership.objects.filter(
        role__in=GUIDE_ROLES, community__programme__networks=network_id
    )


def counted_members(network_id: int, *, today: datetime.date | None = None) -> int:
    """The union of today's guides and the invited, without duplicates."""
    today = today or timezone.localdate()
    guides = (
        _guide_seats(network_id)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today), joined_on__lte=today)
        .order_by()
        .values("person_id")
    )
    invited = NetworkMember.objects.filter(network_id=network_id).order_by().values("person_id")
    return guides.union(invited).count()


def refresh_network_member_counts(
    network_ids: list[int] | None = None, *, today: datetime.date | None = None
) -> None:
    """Count the members of these networks (all when None) again and keep the numbers, with
    the date until which they hold."""
    today = today or timezone.localdate()
    networks = Network.objects.all()
    if network_ids is not None:
        networks = networks.filter(pk__in=network_ids)
    with transaction.atomic():
        ids = lock_in_order(networks)
        for pk in ids:
            changes = _guide_seats(pk).aggregate(
                join=Min("joined_on", filter=Q(joined_on__gt=today)),
                leave=Min("left_on", filter=Q(left_on__gt=today)),
            )
            dates = [d for d in changes.values() if d]
            Network.objects.filter(pk=pk).update(
                kept_member_count=counted_members(pk, today=today),
                kept_members_until=min(dates) if dates else None,
            )


def member_count(network: Network, *, today: datetime.date | None = None) -> int:
    """The kept number while it holds, counted otherwise."""
    today = today or timezone.localdate()
    valid = network.kept_member_count is not None and (
        network.kept_members_until is None or network.kept_members_until > today
    )
    return network.kept_member_count if valid else counted_members(network.pk, today=today)


def _networks_of_community(community_id: int) -> list[int]:
    return list(
        Network.objects.filter(programmes__communities=community_id)
        .values_list("pk", flat=True)
        .distinct()
    )


def membership_changed(sender, instance: Membership, **kwargs) -> None:
    ids = _networks_of_community(instance.community_id)
    if ids:
        refresh_network_member_counts(ids)


def invitation_changed(sender, instance: NetworkMember, origin=None, **kwargs) -> None:
    if not isinstance(origin, Network):  # deleted with its network: nothing to keep
        refresh_network_member_counts([instance.network_id])


def programmes_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_network_member_counts([instance.pk])
    elif pk_set:
        refresh_network_member_counts(sorted(pk_set))
    else:
        refresh_network_member_counts()


def community_saved(sender, instance: Community, **kwargs) -> None:
    # A community that moved to another programme takes its guides along: every network of
    # either programme changes; the networks are few, so all are counted again.
    if Network.objects.exists():
        refresh_network_member_counts()
