"""An API list's query count must not grow with the data (DESIGN.md §5), like the pages'
(tests/test_query_counts.py): each list endpoint is called with a token on a small synthetic
network and on one ten times larger, by the visitor who uses it; the counts must be equal."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Community, Membership, active_membership_q
from leerkring.communities.synthetic import synth_build
from leerkring.surveys.models import Wave
from tests.api.helpers import token_for

SMALL, LARGE = 0.01, 0.1
SLUG = "inburgering"
ENDPOINTS = [
    "programmes",
    "programme communities",
    "programme communities, page 2 by members",
    "my communities",
    "community, as member",
    "community, as coordinator",
    "community meetings, as member",
    "community meetings, as coordinator",
    "community lessons",
    "community agreements",
    "community signals",
    "venster",
    "venster, new ones by date",
    "venster, searched",
    "themes",
    "top five",
    "coordination meetings",
    "system level inbox",
    "waves",
    "wave results",
    "products",
    "knowledge",
    "monitor",
]

_cache: dict[float, dict[str, tuple[int, int]]] = {}


def _member(community: Community, role: str):
    return (
        Membership.objects.active()
        .filter(community=community, role=role)
        .select_related("person__user")
        .order_by("pk")
        .first()
        .person.user
    )


def _role(role: str):
    return (
        ProgrammeRole.objects.filter(programme__slug=SLUG, role=role)
        .select_related("person__user")
        .order_by("pk")[0]
        .person.user
    )


def _count(user, url: str) -> tuple[int, int]:
    client = Client(headers={"Authorization": f"Bearer {token_for(user, access='read')}"})
    client.get(url)  # warm: the first call notes the token's use and fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


def _endpoint_counts(scale: float) -> dict[str, tuple[int, int]]:
    with transaction.atomic():
        synth_build(seed=5, scale=scale, out=lambda _message: None)
        coordinator = _role(ProgrammeRole.Role.COORDINATOR)
        system_partner = _role(ProgrammeRole.Role.SYSTEM_PARTNER)
        community = (
            Community.objects.filter(programme__slug=SLUG)
            .annotate(n=Count("memberships", filter=active_membership_q("memberships__")))
            .order_by("-n", "pk")[0]
        )
        member = _member(community, Membership.Role.PARTICIPANT)
        wave = Wave.objects.filter(programme__slug=SLUG).order_by("-opens_on", "pk").first()

        def url(name, *args, query=""):
            return reverse(f"api:{name}", args=args) + (f"?{query}" if query else "")

        pk = community.pk
        calls = {
            "programmes": (coordinator, url("programmes")),
            "programme communities": (coordinator, url("programme_communities", SLUG)),
            "programme communities, page 2 by members": (
                coordinator,
                url("programme_communities", SLUG, query="sort=-members&page=2&page_size=2"),
            ),
            "my communities": (member, url("communities")),
            "community, as member": (member, url("community", pk)),
            "community, as coordinator": (coordinator, url("community", pk)),
            "community meetings, as member": (member, url("community_meetings", pk)),
            "community meetings, as coordinator": (coordinator, url("community_meetings", pk)),
            "community lessons": (member, url("community_lessons", pk)),
            "community agreements": (member, url("community_agreements", pk)),
            "community signals": (member, url("community_signals", pk)),
            "venster": (coordinator, url("venster", SLUG)),
            "venster, new ones by date": (
                coordinator,
                url("venster", SLUG, query="state=new&sort=-date&page_size=100"),
            ),
            "venster, searched": (coordinator, url("venster", SLUG, query="q=wachttijd")),
            "themes": (coordinator, url("themes", SLUG)),
            "top five": (coordinator, url("top_five", SLUG)),
            "coordination meetings": (coordinator, url("lcc_list", SLUG)),
            "system level inbox": (system_partner, url("system_inbox", SLUG)),
            "waves": (coordinator, url("waves", SLUG)),
            "wave results": (coordinator, url("wave_results", wave.pk)),
            "products": (coordinator, url("products", SLUG)),
            "knowledge": (coordinator, url("knowledge", SLUG)),
            "monitor": (coordinator, url("programme_monitor", SLUG)),
        }
        counts = {name: _count(user, address) for name, (user, address) in calls.items()}
        transaction.set_rollback(True)
    return counts


def _counts(scale: float) -> dict[str, tuple[int, int]]:
    if scale not in _cache:
        _cache[scale] = _endpoint_counts(scale)
    return _cache[scale]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_query_count_of_an_api_list_does_not_grow_with_the_network(endpoint):
    small, large = _counts(SMALL)[endpoint], _counts(LARGE)[endpoint]
    assert small[0] == 200, f"{endpoint} answered {small[0]}"
    assert large[0] == 200, f"{endpoint} answered {large[0]}"
    assert small[1] == large[1], (
        f"{endpoint}: {small[1]} queries on the small network, {large[1]} on the large"
    )
