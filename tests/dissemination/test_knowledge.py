"""The knowledge view across communities: what others work on, and only what they shared."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.communities.models import Community
from leerkring.dissemination import selectors
from leerkring.meetings.models import AgendaItem, Lesson, Meeting
from leerkring.signalling.models import Signal
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_LESSON = "Wethouder Jansen blokkeert de samenwerking met het COA"
SHARED_LESSON = "Samen plannen met het COA scheelt wachttijd"
SECRET_AGENDA_TITLE = "Casus mevrouw A. uit Doetinchem"


def held_meeting(community, days_ago: int = 20) -> Meeting:
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    return factories.MeetingFactory(
        community=community,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )


def agenda_item(meeting, *, title="Casus", category="procedures", subtopic="Wachttijden"):
    return AgendaItem.objects.create(
        meeting=meeting, title=title, topic_category=category, subtopic=subtopic
    )


def lesson(meeting, text, *, shareable):
    return Lesson.objects.create(
        meeting=meeting, community=meeting.community, text=text, shareable=shareable
    )


@pytest.fixture
def shared_world(world):
    world.community.theme = "Taal en werk tegelijk"
    world.community.save()
    meeting = held_meeting(world.community)
    agenda_item(meeting, title=SECRET_AGENDA_TITLE, category="procedures", subtopic="Wachttijden")
    agenda_item(meeting, title="Kinderopvang regelen", category="life_domains",
                subtopic="Kinderopvang")  # fmt: skip
    lesson(meeting, SHARED_LESSON, shareable=True)
    lesson(meeting, SECRET_LESSON, shareable=False)
    factories.ProductFactory(
        programme=world.programme, communities=[world.community], shareable=True,
        title="Gedeelde routekaart",
    )  # fmt: skip
    factories.ProductFactory(
        programme=world.programme, communities=[world.community], title="Geheime beslisboom"
    )
    factories.SignalFactory(community=world.community, passed=True, title="Wachttijd taalschool",
                            description="Mevrouw B. wacht al een jaar")  # fmt: skip
    factories.SignalFactory(community=world.community, title="Concept over de wethouder")
    sibling_meeting = held_meeting(world.sibling)
    agenda_item(sibling_meeting, title="Wachtlijsten", subtopic="Wachttijden")
    return world


def knowledge(client, world, **params):
    return client.get(reverse("dissemination:knowledge", args=[world.programme.slug]), params)


def entry_for(response, community):
    return next(e for e in response.context["entries"] if e["community"].pk == community.pk)


def test_it_shows_theme_topics_and_what_was_shared(client, shared_world):
    w = shared_world
    client.force_login(w.sibling_member)
    response = knowledge(client, w)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Taal en werk tegelijk" in html
    assert "Procedures" in html and "Wachttijden" in html
    assert "Leefdomeinen statushouders" in html and "Kinderopvang" in html
    assert SHARED_LESSON in html
    assert "Gedeelde routekaart" in html
    assert "Wachttijd taalschool" in html
    entry = entry_for(response, w.community)
    assert [t["category"] for t in entry["topics"]] == ["Procedures", "Leefdomeinen statushouders"]


@pytest.mark.parametrize("visitor", ["sibling_member", "coordinator", "evaluator", "participant"])
def test_what_was_not_shared_is_absent_from_the_page(client, shared_world, visitor):
    client.force_login(getattr(shared_world, visitor))
    html = knowledge(client, shared_world).content.decode()
    assert SHARED_LESSON in html
    for secret in (
        SECRET_LESSON,
        SECRET_AGENDA_TITLE,
        "Kinderopvang regelen",
        "Geheime beslisboom",
        "Concept over de wethouder",
        "Mevrouw B. wacht al een jaar",
    ):
        assert secret not in html, f"{secret!r} leaked to {visitor}"


def test_communities_on_the_same_subtopic_are_linked(client, shared_world):
    w = shared_world
    client.force_login(w.sibling_member)
    response = knowledge(client, w)
    related = entry_for(response, w.community)["related"]
    assert related == [{"pk": w.sibling.pk, "name": w.sibling.name, "subtopics": ["Wachttijden"]}]
    assert entry_for(response, w.sibling)["related"][0]["pk"] == w.community.pk
    assert f"?community={w.sibling.pk}" in response.content.decode()


def test_old_agendas_are_not_current_topics(client, world):
    agenda_item(held_meeting(world.community, days_ago=400), subtopic="Huisvesting")
    agenda_item(held_meeting(world.sibling, days_ago=400), subtopic="Huisvesting")
    client.force_login(world.coordinator)
    response = knowledge(client, world)
    assert entry_for(response, world.community)["topics"] == []
    assert entry_for(response, world.community)["related"] == []


def test_it_filters_on_topic_category_and_one_community(client, shared_world):
    w = shared_world
    client.force_login(w.coordinator)
    response = knowledge(client, w, topic="life_domains")
    assert [e["community"].pk for e in response.context["entries"]] == [w.community.pk]
    response = knowledge(client, w, community=w.sibling.pk)
    assert [e["community"].pk for e in response.context["entries"]] == [w.sibling.pk]


def test_it_keeps_only_the_most_recent_shared_lessons_per_community(client, world):
    meeting = held_meeting(world.community)
    for number in range(8):
        item = lesson(meeting, f"Leerpunt {number}", shareable=True)
        Lesson.objects.filter(pk=item.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=10 - number)
        )
    client.force_login(world.coordinator)
    lessons = entry_for(knowledge(client, world), world.community)["lessons"]
    assert [row["text"] for row in lessons] == [f"Leerpunt {n}" for n in (7, 6, 5, 4, 3)]


@pytest.mark.parametrize(
    "visitor", ["system_partner", "foreign_member", "other_coordinator", "nobody"]
)
def test_it_is_closed_to_those_outside_the_programme(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert knowledge(client, world).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = knowledge(client, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _knowledge_queries(client, world, count: int) -> int:
    for number in range(count):
        community = factories.CommunityFactory(
            programme=world.programme, name=f"CoP {count}-{number:03}"
        )
        meeting = held_meeting(community)
        agenda_item(meeting, subtopic="Wachttijden" if number % 2 else "Werk")
        lesson(meeting, f"Leerpunt {number}", shareable=True)
        factories.ProductFactory(programme=world.programme, communities=[community], shareable=True)
        factories.SignalFactory(community=community, passed=True)
    client.force_login(world.sibling_member)
    with CaptureQueriesContext(connection) as queries:
        response = knowledge(client, world)
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(count + 2, 20)
    return len(queries)


def test_the_query_count_does_not_grow_with_communities(client, world):
    small = _knowledge_queries(client, world, 3)
    Signal.objects.all().delete()
    large = _knowledge_queries(client, world, 30)
    assert small == large


def test_it_lists_the_closest_few_communities_on_the_same_topic_and_counts_the_rest(client, world):
    others = [
        factories.CommunityFactory(programme=world.programme, name=f"CoP Buur {number:02}")
        for number in range(selectors.KNOWLEDGE_RELATED_PER_COMMUNITY + 3)
    ]
    agenda_item(held_meeting(world.community, days_ago=10), subtopic="Wachttijden")
    agenda_item(held_meeting(world.community, days_ago=10), subtopic="Huisvesting")
    for other in others:
        agenda_item(held_meeting(other, days_ago=10), subtopic="Wachttijden")
    agenda_item(held_meeting(others[-1], days_ago=10), subtopic="Huisvesting")
    client.force_login(world.coordinator)
    response = knowledge(client, world, community=world.community.pk)
    entry = entry_for(response, world.community)
    assert len(entry["related"]) == selectors.KNOWLEDGE_RELATED_PER_COMMUNITY
    assert entry["related"][0]["pk"] == others[-1].pk
    assert entry["related_more"] == 3
    assert "En nog 3 andere gemeenschappen" in response.content.decode()


REFUSED = "Deze gemeenschap kun je hier niet kiezen. De keuze voor een gemeenschap is weggelaten."


def test_a_community_of_the_programme_is_chosen_and_can_be_cleared(client, world):
    client.force_login(world.sibling_member)
    response = knowledge(client, world, community=world.community.pk)
    html = response.content.decode()
    assert [e["community"].pk for e in response.context["entries"]] == [world.community.pk]
    assert REFUSED not in html
    assert f'<option value="{world.community.pk}" selected>{world.community.name}</option>' in html
    assert '<option value="">Alle gemeenschappen</option>' in html


def _refused_page(client, world, asked) -> str:
    response = knowledge(client, world, community=asked)
    assert response.status_code == 200
    html = response.content.decode()
    # Next to the field, and linked to it for screen readers.
    assert (
        f'<div class="utrecht-form-field-error-message" id="id_community_error"><p>{REFUSED}'
        in (html)
    )
    assert 'aria-describedby="id_community_error"' in html
    # Every community the page lists, as without the filter.
    assert {e["community"].pk for e in response.context["entries"]} == {
        world.community.pk,
        world.sibling.pk,
    }
    main = html[html.index("<main") : html.index("</main>")]
    return main.replace(f"community={quote(str(asked))}", "community=ASKED")


@pytest.mark.parametrize("visitor", ["participant", "sibling_member", "coordinator", "evaluator"])
def test_a_community_that_cannot_be_chosen_is_refused_revealing_nothing(client, world, visitor):
    """Another programme's community, an ended one of this programme, one that does not exist
    and no number at all get the same page: nothing tells them apart (DESIGN.md §2)."""
    ended = factories.CommunityFactory(
        programme=world.programme, name="CoP Gestopt", status=Community.Status.ENDED
    )
    client.force_login(getattr(world, visitor))
    pages = {
        asked: _refused_page(client, world, asked)
        for asked in (world.foreign.pk, ended.pk, 987654, 2**63, "²", "abc")
    }
    assert len(set(pages.values())) == 1, pages.keys()
    for secret in (world.foreign.name, "Utrecht", "CoP Gestopt", "Sociaal Werk"):
        assert secret not in pages[world.foreign.pk]


def test_the_refused_community_is_not_in_the_pages_context(client, world):
    client.force_login(world.participant)
    response = knowledge(client, world, community=world.foreign.pk)
    assert response.context["form"].community_choice.chosen is None
    assert world.foreign.name not in response.content.decode()


@pytest.mark.parametrize("visitor", ["foreign_member", "system_partner", "other_coordinator"])
def test_the_filter_opens_no_door_to_those_outside_the_programme(client, world, visitor):
    client.force_login(getattr(world, visitor))
    for asked in (world.community.pk, world.foreign.pk):
        response = knowledge(client, world, community=asked)
        assert response.status_code == 403
        assert world.community.name not in response.content.decode()


def test_the_filter_sends_anonymous_visitors_to_sign_in(client, world):
    response = knowledge(client, world, community=world.community.pk)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_api_refuses_a_community_it_cannot_choose(world):
    from django.test import Client

    from tests.api.helpers import token_for

    client = Client(headers={"Authorization": f"Bearer {token_for(world.coordinator)}"})
    url = reverse("api:knowledge", args=[world.programme.slug])
    assert client.get(url, {"community": world.sibling.pk}).status_code == 200
    for asked in (world.foreign.pk, 987654):
        response = client.get(url, {"community": asked})
        assert response.status_code == 400
        assert REFUSED in response.content.decode()
        assert world.foreign.name not in response.content.decode()
