"""A network's number of members (today's leads and facilitators of its programmes' communities
and the people they invited), kept on the network so its page does not count the guides' seats
of every community of its programmes on each request (issue 17: 8,000 rows at five times
national scale), as `communities.member_counts` keeps a community's members.

Who is a lead or facilitator today depends on the date, so the kept number holds until the
first date after the count on which one of those seats starts or ends (`kept_members_until`);
past that date, or where nothing is kept, the page counts, by the same rule. The number is
refreshed in the same transaction, with the networks' rows locked first, when something it
counts changed: a guide's seat (one whose role is or was a guide role and whose role, person,
community or dates changed, or that was made or deleted), an invitation, the network's
programmes, or a community's programme. A participant's seat, or a community saved without
moving, counts nothing again. The refresh counts all the networks it is given in one statement;
the synthetic network counts once its networks are in."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from leerkring.communities.community_changes import row_before
from leerkring.communities.membership_changes import may_change, seat, seat_before
from leerkring.communities.models import Community, Membership, active_membership_q
from leerkring.core.delete_runs import PerDelete
from leerkring.core.locking import lock_in_order

from .models import Network, NetworkMember
from .permissions import GUIDE_ROLES


def _guide_seats() -> QuerySet[Membership]:
    return Membership.objects.filter(role__in=GUIDE_ROLES)


def _per_network(seats: QuerySet[Membership], value, output_field) -> Subquery:
    """`value` aggregated over these seats in the communities of the outer network's
    programmes (a subquery on Network, one row per network)."""
    return Subquery(
        seats.filter(community__programme__networks=OuterRef("pk"))
        .order_by()
        .values("community__programme__networks")
        .annotate(value=value)
        .values("value"),
        output_field=output_field,
    )


def members_counted(today: datetime.date) -> Coalesce:
    """The network's members on `today`: the distinct people with a guide's seat that counts
    that day (`active_membership_q`), and the invited who hold none."""
    active = _guide_seats().filter(active_membership_q(on=today))
    guides = _per_network(active, Count("person", distinct=True), IntegerField())
    invited_only = (
        NetworkMember.objects.filter(network=OuterRef("pk"))
        .exclude(
            Exists(
                active.filter(
                    person=OuterRef("person"), community__programme__networks=OuterRef("network")
                )
            )
        )
        .order_by()
        .values("network")
        .annotate(n=Count("person", distinct=True))
        .values("n")
    )
    return Coalesce(guides, 0) + Coalesce(Subquery(invited_only, output_field=IntegerField()), 0)


def members_until(today: datetime.date) -> Subquery:
    """The first date after `today` on which one of the network's guide seats starts or ends:
    the count made today holds until then."""
    change = Case(
        When(joined_on__gt=today, left_on__gt=today, left_on__lt=F("joined_on"), then=F("left_on")),
        When(joined_on__gt=today, then=F("joined_on")),
        When(left_on__gt=today, then=F("left_on")),
        output_field=DateField(),
    )
    return _per_network(_guide_seats(), Min(change), DateField())


def counted_members(network_id: int, *, today: datetime.date | None = None) -> int:
    """The union of today's guides and the invited, without duplicates."""
    today = today or timezone.localdate()
    return (
        Network.objects.filter(pk=network_id)
        .annotate(n=members_counted(today))
        .values_list("n", flat=True)
        .first()
        or 0
    )


def refresh_network_member_counts(
    network_ids: list[int] | None = None, *, today: datetime.date | None = None
) -> None:
    """Count the members of these networks (all when None) again and keep the numbers, with
    the date until which they hold: one statement for all of them, after the lock."""
    today = today or timezone.localdate()
    networks = Network.objects.all()
    if network_ids is not None:
        networks = networks.filter(pk__in=network_ids)
    with transaction.atomic():
        ids = lock_in_order(networks)
        if ids:
            Network.objects.filter(pk__in=ids).update(
                kept_member_count=members_counted(today),
                kept_members_until=members_until(today),
            )


def member_count(network: Network, *, today: datetime.date | None = None) -> int:
    """The kept number while it holds, counted otherwise."""
    today = today or timezone.localdate()
    valid = network.kept_member_count is not None and (
        network.kept_members_until is None or network.kept_members_until > today
    )
    return network.kept_member_count if valid else counted_members(network.pk, today=today)


def _networks_of_programmes(programme_ids) -> list[int]:
    return list(
        Network.objects.filter(programmes__in=[pk for pk in programme_ids if pk])
        .values_list("pk", flat=True)
        .distinct()
    )


def _networks_of_communities(community_ids: list[int]) -> list[int]:
    return list(
        Network.objects.filter(programmes__communities__in=community_ids)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


# --- A guide's seat -------------------------------------------------------------------------


def membership_saved(
    sender, instance: Membership, created: bool = False, update_fields=None, **kwargs
) -> None:
    if not may_change(update_fields):
        return
    now = seat(instance)
    before = None if created else seat_before(instance)
    if created:
        if now.role not in GUIDE_ROLES:
            return
        communities = [now.community_id]
    elif before is None:
        # The old seat was not read (a raw save): count what this seat may have changed.
        communities = [now.community_id]
    else:
        if before == now or (before.role not in GUIDE_ROLES and now.role not in GUIDE_ROLES):
            return
        communities = sorted({before.community_id, now.community_id})
    ids = _networks_of_communities(communities)
    if ids:
        refresh_network_member_counts(ids)


# A community deleted takes its seats along in one statement: its networks are counted once,
# after its last guide's seat (`core.delete_runs`).
_deletes = PerDelete()


def membership_deleting(sender, instance: Membership, origin=None, **kwargs) -> None:
    if instance.role in GUIDE_ROLES:
        _deletes.expect(origin, instance.community_id)


def membership_deleted(sender, instance: Membership, origin=None, **kwargs) -> None:
    if instance.role in GUIDE_ROLES and _deletes.last(origin, instance.community_id):
        ids = _networks_of_communities([instance.community_id])
        if ids:
            refresh_network_member_counts(ids)


# --- Invitations, programmes, communities ---------------------------------------------------


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


def community_saved(
    sender, instance: Community, created: bool = False, update_fields=None, **kwargs
) -> None:
    """A community that moved to another programme takes its guides along: the networks of
    both programmes are counted again. A new community has no seats yet; any other save
    changes nothing a network counts."""
    if created or (
        update_fields is not None and not {"programme", "programme_id"} & set(update_fields)
    ):
        return
    before = row_before(instance)
    if before is None:
        # The old programme was not read (a raw save): every network may have changed.
        if Network.objects.exists():
            refresh_network_member_counts()
        return
    if before.programme_id == instance.programme_id:
        return
    ids = _networks_of_programmes([before.programme_id, instance.programme_id])
    if ids:
        refresh_network_member_counts(ids)
