"""Journey: an evaluator of a programme with many communities finds one community's results
by searching its name, on a phone and by keyboard alone; the paged list is checked with
axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.selectors import choices
from leerkring.surveys import results
from leerkring.surveys.models import Answer, Question, Response
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_evaluator_finds_a_community_by_name(page: Page, monkeypatch):
    monkeypatch.setattr(results, "SHOWN_COMMUNITY_ROWS", 2)
    monkeypatch.setattr(choices, "COMMUNITY_CHOICES_MAX", 2)
    monkeypatch.setattr(results, "COMMUNITY_PAGE_SIZE", 2)
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    evaluator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.EVALUATOR
    ).person.user
    questionnaire = factories.QuestionnaireFactory(programme=programme)
    which = factories.QuestionFactory(
        questionnaire=questionnaire, code="V1", kind=Question.Kind.COMMUNITY
    )
    wave = factories.WaveFactory(questionnaire=questionnaire, title="Meting mei")
    names = ["CoP Achterhoek", "CoP Twente", "CoP Veluwe", "CoP Zeeland"]
    for name in names:
        community = factories.CommunityFactory(programme=programme, name=name)
        for _ in range(6):
            response = Response.objects.create(wave=wave, community=community)
            Answer.objects.create(response=response, question=which, community=community)

    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, evaluator.email)
    page.goto(reverse("surveys:results", args=[wave.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultaten: Meting mei")
    expect(page.get_by_text("De eerste 2 van 4 gemeenschappen")).to_be_visible()
    assert_accessible(page, "survey-results-many-communities")

    page.get_by_label("Gemeenschap", exact=True).focus()
    page.keyboard.type("velu")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Antwoorden per gemeenschap")
    expect(page.get_by_text("1 gemeenschap gevonden.")).to_be_visible()
    assert_accessible(page, "survey-results-community-search")

    link = page.get_by_role("link", name="CoP Veluwe – resultaten tonen")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Je ziet de antwoorden uit CoP Veluwe.")).to_be_visible()

    page.goto(reverse("surveys:results_communities", args=[wave.pk]) + "?page=2")
    expect(page.get_by_role("link", name="Vorige pagina")).to_be_visible()
    assert_accessible(page, "survey-results-community-list")
