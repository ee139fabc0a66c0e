"""The venster: filters, Dutch search, sorting, counts, grouping, read-only access and a query
count that does not grow with the number of signals."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.signalling import selectors
from leerkring.signalling.models import Signal, SignalEvent
from tests.factories import CommunityFactory, SignalFactory, SignalThemeFactory

State = Signal.State


def _signal(world, community=None, **fields) -> Signal:
    fields.setdefault("passed", True)
    return SignalFactory(community=community or world.community, **fields)


def _titles(world, **filters) -> set[str]:
    return {s.title for s in selectors.venster_signals(programme=world.programme, **filters)}


def _url(world, query: str = "") -> str:
    return reverse("signalling:venster", args=[world.programme.slug]) + query


# --- Filters -----------------------------------------------------------------------------


def test_it_never_lists_drafts_or_other_programmes(world):
    _signal(world, title="Doorgegeven")
    SignalFactory(community=world.community, title="Concept")
    _signal(world, community=world.foreign, title="Ander programma")
    assert _titles(world) == {"Doorgegeven"}


def test_it_filters_on_state(world):
    _signal(world, title="Nieuw")
    _signal(world, title="Bezig", state=State.IN_PROGRESS)
    assert _titles(world, state=State.IN_PROGRESS) == {"Bezig"}


def test_it_filters_on_theme_and_on_no_theme(world):
    theme = SignalThemeFactory(programme=world.programme)
    _signal(world, title="Met thema", theme=theme)
    _signal(world, title="Zonder thema")
    assert _titles(world, theme=str(theme.pk)) == {"Met thema"}
    assert _titles(world, theme=selectors.NO_THEME) == {"Zonder thema"}


def test_it_filters_on_topic_category_and_level(world):
    _signal(world, title="Procedure landelijk", topic_category="procedures")
    _signal(
        world,
        title="Werk lokaal",
        topic_category="life_domains",
        subtopic="Werk",
        solution_level="local",
    )
    assert _titles(world, topic_category="life_domains") == {"Werk lokaal"}
    assert _titles(world, solution_level="national") == {"Procedure landelijk"}


def test_it_filters_on_community(world):
    _signal(world, title="Achterhoek")
    _signal(world, community=world.sibling, title="Zeeland")
    assert _titles(world, community=world.sibling.pk) == {"Zeeland"}


def test_it_filters_on_a_period(world):
    today = timezone.localdate()
    _signal(world, title="Oud", raised_on=today - datetime.timedelta(days=100))
    _signal(world, title="Recent", raised_on=today - datetime.timedelta(days=5))
    _signal(world, title="Midden", raised_on=today - datetime.timedelta(days=50))
    assert _titles(world, date_from=today - datetime.timedelta(days=60)) == {"Recent", "Midden"}
    assert _titles(
        world,
        date_from=today - datetime.timedelta(days=60),
        date_to=today - datetime.timedelta(days=10),
    ) == {"Midden"}


def _waiting(world, **fields) -> Signal:
    return _signal(world, passed_on_at=timezone.now() - datetime.timedelta(days=60), **fields)


def test_it_filters_on_waiting_for_feedback(world):
    _waiting(world, title="Wacht")
    _waiting(world, title="Beantwoord", last_feedback_at=timezone.now())
    _waiting(world, title="Opgelost", state=State.RESOLVED)
    _signal(world, title="Vers")
    assert _titles(world, waiting=True) == {"Wacht"}


def test_filters_combine(world):
    theme = SignalThemeFactory(programme=world.programme)
    _signal(world, title="Alles klopt", theme=theme, state=State.IN_PROGRESS)
    _signal(world, title="Ander thema", state=State.IN_PROGRESS)
    _signal(world, title="Andere status", theme=theme)
    _signal(
        world, community=world.sibling, title="Andere plek", theme=theme, state=State.IN_PROGRESS
    )
    assert _titles(
        world, theme=str(theme.pk), state=State.IN_PROGRESS, community=world.community.pk
    ) == {"Alles klopt"}


def test_the_page_applies_filters_from_the_url(client, world):
    _signal(world, title="Taalschool vol")
    _signal(world, community=world.sibling, title="Kinderopvang dicht")
    client.force_login(world.coordinator)
    response = client.get(_url(world, f"?community={world.sibling.pk}"))
    assert response.status_code == 200
    assert "Kinderopvang dicht" in response.text
    assert "Taalschool vol" not in response.text


def test_a_bad_date_in_a_shared_link_is_named_and_the_rest_still_applies(client, world):
    _signal(world, title="Taalschool vol")
    client.force_login(world.coordinator)
    response = client.get(_url(world, "?date_from=gisteren"))
    assert response.status_code == 200
    assert "Taalschool vol" in response.text
    assert "Voer een geldige datum in" in response.text


# --- Search ------------------------------------------------------------------------------


def test_search_finds_plain_words_in_title_and_description(world):
    _signal(world, title="Kinderopvang", description="Geen plek voor de kinderen.")
    _signal(world, title="Huisvesting", description="Woningen zijn te duur.")
    assert _titles(world, q="woningen") == {"Huisvesting"}
    assert _titles(world, q="kinderopvang plek") == {"Kinderopvang"}
    assert _titles(world, q="kinderopvang woningen") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Dutch stemming needs PostgreSQL")
def test_search_finds_dutch_inflections_on_postgresql(world):
    _signal(world, title="Lange wachttijden", description="De taalscholen zitten vol.")
    _signal(world, title="Kinderopvang", description="Geen plek.")
    assert _titles(world, q="wachttijd") == {"Lange wachttijden"}
    assert _titles(world, q="taalschool") == {"Lange wachttijden"}


def test_search_hits_are_highlighted_and_escaped(client, world):
    _signal(
        world,
        title="Wachttijden",
        description="<script>alert(1)</script> De taalschool heeft een wachtlijst.",
    )
    client.force_login(world.coordinator)
    response = client.get(_url(world, "?q=taalschool"))
    assert "<mark>taalschool</mark>" in response.text
    assert "<script>alert(1)</script>" not in response.text


# --- Sorting, counts, grouping -----------------------------------------------------------


def test_signals_waiting_for_feedback_come_first_by_default_and_are_marked(client, world):
    _signal(world, title="Nieuwste", raised_on=timezone.localdate())
    _waiting(world, title="Wacht al lang", raised_on=timezone.localdate() - datetime.timedelta(60))
    rows = list(selectors.venster_signals(programme=world.programme))
    assert [s.title for s in rows] == ["Wacht al lang", "Nieuwste"]
    assert rows[0].waiting and not rows[1].waiting
    client.force_login(world.coordinator)
    assert "Wacht op terugkoppeling" in client.get(_url(world)).text


def test_it_sorts_on_subject_level_state_and_community(world):
    _signal(world, title="B", solution_level="local", state=State.IN_PROGRESS)
    _signal(world, community=world.sibling, title="A", solution_level="national")
    _signal(world, title="C", solution_level="regional", state=State.RESOLVED)

    def order(sort):
        return [s.title for s in selectors.venster_signals(programme=world.programme, sort=sort)]

    assert order("subject") == ["A", "B", "C"]
    assert order("-subject") == ["C", "B", "A"]
    assert order("level") == ["B", "C", "A"]
    assert order("-level") == ["A", "C", "B"]
    assert order("state") == ["A", "B", "C"]
    assert order("community")[-1] == "A"  # CoP Zeeland after CoP Achterhoek


def test_counts_per_state_ignore_the_state_filter_but_follow_the_others(world):
    _signal(world)
    _signal(world)
    _signal(world, state=State.IN_PROGRESS)
    _signal(world, community=world.sibling)
    counts = selectors.venster_counts(
        programme=world.programme, state=State.NEW, community=world.community.pk
    )
    by_state = {item["state"]: item["count"] for item in counts["states"]}
    assert by_state[State.NEW] == 2
    assert by_state[State.IN_PROGRESS] == 1
    assert counts["total"] == 3
    assert State.DRAFT not in by_state


def test_the_theme_view_groups_signals_per_theme(client, world):
    theme = SignalThemeFactory(programme=world.programme, title="Wachttijden taalscholen")
    _signal(world, theme=theme, title="Eerste")
    _signal(world, community=world.sibling, theme=theme, title="Tweede")
    _signal(world, title="Los")
    groups = selectors.venster_theme_groups(programme=world.programme)
    assert [(g["theme__title"], g["signals"], g["communities"]) for g in groups] == [
        ("Wachttijden taalscholen", 2, 2),
        (None, 1, 1),
    ]
    client.force_login(world.coordinator)
    response = client.get(_url(world, "?view=themes"))
    assert "Signalen per hoofdvraagstuk" in response.text
    assert response.text.index("Wachttijden taalscholen") < response.text.index("Los")


# --- Who sees what -----------------------------------------------------------------------


def test_it_shows_no_names_only_communities(client, world):
    world.participant_m.person.full_name = "Fatima Indiener"
    world.participant_m.person.save()
    world.lead_m.person.full_name = "Kees Doorgever"
    world.lead_m.person.save()
    _signal(
        world,
        title="Taalschool vol",
        created_by=world.participant,
        passed_on_by=world.lead,
        owner=world.coordinator,
    )
    client.force_login(world.facilitator)
    response = client.get(_url(world))
    assert "Taalschool vol" in response.text
    assert world.community.name in response.text
    assert "Fatima Indiener" not in response.text
    assert "Kees Doorgever" not in response.text


def test_leads_read_it_without_coordinator_actions(client, world):
    SignalThemeFactory(programme=world.programme)
    _signal(world)
    client.force_login(world.lead)
    response = client.get(_url(world))
    assert response.status_code == 200
    assert reverse("signalling:theme_link", args=[world.programme.slug]) not in response.text
    assert 'name="signals"' not in response.text
    client.force_login(world.coordinator)
    response = client.get(_url(world))
    assert 'name="signals"' in response.text


def test_rows_link_to_the_signal_page(client, world):
    signal = _signal(world)
    client.force_login(world.coordinator)
    response = client.get(_url(world))
    assert reverse("signalling:signal_detail", args=[signal.pk]) in response.text


# --- Bulk link ---------------------------------------------------------------------------


def test_the_coordinator_links_ticked_signals_to_a_theme(client, world):
    theme = SignalThemeFactory(programme=world.programme)
    one, two = _signal(world), _signal(world)
    client.force_login(world.coordinator)
    back = _url(world, "?state=new")
    response = client.post(
        reverse("signalling:theme_link", args=[world.programme.slug]),
        {"theme": theme.pk, "signals": [one.pk, two.pk], "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert set(theme.signals.values_list("pk", flat=True)) == {one.pk, two.pk}
    assert SignalEvent.objects.filter(kind=SignalEvent.Kind.THEME).count() == 2


def test_linking_refuses_a_signal_of_another_programme_and_changes_nothing(client, world):
    theme = SignalThemeFactory(programme=world.programme)
    own = _signal(world)
    foreign = _signal(world, community=world.foreign)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:theme_link", args=[world.programme.slug]),
        {"theme": theme.pk, "signals": [own.pk, foreign.pk], "next": "https://evil.example/"},
        follow=True,
    )
    assert "Niet alle gekozen signalen horen bij dit venster." in response.text
    own.refresh_from_db()
    assert own.theme_id is None
    assert response.redirect_chain[0][0] == _url(world)


def test_linking_without_ticked_signals_says_so(client, world):
    theme = SignalThemeFactory(programme=world.programme)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("signalling:theme_link", args=[world.programme.slug]),
        {"theme": theme.pk},
        follow=True,
    )
    assert "Vink een of meer signalen aan." in response.text


# --- Query count -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("query", ["", "?view=themes", "?q=taalschool&waiting=on&sort=level"])
def test_the_query_count_does_not_grow_with_the_number_of_signals(client, world, query):
    themes = [SignalThemeFactory(programme=world.programme) for _ in range(3)]
    communities = [world.community, world.sibling] + [
        CommunityFactory(programme=world.programme) for _ in range(3)
    ]

    def build(n):
        for i in range(n):
            _signal(
                world,
                community=communities[i % 5],
                theme=themes[i % 3],
                passed_on_at=timezone.now() - datetime.timedelta(days=40 + i),
            )

    client.force_login(world.coordinator)
    build(10)
    small = _queries(client, _url(world, query))
    build(90)
    large = _queries(client, _url(world, query))
    assert small == large


def test_the_count_above_the_table_matches_the_rows(client, world):
    _signal(world, title="Taalschool vol", description="Geen plek.")
    _signal(world, title="Taalschool dicht", description="Geen plek.", state=State.IN_PROGRESS)
    _signal(world, title="Kinderopvang", description="Geen plek.", state=State.IN_PROGRESS)
    client.force_login(world.coordinator)
    response = client.get(_url(world, "?state=in_progress&q=taalschool"))
    assert "1 signaal." in response.text
    response = client.get(_url(world, "?q=taalschool"))
    assert "2 signalen." in response.text


def test_an_htmx_filter_request_gets_only_the_results(client, world):
    _signal(world, title="Taalschool vol")
    client.force_login(world.coordinator)
    response = client.get(_url(world, "?q=taalschool"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="venster-results"')
    assert "Taalschool vol" in response.text
