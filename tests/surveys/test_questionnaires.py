"""The questionnaire builder: services validate in Dutch, views are for the programme's
evaluators, coordinators read along."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leerkring.surveys import selectors, services
from leerkring.surveys.models import Option, Question, Questionnaire
from tests.factories import (
    OptionFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    StatementFactory,
)


@pytest.fixture
def questionnaire(world):
    return QuestionnaireFactory(programme=world.programme)


def _add(questionnaire, by, **fields):
    defaults = {
        "code": selectors.question_code_suggest(questionnaire),
        "text": "Vraag?",
        "kind": Question.Kind.MULTIPLE,
    }
    return services.question_add(questionnaire=questionnaire, by=by, **{**defaults, **fields})


def test_it_suggests_the_next_v_code(world, questionnaire):
    assert selectors.question_code_suggest(questionnaire) == "V1"
    QuestionFactory(questionnaire=questionnaire, code="V4")
    assert selectors.question_code_suggest(questionnaire) == "V5"


def test_it_refuses_a_code_already_in_use(world, questionnaire):
    _add(questionnaire, world.evaluator, code="V1")
    with pytest.raises(ValidationError) as error:
        _add(questionnaire, world.evaluator, code="V1")
    assert "al in gebruik" in error.value.message_dict["code"][0]


def test_it_refuses_pick_from_without_a_source(world, questionnaire):
    with pytest.raises(ValidationError) as error:
        _add(questionnaire, world.evaluator, kind=Question.Kind.PICK_FROM, max_picks=3)
    assert "eerdere vraag" in error.value.message_dict["source_question"][0]
    assert not questionnaire.questions.exists()


def test_it_refuses_a_source_that_comes_after_the_question(world, questionnaire):
    q1 = _add(questionnaire, world.evaluator)
    pick = _add(
        questionnaire,
        world.evaluator,
        kind=Question.Kind.PICK_FROM,
        source_question=q1,
        max_picks=2,
    )
    later = _add(questionnaire, world.evaluator)
    with pytest.raises(ValidationError) as error:
        services.question_update(question=pick, by=world.evaluator, source_question=later)
    assert "eerder" in error.value.message_dict["source_question"][0]
    pick.refresh_from_db()
    assert pick.source_question == q1


def test_it_refuses_a_single_choice_question_as_source(world, questionnaire):
    single = _add(questionnaire, world.evaluator, kind=Question.Kind.SINGLE)
    with pytest.raises(ValidationError) as error:
        _add(questionnaire, world.evaluator, kind=Question.Kind.PICK_FROM, source_question=single)
    assert "meerdere antwoorden" in error.value.message_dict["source_question"][0]


def test_it_refuses_max_picks_below_one(world, questionnaire):
    with pytest.raises(ValidationError) as error:
        _add(questionnaire, world.evaluator, max_picks=0)
    assert "minstens 1" in error.value.message_dict["max_picks"][0]


def test_it_refuses_moving_a_piped_question_above_its_source(world, questionnaire):
    source = _add(questionnaire, world.evaluator)
    pick = _add(
        questionnaire,
        world.evaluator,
        kind=Question.Kind.PICK_FROM,
        source_question=source,
        max_picks=1,
    )
    with pytest.raises(ValidationError):
        services.question_move(question=pick, by=world.evaluator, direction="up")
    assert list(questionnaire.questions.values_list("pk", flat=True)) == [source.pk, pick.pk]


def test_it_refuses_deleting_a_question_others_pick_from(world, questionnaire):
    source = _add(questionnaire, world.evaluator)
    _add(questionnaire, world.evaluator, kind=Question.Kind.PICK_FROM, source_question=source)
    with pytest.raises(ValidationError):
        services.question_delete(question=source, by=world.evaluator)
    assert Question.objects.filter(pk=source.pk).exists()


def test_allow_other_adds_and_removes_the_anders_option(world, questionnaire):
    question = _add(questionnaire, world.evaluator, allow_other=True)
    services.option_add(question=question, by=world.evaluator, label="Ja")
    options = list(question.options.all())
    assert [o.label for o in options] == ["Ja", "Anders, namelijk…"]
    assert options[-1].is_other
    services.question_update(question=question, by=world.evaluator, allow_other=False)
    assert list(question.options.values_list("label", flat=True)) == ["Ja"]


def test_options_move_up_and_down(world, questionnaire):
    question = _add(questionnaire, world.evaluator)
    a = services.option_add(question=question, by=world.evaluator, label="A")
    b = services.option_add(question=question, by=world.evaluator, label="B")
    services.option_move(option=b, by=world.evaluator, direction="up")
    assert list(question.options.values_list("pk", flat=True)) == [b.pk, a.pk]
    assert (a.code, b.code) == ("1", "2")


def test_questions_are_numbered_section_by_section(world, questionnaire):
    first = SectionFactory(questionnaire=questionnaire, position=0)
    second = SectionFactory(questionnaire=questionnaire, position=1)
    b = _add(questionnaire, world.evaluator, section=second)
    a = _add(questionnaire, world.evaluator, section=first)
    assert list(questionnaire.questions.values_list("pk", flat=True)) == [a.pk, b.pk]
    services.section_move(section=second, by=world.evaluator, direction="up")
    assert list(questionnaire.questions.values_list("pk", flat=True)) == [b.pk, a.pk]


def test_problems_name_what_stops_a_wave(world, questionnaire):
    assert selectors.questionnaire_problems(questionnaire) == [
        "De vragenlijst heeft nog geen vragen."
    ]
    choice = _add(questionnaire, world.evaluator, code="V1", allow_other=True)
    matrix = _add(questionnaire, world.evaluator, code="V2", kind=Question.Kind.MATRIX)
    problems = selectors.questionnaire_problems(questionnaire)
    assert "Vraag V1 heeft nog geen antwoorden om uit te kiezen." in problems
    assert "Vraag V2 heeft nog geen stellingen." in problems
    OptionFactory(question=choice, code="ja")
    StatementFactory(question=matrix)
    assert selectors.questionnaire_problems(questionnaire) == []


# Views ----------------------------------------------------------------------------------


def test_an_evaluator_adds_a_question_through_the_form(client, world, questionnaire):
    client.force_login(world.evaluator)
    url = reverse("surveys:question_add", args=[questionnaire.pk])
    assert 'value="V1"' in client.get(url).content.decode()
    response = client.post(
        url, {"code": "V1", "text": "Wat vond je ervan?", "kind": "single", "required": "on"}
    )
    question = questionnaire.questions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "surveys:question_edit", args=[questionnaire.pk, question.pk]
    )
    assert question.required
    client.post(
        reverse("surveys:question_item_add", args=[questionnaire.pk, question.pk, "options"]),
        {"label": "Goed"},
    )
    assert list(question.options.values_list("label", flat=True)) == ["Goed"]


def test_the_form_shows_a_dutch_error_next_to_the_source_field(client, world, questionnaire):
    client.force_login(world.evaluator)
    response = client.post(
        reverse("surveys:question_add", args=[questionnaire.pk]),
        {"code": "V1", "text": "Kies?", "kind": "pick_from", "max_picks": "0"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kies de eerdere vraag waaruit de deelnemer kiest." in body
    assert "Het maximale aantal keuzes moet minstens 1 zijn." in body
    assert 'id="id_source_question_error"' in body
    assert not questionnaire.questions.exists()


def test_a_coordinator_reads_the_builder_without_edit_controls(client, world, questionnaire):
    question = QuestionFactory(questionnaire=questionnaire)
    client.force_login(world.coordinator)
    response = client.get(reverse("surveys:questionnaire", args=[questionnaire.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert question.text in body
    assert reverse("surveys:question_edit", args=[questionnaire.pk, question.pk]) not in body
    assert reverse("surveys:question_add", args=[questionnaire.pk]) not in body
    edit = client.post(
        reverse("surveys:questionnaire", args=[questionnaire.pk]), {"title": "Anders"}
    )
    assert edit.status_code == 403


@pytest.mark.parametrize(
    "visitor",
    [
        "participant",
        "lead",
        "sibling_member",
        "foreign_member",
        "system_partner",
        "other_coordinator",
        "nobody",
    ],
)
def test_others_cannot_open_a_questionnaire(client, world, questionnaire, visitor):
    client.force_login(getattr(world, visitor))
    for name in ("surveys:questionnaire", "surveys:questionnaire_preview"):
        assert client.get(reverse(name, args=[questionnaire.pk])).status_code == 403
    assert client.get(reverse("surveys:index", args=[world.programme.slug])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world, questionnaire):
    response = client.get(reverse("surveys:questionnaire", args=[questionnaire.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_evaluator_cannot_edit_another_programmes_questionnaire(client, world):
    other = QuestionnaireFactory(programme=world.other_programme)
    client.force_login(world.evaluator)
    assert client.get(reverse("surveys:questionnaire", args=[other.pk])).status_code == 403
    response = client.post(reverse("surveys:section_add", args=[other.pk]), {"title": "X"})
    assert response.status_code == 403


def test_an_option_of_another_questionnaire_is_not_reachable(client, world, questionnaire):
    question = QuestionFactory(questionnaire=questionnaire)
    foreign = OptionFactory(question__questionnaire__programme=world.other_programme)
    client.force_login(world.evaluator)
    url = reverse(
        "surveys:question_item_delete", args=[questionnaire.pk, question.pk, "options", foreign.pk]
    )
    assert client.post(url).status_code == 404
    assert Option.objects.filter(pk=foreign.pk).exists()


def test_the_template_cannot_be_edited_by_anyone(client, world):
    template = Questionnaire.objects.get(template_key="thermometer")
    client.force_login(world.evaluator)
    assert client.get(reverse("surveys:questionnaire", args=[template.pk])).status_code == 200
    response = client.post(reverse("surveys:section_add", args=[template.pk]), {"title": "X"})
    assert response.status_code == 403


def _index_queries(client, world, django_assert_max_num_queries, count):
    for _ in range(count):
        q = QuestionnaireFactory(programme=world.programme)
        QuestionFactory(questionnaire=q)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("surveys:index", args=[world.programme.slug]))
    assert response.status_code == 200
    return len(ctx)


def test_the_index_uses_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.evaluator)
    small = _index_queries(client, world, django_assert_max_num_queries, 1)
    large = _index_queries(client, world, django_assert_max_num_queries, 6)
    assert small == large


def test_the_builder_uses_a_fixed_number_of_queries(client, world, questionnaire):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.evaluator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.get(reverse("surveys:questionnaire", args=[questionnaire.pk])).status_code
                == 200
            )
        return len(ctx)

    QuestionFactory(
        questionnaire=questionnaire, section=SectionFactory(questionnaire=questionnaire)
    )
    small = count()
    for _ in range(5):
        question = QuestionFactory(
            questionnaire=questionnaire, section=SectionFactory(questionnaire=questionnaire)
        )
        OptionFactory(question=question)
        StatementFactory(question=QuestionFactory(questionnaire=questionnaire, kind="matrix"))
    assert count() == small
