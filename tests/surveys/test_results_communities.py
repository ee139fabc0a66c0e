"""The per-community lists of the results page stay short; the full lists are paged and
searchable, with the same figures as the results computed from the answers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from leerkring.communities.selectors import choices
from leerkring.surveys import results
from leerkring.surveys.models import Answer, Question, Response
from tests import factories
from tests.refused_links import comparable, field_error, unknown_community_pk

from .test_results import build_known_wave, section_html, table_rows

SIZES = {"CoP Een": 9, "CoP Twee": 8, "CoP Drie": 7, "CoP Vier": 6, "CoP Vijf": 6, "CoP Zes": 2}


@pytest.fixture
def many(world):
    """Six communities: five of 6–9 responses, one of 2 (hidden, and the smallest other one
    beside it); each respondent names their own community in V1."""
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    which = factories.QuestionFactory(
        questionnaire=questionnaire, code="V1", position=1, kind=Question.Kind.COMMUNITY
    )
    single = factories.QuestionFactory(questionnaire=questionnaire, code="V2", position=2)
    option = factories.OptionFactory(question=single)
    wave = factories.WaveFactory(questionnaire=questionnaire)
    communities = {
        name: factories.CommunityFactory(programme=world.programme, name=name) for name in SIZES
    }
    wave.communities.set(communities.values())
    for name, size in SIZES.items():
        for _ in range(size):
            response = Response.objects.create(wave=wave, community=communities[name])
            Answer.objects.create(response=response, question=which, community=communities[name])
            Answer.objects.create(response=response, question=single, option=option)
    return wave, which, communities


@pytest.fixture
def short_lists(monkeypatch):
    monkeypatch.setattr(results, "SHOWN_COMMUNITY_ROWS", 2)
    monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 2)
    monkeypatch.setattr(results, "COMMUNITY_PAGE_SIZE", 2)


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _group_rows(content: str) -> list[tuple[str, str]]:
    table = content.split('<tbody class="utrecht-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        (re.sub(r"<[^>]+>|<span.*?</span>", "", name).split(" – ")[0].strip(), cell.strip())
        for name, cell in re.findall(
            r'<th class="utrecht-table__header-cell" scope="row">(.*?)</th>\s*<td[^>]*>(.*?)</td>',
            table,
            re.S,
        )
    ]


def _all_pages(client, url: str) -> str:
    content, page = "", 1
    while True:
        chunk = client.get(f"{url}{'&' if '?' in url else '?'}page={page}").content.decode()
        content += chunk
        if 'rel="next"' not in chunk:
            return content
        page += 1


def test_the_results_page_shows_the_first_communities_and_exact_totals(
    client, world, many, short_lists
):
    wave, which, _communities = many
    content = _get(client, world.evaluator, reverse("surveys:results", args=[wave.pk]))
    table = content.split('id="communities-heading"', 1)[1].split("</section>", 1)[0]
    assert [name for name, _ in _group_rows(table)] == ["CoP Drie", "CoP Een"]
    assert re.search(r"Totaal</th>\s*<td[^>]*>38</td>", table)
    assert "De eerste 2 van 6 gemeenschappen" in table
    assert reverse("surveys:results_communities", args=[wave.pk]) in table

    # "Which community": two communities and the hidden ones together; percents of all 38.
    computed = results.wave_results(wave).question("V1")
    section = section_html(content, which)
    named = [row for row in computed.rows if row.code]
    shown = named[:2] + [row for row in computed.rows if not row.code]
    assert table_rows(section) == {row.code: (row.count, row.percent) for row in shown}
    assert "Nog 2 gemeenschappen staan niet in deze tabel" in section
    assert "?question=V1" in section


def test_the_paged_list_holds_every_community_with_the_same_figures(
    client, world, many, short_lists
):
    wave, _which, _communities = many
    client.force_login(world.evaluator)
    content = _all_pages(client, reverse("surveys:results_communities", args=[wave.pk]))
    computed = results.wave_results(wave)
    expected = [
        (g.name, "Te weinig antwoorden om te tonen (minder dan 5)" if g.hidden else str(g.count))
        for g in computed.groups
    ]
    rows = []
    for page in content.split("<tbody")[1:]:
        rows += _group_rows("<tbody" + page)
    assert rows == expected
    # Each community that may be shown links to its results; the hidden ones do not.
    for group in computed.groups:
        link = f"?community={group.pk}"
        assert (link in content) is (group in computed.offered)


def test_the_paged_list_of_the_which_community_question(client, world, many, short_lists):
    wave, _which, _communities = many
    client.force_login(world.evaluator)
    url = reverse("surveys:results_communities", args=[wave.pk]) + "?question=V1"
    content = _all_pages(client, url)
    computed = results.wave_results(wave).question("V1")
    assert table_rows(content) == {row.code: (row.count, row.percent) for row in computed.rows}


def test_the_search_finds_communities_by_part_of_the_name(client, world, many, short_lists):
    wave, _which, communities = many
    url = reverse("surveys:results_communities", args=[wave.pk])
    content = _get(client, world.evaluator, f"{url}?q=vi")
    assert [name for name, _ in _group_rows(content)] == ["CoP Vier", "CoP Vijf"]
    assert "2 gemeenschappen gevonden" in content
    content = _get(client, world.evaluator, f"{url}?q=EEN")
    assert [name for name, _ in _group_rows(content)] == ["CoP Een"]
    assert f"?community={communities['CoP Een'].pk}" in content
    content = _get(client, world.evaluator, f"{url}?q=nergens")
    assert "Geen gemeenschap gevonden met deze naam." in content


def test_many_communities_make_the_filter_a_search(client, world, many, short_lists):
    wave, _which, communities = many
    url = reverse("surveys:results", args=[wave.pk])
    content = _get(client, world.evaluator, url)
    assert "<select" not in content
    assert 'type="search" name="q"' in content
    assert f'action="{reverse("surveys:results_communities", args=[wave.pk])}"' in content
    # The filter itself still takes a community, and refuses a hidden one with the reason.
    content = _get(client, world.evaluator, f"{url}?community={communities['CoP Een'].pk}")
    assert "Je ziet de antwoorden uit CoP Een" in content
    content = _get(client, world.evaluator, f"{url}?community={communities['CoP Zes'].pk}")
    assert "Van deze gemeenschap zijn te weinig antwoorden om te tonen" in content
    assert 'aria-invalid="true"' in content


def test_few_communities_keep_the_choice_and_full_tables(client, world):
    known = build_known_wave(world)
    content = _get(client, world.evaluator, reverse("surveys:results", args=[known.wave.pk]))
    assert "<select" in content
    assert "De eerste" not in content and "Nog " not in content


def test_the_paged_lists_are_for_those_who_may_see_the_results(client, world, many):
    wave, _which, communities = many
    url = reverse("surveys:results_communities", args=[wave.pk])
    client.force_login(world.participant)
    assert client.get(url).status_code == 403
    client.force_login(world.evaluator)
    assert client.get(f"{url}?question=V2").status_code == 404
    assert client.get(f"{url}?question=V1&community={communities['CoP Zes'].pk}").status_code == 404
    assert client.get(f"{url}?question=V1&community={communities['CoP Een'].pk}").status_code == 200


@pytest.mark.parametrize("large", [False, True])
def test_a_link_to_a_community_that_is_no_group_of_the_wave_is_refused_with_the_reason(
    client, world, many, request, large
):
    """Another programme's community, one of the programme without answers and an id that is
    none get one message and the same page; the results are not shown."""
    if large:
        request.getfixturevalue("short_lists")
    wave, _which, _communities = many
    url = reverse("surveys:results", args=[wave.pk])
    field_id = "id_community_q" if large else "id_community"
    pages = []
    for asked in (world.foreign.pk, world.sibling.pk, unknown_community_pk(), "abc"):
        content = _get(client, world.evaluator, f"{url}?community={asked}")
        assert field_error(content, field_id) == (
            "Deze gemeenschap heeft geen antwoorden in deze meetronde of hoort niet bij dit "
            "programma. Kies een andere gemeenschap of bekijk alle gemeenschappen samen."
        )
        assert ("<select" in content) is not large
        assert 'data-code="' not in content
        assert world.foreign.name not in content and world.sibling.name not in content
        pages.append(comparable(content, asked))
    assert pages[0] == pages[1] == pages[2] == pages[3]


def test_a_hidden_community_keeps_its_own_reason(client, world, many):
    wave, _which, communities = many
    url = reverse("surveys:results", args=[wave.pk])
    content = _get(client, world.evaluator, f"{url}?community={communities['CoP Zes'].pk}")
    assert field_error(content, "id_community").startswith(
        "Van deze gemeenschap zijn te weinig antwoorden om te tonen (minder dan "
    )
