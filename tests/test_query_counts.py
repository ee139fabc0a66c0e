"""A page's query count must not grow with the data (DESIGN.md §5, STYLE.md "Querysets").

Each page is requested on a small synthetic network and on one ten times larger, by the visitor
who uses it; the counts must be equal. The community pages are also compared between the
smallest community and one of forty members.
"""

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.models import Community, Membership, active_membership_q
from leerkring.communities.synthetic import synth_build

SMALL, LARGE = 0.005, 0.05
PAGES = [
    "programme overview",
    "programme overview, page 2 sorted by members",
    "community page, as member",
    "community page, as coordinator",
    "member list, as lead",
    "organisation directory",
    "organisation directory, filtered",
    # Issue "Meetings": the community with the most meetings, the meeting with the most agenda
    # items (all members present), and the agreements of the person in the most communities.
    "meeting list, as member",
    "meeting list, as coordinator",
    "meeting page, as member",
    "meeting page, as lead",
    "my agreements",
    # Issue "Learning across communities": the public knowledge base (no sign-in), programme
    # events and the network of leads and facilitators, on the same two networks.
    "public knowledge base",
    "public knowledge base, searched and filtered",
    "public item",
    "public feed",
    "public event page",
    "public event page, after the event",
    "public events",
    "public events, searched",
    "programme events, as member",
    "programme events, as coordinator",
    "network page, as lead",
    "home, as lead",
    # Issue "Task-first interface": "Wat nu" for every role.
    "home, as member",
    "home, as coordinator",
    "home, as evaluator",
    "home, as system partner",
    "community signals, as member",
    "member list, searched, page 2",
    "newsletter issue edit, as coordinator",
    "newsletter issue edit, searched, page 2",
    "venster, as coordinator",
    # Issue 17: read from the theme tallies, whatever the number of signals.
    "top five, as coordinator",
    "main issues, as coordinator",
    # The programme report's lines per community, paged: read from the stored report.
    "programme report per community, as coordinator",
    "programme report per community, searched, page 2",
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


def _programme_role(role: str):
    return (
        ProgrammeRole.objects.filter(programme__slug="inburgering", role=role)
        .select_related("person__user")
        .order_by("pk")[0]
        .person.user
    )


def _count(user, url: str) -> tuple[int, int]:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm: the first request may fill per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


def _page_counts(scale: float, community_pick: str) -> dict[str, tuple[int, int]]:
    """Counts per page on a synthetic network built inside a rolled-back transaction."""
    with transaction.atomic():
        synth_build(seed=5, scale=scale, out=lambda _message: None)
        coordinator_role = ProgrammeRole.objects.filter(
            programme__slug="inburgering", role=ProgrammeRole.Role.COORDINATOR
        ).order_by("pk")[0]
        coordinator = coordinator_role.person.user
        communities = (
            Community.objects.filter(programme__slug="inburgering")
            .annotate(n=Count("memberships", filter=active_membership_q("memberships__")))
            .order_by("n" if community_pick == "smallest" else "-n", "pk")
        )
        community = communities[0]
        member = _member(community, Membership.Role.PARTICIPANT)
        lead = _member(community, Membership.Role.LEAD)
        programme_url = reverse("communities:programme", args=["inburgering"])
        community_url = reverse("communities:community", args=[community.pk])
        organisations_url = reverse("communities:organisation_list")
        counts = {
            "programme overview": _count(coordinator, programme_url),
            "programme overview, page 2 sorted by members": _count(
                coordinator, f"{programme_url}?sort=-members&page=2"
            ),
            "community page, as member": _count(member, community_url),
            "community page, as coordinator": _count(coordinator, community_url),
            "member list, as lead": _count(
                lead, reverse("communities:members", args=[community.pk])
            ),
            "organisation directory": _count(coordinator, organisations_url),
            "organisation directory, filtered": _count(
                coordinator, f"{organisations_url}?type=municipality&page=2"
            ),
        }
        counts.update(
            {
                "home, as member": _count(member, reverse("core:home")),
                "home, as coordinator": _count(coordinator, reverse("core:home")),
                "home, as evaluator": _count(
                    _programme_role(ProgrammeRole.Role.EVALUATOR), reverse("core:home")
                ),
                "home, as system partner": _count(
                    _programme_role(ProgrammeRole.Role.SYSTEM_PARTNER), reverse("core:home")
                ),
            }
        )
        counts.update(_task_first_counts(coordinator, member, lead, community))
        counts.update(_meeting_page_counts(coordinator))
        counts.update(_learning_across_counts(coordinator, lead))
        counts.update(_report_counts(coordinator))
        transaction.set_rollback(True)
    return counts


def _report_counts(coordinator) -> dict[str, tuple[int, int]]:
    """The paged list of the programme report's lines per community (its first request
    computes the report: tasks run at once in tests)."""
    url = reverse("evaluation:programme_report_communities", args=["inburgering"])
    return {
        "programme report per community, as coordinator": _count(coordinator, url),
        "programme report per community, searched, page 2": _count(
            coordinator, f"{url}?q=e&page=2"
        ),
    }


def _task_first_counts(coordinator, member, lead, community) -> dict[str, tuple[int, int]]:
    """Issue "Task-first interface": the paged lists behind the community page, and the picks
    of a newsletter issue, which grow with everything the communities share."""
    from leerkring.dissemination.models import Newsletter
    from leerkring.dissemination.services import issue_create

    newsletter = Newsletter.objects.create(
        programme=community.programme, title="Nieuwsbrief van het programma"
    )
    issue = issue_create(newsletter=newsletter, by=coordinator)
    edit_url = reverse("dissemination:issue_edit", args=[issue.pk])
    members_url = reverse("communities:members", args=[community.pk])
    return {
        "community signals, as member": _count(
            member, reverse("signalling:community_signals", args=[community.pk])
        ),
        "member list, searched, page 2": _count(lead, f"{members_url}?q=a&page=2"),
        "newsletter issue edit, as coordinator": _count(coordinator, edit_url),
        "newsletter issue edit, searched, page 2": _count(
            coordinator, f"{edit_url}?q=e&kind=lesson&page=2"
        ),
        "venster, as coordinator": _count(
            coordinator, reverse("signalling:venster", args=[community.programme.slug])
        ),
        "top five, as coordinator": _count(
            coordinator, reverse("signalling:top5", args=[community.programme.slug])
        ),
        "main issues, as coordinator": _count(
            coordinator, reverse("signalling:theme_list", args=[community.programme.slug])
        ),
    }


def _meeting_page_counts(coordinator) -> dict[str, tuple[int, int]]:
    from leerkring.communities.models import Person
    from leerkring.meetings.models import Meeting

    community = (
        Community.objects.filter(programme__slug="inburgering")
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")[0]
    )
    meeting = Meeting.objects.annotate(n=Count("agenda_items")).order_by("-n", "pk")[0]
    small_meeting = (
        Meeting.objects.filter(status=Meeting.Status.HELD)
        .annotate(n=Count("attendances"))
        .filter(n__gt=0)
        .order_by("n", "pk")[0]
    )
    owner = (
        Person.objects.filter(user__isnull=False, memberships__left_on__isnull=True)
        .annotate(
            communities=Count("memberships", distinct=True),
            agreements=Count("memberships__agreements", distinct=True),
        )
        .filter(agreements__gt=0)
        .order_by("-communities", "-agreements", "pk")[0]
    )
    list_url = reverse("meetings:meeting_list", args=[community.pk])
    meeting_url = reverse("meetings:meeting_detail", args=[meeting.pk])
    return {
        "meeting list, as member": _count(
            _member(community, Membership.Role.PARTICIPANT), list_url
        ),
        "meeting list, as coordinator": _count(coordinator, list_url),
        "meeting page, as member": _count(
            _member(meeting.community, Membership.Role.PARTICIPANT), meeting_url
        ),
        "meeting page, as lead": _count(
            _member(meeting.community, Membership.Role.LEAD), meeting_url
        ),
        "my agreements": _count(owner.user, reverse("meetings:my_agreements")),
        "meeting page of a small meeting, as member": _count(
            _member(small_meeting.community, Membership.Role.PARTICIPANT),
            reverse("meetings:meeting_detail", args=[small_meeting.pk]),
        ),
    }


def _count_anonymous(url: str) -> tuple[int, int]:
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


def _learning_across_counts(coordinator, lead) -> dict[str, tuple[int, int]]:
    from leerkring.events.models import Event
    from leerkring.network.models import Network
    from leerkring.publishing.models import Publication

    item = Publication.objects.filter(programme__slug="inburgering").order_by("pk").first()
    # As bench/learning.py: the busiest open session without a look back, and a held one.
    event = (
        Event.objects.filter(
            programme__slug="inburgering",
            audience="public",
            wrapped_up_at__isnull=True,
            recording__isnull=True,
        )
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .first()
    )
    held = (
        Event.objects.filter(
            programme__slug="inburgering", audience="public", recording__isnull=False
        )
        .order_by("-starts_at", "pk")
        .first()
    )
    network = Network.objects.get(programmes__slug="inburgering")
    events_url = reverse("events:public_event_list", args=["inburgering"])
    public_url = reverse("publishing:public_programme", args=["inburgering"])
    return {
        "public knowledge base": _count_anonymous(public_url),
        "public knowledge base, searched and filtered": _count_anonymous(
            f"{public_url}?q=gemeente&topic=procedures&kind=lesson"
        ),
        "public item": _count_anonymous(
            reverse("publishing:public_item", args=["inburgering", item.public_id])
        ),
        "public feed": _count_anonymous(
            reverse("publishing:public_feed_atom", args=["inburgering"])
        ),
        "public event page": _count_anonymous(
            reverse("events:public_event", args=["inburgering", event.public_id])
        ),
        "public event page, after the event": _count_anonymous(
            reverse("events:public_event", args=["inburgering", held.public_id])
        ),
        "public events": _count_anonymous(events_url),
        "public events, searched": _count_anonymous(f"{events_url}?q=kennissessie&page=2"),
        "programme events, as member": _count(
            lead, reverse("events:event_list", args=["inburgering"])
        ),
        "programme events, as coordinator": _count(
            coordinator, reverse("events:event_list", args=["inburgering"])
        ),
        "network page, as lead": _count(lead, reverse("network:network", args=[network.pk])),
        "home, as lead": _count(lead, reverse("core:home")),
    }


def _counts(key: str) -> dict[str, tuple[int, int]]:
    if key not in _cache:
        scale, pick = {
            "small": (SMALL, "largest"),
            "large": (LARGE, "largest"),
            "large, smallest community": (LARGE, "smallest"),
        }[key]
        _cache[key] = _page_counts(scale, pick)
    return _cache[key]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_the_query_count_does_not_grow_with_the_network(page):
    small, large = _counts("small")[page], _counts("large")[page]
    assert small[0] == 200, f"{page} answered {small[0]}"
    assert large[0] == 200, f"{page} answered {large[0]}"
    assert small[1] == large[1], (
        f"{page}: {small[1]} queries on the small network, {large[1]} on the large"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["community page, as member", "community page, as coordinator", "member list, as lead"]
)
def test_the_query_count_does_not_grow_with_the_community(page):
    small, large = _counts("large, smallest community")[page], _counts("large")[page]
    assert small[0] == large[0] == 200
    assert small[1] == large[1], (
        f"{page}: {small[1]} queries for the smallest community, {large[1]} for forty"
    )


@pytest.mark.django_db
def test_the_meeting_page_query_count_does_not_grow_with_the_meeting():
    """Ten agenda items and forty present cost as many queries as the smallest meeting."""
    counts = _counts("large")
    small, large = (
        counts["meeting page of a small meeting, as member"],
        counts["meeting page, as member"],
    )
    assert small[0] == large[0] == 200
    assert small[1] == large[1], (
        f"meeting page: {small[1]} queries for the smallest meeting, {large[1]} for the largest"
    )
