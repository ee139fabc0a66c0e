"""Journey: an evaluator copies the built-in thermometer into the programme, looks at the
builder and its preview, plans a wave for two communities and sends the invitations; once
answers are in, reads the results and downloads the Excel export. Every page is checked with
axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.surveys.models import Answer, Invitation, Question, Questionnaire, Response, Wave
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(wave: Wave, community, count: int) -> None:
    """Responses as the respondent's form stores them: one option for each single question."""
    questions = wave.questionnaire.questions.filter(kind=Question.Kind.SINGLE).prefetch_related(
        "options"
    )
    for i in range(count):
        response = Response.objects.create(wave=wave, community=community)
        for question in questions:
            options = list(question.options.all())
            Answer.objects.create(
                response=response, question=question, option=options[i % len(options)]
            )


def test_an_evaluator_runs_a_wave_from_template_to_export(page: Page, tmp_path):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering", slug="inburgering")
    achterhoek = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    twente = factories.CommunityFactory(programme=programme, name="CoP Twente")
    for community in (achterhoek, twente):
        factories.MembershipFactory.create_batch(3, community=community)
    evaluator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.EVALUATOR
    ).person.user

    sign_in(page, evaluator.email)
    page.goto(f"/programmes/{programme.slug}/surveys/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquêtes")
    assert_accessible(page, "survey-index")

    page.get_by_role("button", name="Kopiëren naar dit programma Thermometer CoP's").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thermometer CoP's")
    copy = Questionnaire.objects.get(programme=programme, is_template=False)
    assert f"/{copy.pk}/" in page.url
    expect(page.get_by_role("link", name="Vraag toevoegen", exact=True)).to_be_visible()
    assert_accessible(page, "survey-builder")

    page.get_by_role("link", name="Voorbeeld bekijken").click()
    expect(page.get_by_role("note")).to_contain_text("Dit is een voorbeeld")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thermometer CoP's")
    assert_accessible(page, "survey-preview")

    page.goto(f"/programmes/{programme.slug}/surveys/")
    page.get_by_role("link", name="Nieuwe meetronde plannen").click()
    assert_accessible(page, "survey-wave-create")
    today = timezone.localdate()
    page.get_by_label("Titel").fill("Meting mei")
    page.get_by_label("Vragenlijst").select_option(str(copy.pk))
    page.get_by_label("Open vanaf").fill(today.isoformat())
    page.get_by_label("Open tot en met").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("CoP Achterhoek").check()
    page.get_by_label("CoP Twente").check()
    page.get_by_role("button", name="Meetronde aanmaken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Meting mei")
    wave = Wave.objects.get(programme=programme)
    assert set(wave.communities.all()) == {achterhoek, twente}
    assert_accessible(page, "survey-wave-planned")

    page.get_by_role("button", name="Uitnodigingen versturen").click()
    expect(page.get_by_text("6 mensen krijgen een uitnodiging")).to_be_visible()
    assert_accessible(page, "survey-wave-send-confirm")
    page.get_by_role("button", name="Ja, uitnodigingen versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meting mei")
    assert Invitation.objects.filter(wave=wave).count() == 6
    assert len([m for m in mail.outbox if re.search(r"/s/\S+/", m.body)]) == 6
    assert_accessible(page, "survey-wave-sent")

    _answer(wave, achterhoek, 3)
    _answer(wave, twente, 3)
    page.get_by_role("link", name="Resultaten bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultaten: Meting mei")
    expect(page.get_by_text("6 ingevulde vragenlijsten.")).to_be_visible()
    assert_accessible(page, "survey-results")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporteren naar Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
