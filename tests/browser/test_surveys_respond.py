"""Journey: a member answers the survey through the e-mailed link on a phone, without an
account; answers survive a reload; a refused submit points at the question; the link works
once (it is exchanged for a token-free form at the first visit). Every page of the form is checked with axe-core."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from leerkring.accounts.models import ProgrammeRole
from leerkring.surveys import services
from leerkring.surveys.models import Answer, Invitation, PendingResponse, Response
from tests import factories
from tests.browser.helpers import assert_accessible, sign_in
from tests.surveys.waves_helpers import release_all, survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_member_answers_through_the_emailed_link_on_a_phone(page: Page):
    programme = factories.ProgrammeFactory(name="CoP's Inburgering")
    community = factories.CommunityFactory(programme=programme, name="CoP Achterhoek")
    member = factories.MembershipFactory(community=community, person__full_name="Joost de Wit")
    factories.MembershipFactory.create_batch(2, community=community)
    evaluator = factories.ProgrammeRoleFactory(
        programme=programme, role=ProgrammeRole.Role.EVALUATOR
    ).person.user
    s = survey(programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=programme)
    wave.communities.set([community])
    services.wave_invitations_send(wave=wave, by=None)

    (message,) = [m for m in mail.outbox if m.to == [member.person.email]]
    link = urlsplit(re.search(r"(http\S+/s/\S+/)", message.body).group(1)).path

    page.set_viewport_size(PHONE)
    page.goto(link)
    # The token is left behind at once: the form lives at an address without it.
    expect(page).to_have_url(re.compile(r"/s/vragenlijst/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thermometer")
    expect(page.get_by_role("heading", name=re.compile("Deel 1 van 2"))).to_be_visible()
    expect(page.get_by_text("0 van 5 vragen beantwoord")).to_be_visible()
    assert_accessible(page, "survey-respond-phone")

    page.get_by_label("Reflecteren").check()
    source = page.locator(f"#q{s.v3.pk}-field")
    source.get_by_label("Opbrengst 0").check()
    source.get_by_label("Opbrengst 2").check()
    # Pick-from offers only what was ticked at the earlier question.
    pick = page.locator(f"#q{s.v4.pk}-field")
    expect(pick.get_by_label("Opbrengst 1")).to_be_hidden()
    pick.get_by_label("Opbrengst 2").check()
    page.locator(f"#q{s.v5.pk}").fill("Ik bel nu eerder met het taalhuis.")
    expect(page.get_by_text("4 van 5 vragen beantwoord")).to_be_visible()

    # A reload before sending keeps the answers (stored in the browser, not on the server).
    page.reload()
    expect(page.locator(f"#q{s.v3.pk}-field").get_by_label("Opbrengst 2")).to_be_checked()
    expect(page.locator(f"#q{s.v5.pk}")).to_have_value("Ik bel nu eerder met het taalhuis.")
    assert not Response.objects.exists()

    # The matrix is left open: the server refuses and the summary links to the question.
    page.get_by_role("button", name="Antwoorden versturen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Geef bij elke stelling aan")
    assert_accessible(page, "survey-respond-errors-phone")
    summary.get_by_role("link").first.click()
    statement = page.get_by_role("group", name="Ik voel me verantwoordelijk")
    statement.get_by_label("Eens", exact=True).check()
    page.get_by_role("group", name="Ik heb invloed").get_by_label("Helemaal eens").check()
    page.get_by_role("button", name="Antwoorden versturen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor het invullen")
    assert_accessible(page, "survey-respond-done-phone")
    assert (
        page.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('leerkring-survey:')).length"
        )
        == 0
    )
    # The answers wait, sealed, for a batch: nothing shows yet, nothing points at the member.
    assert PendingResponse.objects.count() == 1
    assert not Response.objects.exists()
    assert not Invitation.objects.get(email=member.person.email).answered
    release_all(wave)
    response = Response.objects.get()
    assert response.community == community
    assert Answer.objects.filter(response=response, question=s.v6).count() == 2
    assert Invitation.objects.get(email=member.person.email).answered

    # The e-mailed link was exchanged at the first visit: it opens nothing any more.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet")
    assert_accessible(page, "survey-respond-used-phone")

    # The evaluator sees the response rate: 1 of the 3 invited members answered.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, evaluator.email)
    page.goto(f"/waves/{wave.pk}/")
    row = page.get_by_role("row", name=re.compile("CoP Achterhoek"))
    expect(row).to_contain_text("33%")
    assert_accessible(page, "survey-wave-detail")
