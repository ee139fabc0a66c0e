"""The venster: filters, Dutch search, sorting, counts, grouping, read-only access and a query
count that does not grow with the number of signals."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
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


def _queries(client, url) -> tuple[int, int]:
    """Queries of the page with its cached figures cold, then warm. The cache is cleared
    first: signals made by factories bypass the lifecycle that makes those figures stale."""
    cache.clear()
    counts = []
    for _attempt in range(2):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(context))
    return counts[0], counts[1]


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


# --- Paging by segments and the cached figures --------------------------------------------


def _paged(world, page_size: int, **options) -> list[str]:
    """Every row of the venster as the page reads it: in pages cut from the segments."""
    counts = selectors.venster_counts(programme=world.programme, **options.get("filters", {}))
    groups = selectors.venster_theme_groups(
        programme=world.programme, now=counts["as_of"], **options.get("filters", {})
    )
    rows = selectors.venster_rows(
        programme=world.programme,
        counts=counts,
        groups=groups,
        sort=options.get("sort", ""),
        group_by_theme=options.get("group_by_theme", False),
        **options.get("filters", {}),
    )
    assert isinstance(rows, selectors.SegmentedRows)
    titles = []
    for start in range(0, len(rows), page_size):
        titles += [s.title for s in rows[start : start + page_size]]
    return titles


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"filters": {"state": State.NEW}},
        {"group_by_theme": True},
        {"group_by_theme": True, "sort": "-date"},
        {"group_by_theme": True, "filters": {"waiting": True}},
    ],
)
def test_pages_cut_from_segments_follow_the_venster_order(world, options):
    themes = [SignalThemeFactory(programme=world.programme, title=t) for t in ("Bé", "Aa")]
    for i in range(17):
        make = _waiting if i % 3 == 0 else _signal
        make(
            world,
            title=f"S{i:02}",
            theme=themes[i % 2] if i % 5 else None,
            raised_on=timezone.localdate() - datetime.timedelta(days=i % 7),
            state=State.IN_PROGRESS if i % 4 == 0 else State.NEW,
        )
    expected = [
        s.title
        for s in selectors.venster_signals(
            programme=world.programme,
            sort=options.get("sort", ""),
            group_by_theme=options.get("group_by_theme", False),
            **options.get("filters", {}),
        )
    ]
    assert expected
    for page_size in (1, 4, 50):
        assert _paged(world, page_size, **options) == expected


def test_a_lifecycle_change_shows_in_the_counts_at_once(client, world):
    from leerkring.signalling import lifecycle

    signal = _signal(world, title="Nieuw")
    client.force_login(world.coordinator)
    before = selectors.venster_counts(programme=world.programme)
    assert {i["state"]: i["count"] for i in before["states"]}[State.NEW] == 1
    lifecycle.signal_triage(signal=signal, by=world.coordinator)
    after = selectors.venster_counts(programme=world.programme)
    by_state = {i["state"]: i["count"] for i in after["states"]}
    assert (by_state[State.NEW], by_state[State.IN_PROGRESS]) == (0, 1)
    response = client.get(_url(world, "?state=in_progress"))
    assert "Nieuw" in response.text


def test_the_counts_are_cached_until_a_signal_changes(world, django_assert_num_queries):
    _signal(world)
    selectors.venster_counts(programme=world.programme)
    with django_assert_num_queries(2):  # the version and the cached figures
        selectors.venster_counts(programme=world.programme)
    selectors.venster_changed(world.programme.pk)
    SignalFactory(community=world.community, passed=True)
    assert selectors.venster_counts(programme=world.programme)["total"] == 2


def test_a_committed_change_makes_the_cached_counts_stale(
    world, django_capture_on_commit_callbacks
):
    from leerkring.signalling import lifecycle

    signal = _signal(world)
    version = selectors.venster_cache_version(world.programme.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lifecycle.signal_triage(signal=signal, by=world.coordinator)
    assert callbacks
    assert (
        selectors.venster_cache_version(world.programme.pk) == version + 2
    )  # during and after the commit


@pytest.mark.django_db
def test_signals_keep_a_stored_search_document_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("The stored search document exists on PostgreSQL only.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated, data_type FROM information_schema.columns "
            "WHERE table_name = 'signalling_signal' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("ALWAYS", "tsvector")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'signalling_signal' "
            "AND indexname = 'signal_search_vector'"
        )
        assert "gin (search_vector)" in cursor.fetchone()[0]


def test_a_search_reads_the_stored_document(world):
    _signal(world, title="Taalscholen vol", description="Wachttijden lopen op.")
    _signal(world, title="Kinderopvang", description="Geen plek.")
    rows = list(selectors.venster_signals(programme=world.programme, q="wachttijden"))
    assert [s.title for s in rows] == ["Taalscholen vol"]
    if connection.vendor == "postgresql":
        rows = list(selectors.venster_signals(programme=world.programme, q="wachttijd"))
        assert [s.title for s in rows] == ["Taalscholen vol"]  # the Dutch stemmer
        sql = str(selectors.venster_signals(programme=world.programme, q="wachttijd").query)
        assert "search_vector" in sql and "to_tsvector" not in sql


@pytest.mark.parametrize("bad", ["²", "1" * 30])
def test_a_per_page_that_is_no_number_gives_the_default(client, world, bad):
    client.force_login(world.coordinator)
    response = client.get(_url(world, f"?per_page={bad}"))
    assert response.status_code == 200
