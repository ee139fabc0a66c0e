"""Once a wave has answers, a questionnaire is locked: edits that would break comparison are
refused with an explanation, wording-only edits pass, and a new version keeps the codes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leerkring.surveys import selectors, services
from leerkring.surveys.models import Question, Questionnaire
from tests.factories import (
    OptionFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SectionFactory,
    StatementFactory,
    WaveFactory,
)


@pytest.fixture
def locked(world):
    questionnaire = QuestionnaireFactory(programme=world.programme)
    section = SectionFactory(questionnaire=questionnaire)
    source = QuestionFactory(
        questionnaire=questionnaire,
        section=section,
        code="V1",
        kind=Question.Kind.MULTIPLE,
        position=0,
    )
    OptionFactory(question=source, code="1", label="Ja")
    OptionFactory(question=source, code="2", label="Nee")
    QuestionFactory(
        questionnaire=questionnaire,
        section=section,
        code="V2",
        kind=Question.Kind.PICK_FROM,
        source_question=source,
        max_picks=1,
        position=1,
    )
    StatementFactory(
        question=QuestionFactory(
            questionnaire=questionnaire, section=section, code="V3", kind="matrix", position=2
        )
    )
    ResponseFactory(wave=WaveFactory(questionnaire=questionnaire))
    return questionnaire


def test_a_questionnaire_without_responses_is_not_locked(world):
    questionnaire = QuestionnaireFactory(programme=world.programme)
    WaveFactory(questionnaire=questionnaire)
    assert not selectors.questionnaire_is_locked(questionnaire)


def test_a_response_in_any_wave_locks_it(locked):
    assert selectors.questionnaire_is_locked(locked)


@pytest.mark.parametrize(
    "edit",
    [
        lambda q, by: services.question_update(
            question=q.questions.get(code="V1"), by=by, kind=Question.Kind.SINGLE
        ),
        lambda q, by: services.question_update(
            question=q.questions.get(code="V1"), by=by, code="V9"
        ),
        lambda q, by: services.question_update(
            question=q.questions.get(code="V1"), by=by, text="Iets anders?"
        ),
        lambda q, by: services.question_move(
            question=q.questions.get(code="V3"), by=by, direction="up"
        ),
        lambda q, by: services.question_delete(question=q.questions.get(code="V3"), by=by),
        lambda q, by: services.question_add(
            questionnaire=q, by=by, code="V4", text="Nieuw?", kind="open", required=True
        ),
        lambda q, by: services.option_add(
            question=q.questions.get(code="V1"), by=by, label="Misschien"
        ),
        lambda q, by: services.option_update(
            option=q.questions.get(code="V1").options.first(), by=by, label="Jazeker"
        ),
        lambda q, by: services.option_move(
            option=q.questions.get(code="V1").options.last(), by=by, direction="up"
        ),
        lambda q, by: services.option_delete(
            option=q.questions.get(code="V1").options.first(), by=by
        ),
        lambda q, by: services.statement_delete(
            statement=q.questions.get(code="V3").statements.get(), by=by
        ),
        lambda q, by: services.section_add(questionnaire=q, by=by, title="Nieuw"),
    ],
    ids=[
        "kind",
        "code",
        "text",
        "move",
        "delete",
        "add-required",
        "option-add",
        "option-label",
        "option-move",
        "option-delete",
        "statement-delete",
        "section-add",
    ],
)
def test_it_refuses_edits_that_break_comparison(world, locked, edit):
    before = _snapshot(locked)
    with pytest.raises(ValidationError) as error:
        edit(locked, world.evaluator)
    assert "nieuwe versie" in " ".join(error.value.messages)
    assert _snapshot(locked) == before


def _snapshot(questionnaire):
    return [
        (
            q.code,
            q.kind,
            q.text,
            q.position,
            list(q.options.values_list("code", "label")),
            list(q.statements.values_list("code", "text")),
        )
        for q in Questionnaire.objects.get(pk=questionnaire.pk).questions.order_by("position")
    ], questionnaire.sections.count()


def test_wording_only_edits_are_still_allowed(world, locked):
    services.questionnaire_update(
        questionnaire=locked, by=world.evaluator, title="Thermometer 2024", intro="Welkom."
    )
    section = locked.sections.get()
    services.section_update(section=section, by=world.evaluator, title="A) Deelname", intro="")
    question = locked.questions.get(code="V1")
    services.question_update(question=question, by=world.evaluator, help_text="Kies er een paar.")
    question.refresh_from_db()
    assert question.help_text == "Kies er een paar."
    # Saving an unchanged option is no edit at all.
    option = question.options.first()
    services.option_update(option=option, by=world.evaluator, label=option.label)


def test_a_new_version_copies_everything_and_keeps_the_codes(world, locked):
    new = services.questionnaire_new_version(questionnaire=locked, by=world.evaluator)
    assert new.version == 2
    assert new.previous_version == locked
    assert new.programme == locked.programme
    assert not selectors.questionnaire_is_locked(new)
    assert list(new.questions.values_list("code", flat=True)) == ["V1", "V2", "V3"]
    assert new.questions.get(code="V2").source_question == new.questions.get(code="V1")
    assert list(new.questions.get(code="V1").options.values_list("code", "label")) == [
        ("1", "Ja"),
        ("2", "Nee"),
    ]
    # And the new version can be changed.
    services.option_add(question=new.questions.get(code="V1"), by=world.evaluator, label="Soms")


def test_a_version_cannot_be_forked_twice(world, locked):
    services.questionnaire_new_version(questionnaire=locked, by=world.evaluator)
    with pytest.raises(ValidationError):
        services.questionnaire_new_version(questionnaire=locked, by=world.evaluator)


def test_the_builder_explains_the_lock_and_offers_a_new_version(client, world, locked):
    client.force_login(world.evaluator)
    body = client.get(reverse("surveys:questionnaire", args=[locked.pk])).content.decode()
    assert "Nieuwe versie maken" in body
    assert (
        reverse("surveys:question_move", args=[locked.pk, locked.questions.first().pk]) not in body
    )
    response = client.post(reverse("surveys:questionnaire_new_version", args=[locked.pk]))
    new = Questionnaire.objects.get(previous_version=locked)
    assert response["Location"] == reverse("surveys:questionnaire", args=[new.pk])


def test_a_refused_edit_through_the_view_shows_the_explanation(client, world, locked):
    client.force_login(world.evaluator)
    question = locked.questions.get(code="V3")
    response = client.post(
        reverse("surveys:question_delete", args=[locked.pk, question.pk]), follow=True
    )
    assert "Maak een nieuwe versie" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_index_shows_the_version_and_lock(client, world, locked):
    client.force_login(world.coordinator)
    body = client.get(reverse("surveys:index", args=[world.programme.slug])).content.decode()
    assert "Ingevuld, vastgezet" in body
