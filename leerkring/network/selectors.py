"""Reads of the networks of leads and facilitators, each in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Community, Membership, Person, Programme
from leerkring.communities.permissions import access_for
from leerkring.events.models import Event
from leerkring.meetings.models import Message, Thread

from . import member_counts, thread_counts
from .models import Network, NetworkDocument, NetworkMember, NetworkNotification, NetworkThread
from .permissions import GUIDE_ROLES

SESSIONS = 5


def _guides_q(network: Network) -> Q:
    """People who are lead or facilitator in one of the network's programmes today."""
    return Q(
        pk__in=Membership.objects.active()
        .filter(role__in=GUIDE_ROLES, community__programme__in=network.programmes.all())
        .values("person_id")
    )


def members_q(network: Network) -> Q:
    return _guides_q(network) | Q(
        pk__in=NetworkMember.objects.filter(network=network).values("person_id")
    )


def member_people(network: Network) -> QuerySet[Person]:
    """Everyone in the network, by name, with their organisation."""
    return (
        Person.objects.filter(members_q(network))
        .select_related("organisation")
        .only("pk", "full_name", "organisation__name")
        .order_by("full_name", "pk")
    )


def member_count(network: Network) -> int:
    """The same number as `member_people(network).count()`: kept on the network while it holds
    (`member_counts`), else counted from the guides' seats and the invitations (a union without
    duplicates) instead of testing every person of the platform against both lists."""
    return member_counts.member_count(network)


def invited_members(network: Network) -> list[NetworkMember]:
    return list(
        NetworkMember.objects.filter(network=network)
        .select_related("person")
        .order_by("person__full_name")
    )


def invitable(network: Network) -> QuerySet[Person]:
    """Coordinators and evaluators of the network's programmes not yet in it."""
    return (
        Person.objects.filter(
            pk__in=ProgrammeRole.objects.filter(
                programme__in=network.programmes.all(),
                role__in=[ProgrammeRole.Role.COORDINATOR, ProgrammeRole.Role.EVALUATOR],
            ).values("person_id")
        )
        .exclude(members_q(network))
        .order_by("full_name")
    )


def networks_of_programme(*, programme: Programme) -> QuerySet[Network]:
    return (
        Network.objects.filter(programmes=programme)
        .annotate(thread_count=Count("threads", distinct=True))
        .order_by("name")
    )


def networks_for(user: Any) -> list[Network]:
    """The networks this person is in: as lead or facilitator, or invited."""
    access = access_for(user)
    if access.person is None:
        return []
    guided = [pk for pk, role in access.community_roles.items() if role in GUIDE_ROLES]
    condition = Q(pk__in=NetworkMember.objects.filter(person=access.person).values("network_id"))
    if guided:
        condition |= Q(
            programmes__in=Community.objects.filter(pk__in=guided).values("programme_id")
        )
    return list(Network.objects.filter(condition).distinct().order_by("name"))


def network_threads(*, network: Network) -> QuerySet[Thread]:
    """The network's threads, most recently active first, each with its number of messages.

    The number is counted per thread shown (a subquery on the message's thread index), not
    by joining every message of the network before the page is cut; `count()` leaves the
    unused subquery out, so the pager counts only the network's threads."""
    messages = (
        Message.objects.filter(thread=OuterRef("pk"))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        # The same rule as the kept count (`thread_counts`): the list walks the index of the
        # threads without a community instead of every community's threads.
        Thread.objects.filter(thread_counts.listed_threads_q(network))
        .select_related("started_by")
        .annotate(message_count=Coalesce(Subquery(messages), 0))
        .order_by("-last_message_at", "-pk")
    )


def thread_count(*, network: Network) -> int:
    """How many threads the network has: `network_threads(network=network).count()`, as kept
    on the network (`thread_counts`); read from its row, not counted."""
    return network.kept_thread_count


def network_of_thread(*, thread_pk: int) -> tuple[Network, Thread] | None:
    link = (
        NetworkThread.objects.select_related("network", "thread__started_by")
        .filter(thread_id=thread_pk)
        .first()
    )
    return (link.network, link.thread) if link else None


def thread_messages(*, thread: Thread) -> list[Message]:
    return list(thread.messages.select_related("author").order_by("created_at", "pk"))


def documents(*, network: Network) -> QuerySet[NetworkDocument]:
    return network.documents.select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def sessions(*, network: Network) -> list[Event]:
    """Upcoming announced events for leads and facilitators of the network's programmes:
    peer-supervision days and the like."""
    return list(
        Event.objects.filter(
            programme__in=network.programmes.all(),
            audience=Event.Audience.GUIDES,
            status=Event.Status.PUBLISHED,
            ends_at__gt=timezone.now(),
        )
        .select_related("programme")
        .order_by("starts_at", "pk")[:SESSIONS]
    )


def notification_mode(*, network: Network, person: Person | None) -> str:
    if person is None:
        return NetworkNotification.Mode.EACH
    mode = (
        NetworkNotification.objects.filter(network=network, person=person)
        .values_list("mode", flat=True)
        .first()
    )
    return mode or NetworkNotification.Mode.EACH


def notification_addresses(*, network: Network, exclude_person_id: int | None) -> list[str]:
    """Members who hear of every message (the default), but not the author."""
    off = NetworkNotification.objects.filter(
        network=network, mode=NetworkNotification.Mode.OFF
    ).values("person_id")
    people = Person.objects.filter(members_q(network)).exclude(pk__in=off)
    if exclude_person_id:
        people = people.exclude(pk=exclude_person_id)
    return sorted({address for address in people.values_list("email", flat=True) if address})
