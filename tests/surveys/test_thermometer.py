"""The built-in thermometer template follows Bijlage 5 of the report, and copying it into a
programme copies everything."""

import pytest
from django.urls import reverse

from leerkring.surveys import selectors, services
from leerkring.surveys.models import Option, Question, Questionnaire, Section, Statement
from leerkring.surveys.thermometer import TEMPLATE_KEY, template_install, template_uninstall

MODELS = {
    "Questionnaire": Questionnaire,
    "Section": Section,
    "Question": Question,
    "Option": Option,
    "Statement": Statement,
}


@pytest.fixture
def template(db):
    return Questionnaire.objects.get(programme__isnull=True, template_key=TEMPLATE_KEY)


def _q(questionnaire, code):
    return questionnaire.questions.get(code=code)


def test_the_migration_installs_one_builtin_template(template):
    assert template.is_template
    assert template.programme is None
    assert Questionnaire.objects.filter(template_key=TEMPLATE_KEY).count() == 1


def test_it_has_the_four_sections_and_twelve_questions_of_the_appendix(template):
    assert [s.title[:2] for s in template.sections.order_by("position")] == [
        "A)",
        "B)",
        "C)",
        "D)",
    ]
    codes = list(template.questions.order_by("position").values_list("code", "kind"))
    assert codes == [
        ("V1", "community"),
        ("V2", "multiple"),
        ("V3", "multiple"),
        ("V4", "multiple"),
        ("V5", "pick_from"),
        ("V6", "open"),
        ("V7", "open"),
        ("V8", "open"),
        ("V9", "matrix"),
        ("V10", "open"),
        ("V11", "multiple"),
        ("V12", "open"),
    ]
    by_section = {
        s.title[:2]: list(s.questions.order_by("position").values_list("code", flat=True))
        for s in template.sections.all()
    }
    assert by_section == {
        "A)": ["V1", "V2", "V3"],
        "B)": ["V4", "V5", "V6"],
        "C)": ["V7", "V8", "V9", "V10"],
        "D)": ["V11", "V12"],
    }


def test_starred_questions_are_required(template):
    required = set(template.questions.filter(required=True).values_list("code", flat=True))
    assert required == {"V1", "V4", "V5", "V6", "V7", "V8", "V9"}


def test_question_5_picks_at_most_three_of_the_answers_to_question_4(template):
    q5 = _q(template, "V5")
    assert q5.source_question == _q(template, "V4")
    assert q5.max_picks == 3
    assert not q5.options.exists()


def test_question_9_is_a_matrix_of_the_two_statements(template):
    assert list(_q(template, "V9").statements.values_list("text", flat=True)) == [
        "Ik voel me verantwoordelijk voor de concrete invulling van mijn CoP",
        "Ik heb invloed op de concrete invulling van mijn CoP",
    ]


@pytest.mark.parametrize(
    ("code", "count", "first", "last_regular"),
    [
        (
            "V2",
            7,
            "Reflecteren over onze dagelijkse uitvoeringspraktijk en bespreken van knelpunten",
            "Verbeteren van de dienstverlening aan inburgeraars",
        ),
        (
            "V3",
            7,
            "Meer inzicht in het werk en de werkwijzen van andere organisaties",
            "Mogelijkheden om de landelijke beleidslijn t.a.v. inburgering te beïnvloeden",
        ),
        (
            "V4",
            7,
            "Meer inzicht in het werk en de werkwijzen van andere organisaties",
            "Mogelijkheden om de landelijke beleidslijn te beïnvloeden",
        ),
        (
            "V11",
            8,
            "Beter structuur en/of werkvormen in de bijeenkomsten",
            "Meer inbreng van externen zoals (ervarings)deskundigen of experts",
        ),
    ],
)
def test_multiple_choice_questions_have_the_appendix_options_and_anders_namelijk(
    template, code, count, first, last_regular
):
    question = _q(template, code)
    options = list(question.options.order_by("position"))
    assert question.allow_other
    assert len(options) == count + 1
    assert options[0].label == first
    assert options[count - 1].label == last_regular
    assert options[-1].is_other and options[-1].label.startswith("Anders, namelijk")
    assert [o.code for o in options] == [str(n) for n in range(1, count + 2)]


def test_the_community_question_lists_the_programmes_communities(world, template):
    copy = services.questionnaire_copy(
        questionnaire=template, programme=world.programme, by=world.evaluator
    )
    sections = selectors.questionnaire_form(
        questionnaire=selectors.questionnaire_with_content().get(pk=copy.pk)
    )
    q1 = sections[0].questions[0]
    assert [c.label for c in q1.choices] == ["CoP Achterhoek", "CoP Zeeland"]


def test_installing_twice_changes_nothing_and_uninstall_removes_it(template):
    assert template_install(**MODELS) == template
    assert Question.objects.filter(questionnaire=template).count() == 12
    template_uninstall(**MODELS)
    assert not Questionnaire.objects.filter(template_key=TEMPLATE_KEY).exists()
    again = template_install(**MODELS)
    assert again.questions.count() == 12


def test_copying_the_template_copies_everything(world, template):
    copy = services.questionnaire_copy(
        questionnaire=template, programme=world.programme, by=world.evaluator
    )
    assert copy.programme == world.programme
    assert copy.copied_from == template
    assert not copy.is_template and copy.version == 1
    assert copy.sections.count() == 4
    assert copy.questions.count() == 12
    assert (
        Option.objects.filter(question__questionnaire=copy).count()
        == Option.objects.filter(question__questionnaire=template).count()
    )
    assert Statement.objects.filter(question__questionnaire=copy).count() == 2
    q5 = copy.questions.get(code="V5")
    assert q5.source_question == copy.questions.get(code="V4")
    assert q5.source_question.questionnaire == copy
    assert copy.questions.get(code="V7").section.title.startswith("C)")
    # The template itself is untouched.
    assert template.questions.count() == 12


def test_an_evaluator_copies_the_template_from_the_survey_index(client, world, template):
    client.force_login(world.evaluator)
    index = client.get(reverse("surveys:index", args=[world.programme.slug]))
    assert "Kopiëren naar dit programma" in index.content.decode()
    response = client.post(
        reverse("surveys:questionnaire_copy", args=[world.programme.slug, template.pk])
    )
    copy = Questionnaire.objects.get(programme=world.programme)
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:questionnaire", args=[copy.pk])
    assert copy.questions.count() == 12


def test_a_coordinator_sees_no_copy_button(client, world, template):
    client.force_login(world.coordinator)
    index = client.get(reverse("surveys:index", args=[world.programme.slug]))
    assert index.status_code == 200
    assert "Kopiëren naar dit programma" not in index.content.decode()


def test_the_preview_of_the_template_shows_every_question(client, world, template):
    client.force_login(world.evaluator)
    response = client.get(reverse("surveys:questionnaire_preview", args=[template.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-lk-question="') == 12
    assert "Kies er hoogstens 3." in body
    assert "Helemaal oneens" in body
    assert 'type="submit"' not in body.split("<main")[1].split("</main>")[0]
