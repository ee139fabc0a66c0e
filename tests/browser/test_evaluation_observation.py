"""Journey: an evaluator picks a meeting the community opened to the evaluation, finds the
observation form filled in with what Leerkring knows (counts and kinds: attendance, types of
organisations, work forms, topics, perspective) and the agenda beside it, adds their own notes and wrap-up answers, and reads the observation back. Then a story
is told through a link, and the evaluator tags and selects it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.evaluation.models import ChangeStory, Observation, ObservationTemplate
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in
from tests.evaluation.fieldwork_helpers import observed_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_evaluator_fills_a_prefilled_observation(page: Page):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    community = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    observed_meeting(community)
    evaluator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.EVALUATOR, person__full_name="Eva de Vries"
    ).person.user

    sign_in(page, evaluator.email)
    page.goto(f"/programmes/{programme.slug}/observations/")
    assert_accessible(page, "evaluation-observation-list")
    page.get_by_role("link", name="Observeren").first.click()

    # What Leerkring knows stands beside the questions.
    expect(page.get_by_role("heading", name="Nieuwe observatie")).to_be_visible()
    question_1 = page.locator("section.lk-observe").first
    expect(question_1.get_by_text("COA (1)")).to_be_visible()
    expect(page.get_by_text("Verhaal van een inburgeraar (1)")).to_be_visible()
    assert "Taalschool Oost" not in page.content()
    assert "geleid door" not in page.content()
    page.get_by_text("Agenda van de bijeenkomst").click()
    expect(page.get_by_text("Casus wachttijden – Casusbespreking")).to_be_visible()
    assert_accessible(page, "evaluation-observation-form")

    builtin = ObservationTemplate.objects.get(programme=None, key="bijlage4")
    q1 = builtin.questions.get(number="1")
    q8 = builtin.questions.get(number="8")
    page.locator(f"#id_q{q1.pk}_text").fill("De deelnemers kennen elkaar; de taalschool ontbrak.")
    page.get_by_label("Antwoorden in de wrap-up: Wat is voor jou de meerwaarde").fill(
        "Korte lijnen met het COA."
    )
    page.get_by_label("Sfeer").fill("Ontspannen en open")
    page.get_by_label("Citaten").fill("Hier durf ik mijn vragen te stellen.")
    page.get_by_role("button", name="Observatie opslaan").click()

    expect(page.get_by_text("Je observatie is opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Korte lijnen met het COA.")).to_be_visible()
    expect(page.get_by_text("Ontspannen en open")).to_be_visible()
    assert_accessible(page, "evaluation-observation-detail")
    observation = Observation.objects.get()
    assert observation.answers.get(question=q8).wrapup_answers == "Korte lijnen met het COA."
    assert "Taalschool Oost" not in str(observation.prefill)
    assert observation.prefill["attendance"]["organisations_present"] == 2

    # The evaluator adapts a copy of the schema for the programme.
    page.goto(f"/programmes/{programme.slug}/observations/templates/")
    assert_accessible(page, "evaluation-observation-templates")
    page.get_by_role("button", name="Kopiëren naar dit programma").first.click()
    expect(page.get_by_text("Het schema is gekopieerd.")).to_be_visible()
    assert_accessible(page, "evaluation-observation-template-editor")

    # A story comes in through a link, without an account.
    page.goto(f"/programmes/{programme.slug}/stories/links/")
    page.get_by_label("Titel").fill("Verhalen voorjaar")
    page.get_by_label("Voor één gemeenschap").select_option(label="CoP Achterhoek")
    page.get_by_role("button", name="Link maken").click()
    link = page.locator("#new-link").input_value()
    assert "/verhaal/" in link
    assert_accessible(page, "evaluation-story-links")
    story_page = page.context.browser.new_context(locale="nl-NL")
    visitor = story_page.new_page()
    visitor.goto(link)
    assert_accessible(visitor, "evaluation-story-form")
    visitor.get_by_label("Leidinggevende").check()
    visitor.get_by_label("Wat was voor jou de belangrijkste verandering door deze CoP?").fill(
        "Mijn team belt de taalschool nu direct."
    )
    visitor.get_by_label("Waarom is juist deze verandering belangrijk voor je?").fill(
        "Inburgeraars starten sneller."
    )
    visitor.get_by_role("button", name="Verhaal versturen").click()
    expect(visitor.get_by_role("heading", name="Bedankt voor je verhaal")).to_be_visible()
    story_page.close()

    # The evaluator tags and selects it.
    page.goto(f"/programmes/{programme.slug}/stories/")
    assert_accessible(page, "evaluation-story-list")
    page.get_by_role("link", name="Mijn team belt de taalschool nu direct.").click()
    page.get_by_label("Handelen").check()
    page.get_by_label("Niveau van de verandering").select_option("organisation")
    page.get_by_label("Geselecteerd").check()
    page.get_by_label("Mag gedeeld worden").check()
    page.get_by_role("button", name="Labels opslaan").click()
    expect(page.get_by_text("De labels van het verhaal zijn opgeslagen.")).to_be_visible()
    assert_accessible(page, "evaluation-story-detail")
    story = ChangeStory.objects.get()
    assert (story.tag_actions, story.level, story.selected, story.shareable) == (
        True,
        "organisation",
        True,
        True,
    )
