"""Search never returns what the person may not see (issue "Dissemination", DESIGN.md §2).

Two kinds of tests: a confidential word seeded in one community, searched for through the page
by every kind of visitor; and each source's visibility filter held to the app's own permission
function on a mixed dataset.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from leerkring.communities import permissions as community_permissions
from leerkring.communities.permissions import forget_access
from leerkring.dissemination import permissions as dissemination_permissions
from leerkring.dissemination.models import NewsletterIssue
from leerkring.meetings import permissions as meeting_permissions
from leerkring.meetings.models import Agreement, Lesson, Message, Thread
from leerkring.search import selectors
from leerkring.signalling import permissions as signal_permissions
from leerkring.signalling.models import Escalation, Signal
from tests import factories

SECRET = "kwartelkoningberaad"
CONFIDENTIAL_SOURCES = {"meetings", "agreements", "lessons", "signals", "messages", "products"}
OUTSIDERS = [
    "sibling_member",
    "foreign_member",
    "coordinator",
    "evaluator",
    "system_partner",
    "other_coordinator",
    "nobody",
]
MEMBERS = ["participant", "lead", "facilitator"]


def _seed_confidential(community, *, word: str = SECRET) -> None:
    """The word in the community's minutes, an agreement, an unshared lesson, a draft signal,
    a thread message and an unshared product."""
    meeting = factories.MeetingFactory(
        community=community, minutes=f"We bespraken het {word} uitgebreid."
    )
    Agreement.objects.create(meeting=meeting, community=community, text=f"Navragen: {word}.")
    Lesson.objects.create(
        meeting=meeting, community=community, text=f"Het {word} werkt goed.", shareable=False
    )
    factories.SignalFactory(community=community, title="Knelpunt", description=f"Over {word}.")
    thread = Thread.objects.create(community=community, title="Onderling")
    Message.objects.create(thread=thread, body=f"Wie weet meer over het {word}?")
    factories.ProductFactory(
        programme=community.programme,
        communities=[community],
        title="Notitie",
        summary=f"Verslag van het {word}.",
        shareable=False,
    )


def _search(client, user, q: str, kind: str = ""):
    client.force_login(user)
    response = client.get(reverse("search:search"), {"q": q, "type": kind})
    assert response.status_code == 200
    return response


def _hits(response, key: str) -> list:
    return next(g for g in response.context["groups"] if g["key"] == key).get("hits") or []


def _found(response) -> dict[str, int]:
    return {group["key"]: group["count"] for group in response.context["groups"] if group["count"]}


@pytest.mark.parametrize("visitor", OUTSIDERS)
def test_it_finds_nothing_confidential_for_someone_outside_the_community(client, world, visitor):
    _seed_confidential(world.community)
    response = _search(client, getattr(world, visitor), SECRET)
    assert _found(response) == {}
    assert response.context["total"] == 0
    assert b"<mark>" not in response.content
    # Each source looked one by one too, so a paged source cannot leak either.
    for kind in CONFIDENTIAL_SOURCES:
        assert _found(_search(client, getattr(world, visitor), SECRET, kind)) == {}


def test_it_sends_an_anonymous_visitor_to_sign_in(client, world):
    _seed_confidential(world.community)
    response = client.get(reverse("search:search"), {"q": SECRET})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert SECRET.encode() not in response.content


@pytest.mark.parametrize("visitor", MEMBERS)
def test_a_member_finds_everything_of_their_own_community(client, world, visitor):
    _seed_confidential(world.community)
    response = _search(client, getattr(world, visitor), SECRET)
    assert set(_found(response)) == CONFIDENTIAL_SOURCES
    assert f"<mark>{SECRET}</mark>".encode() in response.content


def test_a_shared_lesson_reaches_the_programme_but_not_another_programme(client, world):
    meeting = factories.MeetingFactory(community=world.community)
    Lesson.objects.create(
        meeting=meeting,
        community=world.community,
        text="Een taalmaatje per gezin halveert de uitval.",
        shareable=True,
    )
    sibling = _search(client, world.sibling_member, "taalmaatje")
    assert _found(sibling) == {"lessons": 1}
    hit = _hits(sibling, "lessons")[0]
    # The meeting page is for members only; a shared lesson links to the knowledge view.
    assert hit.url.startswith(reverse("dissemination:knowledge", args=[world.programme.slug]))
    assert _found(_search(client, world.coordinator, "taalmaatje")) == {"lessons": 1}
    for visitor in ("foreign_member", "other_coordinator", "system_partner", "nobody"):
        assert _found(_search(client, getattr(world, visitor), "taalmaatje")) == {}, visitor


def test_a_system_partner_finds_only_signals_escalated_to_the_system_level(client, world):
    escalated = factories.SignalFactory(
        community=world.community,
        title="Wachtlijst kinderopvang",
        state=Signal.State.ESCALATED_SYSTEM,
        passed=True,
    )
    Escalation.objects.create(signal=escalated, level=Escalation.Level.SYSTEM, question="Wat nu?")
    lcc = factories.SignalFactory(
        community=world.community, title="Wachtlijst taalschool", passed=True
    )
    Escalation.objects.create(signal=lcc, level=Escalation.Level.LCC, question="Bespreken?")
    response = _search(client, world.system_partner, "wachtlijst")
    assert _found(response) == {"signals": 1}
    hit = _hits(response, "signals")[0]
    assert hit.url == reverse("signalling:system_signal", args=[escalated.pk])
    # No community named to the system level.
    assert world.community.name not in hit.context
    assert world.community.name.encode() not in response.content


def test_the_venster_audience_finds_passed_on_signals_but_not_drafts(client, world):
    factories.SignalFactory(community=world.community, title="Reiskosten doorgegeven", passed=True)
    factories.SignalFactory(community=world.community, title="Reiskosten concept")
    lead_of_sibling = factories.MembershipFactory(community=world.sibling, role="lead")
    for user in (world.coordinator, lead_of_sibling.person.user):
        response = _search(client, user, "reiskosten")
        titles = [str(h.title) for h in _hits(response, "signals")]
        assert titles == ["<mark>Reiskosten</mark> doorgegeven"]
    assert _found(_search(client, world.sibling_member, "reiskosten")) == {}
    assert _found(_search(client, world.participant, "reiskosten")) == {"signals": 2}


# --- Each visibility filter against the app's own permission function -------------------


def _mixed_dataset(world) -> None:
    """For each community (own, sibling, other programme): meetings, lessons shared and not,
    agreements, threads with messages, signals as draft, passed on, escalated to LCC and to
    the system level, products shared and not; newsletters public and members-only, sent and
    draft."""
    for community in (world.community, world.sibling, world.foreign):
        meeting = factories.MeetingFactory(community=community, minutes="verslag")
        for shareable in (True, False):
            Lesson.objects.create(
                meeting=meeting, community=community, text="les", shareable=shareable
            )
            factories.ProductFactory(
                programme=community.programme, communities=[community], shareable=shareable
            )
        Agreement.objects.create(meeting=meeting, community=community, text="afspraak")
        thread = Thread.objects.create(community=community, title="gesprek")
        Message.objects.create(thread=thread, body="bericht")
        factories.SignalFactory(community=community)
        factories.SignalFactory(community=community, passed=True)
        for level, state in (("lcc", "escalated_lcc"), ("system", "escalated_system")):
            signal = factories.SignalFactory(community=community, passed=True, state=state)
            Escalation.objects.create(signal=signal, level=level, question="?")
    # A product of the programme behind no community: only coordinators and evaluators.
    factories.ProductFactory(programme=world.programme, shareable=False)
    for programme in (world.programme, world.other_programme):
        for is_public in (True, False):
            newsletter = factories.NewsletterFactory(programme=programme, is_public=is_public)
            for status in NewsletterIssue.Status.values:
                factories.IssueFactory(newsletter=newsletter, status=status)


def _signal_allowed(user, signal) -> bool:
    return signal_permissions.can_view_signal(
        user, signal
    ) or signal_permissions.can_view_escalated_signal(user, signal)


RULES = {
    "communities": (selectors.communities_visible, community_permissions.can_view_community),
    "meetings": (selectors.meetings_visible, meeting_permissions.can_view_meeting),
    "agreements": (selectors.agreements_visible, meeting_permissions.can_view_agreement),
    "threads": (
        selectors.threads_visible,
        lambda user, thread: meeting_permissions.can_use_threads(user, thread.community),
    ),
    "messages": (
        selectors.messages_visible,
        lambda user, message: meeting_permissions.can_use_threads(user, message.thread.community),
    ),
    "lessons": (selectors.lessons_visible, dissemination_permissions.can_view_lesson),
    "signals": (selectors.signals_visible, _signal_allowed),
    "products": (selectors.products_visible, dissemination_permissions.can_view_product),
    "issues": (
        selectors.issues_visible,
        lambda user, issue: (
            issue.status != NewsletterIssue.Status.DRAFT
            and dissemination_permissions.can_view_issue(user, issue)
        ),
    ),
}


@pytest.mark.parametrize("source", sorted(RULES))
def test_each_visibility_filter_lets_through_only_what_the_app_allows(world, source):
    _mixed_dataset(world)
    visible_of, allowed = RULES[source]
    model = visible_of(user=world.nobody).model
    everything = list(model.objects.all())
    assert len(everything) >= 3
    checked = 0
    for visitor in ["nobody", *MEMBERS, *OUTSIDERS]:
        user = getattr(world, visitor)
        forget_access(user)
        visible = set(visible_of(user=user).values_list("pk", flat=True))
        permitted = {row.pk for row in everything if allowed(user, row)}
        assert visible <= permitted, f"{source} leaks to {visitor}: {visible - permitted}"
        # And nothing the app allows is left unfindable, except unshared products for the
        # programme's coordinators and evaluators (see `selectors.products_visible`).
        if source == "products" and visitor in ("coordinator", "evaluator", "other_coordinator"):
            unshared = {row.pk for row in everything if not row.shareable}
            assert visible == permitted - unshared
        else:
            assert visible == permitted, f"{source} hides from {visitor}: {permitted - visible}"
        checked += len(visible)
    assert checked, f"no visitor sees any {source}; the test would prove nothing"
