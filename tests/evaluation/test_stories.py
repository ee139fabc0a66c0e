import hashlib

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.evaluation import selectors, services
from leerkring.evaluation.models import ChangeStory, StoryInvitation
from tests import factories
from tests.confirm import CONFIRMED

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _link(world, community=None) -> tuple[StoryInvitation, str]:
    invitation, token = services.story_invitation_create(
        programme=world.programme, title="Verhalen voorjaar", community=community, by=None
    )
    return invitation, reverse("evaluation:story_submit", args=[token])


def _story_post(**extra) -> dict:
    return {
        "teller": "manager",
        "story": "Mijn team belt de taalschool nu direct.",
        "why_significant": "Inburgeraars starten sneller.",
        "title": "Korte lijnen",
        **extra,
    }


# Links ----------------------------------------------------------------------------------------


def test_an_evaluator_makes_a_link_that_is_shown_once_and_stored_as_a_hash(client, world):
    client.force_login(world.evaluator)
    url = reverse("evaluation:story_links", args=[world.programme.slug])
    response = client.post(url, {"title": "Verhalen najaar", "community": world.community.pk})
    html = response.content.decode()
    assert "maar één keer getoond" in html
    invitation = StoryInvitation.objects.get()
    assert invitation.community == world.community
    token = html.split("/verhaal/")[1].split("/")[0]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in client.get(url).content.decode()


def test_a_link_is_refused_for_a_community_of_another_programme(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.story_invitation_create(
            programme=world.programme, title="X", community=world.foreign, by=None
        )


def test_an_evaluator_closes_and_reopens_a_link(client, world):
    invitation, _url = _link(world)
    client.force_login(world.evaluator)
    toggle = reverse("evaluation:story_link_toggle", args=[world.programme.slug, invitation.pk])
    client.post(toggle, {"action": "close"})
    invitation.refresh_from_db()
    assert invitation.is_open is False
    client.post(toggle, {"action": "open"})
    invitation.refresh_from_db()
    assert invitation.is_open is True


# The public form ------------------------------------------------------------------------------


def test_a_story_is_told_through_the_link_without_an_account(client, world):
    _invitation, url = _link(world)
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Wat was voor jou de belangrijkste verandering door deze CoP?" in html
    assert "We vragen niet naar je naam" in html
    assert world.community.name in html
    response = client.post(url, _story_post(community=world.community.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:story_thanks")
    story = ChangeStory.objects.get()
    assert (story.source, story.teller, story.community) == ("link", "manager", world.community)
    assert story.programme == world.programme
    assert story.entered_by is None


def test_a_link_for_one_community_does_not_ask_which(client, world):
    _invitation, url = _link(world, community=world.sibling)
    assert 'name="community"' not in client.get(url).content.decode()
    client.post(url, _story_post(community=world.foreign.pk))
    assert ChangeStory.objects.get().community == world.sibling


def test_the_form_refuses_a_community_of_another_programme(client, world):
    _invitation, url = _link(world)
    response = client.post(url, _story_post(community=world.foreign.pk))
    assert response.status_code == 200
    assert not ChangeStory.objects.exists()


def test_the_form_says_what_is_missing(client, world):
    _invitation, url = _link(world)
    response = client.post(url, {"community": world.community.pk})
    html = response.content.decode()
    assert "Controleer de gemarkeerde velden." in html
    assert 'aria-invalid="true"' in html
    assert not ChangeStory.objects.exists()


def test_a_closed_link_shows_a_friendly_page(client, world):
    invitation, url = _link(world)
    services.story_invitation_set_open(invitation=invitation, is_open=False, by=None)
    response = client.get(url)
    assert response.status_code == 410
    assert "Deze link is gesloten" in response.content.decode()
    assert client.post(url, _story_post(community=world.community.pk)).status_code == 410
    assert not ChangeStory.objects.exists()


def test_a_tampered_token_shows_a_friendly_page(client, world):
    _invitation, url = _link(world)
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    response = client.post(tampered, _story_post(community=world.community.pk))
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()
    assert not ChangeStory.objects.exists()


def test_a_filled_honeypot_stores_nothing_but_looks_like_success(client, world):
    _invitation, url = _link(world)
    response = client.post(url, _story_post(community=world.community.pk, website="spam.example"))
    assert response["Location"] == reverse("evaluation:story_thanks")
    assert not ChangeStory.objects.exists()


def test_too_many_stories_from_one_address_are_refused(client, world, settings):
    from leerkring.evaluation.views import stories as story_views

    _invitation, url = _link(world)
    for _ in range(story_views.STORY_SUBMITS_PER_HOUR):
        assert client.post(url, _story_post(community=world.community.pk)).status_code == 302
    response = client.post(url, _story_post(community=world.community.pk))
    assert response.status_code == 429
    assert ChangeStory.objects.count() == story_views.STORY_SUBMITS_PER_HOUR


def test_script_in_a_story_is_shown_as_text(client, world):
    _invitation, url = _link(world)
    client.post(
        url,
        _story_post(community=world.community.pk, title=SCRIPT, story=f"Voor {SCRIPT} na"),
    )
    story = ChangeStory.objects.get()
    client.force_login(world.evaluator)
    for page in (
        reverse("evaluation:story_list", args=[world.programme.slug]),
        reverse("evaluation:story_detail", args=[story.pk]),
    ):
        html = client.get(page).content.decode()
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html


# Interviews, tagging and selection ----------------------------------------------------------


def test_an_evaluator_enters_an_interview(client, world):
    client.force_login(world.evaluator)
    response = client.post(
        reverse("evaluation:story_create", args=[world.programme.slug]),
        {"teller": "partner", "story": "De ketenpartners kennen elkaar nu.", "community": ""},
    )
    story = ChangeStory.objects.get()
    assert response["Location"] == reverse("evaluation:story_detail", args=[story.pk])
    assert (story.source, story.teller, story.entered_by) == (
        "interview",
        "partner",
        world.evaluator,
    )
    assert story.community is None


def test_an_evaluator_tags_selects_and_shares_a_story(client, world):
    story = factories.ChangeStoryFactory(programme=world.programme, community=world.community)
    client.force_login(world.evaluator)
    url = reverse("evaluation:story_detail", args=[story.pk])
    response = client.post(
        url,
        {
            "tag_knowledge": "on",
            "tag_actions": "on",
            "level": "organisation",
            "selected": "on",
            "shareable": "on",
        },
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.tag_knowledge, story.tag_relations, story.tag_attitude, story.tag_actions) == (
        True,
        False,
        False,
        True,
    )
    assert (story.level, story.selected, story.shareable) == ("organisation", True, True)
    assert list(ChangeStory.objects.filter(shareable=True, selected=True)) == [story]
    assert list(selectors.stories_for_newsletter(programme=world.programme)) == [story]


def test_only_a_selected_story_can_be_shareable(client, world):
    story = factories.ChangeStoryFactory(programme=world.programme)
    client.force_login(world.evaluator)
    response = client.post(reverse("evaluation:story_detail", args=[story.pk]), {"shareable": "on"})
    assert response.status_code == 200
    assert "Selecteer het verhaal eerst" in response.content.decode()
    story.refresh_from_db()
    assert story.shareable is False


def test_a_coordinator_reads_stories_but_does_not_tag_them(client, world):
    story = factories.ChangeStoryFactory(programme=world.programme, title="Zichtbaar")
    client.force_login(world.coordinator)
    listing = client.get(reverse("evaluation:story_list", args=[world.programme.slug]))
    assert "Zichtbaar" in listing.content.decode()
    url = reverse("evaluation:story_detail", args=[story.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"selected": "on"}).status_code == 403
    story.refresh_from_db()
    assert story.selected is False
    assert (
        client.get(reverse("evaluation:story_links", args=[world.programme.slug])).status_code
        == 403
    )


@pytest.mark.parametrize("visitor", ["participant", "lead", "facilitator", "other_coordinator"])
def test_members_and_other_programmes_do_not_see_stories(client, world, visitor):
    story = factories.ChangeStoryFactory(programme=world.programme, community=world.community)
    client.force_login(getattr(world, visitor))
    for url in (
        reverse("evaluation:story_list", args=[world.programme.slug]),
        reverse("evaluation:story_detail", args=[story.pk]),
        reverse("evaluation:story_create", args=[world.programme.slug]),
    ):
        assert client.get(url).status_code == 403, url


def test_an_evaluator_deletes_a_story(client, world):
    story = factories.ChangeStoryFactory(programme=world.programme)
    client.force_login(world.evaluator)
    client.post(reverse("evaluation:story_delete", args=[story.pk]), CONFIRMED)
    assert not ChangeStory.objects.exists()


def test_the_story_list_filters_by_tag_level_community_and_selection(client, world):
    def story(title, **kwargs):
        return factories.ChangeStoryFactory(programme=world.programme, title=title, **kwargs)

    story("Kennis", tag_knowledge=True, level="participant", community=world.community)
    story("Relatie", tag_relations=True, level="system", community=world.sibling, selected=True)
    factories.ChangeStoryFactory(programme=world.other_programme, title="Elders")
    client.force_login(world.evaluator)
    url = reverse("evaluation:story_list", args=[world.programme.slug])

    def titles(**params):
        html = client.get(url, params).content.decode()
        return {t for t in ("Kennis", "Relatie", "Elders") if f">{t}</a>" in html}

    assert titles() == {"Kennis", "Relatie"}
    assert titles(tag="tag_knowledge") == {"Kennis"}
    assert titles(level="system") == {"Relatie"}
    assert titles(community=world.community.pk) == {"Kennis"}
    assert titles(selected="yes") == {"Relatie"}
    assert titles(selected="no") == {"Kennis"}


def _story_list_queries(client, world, n: int) -> int:
    invitation, _url = _link(world)
    for _ in range(n):
        factories.ChangeStoryFactory(
            programme=world.programme,
            community=factories.CommunityFactory(programme=world.programme),
            invitation=invitation,
            source="link",
        )
    url = reverse("evaluation:story_list", args=[world.programme.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_story_list_has_a_flat_query_count(client, world):
    client.force_login(world.evaluator)
    assert _story_list_queries(client, world, 2) == _story_list_queries(client, world, 7)


def test_the_link_list_has_a_flat_query_count(client, world):
    client.force_login(world.evaluator)
    url = reverse("evaluation:story_links", args=[world.programme.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    _link(world, community=world.community)
    few = count()
    for _ in range(4):
        _link(world, community=world.sibling)
    assert count() == few


def test_sharing_a_story_with_a_name_needs_the_guards_check_first(client, world):
    """ "mevrouw El Amrani" in a change story used to go through without a warning, though
    shared stories go into the newsletter."""
    story = factories.ChangeStoryFactory(
        programme=world.programme,
        story="Mevrouw El Amrani vond dankzij de CoP eindelijk een plek bij de taalschool.",
    )
    url = reverse("evaluation:story_detail", args=[story.pk])
    client.force_login(world.evaluator)
    page = client.get(url).content.decode()
    assert "Controleer dit verhaal voordat je het deelt." in page
    assert '<mark class="lk-guard-hit"' in page and "El Amrani</mark>" in page
    data = {"selected": "on", "shareable": "on"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "persoonsgegevens" in refused.content.decode()
    story.refresh_from_db()
    assert not story.shareable
    assert client.post(url, data | {"guard_confirmed": "on"}).status_code == 302
    story.refresh_from_db()
    assert story.shareable
