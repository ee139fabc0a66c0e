"""The results page: every count and percentage of a known set of 74 responses (the size of
the report's January 2024 wave), rounding, the community filter, open answers, permissions and
query counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

import pytest
from django.urls import reverse

from leerkring.communities.models import Community
from leerkring.surveys import results, services
from leerkring.surveys.models import Answer, Question, Questionnaire, Response, Wave
from leerkring.surveys.thermometer import TEMPLATE_KEY
from tests import factories

SATISFACTION = [
    ("1", "Zeer tevreden", 14),
    ("2", "Tevreden", 43),
    ("3", "Neutraal", 16),
    ("4", "Ontevreden", 1),
    ("5", "Zeer ontevreden", 0),
]
INJECTION = '=HYPERLINK("http://example.com","klik")'
SCRIPT = "<script>alert('x')</script>"


@dataclass
class KnownWave:
    """The thermometer (copied from the built-in template, plus the report's satisfaction
    question as V13) with 74 responses: 40 from A, 30 from B and 4 from C."""

    wave: Wave
    a: Community
    b: Community
    c: Community
    q: dict[str, Question] = field(default_factory=dict)
    open_texts: list[str] = field(default_factory=list)


def build_known_wave(world, *, sizes=(40, 30, 4)) -> KnownWave:
    template = Questionnaire.objects.get(is_template=True, template_key=TEMPLATE_KEY)
    questionnaire = services.questionnaire_copy(
        questionnaire=template, programme=world.programme, by=None
    )
    satisfaction = factories.QuestionFactory(
        questionnaire=questionnaire,
        code="V13",
        position=99,
        kind=Question.Kind.SINGLE,
        text="Hoe tevreden ben je over de opbrengsten van de CoP voor je eigen werk?",
    )
    for position, (code, label, _n) in enumerate(SATISFACTION):
        factories.OptionFactory(question=satisfaction, position=position, code=code, label=label)
    q = {question.code: question for question in questionnaire.questions.all()}
    c = factories.CommunityFactory(programme=world.programme, name="CoP Rijnmond")
    a, b = world.community, world.sibling
    wave = factories.WaveFactory(questionnaire=questionnaire, title="Meting januari 2024")
    wave.communities.set([a, b, c])
    known = KnownWave(wave=wave, a=a, b=b, c=c, q=q)

    satisfaction_codes = [code for code, _l, n in SATISFACTION for _ in range(n)]
    communities = [a] * sizes[0] + [b] * sizes[1] + [c] * sizes[2]
    options = {code: {o.code: o for o in q[code].options.all()} for code in ("V4", "V13")}
    statements = list(q["V9"].statements.all())
    answers = []
    for i, community in enumerate(communities):
        response = Response.objects.create(wave=wave, community=community)

        def add(question, response=response, **kwargs):
            answers.append(Answer(response=response, question=question, **kwargs))

        add(q["V1"], community=community)
        if i < len(satisfaction_codes):
            add(q["V13"], option=options["V13"][satisfaction_codes[i]])
        picks = [code for code, chosen in (
            ("1", i < 50), ("2", i % 2 == 0), ("3", i < 10), ("4", i >= 50)
        ) if chosen]  # fmt: skip
        for code in picks:
            add(q["V4"], option=options["V4"][code])
        if i == 0:
            add(q["V4"], option=options["V4"]["8"], text=INJECTION)
        if i < 50:
            add(q["V5"], option=options["V4"]["1"])
        if i < 30:
            text = SCRIPT if i == 29 else f"Voorbeeld {i:02d}"
            known.open_texts.append(text)
            add(q["V6"], text=text)
        add(q["V9"], statement=statements[0], scale_value=1 + i % 5)
        add(q["V9"], statement=statements[1], scale_value=2)
    Answer.objects.bulk_create(answers)
    return known


def section_html(content: str, question: Question) -> str:
    """The part of the page about one question: up to the next question or the page's end."""
    marker = f'<section aria-labelledby="question-{question.pk}"'
    assert marker in content, f"no section for {question.code}"
    part = content.split(marker, 1)[1]
    return part.split('<section aria-labelledby="question-', 1)[0].split("</main>", 1)[0]


def table_rows(html: str) -> dict[str, tuple[int, int]]:
    """{option code: (count, percent)} from a result table."""
    rows = {}
    for code, count, percent in re.findall(
        r'<tr class="utrecht-table__row" data-code="([^"]*)">.*?data-count>(\d+)</td>.*?'
        r"data-percent>(\d+)%</td>",
        html,
        re.S,
    ):
        rows[code] = (int(count), int(percent))
    return rows


@pytest.fixture
def known(world):
    return build_known_wave(world)


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_it_shows_every_count_and_percentage_of_a_known_wave(client, world, known):
    response = _get(client, world.evaluator, reverse("surveys:results", args=[known.wave.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "74 ingevulde vragenlijsten" in content

    satisfaction = section_html(content, known.q["V13"])
    assert "n = 74" in satisfaction
    # 14/43/16/1 of 74 = 18.92/58.11/21.62/1.35: floors 18+58+21+1 = 98, the two points left
    # go to the largest remainders (.92 and .62), so the column adds up to 100.
    assert table_rows(satisfaction) == {
        "1": (14, 19),
        "2": (43, 58),
        "3": (16, 22),
        "4": (1, 1),
        "5": (0, 0),
    }

    yields = table_rows(section_html(content, known.q["V4"]))
    # Multiple choice: share of the 74 respondents, half up (67.57, 50, 13.51, 32.43, 1.35).
    assert yields["1"] == (50, 68)
    assert yields["2"] == (37, 50)
    assert yields["3"] == (10, 14)
    assert yields["4"] == (24, 32)
    assert yields["8"] == (1, 1)
    assert yields["5"] == (0, 0)

    most_important = section_html(content, known.q["V5"])
    assert "n = 50" in most_important
    assert table_rows(most_important)["1"] == (50, 100)

    matrix = section_html(content, known.q["V9"])
    first, second = known.q["V9"].statements.all()
    row = re.search(rf'data-code="{first.code}">(.*?)</tr>', matrix, re.S).group(1)
    # 15/15/15/15/14 of 74: floors 20+20+20+20+18 = 98; remainders .27 ×4 and .92: the 14
    # gets one point, the tie among the .27s goes to the first ("helemaal eens").
    assert re.findall(r'data-scale="(\d)">(\d+) \((\d+)%\)', row) == [
        ("1", "15", "21"),
        ("2", "15", "20"),
        ("3", "15", "20"),
        ("4", "15", "20"),
        ("5", "14", "19"),
    ]
    row = re.search(rf'data-code="{second.code}">(.*?)</tr>', matrix, re.S).group(1)
    assert re.findall(r'data-scale="(\d)">(\d+) \((\d+)%\)', row)[1] == ("2", "74", "100")

    # "Which community": A on its own; B is hidden beside the small C, both in one row.
    community = section_html(content, known.q["V1"])
    assert table_rows(community) == {str(known.a.pk): (40, 54), "": (34, 46)}
    assert "CoP Zeeland" not in community and "CoP Rijnmond" not in community


def test_it_documents_the_rounding_on_the_page(client, world, known):
    content = _get(
        client, world.coordinator, reverse("surveys:results", args=[known.wave.pk])
    ).content.decode()
    assert "methode van de grootste restwaarden" in content
    assert "een half naar boven" in content


def test_it_draws_bars_without_inline_styles(client, world, known):
    content = _get(
        client, world.evaluator, reverse("surveys:results", args=[known.wave.pk])
    ).content.decode()
    satisfaction = section_html(content, known.q["V13"])
    assert '<rect width="58" height="10">' in satisfaction
    assert "style=" not in content.split("<main", 1)[-1]
    matrix = section_html(content, known.q["V9"])
    assert '<rect class="lk-scale-2" x="21" width="20" height="10">' in matrix


def test_it_lists_open_answers_escaped_and_not_in_the_order_they_came_in(client, world, known):
    url = reverse("surveys:results", args=[known.wave.pk])
    content = _get(client, world.evaluator, url).content.decode()
    html = section_html(content, known.q["V6"])
    shown = [unescape(t) for t in re.findall(r"<li>(.*?)</li>", html, re.S)]
    assert sorted(shown) == sorted(known.open_texts)
    assert shown != known.open_texts
    assert SCRIPT not in content
    assert "&lt;script&gt;" in html
    # The "anders, namelijk" text is listed with the question, without anything else.
    assert "=HYPERLINK(&quot;http://example.com&quot;,&quot;klik&quot;)" in section_html(
        content, known.q["V4"]
    )


def test_open_answers_are_shuffled_again_when_computed_again(world, known):
    orders = {tuple(results.wave_results(known.wave).question("V6").texts) for _ in range(5)}
    assert len(orders) > 1


def test_it_shows_the_responses_per_community_with_small_groups_hidden(client, world, known):
    content = _get(
        client, world.evaluator, reverse("surveys:results", args=[known.wave.pk])
    ).content.decode()
    table = content.split('id="communities-heading"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"CoP Achterhoek</th>\s*<td[^>]*>40</td>", table)
    # C has 4 (< 5); B (30) is hidden beside it, or 74 - 40 would give C.
    for name in ("CoP Zeeland", "CoP Rijnmond"):
        assert re.search(
            rf"{name}</th>\s*<td[^>]*>Te weinig antwoorden om te tonen \(minder dan 5\)", table
        )
    assert ">30<" not in table and ">4<" not in table


def test_the_community_filter_offers_only_groups_that_may_be_shown(client, world, known):
    url = reverse("surveys:results", args=[known.wave.pk])
    content = _get(client, world.evaluator, url).content.decode()
    select = re.search(r"<select.*?</select>", content, re.S).group(0)
    assert f'value="{known.a.pk}"' in select
    assert f'value="{known.b.pk}"' not in select
    assert f'value="{known.c.pk}"' not in select


def test_the_community_filter_shows_one_community(client, world, known):
    url = reverse("surveys:results", args=[known.wave.pk])
    content = _get(client, world.evaluator, f"{url}?community={known.a.pk}").content.decode()
    assert "Je ziet de antwoorden uit CoP Achterhoek" in content
    satisfaction = section_html(content, known.q["V13"])
    # Responses 0-39 are A's: 14 very satisfied, 26 satisfied.
    assert "n = 40" in satisfaction
    assert table_rows(satisfaction)["1"] == (14, 35)
    assert table_rows(satisfaction)["2"] == (26, 65)
    assert 'id="communities-heading"' not in content


@pytest.mark.parametrize("which", ["b", "c"])
def test_the_community_filter_refuses_a_hidden_group(client, world, known, which):
    community = getattr(known, which)
    url = reverse("surveys:results", args=[known.wave.pk])
    response = _get(client, world.evaluator, f"{url}?community={community.pk}")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Van deze gemeenschap zijn te weinig antwoorden om te tonen (minder dan 5)" in content
    assert 'aria-invalid="true"' in content
    assert 'id="question-' not in content


def test_the_filter_refuses_a_community_of_another_wave(client, world, known):
    url = reverse("surveys:results", args=[known.wave.pk])
    content = _get(client, world.evaluator, f"{url}?community={world.foreign.pk}").content
    assert 'id="question-' not in content.decode()


def test_a_wave_below_the_threshold_shows_nothing_but_the_notice(client, world):
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    question = factories.QuestionFactory(questionnaire=questionnaire)
    option = factories.OptionFactory(question=question)
    wave = factories.WaveFactory(questionnaire=questionnaire)
    for _ in range(4):
        response = Response.objects.create(wave=wave, community=world.community)
        Answer.objects.create(response=response, question=question, option=option)
    content = _get(client, world.evaluator, reverse("surveys:results", args=[wave.pk]))
    content = content.content.decode()
    assert "Te weinig antwoorden om te tonen (minder dan 5)." in content
    assert 'id="question-' not in content
    assert "4 ingevulde" not in content


def test_a_question_answered_by_too_few_is_hidden(world):
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    everyone = factories.QuestionFactory(questionnaire=questionnaire, code="V1")
    optional = factories.QuestionFactory(questionnaire=questionnaire, code="V2")
    yes = factories.OptionFactory(question=everyone)
    other = factories.OptionFactory(question=optional)
    wave = factories.WaveFactory(questionnaire=questionnaire)
    for i in range(8):
        response = Response.objects.create(wave=wave, community=world.community)
        Answer.objects.create(response=response, question=everyone, option=yes)
        if i < 2:
            Answer.objects.create(response=response, question=optional, option=other)
    outcome = results.wave_results(wave)
    assert outcome.question("V1").hidden is False
    assert outcome.question("V2").hidden is True
    assert outcome.question("V2").rows == []


def test_the_threshold_follows_the_rule_profile_but_never_below_three(world):
    profile = world.programme.rule_profile
    profile.survey_min_group_size = 8
    profile.save()
    assert results.group_threshold(world.programme) == 8
    profile.survey_min_group_size = 1  # bypassing the form's validator
    profile.save()
    world.programme.refresh_from_db()
    assert results.group_threshold(world.programme) == 3


def test_a_higher_threshold_hides_more_at_once(client, world, known):
    url = reverse("surveys:results", args=[known.wave.pk])
    _get(client, world.evaluator, url)  # cached with threshold 5
    profile = world.programme.rule_profile
    profile.survey_min_group_size = 41
    profile.save()
    content = client.get(url).content.decode()
    assert re.search(r"CoP Achterhoek</th>\s*<td[^>]*>Te weinig", content)


def _wave_with(world, responses: int) -> Wave:
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    single = factories.QuestionFactory(questionnaire=questionnaire, code="V1")
    multiple = factories.QuestionFactory(
        questionnaire=questionnaire, code="V2", kind=Question.Kind.MULTIPLE
    )
    matrix = factories.QuestionFactory(
        questionnaire=questionnaire, code="V3", kind=Question.Kind.MATRIX
    )
    open_question = factories.QuestionFactory(
        questionnaire=questionnaire, code="V4", kind=Question.Kind.OPEN
    )
    options = [factories.OptionFactory(question=single) for _ in range(3)]
    picks = [factories.OptionFactory(question=multiple) for _ in range(3)]
    statement = factories.StatementFactory(question=matrix)
    wave = factories.WaveFactory(questionnaire=questionnaire)
    communities = [world.community, world.sibling]
    answers = []
    for i in range(responses):
        response = Response.objects.create(wave=wave, community=communities[i % 2])
        answers += [
            Answer(response=response, question=single, option=options[i % 3]),
            Answer(response=response, question=multiple, option=picks[i % 3]),
            Answer(response=response, question=matrix, statement=statement, scale_value=3),
            Answer(response=response, question=open_question, text=f"Tekst {i}"),
        ]
    Answer.objects.bulk_create(answers)
    return wave


@pytest.mark.parametrize("community", [False, True])
def test_the_results_page_query_count_is_flat_in_the_number_of_responses(client, world, community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.evaluator)
    counts = []
    for size in (20, 200):
        wave = _wave_with(world, size)
        url = reverse("surveys:results", args=[wave.pk])
        if community:
            url += f"?community={world.community.pk}"
        for _ in range(2):  # cold, then warm
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
    assert counts[0] == counts[2], counts
    assert counts[1] == counts[3], counts
    assert counts[1] < counts[0]


def test_the_warm_page_is_served_without_reading_the_stored_results(client, world, known):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def main(response) -> str:
        # The page's own content; the frame around it carries a per-request nonce.
        return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]

    url = reverse("surveys:results", args=[known.wave.pk])
    first = main(_get(client, world.evaluator, url))
    with CaptureQueriesContext(connection) as captured:
        again = main(client.get(url))

    assert again == first
    assert "data-count" in again
    assert not any("surveys_storedresults" in query["sql"] for query in captured)


ALLOWED = {"evaluator", "coordinator"}
FORBIDDEN = [
    "participant",
    "lead",
    "facilitator",
    "sibling_member",
    "foreign_member",
    "system_partner",
    "other_coordinator",
    "nobody",
]


def _urls(known) -> list[str]:
    pk = known.wave.pk
    return [
        reverse("surveys:results", args=[pk]),
        reverse("surveys:results", args=[pk]) + f"?community={known.a.pk}",
        reverse("surveys:export_csv", args=[pk]),
        reverse("surveys:export_xlsx", args=[pk]),
        reverse("surveys:codebook_csv", args=[pk]),
        reverse("surveys:compare", args=[known.wave.programme.slug])
        + f"?question=V13&waves={pk}&waves={pk}",
    ]


@pytest.mark.parametrize("visitor", FORBIDDEN)
def test_members_partners_and_other_coordinators_are_refused(client, world, known, visitor):
    client.force_login(getattr(world, visitor))
    for url in _urls(known):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("visitor", sorted(ALLOWED))
def test_evaluators_and_coordinators_get_in(client, world, known, visitor):
    client.force_login(getattr(world, visitor))
    for url in _urls(known):
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(client, world, known):
    for url in _urls(known):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
