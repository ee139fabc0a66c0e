"""The search page: finding, filtering by type, Dutch stemming on PostgreSQL, the SQLite
fallback, safe snippets, bad input, and a query count flat in the size of the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.meetings.models import Lesson, Message, Thread
from leerkring.search import fulltext
from tests import factories

URL = reverse("search:search")


def _get(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def _found(response) -> dict[str, int]:
    return {g["key"]: g["count"] for g in response.context["groups"] if g["count"]}


def _hits(response, key: str) -> list:
    return next(g for g in response.context["groups"] if g["key"] == key).get("hits") or []


def test_it_shows_a_friendly_page_for_an_empty_query(client, world):
    response = _get(client, world.participant, q="   ")
    assert response.context["searched"] is False
    assert "groups" not in response.context
    assert "Waar zoek je in?" in response.content.decode()


def test_it_treats_a_query_without_words_as_empty(client, world):
    factories.SignalFactory(community=world.community)
    response = _get(client, world.participant, q="?! -- *")
    assert response.context["searched"] is False


def test_it_trims_an_overly_long_query_and_says_so(client, world):
    response = _get(client, world.participant, q="taalschool " * 40)
    assert response.context["trimmed"] is True
    assert len(response.context["q"]) <= fulltext.MAX_QUERY_LENGTH
    assert "langer dan 200 tekens" in response.content.decode()


def test_it_says_nothing_about_trimming_a_short_query(client, world):
    response = _get(client, world.participant, q="taalschool")
    assert response.context["trimmed"] is False
    assert "langer dan" not in response.content.decode()


def test_it_finds_plain_words_in_every_source_of_the_own_community(client, world):
    meeting = factories.MeetingFactory(community=world.community, title="Bijeenkomst taalschool")
    Lesson.objects.create(meeting=meeting, community=world.community, text="De taalschool helpt.")
    factories.SignalFactory(community=world.community, title="Rooster taalschool")
    thread = Thread.objects.create(community=world.community, title="Taalschool en werk")
    Message.objects.create(thread=thread, body="Ik bel de taalschool morgen.")
    factories.ProductFactory(
        programme=world.programme, communities=[world.community], title="Taalschool gids"
    )
    response = _get(client, world.participant, q="taalschool")
    assert _found(response) == {
        "meetings": 1,
        "lessons": 1,
        "signals": 1,
        "threads": 1,
        "messages": 1,
        "products": 1,
    }
    assert response.context["total"] == 6


def test_all_words_must_occur(client, world):
    factories.SignalFactory(community=world.community, title="Wachttijd taalschool Zwolle")
    assert _found(_get(client, world.participant, q="taalschool zwolle")) == {"signals": 1}
    assert _found(_get(client, world.participant, q="taalschool deventer")) == {}


def test_the_type_filter_shows_one_source_with_the_counts_of_all(client, world):
    meeting = factories.MeetingFactory(community=world.community)
    Lesson.objects.create(meeting=meeting, community=world.community, text="Over de taalschool.")
    factories.SignalFactory(community=world.community, title="Taalschool vol")
    response = _get(client, world.participant, q="taalschool", type="lessons")
    assert _found(response) == {"lessons": 1, "signals": 1}
    assert [g["key"] for g in response.context["groups"] if g.get("hits")] == ["lessons"]
    assert response.context["kind"] == "lessons"
    assert 'aria-current="page">Leerpunten (1)' in response.content.decode()


def test_an_unknown_type_searches_everything(client, world):
    factories.SignalFactory(community=world.community, title="Taalschool vol")
    response = _get(client, world.participant, q="taalschool", type="nonsense")
    assert response.context["kind"] == ""
    assert _found(response) == {"signals": 1}


def test_a_type_pages_through_its_results_and_the_overview_links_to_more(client, world):
    for n in range(23):
        factories.SignalFactory(community=world.community, title=f"Taalschool melding {n}")
    overview = _get(client, world.participant, q="taalschool")
    assert len(_hits(overview, "signals")) == 5
    assert "type=signals" in overview.content.decode()
    first = _get(client, world.participant, q="taalschool", type="signals")
    second = _get(client, world.participant, q="taalschool", type="signals", page=2)
    assert len(_hits(first, "signals")) == 20
    assert len(_hits(second, "signals")) == 3
    urls = {h.url for h in _hits(first, "signals")} | {h.url for h in _hits(second, "signals")}
    assert len(urls) == 23


def test_each_result_links_to_its_page(client, world):
    signal = factories.SignalFactory(community=world.community, title="Taalschool vol")
    product = factories.ProductFactory(
        programme=world.programme, communities=[world.community], title="Taalschool kaart"
    )
    response = _get(client, world.participant, q="taalschool")
    assert _hits(response, "signals")[0].url == reverse(
        "signalling:signal_detail", args=[signal.pk]
    )
    assert _hits(response, "products")[0].url == reverse("dissemination:product", args=[product.pk])
    for group in response.context["groups"]:
        for hit in group.get("hits") or []:
            assert client.get(hit.url.split("#")[0]).status_code == 200


def test_a_title_with_script_is_shown_escaped_with_the_match_marked(client, world):
    factories.ProductFactory(
        programme=world.programme,
        communities=[world.community],
        title="<script>alert('x')</script> Routekaart",
        summary="Een <b>vette</b> routekaart voor <img src=x onerror=alert(1)> iedereen.",
    )
    content = _get(client, world.participant, q="routekaart").content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content
    assert "<img src=x" not in content
    assert "<b>vette</b>" not in content
    assert "<mark>Routekaart</mark>" in content


def test_a_query_cannot_smuggle_in_the_highlight_markers(client, world):
    factories.SignalFactory(community=world.community, title="Taalschool vol")
    q = f"taalschool {fulltext.START_SEL}x{fulltext.STOP_SEL}"
    clean, _trimmed = fulltext.query_clean(q)
    assert fulltext.START_SEL not in clean and fulltext.STOP_SEL not in clean


def test_the_snippet_marks_without_trusting_the_text():
    raw = f"a <b>{fulltext.START_SEL}word{fulltext.STOP_SEL}</b> & more"
    assert str(fulltext.marked(raw)) == "a &lt;b&gt;<mark>word</mark>&lt;/b&gt; &amp; more"


def test_the_fallback_snippet_is_a_window_around_the_first_match():
    text = "begin " + "vulling " * 60 + "de taalschool belt " + "einde " * 60
    snippet = fulltext.fallback_headline(text, ["taalschool"])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert f"{fulltext.START_SEL}taalschool{fulltext.STOP_SEL}" in snippet
    assert len(snippet) <= fulltext.SNIPPET_CHARS + 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Dutch stemming needs PostgreSQL")
def test_it_finds_dutch_inflections_and_ranks_on_postgresql(client, world):
    factories.SignalFactory(
        community=world.community, title="Eén signaal", description="Gaat over vervoer."
    )
    factories.SignalFactory(
        community=world.community, title="Vervoer", description="Dit signaal en nog een signaal."
    )
    response = _get(client, world.participant, q="signalen")
    assert _found(response) == {"signals": 2}
    hits = _hits(response, "signals")
    assert all("<mark>" in str(h.title) + str(h.snippet) for h in hits)
    # An exact phrase, as a web search box takes it.
    assert _found(_get(client, world.participant, q='"gaat over vervoer"')) == {"signals": 1}
    assert _found(_get(client, world.participant, q="vervoer -signaal")) == {}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="The SQLite fallback")
def test_the_sqlite_fallback_matches_substrings_case_insensitively(client, world):
    factories.SignalFactory(community=world.community, title="TAALSCHOOL Almere")
    response = _get(client, world.participant, q="taalschool")
    assert _found(response) == {"signals": 1}
    assert str(_hits(response, "signals")[0].title) == "<mark>TAALSCHOOL</mark> Almere"


def test_the_header_has_a_search_box_for_signed_in_people(client, world):
    client.force_login(world.participant)
    content = client.get(reverse("core:home")).content.decode()
    assert 'role="search"' in content
    assert f'action="{URL}"' in content
    assert 'for="header-search-q"' in content
    client.logout()
    assert f'action="{URL}"' not in client.get(reverse("accounts:login")).content.decode()


def _grow(world, n: int) -> None:
    """n of every kind of thing, in the member's own community and shared from a sibling."""
    for i in range(n):
        meeting = factories.MeetingFactory(community=world.community, title=f"Taalschool {i}")
        Lesson.objects.create(meeting=meeting, community=world.community, text=f"Taalschool {i}")
        Lesson.objects.create(
            meeting=factories.MeetingFactory(community=world.sibling),
            community=world.sibling,
            text=f"Taalschool gedeeld {i}",
            shareable=True,
        )
        factories.SignalFactory(community=world.community, title=f"Taalschool {i}")
        thread = Thread.objects.create(community=world.community, title=f"Taalschool {i}")
        Message.objects.create(thread=thread, body=f"Taalschool {i}")
        factories.ProductFactory(
            programme=world.programme,
            communities=[world.sibling],
            title=f"Taalschool {i}",
            shareable=True,
        )
        newsletter = factories.NewsletterFactory(programme=world.programme, is_public=True)
        factories.IssueFactory(newsletter=newsletter, title=f"Taalschool {i}", status="sent")


def _count_queries(client, user, **params) -> int:
    client.force_login(user)
    client.get(URL, params)  # warm: session and sites
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("kind", ["", "lessons"])
def test_the_query_count_is_flat_in_the_size_of_the_data(client, world, kind):
    _grow(world, 2)
    small = _count_queries(client, world.lead, q="taalschool", type=kind)
    _grow(world, 12)
    large = _count_queries(client, world.lead, q="taalschool", type=kind)
    assert small == large


def test_it_finds_a_published_issue_by_its_items_and_respects_members_only(client, world):
    from leerkring.dissemination.models import IssueItem

    public = factories.IssueFactory(
        newsletter=factories.NewsletterFactory(programme=world.programme, is_public=True),
        title="Editie voorjaar",
        status="sent",
    )
    IssueItem.objects.create(issue=public, kind="lesson", title="Leerpunt", body="Taalmaatjes.")
    closed = factories.IssueFactory(
        newsletter=factories.NewsletterFactory(programme=world.programme, is_public=False),
        title="Editie taalmaatjes",
        status="sent",
    )
    draft = factories.IssueFactory(
        newsletter=public.newsletter, title="Editie taalmaatjes concept", status="draft"
    )
    member = _get(client, world.sibling_member, q="taalmaatjes")
    assert {h.url for h in _hits(member, "issues")} == {
        reverse("dissemination:issue", args=[public.pk]),
        reverse("dissemination:issue", args=[closed.pk]),
    }
    assert client.get(reverse("dissemination:issue", args=[closed.pk])).status_code == 200
    outsider = _get(client, world.foreign_member, q="taalmaatjes")
    assert [h.url for h in _hits(outsider, "issues")] == [
        reverse("dissemination:issue", args=[public.pk])
    ]
    assert draft.pk not in {int(h.url.rstrip("/").split("/")[-1]) for h in _hits(member, "issues")}
