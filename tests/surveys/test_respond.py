"""The respondent's form: what is stored, what is refused, and that nothing is stored half."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from leerkring.surveys.models import Answer, Invitation, PendingResponse, Response
from leerkring.surveys.views.respond import FORM_COOKIE
from tests import factories
from tests.surveys.waves_helpers import (
    answer,
    good_answers,
    open_form,
    release_all,
    send,
    survey,
    wave_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    s = survey(world.programme)
    wave = wave_for(world, s)
    wave.communities.set([world.community])
    links = send(wave)
    s.wave = wave
    s.link = links[world.participant_m.person.email]
    return s


def test_it_shows_the_form_with_parts_and_without_the_known_community_question(
    client, world, setup
):
    response = client.get(open_form(client, setup.link))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deel 1 van 2" in html and "Deel 2 van 2" in html
    # The invitation knows the community: "which community" is not asked.
    assert f'name="q{setup.v1.pk}"' not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_first_visit_exchanges_the_token_for_a_token_free_form(client, world, setup):
    """After the first visit no request carries the token, and the e-mailed token opens
    nothing any more: a copy of it in an access log is worthless."""
    form = open_form(client, setup.link)
    token = setup.link.split("/")[2]
    assert token not in form
    assert token not in client.cookies[FORM_COOKIE].value
    assert client.get(form).status_code == 200
    assert client.get(setup.link).status_code == 404
    # Another browser with the copied link gets nothing either.
    other = client.__class__()
    assert other.get(setup.link).status_code == 404
    assert "Open de vragenlijst via je link" in other.get(form).content.decode()


def test_a_reminder_leaves_a_form_in_progress_working(client, world, setup):
    from leerkring.surveys import services
    from tests.surveys.waves_helpers import committed

    form = open_form(client, setup.link)
    with committed():
        services.wave_reminders_send(wave=setup.wave, by=world.evaluator)
    assert client.post(form, good_answers(setup)).status_code == 302
    assert PendingResponse.objects.count() == 1


def test_it_keeps_the_answers_waiting_and_touches_no_invitation(client, world, setup):
    invitation = Invitation.objects.get(email=world.participant_m.person.email)
    form = open_form(client, setup.link)
    before = Invitation.objects.filter(pk=invitation.pk).values().get()
    response = client.post(form, good_answers(setup))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:respond_done")
    assert PendingResponse.objects.count() == 1
    assert not Response.objects.exists()
    assert Invitation.objects.filter(pk=invitation.pk).values().get() == before


def test_it_stores_a_response_with_the_invitations_community_and_marks_it_answered(
    client, world, setup
):
    response = answer(client, setup.link, good_answers(setup))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:respond_done")
    release_all(setup.wave)
    stored = Response.objects.get()
    assert stored.community == world.community
    answers = Answer.objects.filter(response=stored)
    assert answers.filter(question=setup.v1).get().community == world.community
    assert answers.filter(question=setup.v3).count() == 3
    assert set(answers.filter(question=setup.v6).values_list("scale_value", flat=True)) == {2, 4}
    assert answers.get(question=setup.v5).text == "Ik bel nu eerder met het taalhuis."
    invitation = Invitation.objects.get(email=world.participant_m.person.email)
    assert invitation.answered


def test_a_second_submit_stores_nothing_and_says_so(client, world, setup):
    form = open_form(client, setup.link)
    key = client.cookies[FORM_COOKIE].value
    client.post(form, good_answers(setup))
    client.cookies[FORM_COOKIE] = key  # the same form sent again (another tab)
    again = client.post(form, good_answers(setup))
    assert again.status_code == 410
    assert "Je hebt deze vragenlijst al ingevuld" in again.content.decode()
    assert PendingResponse.objects.count() == 1
    release_all(setup.wave)
    client.cookies[FORM_COOKIE] = key
    assert client.post(form, good_answers(setup)).status_code == 410
    assert Response.objects.count() == 1
    assert client.get(setup.link).status_code == 404


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s, d: d.pop(f"q{s.v5.pk}"), "Beantwoord deze vraag."),
        (lambda s, d: d.pop(f"q{s.v6.pk}-s{s.v6_b.pk}"), "Geef bij elke stelling"),
        (
            lambda s, d: d.update({f"q{s.v4.pk}": [str(o.pk) for o in s.v3_opts[:3]]}),
            "Kies er hoogstens 2",
        ),
        (lambda s, d: d.update({f"q{s.v3.pk}": ["999999"]}), "Kies alleen uit de antwoorden"),
        (
            lambda s, d: d.update({f"q{s.v3.pk}": [str(s.v2_a.pk)]}),
            "Kies alleen uit de antwoorden",
        ),
        (
            lambda s, d: d.update({f"q{s.v4.pk}": [str(s.v3_opts[3].pk)]}),
            "Kies alleen antwoorden die je bij vraag",
        ),
        (lambda s, d: d.update({f"q{s.v5.pk}": "x" * 5001}), "Je antwoord is te lang"),
        (lambda s, d: d.update({f"q{s.v6.pk}-s{s.v6_a.pk}": "7"}), "een van de vijf"),
        (
            lambda s, d: d.update({f"q{s.v2.pk}": [str(s.v2_other.pk)]}),
            "Je koos ‘anders’",
        ),
    ],
    ids=[
        "required-open",
        "matrix-incomplete",
        "too-many-picks",
        "unknown-option",
        "option-of-another-question",
        "pick-not-given-before",
        "oversized-text",
        "scale-out-of-range",
        "other-without-text",
    ],
)
def test_it_refuses_bad_answers_and_stores_nothing(client, world, setup, change, message):
    data = good_answers(setup)
    change(setup, data)
    response = answer(client, setup.link, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="utrecht-alert utrecht-alert--error lk-error-summary"' in html
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not PendingResponse.objects.exists()
    assert not Invitation.objects.filter(answered=True).exists()


def test_a_refused_form_keeps_what_was_filled_in(client, world, setup):
    data = good_answers(setup)
    data.pop(f"q{setup.v5.pk}")
    html = answer(client, setup.link, data).content.decode()
    assert f'value="{setup.v3_opts[1].pk}" checked' in html
    assert f'href="#q{setup.v5.pk}"' in html  # the summary links to the field


def test_it_stores_the_other_text(client, world, setup):
    data = good_answers(setup)
    data[f"q{setup.v2.pk}"] = [str(setup.v2_other.pk)]
    data[f"q{setup.v2.pk}-other"] = "Netwerken"
    answer(client, setup.link, data)
    release_all(setup.wave)
    assert Answer.objects.get(question=setup.v2).text == "Netwerken"


def test_html_in_open_answers_is_stored_as_text_and_escaped_on_display(client, world, setup):
    data = good_answers(setup)
    data[f"q{setup.v5.pk}"] = "<script>alert(1)</script>"
    data.pop(f"q{setup.v6.pk}-s{setup.v6_b.pk}")  # refused, so the text is shown back
    form = open_form(client, setup.link)
    html = client.post(form, data).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    data[f"q{setup.v6.pk}-s{setup.v6_b.pk}"] = "3"
    client.post(form, data)
    release_all(setup.wave)
    assert Answer.objects.get(question=setup.v5).text == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "token",
    ["no-such-token", "A" * 43, "x" * 500],
    ids=["guessed", "well-formed", "oversized"],
)
def test_unknown_links_get_a_friendly_page(client, world, setup, token):
    response = client.get(reverse("surveys:respond", args=[token]))
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()
    assert client.post(reverse("surveys:respond", args=[token]), {}).status_code == 404
    assert not Response.objects.exists()


def test_a_tampered_link_does_not_work(client, world, setup):
    tampered = setup.link[:-3] + ("A" if setup.link[-3] != "A" else "B") + setup.link[-2:]
    assert client.post(tampered, good_answers(setup)).status_code == 404
    assert not Response.objects.exists()


def test_a_closed_wave_refuses_answers(client, world, setup):
    import datetime

    setup.wave.opens_on = datetime.date(2020, 1, 1)
    setup.wave.closes_on = datetime.date(2020, 2, 1)
    setup.wave.save()
    response = client.post(setup.link, good_answers(setup))
    assert response.status_code == 410
    assert "Deze vragenlijst is gesloten" in response.content.decode()
    assert not Response.objects.exists()


def test_a_wave_not_yet_open_says_when_it_opens(client, world, setup):
    import datetime

    from django.utils import timezone

    setup.wave.opens_on = timezone.localdate() + datetime.timedelta(days=3)
    setup.wave.closes_on = timezone.localdate() + datetime.timedelta(days=10)
    setup.wave.save()
    response = client.post(setup.link, good_answers(setup))
    assert "nog niet open" in response.content.decode()
    assert not Response.objects.exists()


def test_a_link_of_another_wave_opens_only_that_waves_form(client, world, setup):
    other_s = survey(world.programme)
    other = wave_for(world, other_s, title="Andere meting")
    other.communities.set([world.community])
    mail.outbox.clear()
    other_link = send(other)[world.participant_m.person.email]
    # Answers for this wave's questions through the other wave's link are refused.
    response = answer(client, other_link, good_answers(setup))
    assert response.status_code == 200
    assert not PendingResponse.objects.exists()
    assert "Andere meting" not in client.get(open_form(client, setup.link)).content.decode()


def test_a_member_of_two_communities_is_asked_which_one(client, world, setup):
    person = world.participant_m.person
    factories.MembershipFactory(community=world.sibling, person=person)
    s = survey(world.programme)
    wave = wave_for(world, s)
    wave.communities.set([world.community, world.sibling])
    mail.outbox.clear()
    link = open_form(client, send(wave)[person.email])
    html = client.get(link).content.decode()
    assert f'name="q{s.v1.pk}"' in html
    data = good_answers(s)
    assert "Beantwoord deze vraag." in client.post(link, data).content.decode()
    data[f"q{s.v1.pk}"] = str(world.foreign.pk)  # not one of the wave's communities
    assert "Kies alleen uit de antwoorden" in client.post(link, data).content.decode()
    data[f"q{s.v1.pk}"] = str(world.sibling.pk)
    client.post(link, data)
    release_all(wave)
    assert Response.objects.get(wave=wave).community == world.sibling


def test_a_questionnaire_without_a_community_question_asks_it_when_unknown(client, world):
    q = factories.QuestionnaireFactory(programme=world.programme)
    question = factories.QuestionFactory(questionnaire=q, kind="open", required=True)
    wave = factories.WaveFactory(questionnaire=q, programme=world.programme)
    wave.communities.set([world.community, world.sibling])
    from leerkring.surveys import services

    services.wave_addresses_add(wave=wave, emails=["wethouder@example.nl"], by=None)
    link = open_form(client, send(wave)["wethouder@example.nl"])
    html = client.get(link).content.decode()
    assert "Aan welke gemeenschap neem je deel?" in html
    client.post(link, {f"q{question.pk}": "Goed", "q0": str(world.sibling.pk)})
    release_all(wave)
    assert Response.objects.get().community == world.sibling
    assert Answer.objects.count() == 1
