"""The results page reads its own part of the stored results (`stored_results.wave_results_page`, cut
by `results.page_cut`) and checks the community filter on one stored community
(`StoredCommunity`), so its cost does not grow with the network. What it shows is what the
full results show: the same rendered content, the same filter decisions, in both the small
programme's choice and the large one's search."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.api.serializers.surveys import WaveResultsSerializer
from leerkring.communities.selectors import choices
from leerkring.surveys import results, stored_results
from leerkring.surveys.forms_results import ResultsFilterForm, results_filter_form
from leerkring.surveys.models import (
    Answer,
    Question,
    Response,
    StoredCommunity,
    StoredResults,
    Wave,
)
from tests import factories

# Twelve communities: sizes around the threshold (5), two single respondents (hidden, with
# the next smallest as their cover), one without responses, and responses without community.
SIZES = [9, 8, 7, 7, 6, 6, 5, 5, 1, 1, 12, 0]


@pytest.fixture
def network(world):
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    which = factories.QuestionFactory(
        questionnaire=questionnaire, code="V1", position=1, kind=Question.Kind.COMMUNITY
    )
    single = factories.QuestionFactory(questionnaire=questionnaire, code="V2", position=2)
    options = [factories.OptionFactory(question=single, position=i) for i in range(3)]
    matrix = factories.QuestionFactory(
        questionnaire=questionnaire, code="V3", position=3, kind=Question.Kind.MATRIX
    )
    statement = factories.StatementFactory(question=matrix)
    text = factories.QuestionFactory(
        questionnaire=questionnaire, code="V4", position=4, kind=Question.Kind.OPEN
    )
    wave = factories.WaveFactory(questionnaire=questionnaire, programme=world.programme)
    communities = [
        factories.CommunityFactory(programme=world.programme, name=f"CoP {chr(ord('A') + i)}")
        for i in range(len(SIZES))
    ]
    wave.communities.set(communities)
    number = 0
    for community, size in [*zip(communities, SIZES, strict=True), (None, 3)]:
        for _ in range(size):
            number += 1
            response = Response.objects.create(wave=wave, community=community)
            # Every seventh respondent names another community than their own.
            named = communities[number % len(communities)] if number % 7 == 0 else community
            Answer.objects.create(response=response, question=which, community=named)
            Answer.objects.create(response=response, question=single, option=options[number % 3])
            Answer.objects.create(
                response=response, question=matrix, statement=statement, scale_value=1 + number % 5
            )
            Answer.objects.create(response=response, question=text, text=f"Antwoord {number}")
    return Wave.objects.select_related("programme__rule_profile").get(pk=wave.pk), communities


@pytest.fixture(params=["choice", "search"])
def limits(request, monkeypatch):
    """The page as small programmes have it (every list whole, the filter a choice) and as
    large ones have it (short lists, the filter a search): the latter with short limits."""
    if request.param == "search":
        monkeypatch.setattr(results, "SHOWN_COMMUNITY_ROWS", 3)
        monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 3)
    return request.param


def _comparable(outcome: results.WaveResults) -> dict:
    data = dataclasses.asdict(outcome)
    for question in data["questions"]:
        question["texts"] = sorted(question["texts"])
        question["other_texts"] = sorted(question["other_texts"])
    return data


def _body(wave, overall, shown, form) -> str:
    context = {
        "wave": wave,
        "programme": wave.programme,
        "overall": overall,
        "shown": shown,
        "form": form,
    }
    return render_to_string("surveys/partials/results_body.html", context)


def _raw_values(wave, communities) -> list[str]:
    """Every community as the filter's value, and what else an address may hold."""
    other = factories.CommunityFactory()
    return [
        "",
        "None",
        "abc",
        "-1",
        "1.0",
        "\uff11",  # a full-width digit
        "99999999999999999999",
        str(other.pk),
        f"0{communities[0].pk}",
        *(str(c.pk) for c in communities),
    ]


def test_the_stored_page_is_the_cut_of_the_results_computed_afresh(network, limits):
    wave, communities = network
    page = stored_results.wave_results_page(wave)
    assert _comparable(page) == _comparable(results.page_cut(results.wave_results(wave)))
    for community in results.wave_results(wave).offered:
        page = stored_results.wave_results_page(wave, community_id=community.pk)
        afresh = results.page_cut(results.wave_results(wave, community_id=community.pk))
        assert _comparable(page) == _comparable(afresh)


def test_the_page_renders_what_the_full_results_render(network, limits):
    wave, communities = network
    full = stored_results.wave_results_stored(wave)
    page = stored_results.wave_results_page(wave)
    full_form = ResultsFilterForm(
        None, offered=full.offered, hidden=full.hidden_groups, threshold=full.threshold
    )
    page_form = results_filter_form(wave, page, None)
    assert page_form.community_search is (limits == "search")
    html = _body(wave, page, page, page_form)
    assert html == _body(wave, full, full, full_form)
    assert "ingevulde vragenlijsten" in html
    for community in full.offered:
        raw = str(community.pk)
        shown_full = stored_results.wave_results_stored(wave, community_id=community.pk)
        shown_page = stored_results.wave_results_page(wave, community_id=community.pk)
        full_form = ResultsFilterForm(
            {"community": raw},
            offered=full.offered,
            hidden=full.hidden_groups,
            threshold=full.threshold,
        )
        page_form = results_filter_form(wave, page, {"community": raw})
        assert full_form.is_valid() and page_form.is_valid()
        html = _body(wave, page, shown_page, page_form)
        assert html == _body(wave, full, shown_full, full_form)
        assert f"Je ziet de antwoorden uit {community.name}" in html


def test_the_filter_takes_and_refuses_what_the_full_list_does(network, limits):
    wave, communities = network
    full = stored_results.wave_results_stored(wave)
    page = stored_results.wave_results_page(wave)
    decided = []
    for raw in _raw_values(wave, communities):
        full_form = ResultsFilterForm(
            {"community": raw},
            offered=full.offered,
            hidden=full.hidden_groups,
            threshold=full.threshold,
        )
        page_form = results_filter_form(wave, page, {"community": raw})
        assert page_form.is_valid() == full_form.is_valid(), raw
        assert page_form.errors == full_form.errors, raw
        if full_form.is_valid():
            assert page_form.cleaned_data == full_form.cleaned_data
        decided.append(full_form.is_valid())
        with_form = _body(wave, page, None, page_form) if not page_form.is_valid() else None
        if with_form is not None:
            assert with_form == _body(wave, full, None, full_form)
    assert True in decided and False in decided
    offered = {g.pk: g for g in full.offered}
    for community in communities:
        found = stored_results.offered_community(wave, page, str(community.pk))
        assert found == offered.get(community.pk)


def test_the_page_reads_one_small_row_and_checks_one_community(network, monkeypatch):
    monkeypatch.setattr(results, "SHOWN_COMMUNITY_ROWS", 3)
    monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 3)
    wave, communities = network
    stored_results.wave_results_store(wave)
    with CaptureQueriesContext(connection) as captured:
        page = stored_results.wave_results_page(wave)
        found = stored_results.offered_community(wave, page, str(communities[10].pk))
    assert found is not None and found.name == communities[10].name
    assert len(captured) == 2
    assert '"results"' not in captured[0]["sql"], "the full results are not read"
    assert len(page.groups) == 3 and page.groups_count == len([s for s in SIZES if s]) + 1
    assert page.question("V1").rows_more > 0
    assert len(page.question("V1").rows) <= 3 + 1
    stored = StoredResults.objects.get(wave=wave, community=None)
    assert len(json.dumps(stored.page)) < len(json.dumps(stored.results))


def test_the_stored_communities_follow_the_stored_results(network, world):
    wave, communities = network
    stored_results.wave_results_stored(wave)

    def stored() -> dict[int, tuple[str, int, bool, int]]:
        return {
            pk: (name, count, hidden, threshold)
            for pk, name, count, hidden, threshold in StoredCommunity.objects.filter(
                wave=wave
            ).values_list("community_pk", "name", "count", "hidden", "threshold")
        }

    def expected() -> dict[int, tuple[str, int, bool, int]]:
        full = results.wave_results(wave)
        return {g.pk: (g.name, g.count, g.hidden, full.threshold) for g in full.groups if g.pk}

    assert stored() == expected() and len(stored()) > 3
    communities[0].name = "CoP Hernoemd"
    communities[0].save()
    assert stored() == {}, "dropped with the stored results"
    stored_results.wave_results_page(Wave.objects.get(pk=wave.pk))
    assert stored() == expected() and stored()[communities[0].pk][0] == "CoP Hernoemd"

    profile = world.programme.rule_profile
    profile.survey_min_group_size = 7
    profile.save()
    wave = Wave.objects.select_related("programme__rule_profile").get(pk=wave.pk)
    stored_results.wave_results_page(wave)
    assert stored() == expected() and {t for *_n, t in stored().values()} == {7}

    communities[1].delete()
    assert stored() == {}
    stored_results.wave_results_page(wave)
    assert stored() == expected()
    stored_results.wave_results_forget(wave)
    assert stored() == {}


def test_results_stored_before_the_page_was_kept_are_cut_by_the_first_reader(network):
    wave, _communities = network
    full = stored_results.wave_results_stored(wave)
    StoredResults.objects.update(page=None)
    StoredCommunity.objects.all().delete()
    page = stored_results.wave_results_page(wave)
    assert _comparable(page) == _comparable(results.page_cut(full))
    assert StoredResults.objects.get(wave=wave, community=None).page is not None
    assert StoredCommunity.objects.filter(wave=wave).count() == len(full.groups) - 1


def _generic(outcome: results.WaveResults) -> dict:
    """The API's answer for `outcome` (the full results), as JSON gives it back."""
    return json.loads(json.dumps(WaveResultsSerializer(outcome).data))


def test_the_api_answers_as_the_full_results_do(client, network, world, limits):
    wave, communities = network
    client.force_login(world.evaluator)
    url = reverse("api:wave_results", args=[wave.pk])
    full = stored_results.wave_results_stored(wave)
    assert client.get(url).json() == _generic(full)
    assert list(client.get(url).json()) == list(_generic(full)), "in the declared order"
    for community in communities:
        response = client.get(f"{url}?community={community.pk}")
        if community.pk in {g.pk for g in full.offered}:
            shown = stored_results.wave_results_stored(wave, community_id=community.pk)
            assert response.json() == _generic(shown)
        else:
            assert response.status_code == 400
            refused = ResultsFilterForm(
                {"community": str(community.pk)},
                offered=full.offered,
                hidden=full.hidden_groups,
                threshold=full.threshold,
            )
            message = refused.errors["community"][0]
            assert message in json.dumps(response.json(), ensure_ascii=False)


def test_the_api_keeps_its_answer_per_stored_results(client, network, world):
    """Rendered once per stored results, language and media type: a second call reads no
    figures, and a renamed community, another language or an indented answer is never
    served an answer rendered for something else."""
    wave, communities = network
    client.force_login(world.evaluator)
    url = reverse("api:wave_results", args=[wave.pk])
    first = client.get(url)
    assert first["Content-Type"] == "application/json"
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert again.content == first.content
    assert not any('"surveys_storedresults"."results"' in q["sql"] for q in captured)

    communities[0].name = "CoP Hernoemd"
    communities[0].save()
    renamed = client.get(url).json()
    assert "CoP Hernoemd" in [g["name"] for g in renamed["groups"]]
    assert renamed == _generic(stored_results.wave_results_stored(Wave.objects.get(pk=wave.pk)))

    dutch = client.get(url).json()["groups"][-1]["name"]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["groups"][-1]["name"]
    assert dutch == "Geen gemeenschap bekend" != english

    indented = client.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "wave"')
    assert json.loads(indented.content) == json.loads(client.get(url).content)
