"""Small-group suppression (DESIGN.md §2): no group below the threshold is shown, and none can
be worked out by subtracting the shown groups from the total."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from leerkring.surveys import results
from leerkring.surveys.models import Answer, Question, Response
from leerkring.surveys.results import GroupHidden, groups_to_hide
from tests import factories


def test_it_hides_nothing_when_every_group_is_large_enough():
    assert groups_to_hide({"a": 5, "b": 9, "c": 30}, 5) == set()


def test_it_hides_a_small_group_and_the_next_smallest_beside_it():
    # Total 44; with only "c" hidden, 44 - 30 - 9 would give c's 5 - 1 = 4 answers.
    assert groups_to_hide({"a": 30, "b": 9, "c": 4, "d": 12}, 5) == {"c", "b"}


def test_two_small_groups_that_together_reach_the_threshold_cover_each_other():
    assert groups_to_hide({"a": 30, "b": 3, "c": 4}, 5) == {"b", "c"}


def test_two_tiny_groups_still_below_the_threshold_together_take_a_third_one():
    assert groups_to_hide({"a": 30, "b": 1, "c": 1, "d": 8}, 5) == {"b", "c", "d"}


def test_a_total_below_the_threshold_hides_every_group():
    assert groups_to_hide({"a": 2, "b": 2}, 5) == {"a", "b"}


def test_groups_without_answers_are_no_cover():
    # An empty group reveals nothing, so it cannot hide the small one: 9 is hidden too.
    assert groups_to_hide({"a": 30, "b": 9, "c": 4, "empty": 0}, 5) == {"c", "b"}


def test_the_threshold_is_never_below_three():
    assert groups_to_hide({"a": 30, "b": 2}, 1) == {"a", "b"}
    assert groups_to_hide({"a": 30, "b": 3, "c": 3}, 1) == set()


def test_ties_are_broken_the_same_way_every_time():
    assert groups_to_hide({"a": 9, "b": 9, "c": 2}, 5) == groups_to_hide(
        {"c": 2, "b": 9, "a": 9}, 5
    )


@pytest.mark.parametrize(
    "counts",
    [
        {"a": 40, "b": 30, "c": 4},
        {"a": 6, "b": 5, "c": 1},
        {"a": 100, "b": 7, "c": 6, "d": 2},
        {"a": 12, "b": 3, "c": 3, "d": 3},
        {"a": 8, "b": 1, "c": 1, "d": 1, "e": 20},
    ],
)
def test_what_stays_hidden_is_never_a_group_below_the_threshold_on_its_own(counts):
    hidden = groups_to_hide(counts, 5)
    shown = sum(n for key, n in counts.items() if key not in hidden)
    remainder = sum(counts.values()) - shown
    assert remainder == 0 or remainder >= 5
    assert len(hidden) != 1
    assert all(counts[key] >= 5 for key in counts if key not in hidden)


def _three_community_wave(world, sizes=(12, 9, 2)):
    """A wave of three communities; everyone answers one single-choice question, "ja" in the
    first two, "nee" in the small third one."""
    third = factories.CommunityFactory(programme=world.programme, name="CoP Rijnmond")
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    question = factories.QuestionFactory(questionnaire=questionnaire, code="V1")
    yes = factories.OptionFactory(question=question, code="1", label="Ja")
    no = factories.OptionFactory(question=question, code="2", label="Nee")
    open_question = factories.QuestionFactory(
        questionnaire=questionnaire, code="V2", kind=Question.Kind.OPEN
    )
    wave = factories.WaveFactory(questionnaire=questionnaire)
    communities = [world.community, world.sibling, third]
    for community, size in zip(communities, sizes, strict=True):
        for i in range(size):
            response = Response.objects.create(wave=wave, community=community)
            option = no if community is third else yes
            Answer.objects.create(response=response, question=question, option=option)
            Answer.objects.create(response=response, question=open_question, text=f"Antwoord {i}")
    return wave, communities


def test_the_subtraction_attack_on_a_three_community_wave_finds_nothing(client, world):
    """12 + 9 + 2: if only the 2 were hidden, the total (23) minus 12 minus 9 would show the
    two "nee" answers of CoP Rijnmond. Every number a coordinator can get at must not allow
    that: the breakdown table, the filter, each filtered page and the export."""
    wave, (a, b, c) = _three_community_wave(world)
    client.force_login(world.coordinator)
    url = reverse("surveys:results", args=[wave.pk])
    page = client.get(url).content.decode()
    table = page.split('id="communities-heading"', 1)[1].split("</section>", 1)[0]
    shown_counts = [int(n) for n in re.findall(r"--numeric\">(\d+)</td>", table)]
    assert shown_counts == [12, 23]  # A, and the total: B is hidden beside C

    # Each community the filter offers, summed; the remainder must be B and C together.
    offered = re.findall(r'<option value="(\d+)"', page)
    assert offered == [str(a.pk)]
    yes_seen = 0
    for pk in offered:
        filtered = client.get(f"{url}?community={pk}").content.decode()
        yes_seen += int(re.search(r'data-code="1">.*?data-count>(\d+)<', filtered, re.S).group(1))
    overall_yes = int(re.search(r'data-code="1">.*?data-count>(\d+)<', page, re.S).group(1))
    assert overall_yes - yes_seen == 9  # B's answers and C's are mixed: 9 "ja", 2 "nee"
    for hidden in (b, c):
        response = client.get(f"{url}?community={hidden.pk}")
        assert "te weinig antwoorden" in response.content.decode()
        assert 'data-code="1"' not in response.content.decode()

    export = client.get(reverse("surveys:export_csv", args=[wave.pk]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "CoP Rijnmond" not in text and "CoP Zeeland" not in text
    assert text.count("(verborgen)") == 11
    for hidden in (b, c):
        refused = client.get(
            reverse("surveys:export_csv", args=[wave.pk]) + f"?community={hidden.pk}"
        )
        assert refused.status_code == 404


def test_open_answers_of_a_hidden_group_are_not_shown_on_their_own(world):
    wave, (_a, _b, c) = _three_community_wave(world)
    with pytest.raises(GroupHidden):
        results.wave_results(wave, community_id=c.pk)


def test_a_filtered_question_is_hidden_when_its_community_is_small_for_that_question(world):
    """Community-level sizes are fine (8 and 8), but only 2 of B answered V2: V2 is hidden in
    B's view and, so that A's V2 cannot be subtracted from the total, in A's view too."""
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    everyone = factories.QuestionFactory(questionnaire=questionnaire, code="V1")
    optional = factories.QuestionFactory(questionnaire=questionnaire, code="V2")
    option = factories.OptionFactory(question=everyone)
    optional_option = factories.OptionFactory(question=optional)
    wave = factories.WaveFactory(questionnaire=questionnaire)
    for community, optional_answers in ((world.community, 8), (world.sibling, 2)):
        for i in range(8):
            response = Response.objects.create(wave=wave, community=community)
            Answer.objects.create(response=response, question=everyone, option=option)
            if i < optional_answers:
                Answer.objects.create(response=response, question=optional, option=optional_option)
    a_view = results.wave_results(wave, community_id=world.community.pk)
    b_view = results.wave_results(wave, community_id=world.sibling.pk)
    assert a_view.question("V1").hidden is False
    assert b_view.question("V2").hidden is True
    assert a_view.question("V2").hidden is True
    assert results.wave_results(wave).question("V2").hidden is False  # 10 together


def test_responses_without_a_community_are_a_group_of_their_own(world):
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    wave = factories.WaveFactory(questionnaire=questionnaire)
    for _ in range(10):
        Response.objects.create(wave=wave, community=world.community)
    for _ in range(2):
        Response.objects.create(wave=wave, community=None)
    outcome = results.wave_results(wave)
    assert {(g.pk, g.hidden) for g in outcome.groups} == {
        (world.community.pk, True),
        (None, True),
    }
    assert outcome.offered == []
