"""Wave comparison: the same question (matched by code across questionnaire versions) in
several waves side by side, as percentages of each wave's respondents."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from leerkring.surveys import services
from leerkring.surveys.models import Answer, Questionnaire, Response
from leerkring.surveys.thermometer import TEMPLATE_KEY
from tests import factories


def _answer_v4(wave, community, picks: list[list[str]]) -> None:
    """One response per entry of `picks`, choosing those option codes of V4."""
    question = wave.questionnaire.questions.get(code="V4")
    options = {o.code: o for o in question.options.all()}
    for chosen in picks:
        response = Response.objects.create(wave=wave, community=community)
        for code in chosen:
            Answer.objects.create(response=response, question=question, option=options[code])


@pytest.fixture
def two_waves(world):
    """May 2023 on version 1 of the thermometer, January 2024 on version 2."""
    template = Questionnaire.objects.get(is_template=True, template_key=TEMPLATE_KEY)
    first = services.questionnaire_copy(questionnaire=template, programme=world.programme, by=None)
    may = factories.WaveFactory(
        questionnaire=first,
        title="Meting mei 2023",
        opens_on=datetime.date(2023, 5, 1),
        closes_on=datetime.date(2023, 6, 15),
    )
    # 10 respondents: 4 chose "1" (40%), all chose "2" (100%).
    _answer_v4(may, world.community, [["1", "2"]] * 4 + [["2"]] * 6)
    second = services.questionnaire_new_version(questionnaire=first, by=None)
    assert second.version == 2
    january = factories.WaveFactory(
        questionnaire=second,
        title="Meting januari 2024",
        opens_on=datetime.date(2024, 1, 8),
        closes_on=datetime.date(2024, 1, 31),
    )
    # 8 respondents: 6 chose "1" (75%), 1 chose "3" (13%: 12.5 rounds half up).
    _answer_v4(january, world.sibling, [["1"]] * 6 + [["3"]] + [["2"]])
    return may, january


def _compare(client, world, *waves, question="V4"):
    url = reverse("surveys:compare", args=[world.programme.slug])
    query = "&".join([f"question={question}", *(f"waves={w.pk}" for w in waves)])
    return client.get(f"{url}?{query}")


def _row(content: str, code: str) -> list[str]:
    row = re.search(rf'data-code="{code}">(.*?)</tr>', content, re.S).group(1)
    return re.findall(r"--numeric\">(.*?)</td>", row)


def test_it_puts_the_same_question_of_two_versions_side_by_side(client, world, two_waves):
    may, january = two_waves
    client.force_login(world.evaluator)
    response = _compare(client, world, january, may)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Wat heeft je deelname aan de CoP voor jou persoonlijk tot nu opgeleverd?" in content
    # Oldest wave first, whatever order they were asked in.
    assert content.index("Meting mei 2023</th>") < content.index("Meting januari 2024</th>")
    assert _row(content, "1") == ["40% (4)", "75% (6)"]
    assert _row(content, "2") == ["100% (10)", "13% (1)"]
    assert _row(content, "3") == ["0% (0)", "13% (1)"]
    assert '<rect class="lk-series-2" width="75" height="10">' in content


def test_the_question_list_offers_codes_from_every_version(client, world, two_waves):
    client.force_login(world.coordinator)
    content = client.get(reverse("surveys:compare", args=[world.programme.slug])).content
    content = content.decode()
    assert content.count('<option value="V4"') == 1
    assert '<option value="V6"' not in content  # open questions cannot be compared


def test_a_wave_with_too_few_respondents_shows_a_dash(client, world, two_waves):
    may, _january = two_waves
    small = factories.WaveFactory(questionnaire=may.questionnaire, title="Meting oktober 2023")
    _answer_v4(small, world.community, [["1"]] * 3)
    client.force_login(world.evaluator)
    content = _compare(client, world, may, small).content.decode()
    assert _row(content, "1") == ["40% (4)", "–"]
    assert "(3)" not in content


@pytest.mark.parametrize(
    "query, message",
    [
        ("question=V4", "Kies de meetrondes die je wilt vergelijken."),
        ("question=V99&waves={may}&waves={january}", "Deze vraag staat niet in de vragenlijsten"),
        ("question=V4&waves={may}", "Kies ten minste twee meetrondes om te vergelijken."),
        ("question=V4&waves={may}&waves={foreign}", "Kies alleen meetrondes van dit programma."),
    ],
)
def test_it_explains_what_is_missing(client, world, two_waves, query, message):
    may, january = two_waves
    foreign_questionnaire = factories.QuestionnaireFactory(programme=world.other_programme)
    foreign = factories.WaveFactory(questionnaire=foreign_questionnaire)
    client.force_login(world.evaluator)
    url = reverse("surveys:compare", args=[world.programme.slug])
    query = query.format(may=may.pk, january=january.pk, foreign=foreign.pk)
    content = client.get(f"{url}?{query}").content.decode()
    assert message in content
    assert "data-code=" not in content


def test_other_programmes_coordinator_is_refused(client, world, two_waves):
    client.force_login(world.other_coordinator)
    assert client.get(reverse("surveys:compare", args=[world.programme.slug])).status_code == 403
