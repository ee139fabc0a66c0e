"""Planning a wave, pasted address lists, response rates and the open link."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.surveys import selectors, services
from leerkring.surveys.forms_waves import email_list_parse
from leerkring.surveys.models import Invitation, Response, Wave
from tests import factories
from tests.confirm import CONFIRMED
from tests.surveys.waves_helpers import committed, good_answers, open_form, release_all, survey

pytestmark = pytest.mark.django_db


def _form(s, world, **extra):
    today = timezone.localdate()
    data = {
        "title": "Meting mei",
        "questionnaire": s.questionnaire.pk,
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=21)).isoformat(),
        "communities": [world.community.pk, world.sibling.pk],
        "emails": "",
    }
    data.update(extra)
    return data


def test_an_evaluator_plans_a_wave(client, world):
    s = survey(world.programme)
    client.force_login(world.evaluator)
    url = reverse("surveys:wave_create", args=[world.programme.slug])
    data = _form(s, world, emails="a@example.nl\nb@example.nl, a@example.nl")
    response = client.post(url, data)
    wave = Wave.objects.get()
    assert response["Location"] == reverse("surveys:wave_detail", args=[wave.pk])
    assert set(wave.communities.all()) == {world.community, world.sibling}
    assert set(wave.invitations.values_list("email", flat=True)) == {
        "a@example.nl",
        "b@example.nl",
    }
    assert not wave.invitations.filter(sent_at__isnull=False).exists()


def test_it_refuses_a_closing_date_before_the_opening(client, world):
    s = survey(world.programme)
    client.force_login(world.evaluator)
    data = _form(s, world, closes_on="2020-01-01")
    response = client.post(reverse("surveys:wave_create", args=[world.programme.slug]), data)
    assert "De sluitingsdatum ligt vóór de openingsdatum." in response.content.decode()
    assert not Wave.objects.exists()


def test_it_refuses_an_unusable_questionnaire_with_the_reason(client, world):
    empty = factories.QuestionnaireFactory(programme=world.programme)
    client.force_login(world.evaluator)
    data = _form(survey(world.programme), world, questionnaire=empty.pk)
    response = client.post(reverse("surveys:wave_create", args=[world.programme.slug]), data)
    assert "De vragenlijst heeft nog geen vragen." in response.content.decode()
    assert not Wave.objects.exists()


def test_it_refuses_a_questionnaire_of_another_programme(world):
    foreign = survey(world.other_programme)
    with pytest.raises(Exception, match="vragenlijst van dit programma"):
        services.wave_create(
            programme=world.programme,
            questionnaire=foreign.questionnaire,
            title="X",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
            by=world.evaluator,
        )


def test_pasted_addresses_report_bad_lines_by_number():
    addresses, problems = email_list_parse(
        "a@example.nl\n\nniet-een-adres, b@example.nl\nJan <C@Example.nl>; a@example.nl\nx@"
    )
    assert addresses == ["a@example.nl", "b@example.nl", "c@example.nl"]
    assert problems == [
        "Regel 3: ‘niet-een-adres’ is geen geldig e-mailadres.",
        "Regel 5: ‘x@’ is geen geldig e-mailadres.",
    ]


def test_a_bad_address_list_saves_nothing(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    client.force_login(world.evaluator)
    response = client.post(
        reverse("surveys:wave_addresses", args=[wave.pk]),
        {"emails": "goed@example.nl\nfout@"},
    )
    assert "Regel 2: ‘fout@’ is geen geldig e-mailadres." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_evaluator_sends_and_reminds_from_the_wave_page(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community])
    client.force_login(world.evaluator)
    with committed():
        client.post(reverse("surveys:wave_send", args=[wave.pk]), CONFIRMED)
    assert len(mail.outbox) == 3
    with committed():
        response = client.post(
            reverse("surveys:wave_remind", args=[wave.pk]), CONFIRMED, follow=True
        )
    assert "3 herinneringen worden verstuurd." in response.content.decode()


def _invite(wave, community, invited, answered):
    for n in range(invited):
        Invitation.objects.create(
            wave=wave,
            email=f"{community.pk if community else 'x'}-{n}@example.nl",
            community=community,
            token_hash=f"{wave.pk}-{community.pk if community else 0}-{n}",
            sent_at=timezone.now(),
            answered=n < answered,
        )


def test_response_rates_are_exact_per_community_and_overall(world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    third = factories.CommunityFactory(programme=world.programme, name="CoP Zwolle")
    wave.communities.set([world.community, world.sibling, third])
    _invite(wave, world.community, 20, 13)  # 65%
    _invite(wave, world.sibling, 8, 5)  # 62.5% -> 63%
    _invite(wave, third, 3, 1)  # 33.3% -> 33%
    _invite(wave, None, 2, 2)  # stakeholders: too few to show
    Invitation.objects.create(wave=wave, email="later@example.nl", token_hash="later")
    for _ in range(21 + 4):  # 21 through invitations, 4 through the open link
        factories.ResponseFactory(wave=wave)
    rates = selectors.wave_response_rates(wave)
    rows = {r.label: r for r in rates.rows}
    assert (rows["CoP Achterhoek"].invited, rows["CoP Achterhoek"].answered) == (20, 13)
    assert rows["CoP Achterhoek"].percent == 65
    assert rows["CoP Zeeland"].percent == 63
    # One group under 3 invitees is hidden, so the next smallest is hidden too.
    stakeholders = [r for r in rates.rows if r.label.startswith("Zonder")][0]
    assert stakeholders.hidden and stakeholders.percent is None
    assert rows["CoP Zwolle"].hidden
    assert not rows["CoP Zeeland"].hidden
    assert (rates.overall.invited, rates.overall.answered, rates.overall.percent) == (33, 21, 64)
    assert rates.not_sent == 1
    assert rates.open_link_responses == 4


def test_two_single_invitee_groups_also_hide_the_next_smallest_rate(world):
    # 1 + 1 invitees together are still fewer than 3: the total minus the others would tell
    # whether both named colleagues answered.
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    third = factories.CommunityFactory(programme=world.programme, name="CoP Zwolle")
    wave.communities.set([world.community, world.sibling, third])
    _invite(wave, world.community, 20, 13)
    _invite(wave, world.sibling, 1, 1)
    _invite(wave, third, 5, 2)
    _invite(wave, None, 1, 1)
    rows = {r.label: r for r in selectors.wave_response_rates(wave).rows}
    assert rows["CoP Zeeland"].hidden
    assert rows["CoP Zwolle"].hidden and rows["CoP Zwolle"].percent is None
    assert not rows["CoP Achterhoek"].hidden


def test_the_wave_page_shows_rates_to_the_coordinator(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community])
    _invite(wave, world.community, 4, 3)
    client.force_login(world.coordinator)
    html = client.get(reverse("surveys:wave_detail", args=[wave.pk])).content.decode()
    assert "75%" in html
    assert "Uitnodigingen versturen" not in html  # managing is for the evaluator


def test_the_wave_page_has_a_fixed_number_of_queries(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community])
    client.force_login(world.evaluator)
    url = reverse("surveys:wave_detail", args=[wave.pk])
    client.get(url)  # a running process has read the content types once
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(5):
        community = factories.CommunityFactory(programme=world.programme)
        wave.communities.add(community)
        _invite(wave, community, 4, n % 4)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_survey_index_lists_waves_with_a_fixed_number_of_queries(
    world, django_assert_num_queries
):
    s = survey(world.programme)
    for n in range(3):
        wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
        _invite(wave, world.community, 3 + n, n)
    with django_assert_num_queries(1):
        waves = [
            (w.title, w.invited, w.answered) for w in selectors.programme_waves(world.programme)
        ]
    assert [counts for _title, *counts in reversed(waves)] == [[3, 0], [4, 1], [5, 2]]


# --- The open link ----------------------------------------------------------------------


@pytest.fixture
def open_wave(world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community, world.sibling])
    token = services.wave_open_link_enable(wave=wave, by=world.evaluator)
    wave.s = s
    wave.url = reverse("surveys:respond_open", args=[token])
    cache.clear()
    return wave


def test_the_open_link_asks_the_community_and_stores_it(client, world, open_wave):
    s = open_wave.s
    form = open_form(client, open_wave.url)
    html = client.get(form).content.decode()
    assert f'name="q{s.v1.pk}"' in html
    assert 'name="website"' in html
    response = client.post(form, good_answers(s, community=world.sibling))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:respond_done")
    release_all(open_wave)
    assert Response.objects.get().community == world.sibling


def test_the_open_link_ignores_a_filled_honeypot(client, world, open_wave):
    data = good_answers(open_wave.s, community=world.sibling) | {"website": "http://spam"}
    response = client.post(open_form(client, open_wave.url), data)
    assert response.status_code == 302
    release_all(open_wave)
    assert not Response.objects.exists()


def test_the_open_link_limits_submits_per_address(client, world, open_wave, settings):
    from leerkring.surveys.views import respond

    limit = respond.OPEN_LINK_SUBMITS_PER_HOUR
    data = good_answers(open_wave.s, community=world.community)
    form = open_form(client, open_wave.url)
    for _ in range(limit):
        assert client.post(form, data).status_code == 302
    refused = client.post(form, data)
    assert refused.status_code == 429
    release_all(open_wave)
    assert Response.objects.count() == limit
    other = client.post(form, data, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_disabled_or_replaced_open_link_stops_working(client, world, open_wave):
    services.wave_open_link_enable(wave=open_wave, by=world.evaluator)
    assert client.get(open_wave.url).status_code == 404
    services.wave_open_link_disable(wave=open_wave, by=world.evaluator)
    assert client.get(open_wave.url).status_code == 404


def test_the_open_link_is_shown_once_and_stored_as_a_hash(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    client.force_login(world.evaluator)
    html = client.post(reverse("surveys:wave_open_link", args=[wave.pk])).content.decode()
    assert "/s/open/" in html
    wave.refresh_from_db()
    token = html.split("/s/open/")[1].split("/")[0]
    assert token not in wave.open_link_token_hash
    assert len(wave.open_link_token_hash) == 64
    page = client.get(reverse("surveys:wave_detail", args=[wave.pk])).content.decode()
    assert "/s/open/" not in page


# --- Doors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "visitor", ["participant", "lead", "sibling_member", "system_partner", "other_coordinator"]
)
def test_members_and_outsiders_cannot_see_or_run_waves(client, world, visitor):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    client.force_login(getattr(world, visitor))
    assert client.get(reverse("surveys:wave_detail", args=[wave.pk])).status_code == 403
    assert client.post(reverse("surveys:wave_send", args=[wave.pk])).status_code == 403
    assert (
        client.get(reverse("surveys:wave_create", args=[world.programme.slug])).status_code == 403
    )


def test_a_coordinator_cannot_send_or_remind(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community])
    client.force_login(world.coordinator)
    for name in ("wave_send", "wave_remind", "wave_open_link", "wave_edit"):
        assert client.post(reverse(f"surveys:{name}", args=[wave.pk])).status_code == 403
    assert not mail.outbox
