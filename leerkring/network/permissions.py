"""Who may enter a network of leads and facilitators, and what they may do there.

A network is as closed as a community (DESIGN.md §2): its conversations, material and the
names of its members are for its members — the current leads and facilitators of the
communities of its programmes, and whoever they invited in. The programme's coordinators set
a network up and see its shape (name, number of members, how busy it is); they read along
only when the members added them.
"""

from __future__ import annotations

from leerkring.communities.models import FACILITATOR_ROLES, LEAD_ROLES, Community, Programme
from leerkring.communities.permissions import COORDINATOR, access_for

from .models import Network, NetworkMember

GUIDE_ROLES = LEAD_ROLES | FACILITATOR_ROLES


def _programme_ids(network: Network) -> list[int]:
    cached = getattr(network, "_programme_ids", None)
    if cached is None:
        cached = list(network.programmes.values_list("pk", flat=True))
        network._programme_ids = cached
    return cached


def is_guide_in(user, network: Network) -> bool:
    """Lead or facilitator of a community of one of the network's programmes, today."""
    guided = [pk for pk, role in access_for(user).community_roles.items() if role in GUIDE_ROLES]
    if not guided:
        return False
    return Community.objects.filter(
        pk__in=guided, programme_id__in=_programme_ids(network)
    ).exists()


def is_member(user, network: Network) -> bool:
    person = access_for(user).person
    if person is None:
        return False
    if is_guide_in(user, network):
        return True
    return NetworkMember.objects.filter(network=network, person=person).exists()


def is_coordinator_of(user, network: Network) -> bool:
    return bool(access_for(user).programmes_with(COORDINATOR) & set(_programme_ids(network)))


def can_view_shape(user, network: Network) -> bool:
    return is_member(user, network) or is_coordinator_of(user, network)


def can_view_networks(user, programme: Programme) -> bool:
    """The programme's list of networks: its coordinators, and its leads and facilitators."""
    access = access_for(user)
    if access.has_programme_role(programme.pk, COORDINATOR):
        return True
    guided = [pk for pk, role in access.community_roles.items() if role in GUIDE_ROLES]
    return bool(guided) and Community.objects.filter(pk__in=guided, programme=programme).exists()


def can_create_network(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, COORDINATOR)
