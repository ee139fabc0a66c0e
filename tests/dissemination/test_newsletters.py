"""Newsletters: gathering what was shared, composing an issue, publishing, the archive."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from leerkring.dissemination import newsletter as machinery
from leerkring.dissemination import services
from leerkring.dissemination.models import IssueItem, Newsletter, NewsletterIssue
from leerkring.meetings.models import Lesson
from leerkring.signalling.models import Signal, SignalResponse
from tests import factories
from tests.confirm import CONFIRMED

pytestmark = pytest.mark.django_db


def lesson(community, text="Korte lijnen met de taalschool werken.", shareable=True, **kwargs):
    meeting = factories.MeetingFactory(community=community)
    return Lesson.objects.create(
        meeting=meeting, community=community, text=text, shareable=shareable, **kwargs
    )


def answered_signal(community, *, title="Wachtlijst taalschool", state=Signal.State.IN_PROGRESS):
    signal = factories.SignalFactory(
        community=community, title=title, state=state, passed_on_at=timezone.now()
    )
    SignalResponse.objects.create(
        signal=signal, source="coordinator", text="Het ministerie kijkt ernaar."
    )
    return signal


@pytest.fixture
def programme_letter(world):
    return factories.NewsletterFactory(programme=world.programme, title="Programmanieuws")


@pytest.fixture
def community_letter(world):
    return factories.NewsletterFactory(
        programme=world.programme, community=world.community, title="Nieuws uit de Achterhoek"
    )


def keys(candidates):
    return {c.key for group in candidates.values() for c in group}


# --- Gathering ----------------------------------------------------------------------------


def test_a_programme_newsletter_gathers_shared_things_of_every_community_of_the_programme(
    world, programme_letter
):
    own = lesson(world.community)
    sibling = lesson(world.sibling, text="Samen op huisbezoek.")
    foreign = lesson(world.foreign, text="Elders geleerd.")
    product = factories.ProductFactory(
        programme=world.programme, communities=[world.sibling], shareable=True, status="ready"
    )
    story = factories.ChangeStoryFactory(programme=world.programme, selected=True, shareable=True)
    signal = answered_signal(world.community)

    found = keys(machinery.gather_candidates(newsletter=programme_letter))

    assert f"lesson:{own.pk}" in found
    assert f"lesson:{sibling.pk}" in found
    assert f"lesson:{foreign.pk}" not in found
    assert f"product:{product.pk}" in found
    assert f"story:{story.pk}" in found
    assert f"signal:{signal.pk}" in found


def test_it_never_gathers_what_was_not_shared(world, programme_letter):
    secret = lesson(
        world.community, text="Vertrouwelijk: de wethouder ligt dwars.", shareable=False
    )
    unshared_product = factories.ProductFactory(
        programme=world.programme, communities=[world.community], shareable=False, status="ready"
    )
    unfinished = factories.ProductFactory(
        programme=world.programme, communities=[world.community], shareable=True, status="idea"
    )
    unselected = factories.ChangeStoryFactory(
        programme=world.programme, selected=False, shareable=True
    )
    unshareable = factories.ChangeStoryFactory(
        programme=world.programme, selected=True, shareable=False
    )
    draft = factories.SignalFactory(community=world.community)
    SignalResponse.objects.create(signal=draft, source="coordinator", text="Antwoord")
    unanswered = factories.SignalFactory(community=world.community, passed=True)

    found = keys(machinery.gather_candidates(newsletter=programme_letter))

    for hidden in (
        f"lesson:{secret.pk}",
        f"product:{unshared_product.pk}",
        f"product:{unfinished.pk}",
        f"story:{unselected.pk}",
        f"story:{unshareable.pk}",
        f"signal:{draft.pk}",
        f"signal:{unanswered.pk}",
    ):
        assert hidden not in found


def test_a_community_newsletter_gathers_only_its_own_community(world, community_letter):
    own = lesson(world.community)
    sibling = lesson(world.sibling)
    own_product = factories.ProductFactory(
        programme=world.programme, communities=[world.community], shareable=True, status="ready"
    )
    sibling_product = factories.ProductFactory(
        programme=world.programme, communities=[world.sibling], shareable=True, status="ready"
    )
    sibling_signal = answered_signal(world.sibling)

    found = keys(machinery.gather_candidates(newsletter=community_letter))

    assert f"lesson:{own.pk}" in found
    assert f"product:{own_product.pk}" in found
    assert f"lesson:{sibling.pk}" not in found
    assert f"product:{sibling_product.pk}" not in found
    assert f"signal:{sibling_signal.pk}" not in found


def test_it_gathers_since_the_last_published_issue(world, programme_letter):
    old = lesson(world.community, text="Oud")
    Lesson.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=20))
    factories.IssueFactory(
        newsletter=programme_letter,
        status=NewsletterIssue.Status.SENT,
        published_at=timezone.now() - datetime.timedelta(days=10),
    )
    new = lesson(world.community, text="Nieuw")

    found = keys(machinery.gather_candidates(newsletter=programme_letter))

    assert f"lesson:{new.pk}" in found
    assert f"lesson:{old.pk}" not in found


def test_the_first_issue_looks_back_three_months(world, programme_letter):
    recent = lesson(world.community, text="Recent")
    ancient = lesson(world.community, text="Lang geleden")
    Lesson.objects.filter(pk=ancient.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=120)
    )
    found = keys(machinery.gather_candidates(newsletter=programme_letter))
    assert f"lesson:{recent.pk}" in found
    assert f"lesson:{ancient.pk}" not in found


def test_a_signal_candidate_carries_the_answer_but_not_the_description(world, programme_letter):
    signal = answered_signal(world.community)
    candidate = machinery.gather_candidates(newsletter=programme_letter)[IssueItem.Kind.SIGNAL][0]
    assert candidate.source_id == signal.pk
    assert "Het ministerie kijkt ernaar." in candidate.body
    assert signal.description not in candidate.body


# --- Composing ----------------------------------------------------------------------------


def test_picking_copies_the_text_so_later_edits_of_the_source_do_not_change_the_issue(
    world, programme_letter
):
    source = lesson(world.community, text="Bel de taalschool direct.")
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    services.issue_picks_set(issue=issue, keys=[f"lesson:{source.pk}"], by=world.coordinator)
    Lesson.objects.filter(pk=source.pk).update(text="Veranderd")
    item = issue.items.get()
    assert "Bel de taalschool direct." in item.body
    assert item.kind == IssueItem.Kind.LESSON


def test_it_refuses_to_pick_a_lesson_that_was_not_shared(world, programme_letter):
    secret = lesson(world.community, shareable=False)
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    with pytest.raises(ValidationError):
        services.issue_picks_set(issue=issue, keys=[f"lesson:{secret.pk}"], by=world.coordinator)
    assert not issue.items.exists()


def test_it_refuses_to_pick_a_lesson_of_another_community_for_a_community_newsletter(
    world, community_letter
):
    other = lesson(world.sibling)
    issue = services.issue_create(newsletter=community_letter, by=world.lead)
    with pytest.raises(ValidationError):
        services.issue_picks_set(issue=issue, keys=[f"lesson:{other.pk}"], by=world.lead)


def test_unticking_removes_an_item_and_edits_of_kept_items_stay(world, programme_letter):
    first, second = lesson(world.community, text="Een"), lesson(world.community, text="Twee")
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    services.issue_picks_set(
        issue=issue, keys=[f"lesson:{first.pk}", f"lesson:{second.pk}"], by=world.coordinator
    )
    kept = issue.items.get(source_id=first.pk)
    services.issue_item_update(
        item=kept, title="Eigen kop", body="Eigen tekst", by=world.coordinator
    )
    services.issue_picks_set(issue=issue, keys=[f"lesson:{first.pk}"], by=world.coordinator)
    assert list(issue.items.values_list("title", "body")) == [("Eigen kop", "Eigen tekst")]


def test_items_move_up_and_down(world, programme_letter):
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    a = services.issue_item_add_text(issue=issue, title="A", body="", by=world.coordinator)
    b = services.issue_item_add_text(issue=issue, title="B", body="", by=world.coordinator)
    c = services.issue_item_add_text(issue=issue, title="C", body="", by=world.coordinator)
    services.issue_item_move(item=c, direction="up", by=world.coordinator)
    assert list(issue.items.values_list("title", flat=True)) == ["A", "C", "B"]
    a.refresh_from_db()
    services.issue_item_move(item=a, direction="up", by=world.coordinator)  # already on top
    services.issue_item_move(item=a, direction="down", by=world.coordinator)
    assert list(issue.items.values_list("title", flat=True)) == ["C", "A", "B"]
    assert b.pk


def test_an_empty_issue_cannot_be_published(world, programme_letter):
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    with pytest.raises(ValidationError) as error:
        services.issue_publish(issue=issue, by=world.coordinator)
    assert "leeg" in str(error.value)
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT


def test_publishing_refuses_a_source_that_is_no_longer_shared(world, programme_letter):
    source = lesson(world.community)
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    services.issue_picks_set(issue=issue, keys=[f"lesson:{source.pk}"], by=world.coordinator)
    Lesson.objects.filter(pk=source.pk).update(shareable=False)
    with pytest.raises(ValidationError, match="Niet meer gedeeld"):
        services.issue_publish(issue=issue, by=world.coordinator)


def test_a_published_issue_does_not_change_any_more(
    world, programme_letter, django_capture_on_commit_callbacks
):
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    item = services.issue_item_add_text(issue=issue, title="Welkom", body="", by=world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_publish(issue=issue, by=world.coordinator)
    item.issue.refresh_from_db()
    with pytest.raises(ValidationError):
        services.issue_item_update(item=item, title="Anders", body="", by=world.coordinator)


def test_issue_numbers_follow_each_other_per_newsletter(world, programme_letter, community_letter):
    first = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    second = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    other = services.issue_create(newsletter=community_letter, by=world.lead)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert second.title == "Editie 2"


def test_script_in_a_title_is_shown_as_text(world, programme_letter, client):
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    services.issue_item_add_text(
        issue=issue,
        title="<script>alert(1)</script>",
        body="<script>x()</script>",
        by=world.coordinator,
    )
    client.force_login(world.coordinator)
    html = client.get(reverse("dissemination:issue_preview", args=[issue.pk])).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Views --------------------------------------------------------------------------------


def test_a_coordinator_composes_and_publishes_through_the_pages(
    world, programme_letter, client, django_capture_on_commit_callbacks
):
    source = lesson(world.community, text="Samen optrekken met de taalschool.")
    client.force_login(world.coordinator)
    response = client.post(
        reverse("dissemination:issue_create", args=[programme_letter.pk]),
        {"title": "Voorjaar", "intro": "Welkom bij de **eerste** editie."},
    )
    issue = NewsletterIssue.objects.get(newsletter=programme_letter)
    assert response["Location"] == reverse("dissemination:issue_edit", args=[issue.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Samen optrekken met de taalschool." in page
    client.post(
        reverse("dissemination:issue_picks", args=[issue.pk]), {"pick": [f"lesson:{source.pk}"]}
    )
    preview = client.get(reverse("dissemination:issue_preview", args=[issue.pk])).content.decode()
    assert "Samen optrekken met de taalschool." in preview
    assert "<strong>eerste</strong>" in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dissemination:issue_publish", args=[issue.pk]), CONFIRMED)
    assert response["Location"] == reverse("dissemination:issue", args=[issue.pk])
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert issue.published_at is not None


def test_publishing_an_empty_issue_shows_a_dutch_message(world, programme_letter, client):
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("dissemination:issue_publish", args=[issue.pk]), CONFIRMED, follow=True
    )
    assert "Deze editie is nog leeg" in response.content.decode()


def test_a_lead_makes_a_newsletter_for_their_community_but_not_for_the_programme(world, client):
    client.force_login(world.lead)
    url = reverse("dissemination:newsletter_create", args=[world.programme.slug])
    response = client.post(url, {"title": "Achterhoek", "community": ""})
    assert response.status_code == 200
    assert not Newsletter.objects.exists()
    response = client.post(url, {"title": "Achterhoek", "community": world.sibling.pk})
    assert response.status_code == 200
    assert not Newsletter.objects.exists()
    client.post(url, {"title": "Achterhoek", "community": world.community.pk})
    assert Newsletter.objects.get().community == world.community


def test_a_coordinator_makes_a_programme_newsletter(world, client):
    client.force_login(world.coordinator)
    client.post(
        reverse("dissemination:newsletter_create", args=[world.programme.slug]),
        {"title": "Landelijk", "community": "", "is_public": "on"},
    )
    newsletter = Newsletter.objects.get()
    assert newsletter.community is None and newsletter.is_public


def _sent_issue(newsletter, title="Editie met nieuws"):
    issue = factories.IssueFactory(
        newsletter=newsletter,
        title=title,
        status=NewsletterIssue.Status.SENT,
        published_at=timezone.now(),
        sent_at=timezone.now(),
    )
    IssueItem.objects.create(issue=issue, kind="text", title="Gedeeld nieuws", body="Tekst")
    return issue


def test_a_public_archive_is_open_to_anonymous_visitors(world, client):
    newsletter = factories.NewsletterFactory(programme=world.programme, is_public=True)
    issue = _sent_issue(newsletter)
    assert client.get(reverse("dissemination:newsletter", args=[newsletter.pk])).status_code == 200
    response = client.get(reverse("dissemination:issue", args=[issue.pk]))
    assert response.status_code == 200
    assert "Gedeeld nieuws" in response.content.decode()


def test_a_members_only_archive_refuses_anonymous_visitors_and_outsiders(
    world, client, programme_letter
):
    issue = _sent_issue(programme_letter)
    for url in (
        reverse("dissemination:newsletter", args=[programme_letter.pk]),
        reverse("dissemination:issue", args=[issue.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for outsider in (world.foreign_member, world.system_partner, world.nobody):
            client.force_login(outsider)
            assert client.get(url).status_code == 403
            client.logout()
        client.force_login(world.sibling_member)
        assert client.get(url).status_code == 200
        client.logout()


def test_a_draft_is_not_in_the_archive_even_of_a_public_newsletter(world, client):
    newsletter = factories.NewsletterFactory(programme=world.programme, is_public=True)
    draft = factories.IssueFactory(newsletter=newsletter, title="Nog geheim concept")
    assert client.get(reverse("dissemination:issue", args=[draft.pk])).status_code == 404
    client.force_login(world.participant)
    assert client.get(reverse("dissemination:issue", args=[draft.pk])).status_code == 403
    page = client.get(reverse("dissemination:newsletter", args=[newsletter.pk])).content.decode()
    assert "Nog geheim concept" not in page


def test_the_programme_list_shows_outsiders_only_public_newsletters(
    world, client, programme_letter
):
    factories.NewsletterFactory(programme=world.programme, is_public=True, title="Open brief")
    url = reverse("dissemination:newsletters", args=[world.programme.slug])
    page = client.get(url).content.decode()
    assert "Open brief" in page and programme_letter.title not in page
    client.force_login(world.participant)
    page = client.get(url).content.decode()
    assert "Open brief" in page and programme_letter.title in page


def test_only_coordinators_see_the_list_of_subscribers(world, client, community_letter):
    factories.SubscriberFactory(newsletter=community_letter, email="manager@gemeente.nl")
    url = reverse("dissemination:newsletter_subscribers", args=[community_letter.pk])
    client.force_login(world.lead)
    detail = client.get(reverse("dissemination:newsletter", args=[community_letter.pk]))
    assert "manager@gemeente.nl" not in detail.content.decode()
    assert detail.context["counts"]["confirmed"] == 1
    assert client.get(url).status_code == 403
    client.force_login(world.coordinator)
    assert "manager@gemeente.nl" in client.get(url).content.decode()


def test_the_archive_and_the_list_take_a_fixed_number_of_queries(world, client, programme_letter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coordinator)
    urls = [
        reverse("dissemination:newsletter", args=[programme_letter.pk]),
        reverse("dissemination:newsletters", args=[world.programme.slug]),
    ]

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _sent_issue(programme_letter)
    small = [count(url) for url in urls]
    for n in range(6):
        _sent_issue(programme_letter, title=f"Editie {n}")
        factories.IssueFactory(newsletter=programme_letter)
        factories.NewsletterFactory(programme=world.programme, community=world.sibling)
    assert [count(url) for url in urls] == small


def test_the_edit_page_takes_a_fixed_number_of_queries(world, client, programme_letter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    client.force_login(world.coordinator)
    url = reverse("dissemination:issue_edit", args=[issue.pk])

    def seed():
        source = lesson(world.community)
        answered_signal(world.sibling)
        factories.ProductFactory(
            programme=world.programme, communities=[world.sibling], shareable=True, status="ready"
        )
        factories.ChangeStoryFactory(programme=world.programme, selected=True, shareable=True)
        services.issue_picks_set(
            issue=issue,
            keys=[f"{i.kind}:{i.source_id}" for i in issue.items.all()] + [f"lesson:{source.pk}"],
            by=world.coordinator,
        )

    seed()

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for _n in range(4):
        seed()
    assert count() == small


# --- Picking from a long list: search, filters, pages ------------------------------------


def test_the_picks_are_paged_and_saving_one_page_keeps_the_picks_of_the_others(
    world, client, programme_letter
):
    lessons = [lesson(world.community, text=f"Leerpunt nummer {n:02d}") for n in range(25)]
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    client.force_login(world.coordinator)
    url = reverse("dissemination:issue_edit", args=[issue.pk])
    first_page = client.get(url).content.decode()
    assert first_page.count('name="pick"') == 20
    second_page = client.get(url, {"page": 2}).content.decode()
    assert second_page.count('name="pick"') == 5

    on_page_one = [key for key in _shown(first_page)]
    client.post(
        reverse("dissemination:issue_picks", args=[issue.pk]),
        {"paged": "1", "shown": on_page_one, "pick": on_page_one[:2]},
    )
    on_page_two = _shown(second_page)
    response = client.post(
        reverse("dissemination:issue_picks", args=[issue.pk]) + "?page=2",
        {"paged": "1", "shown": on_page_two, "pick": on_page_two[:1]},
    )
    assert response["Location"].startswith(url + "?page=2#")
    assert issue.items.count() == 3
    # Unticking on page one leaves page two's pick alone.
    client.post(
        reverse("dissemination:issue_picks", args=[issue.pk]),
        {"paged": "1", "shown": on_page_one, "pick": on_page_one[:1]},
    )
    assert {f"{i.kind}:{i.source_id}" for i in issue.items.all()} == {
        on_page_one[0],
        on_page_two[0],
    }
    assert len(lessons) == 25


def _shown(html: str) -> list[str]:
    marker = 'name="shown" value="'
    keys, start = [], 0
    while (start := html.find(marker, start)) != -1:
        start += len(marker)
        keys.append(html[start : html.index('"', start)])
    return keys


def test_the_picks_can_be_searched_and_filtered(world, client, programme_letter):
    lesson(world.community, text="Korte lijnen met de taalschool")
    chosen = lesson(world.community, text="Kinderopvang eerst regelen")
    answered_signal(world.sibling, title="Wachtlijst kinderopvang")
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    services.issue_picks_set(issue=issue, keys=[f"lesson:{chosen.pk}"], by=world.coordinator)
    client.force_login(world.coordinator)
    url = reverse("dissemination:issue_edit", args=[issue.pk])

    found = client.get(url, {"q": "kinderopvang"}).content.decode()
    assert "2 onderdelen gevonden." in found
    assert "Korte lijnen" not in found.split('id="items-heading"')[0]
    only_lessons = client.get(url, {"q": "kinderopvang", "kind": "lesson"}).content.decode()
    assert "1 onderdeel gevonden." in only_lessons
    not_chosen = client.get(url, {"show": "open", "kind": "lesson"}).content.decode()
    assert f'value="lesson:{chosen.pk}" id=' not in not_chosen


def test_posting_every_tick_without_a_page_still_replaces_the_whole_choice(
    world, client, programme_letter
):
    """Without the paged form's marker (an older page, a script), the ticked keys are the whole
    choice as before: unticking everything empties the issue."""
    source = lesson(world.community)
    issue = services.issue_create(newsletter=programme_letter, by=world.coordinator)
    services.issue_picks_set(issue=issue, keys=[f"lesson:{source.pk}"], by=world.coordinator)
    client.force_login(world.coordinator)
    client.post(reverse("dissemination:issue_picks", args=[issue.pk]), {})
    assert not issue.items.exists()
