"""One definition of satisfaction (issue 12, point 8): the report's survey section and the CoP
monitor judge the rule profile's satisfaction question the same way, and the rule profile
names only a question the monitor can judge."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.evaluation import monitor, selectors
from leerkring.evaluation.reports.data import Period
from leerkring.evaluation.reports.outcome import report_survey
from leerkring.surveys import satisfaction
from leerkring.surveys.models import Question
from tests import factories
from tests.communities.test_programme_pages import rule_data
from tests.surveys.test_results import build_known_wave

pytestmark = pytest.mark.django_db

# The known wave: V13 answered 14 / 43 / 16 / 1 / 0 by the first 74 respondents, of whom 40
# are in A and 30 in B (and 4 in C, too few to show on their own).
PERIOD = Period(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))


def _name(programme, code: str) -> None:
    rules = programme.rule_profile
    rules.monitor_satisfaction_question = code
    rules.full_clean()
    rules.save()


def _report_percent(programme, community=None) -> int | None:
    (wave,) = report_survey(programme=programme, community=community, period=PERIOD)
    question = next(q for q in wave.questions if q.code == "V13")
    return question.satisfied_percent


def test_a_single_choice_question_counts_its_first_two_options_as_satisfied(world):
    known = build_known_wave(world)
    _name(world.programme, "V13")
    counts = satisfaction.satisfaction_counts(code="V13", wave_ids=[known.wave.pk])
    per_community = counts[known.wave.pk]
    # Respondents 0-13 "zeer tevreden", 14-56 "tevreden": A holds 0-39, B 40-69, C 70-73.
    assert per_community[known.a.pk] == satisfaction.Satisfaction(answers=40, satisfied=40)
    assert per_community[known.b.pk] == satisfaction.Satisfaction(answers=30, satisfied=17)
    assert per_community[known.c.pk] == satisfaction.Satisfaction(answers=4, satisfied=0)


def test_the_report_and_the_monitor_agree_on_a_single_choice_question(world):
    known = build_known_wave(world)
    _name(world.programme, "V13")
    judged = monitor.monitor_communities([known.a, known.b, known.c])
    check = {c.key: c for c in judged[known.a.pk]}["satisfaction"]
    assert check.status != monitor.UNKNOWN, check.reason
    assert check.short == f"{_report_percent(world.programme, known.a)}%" == "100%"
    assert (
        check == {c.key: c for c in selectors.community_monitor(community=known.a)}["satisfaction"]
    )
    # C (4 answers) is too small to show, and B is hidden as its cover: the report shows
    # neither and the monitor judges neither.
    for community in (known.b, known.c):
        (wave,) = report_survey(programme=world.programme, community=community, period=PERIOD)
        assert wave.state == "hidden"
        assert {c.key: c for c in judged[community.pk]}["satisfaction"].status == monitor.UNKNOWN
    # The programme as a whole: 57 of 74.
    assert _report_percent(world.programme) == 77


def test_the_report_shows_the_satisfied_share_beside_the_answers(client, world):
    build_known_wave(world)
    _name(world.programme, "V13")
    client.force_login(world.evaluator)
    today = timezone.localdate()
    response = client.get(
        reverse("evaluation:programme_report", args=[world.programme.slug]),
        {"from": "2020-01-01", "to": today.isoformat()},
    )
    assert response.status_code == 200
    assert "Tevreden: 77% (zo telt de CoP-monitor ook)." in response.content.decode()


def test_a_matrix_question_counts_agree_and_strongly_agree_in_both(world):
    known = build_known_wave(world)
    _name(world.programme, "V9")
    counts = satisfaction.satisfaction_counts(code="V9", wave_ids=[known.wave.pk])
    # Statement 1 runs through the scale (1 + i % 5), statement 2 is always "eens".
    a = counts[known.wave.pk][known.a.pk]
    assert (a.answers, a.satisfied) == (80, 16 + 40)
    check = {c.key: c for c in selectors.community_monitor(community=known.a)}["satisfaction"]
    assert check.short == "70%"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("V99", "Geen vraag met code V99 in de vragenlijsten van dit programma."),
        ("V6", "Vraag V6 is van de soort ‘Open vraag’."),
        ("V4", "Vraag V4 is van de soort ‘Meerdere antwoorden’."),
        ("V14", "Vraag V14 heeft te weinig antwoorden voor een schaal."),
    ],
)
def test_the_rule_profile_refuses_a_question_the_monitor_cannot_judge(client, world, code, message):
    known = build_known_wave(world)
    yes_no = factories.QuestionFactory(
        questionnaire=known.wave.questionnaire, code="V14", kind=Question.Kind.SINGLE
    )
    factories.OptionFactory(question=yes_no, position=0, code="1", label="Ja")
    factories.OptionFactory(question=yes_no, position=1, code="2", label="Nee")
    client.force_login(world.coordinator)
    url = reverse("communities:rule_profile_edit", args=[world.programme.slug])
    response = client.post(url, rule_data(monitor_satisfaction_question=code))
    assert response.status_code == 200
    errors = response.context["form"].errors["monitor_satisfaction_question"]
    assert errors[0].startswith(message)
    body = response.content.decode()
    assert 'id="id_monitor_satisfaction_question_error"' in body
    world.programme.rule_profile.refresh_from_db()
    assert world.programme.rule_profile.monitor_satisfaction_question == ""


@pytest.mark.parametrize("code", ["V13", "V9", ""])
def test_the_rule_profile_accepts_a_scale_or_a_matrix_question(client, world, code):
    build_known_wave(world)
    client.force_login(world.coordinator)
    url = reverse("communities:rule_profile_edit", args=[world.programme.slug])
    response = client.post(url, rule_data(monitor_satisfaction_question=code))
    assert response.status_code == 302, response.context["form"].errors
    world.programme.rule_profile.refresh_from_db()
    assert world.programme.rule_profile.monitor_satisfaction_question == code
