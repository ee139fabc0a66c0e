"""Bulk e-mail and deletes ask first (issue 13): a POST without `confirmed=1` shows how many
people get the e-mail, or what disappears, and changes nothing; the button on that page does
it. The count comes from the selector that chooses the recipients. Who may not act is refused
before any confirmation is shown."""

from __future__ import annotations

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from leerkring.dissemination import newsletter as machinery
from leerkring.dissemination import services as dissemination_services
from leerkring.dissemination.models import NewsletterIssue
from leerkring.meetings import selectors as meeting_selectors
from leerkring.meetings import services as meeting_services
from leerkring.meetings.models import AgendaItem
from leerkring.outbox.models import Message
from leerkring.signalling.models import SignalResponse
from leerkring.surveys import services as survey_services
from leerkring.surveys.models import Invitation
from tests import factories
from tests.confirm import CONFIRMED
from tests.surveys.waves_helpers import survey

pytestmark = pytest.mark.django_db


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def crowd(world, meeting):
    """Two more members, one without an address and one who left: five get the meeting mail."""
    factories.MembershipFactory.create_batch(2, community=world.community)
    factories.MembershipFactory(community=world.community, person__email="", person__user=None)
    factories.MembershipFactory(
        community=world.community,
        joined_on=timezone.localdate() - datetime.timedelta(days=90),
        left_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    return meeting


def _asks(response, text: str) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    assert text in page
    assert 'name="confirmed" value="1"' in page
    return page


# --- Meeting invitation ---------------------------------------------------------------------


def test_publishing_a_meeting_asks_first_and_sends_nothing(client, world, crowd):
    client.force_login(world.lead)
    url = reverse("meetings:meeting_publish", args=[crowd.pk])
    with committed():
        response = client.post(url)
    assert meeting_selectors.meeting_mail_recipients(meeting=crowd).count() == 5
    page = _asks(response, "5 leden krijgen een uitnodiging per e-mail.")
    assert f'href="/meetings/{crowd.pk}/#uitnodiging"' in page
    assert not Message.objects.exists()
    crowd.refresh_from_db()
    assert crowd.published_at is None


def test_confirming_the_invitation_sends_it_to_the_count_shown(client, world, crowd):
    client.force_login(world.lead)
    with committed():
        response = client.post(reverse("meetings:meeting_publish", args=[crowd.pk]), CONFIRMED)
    assert response.status_code == 302
    assert Message.objects.filter(kind="meetings.invitation").count() == 5


@pytest.mark.parametrize("visitor", ["sibling_member", "participant", "anonymous"])
def test_publishing_is_refused_before_any_confirmation(client, world, crowd, visitor):
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor))
    url = reverse("meetings:meeting_publish", args=[crowd.pk])
    for data in ({}, CONFIRMED):
        response = client.post(url, data)
        if visitor == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == 403
    assert not Message.objects.exists()


# --- Minutes ----------------------------------------------------------------------------------


def test_sending_the_minutes_asks_first(client, world, crowd):
    meeting_services.minutes_save(meeting=crowd, minutes="We spraken af…", by=world.lead)
    client.force_login(world.facilitator)
    url = reverse("meetings:minutes_send", args=[crowd.pk])
    with committed():
        _asks(client.post(url), "5 leden krijgen het verslag per e-mail.")
    assert not Message.objects.exists()
    with committed():
        assert client.post(url, CONFIRMED).status_code == 302
    assert Message.objects.filter(kind="meetings.minutes").count() == 5


def test_a_member_of_another_community_cannot_send_the_minutes(client, world, crowd):
    meeting_services.minutes_save(meeting=crowd, minutes="Verslag", by=world.lead)
    client.force_login(world.sibling_member)
    url = reverse("meetings:minutes_send", args=[crowd.pk])
    assert client.post(url).status_code == 403
    assert client.post(url, CONFIRMED).status_code == 403
    assert not Message.objects.exists()


# --- Newsletter issue ---------------------------------------------------------------------------


@pytest.fixture
def issue(world):
    letter = factories.NewsletterFactory(programme=world.programme, title="Programmanieuws")
    issue = dissemination_services.issue_create(
        newsletter=letter, by=world.coordinator, title="Voorjaar"
    )
    dissemination_services.issue_item_add_text(
        issue=issue, title="Terugblik", body="We leerden veel.", by=world.coordinator
    )
    factories.SubscriberFactory.create_batch(4, newsletter=letter)
    factories.SubscriberFactory(newsletter=letter, confirmed_at=None)
    return issue


def test_publishing_an_issue_asks_first_with_the_subscriber_count(client, world, issue):
    client.force_login(world.coordinator)
    url = reverse("dissemination:issue_publish", args=[issue.pk])
    assert machinery.recipients_count(issue=issue) == 4
    with committed():
        _asks(client.post(url), "4 abonnees krijgen ‘Voorjaar’ per e-mail.")
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert not Message.objects.exists()
    with committed():
        assert client.post(url, CONFIRMED).status_code == 302
    issue.refresh_from_db()
    assert issue.status != NewsletterIssue.Status.DRAFT
    assert Message.objects.count() == 4


def test_an_empty_issue_is_refused_before_it_asks(client, world, issue):
    issue.items.all().delete()
    client.force_login(world.coordinator)
    response = client.post(reverse("dissemination:issue_publish", args=[issue.pk]), follow=True)
    page = response.content.decode()
    assert "Deze editie is nog leeg." in page
    assert 'name="confirmed"' not in page


def test_the_edit_page_states_the_same_count(client, world, issue):
    client.force_login(world.coordinator)
    page = client.get(reverse("dissemination:issue_edit", args=[issue.pk])).content.decode()
    assert "gaat per e-mail naar 4 abonnees" in page


def test_another_programmes_coordinator_cannot_publish(client, world, issue):
    client.force_login(world.other_coordinator)
    url = reverse("dissemination:issue_publish", args=[issue.pk])
    assert client.post(url).status_code == 403
    assert client.post(url, CONFIRMED).status_code == 403
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT


# --- Theme answer -------------------------------------------------------------------------------


def test_a_theme_answer_asks_first_and_carries_the_text(client, world):
    theme = factories.SignalThemeFactory(programme=world.programme)
    factories.SignalFactory(community=world.community, passed=True, theme=theme)
    factories.SignalFactory(community=world.sibling, passed=True, theme=theme)
    factories.MembershipFactory(community=world.sibling, role="lead")
    client.force_login(world.coordinator)
    url = reverse("signalling:theme_respond", args=[theme.pk])
    text = "Het ministerie onderzoekt\nde wachttijden."
    with committed():
        page = _asks(
            client.post(url, {"text": text}),
            "Het antwoord gaat naar 2 gemeenschappen met een signaal hierbij.",
        )
    # world.community's lead and facilitator, world.sibling's new lead.
    assert "3 communitytrekkers en procesbegeleiders krijgen het per e-mail." in page
    assert 'name="text" value="Het ministerie onderzoekt\nde wachttijden."' in page
    assert not SignalResponse.objects.exists()
    assert not Message.objects.exists()
    with committed():
        response = client.post(url, {"text": text, **CONFIRMED})
    assert response.status_code == 302
    assert SignalResponse.objects.get().text == text
    assert Message.objects.filter(kind="signalling.answer").count() == 3  # as stated


def test_an_empty_theme_answer_shows_the_error_not_the_confirmation(client, world):
    theme = factories.SignalThemeFactory(programme=world.programme)
    client.force_login(world.coordinator)
    response = client.post(reverse("signalling:theme_respond", args=[theme.pk]), {"text": ""})
    assert 'name="confirmed"' not in response.content.decode()


def test_a_participant_cannot_answer_a_theme(client, world):
    theme = factories.SignalThemeFactory(programme=world.programme)
    client.force_login(world.participant)
    url = reverse("signalling:theme_respond", args=[theme.pk])
    assert client.post(url, {"text": "x"}).status_code == 403
    assert client.post(url, {"text": "x", **CONFIRMED}).status_code == 403


# --- Survey wave --------------------------------------------------------------------------------


def test_wave_invitations_and_reminders_ask_first(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community])
    client.force_login(world.evaluator)
    send = reverse("surveys:wave_send", args=[wave.pk])
    assert survey_services.wave_invitations_count(wave=wave) == 3
    with committed():
        _asks(client.post(send), "3 mensen krijgen een uitnodiging voor")
    assert not Invitation.objects.filter(sent_at__isnull=False).exists()
    assert not Message.objects.exists()
    with committed():
        client.post(send, CONFIRMED)
    assert Message.objects.filter(kind="surveys.invitation").count() == 3
    remind = reverse("surveys:wave_remind", args=[wave.pk])
    with committed():
        _asks(client.post(remind), "3 mensen die nog niet hebben geantwoord, krijgen")
    assert not Message.objects.filter(kind="surveys.reminder").exists()
    with committed():
        client.post(remind, CONFIRMED)
    assert Message.objects.filter(kind="surveys.reminder").count() == 3


def test_a_coordinator_cannot_send_a_wave(client, world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    client.force_login(world.coordinator)
    assert client.post(reverse("surveys:wave_send", args=[wave.pk])).status_code == 403


# --- Deleting an agenda item --------------------------------------------------------------------


def test_deleting_an_agenda_item_asks_first(client, world, meeting):
    item = meeting_services.agenda_item_add(meeting=meeting, by=world.lead, title="Casus")
    client.force_login(world.lead)
    url = reverse("meetings:agenda_item_delete", args=[meeting.pk, item.pk])
    page = _asks(client.post(url), "“Casus” gaat van de agenda af.")
    assert "Nee, niet verwijderen" in page
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert client.post(url, CONFIRMED).status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_participant_cannot_delete_an_agenda_item(client, world, meeting):
    item = meeting_services.agenda_item_add(meeting=meeting, by=world.lead, title="Casus")
    client.force_login(world.participant)
    url = reverse("meetings:agenda_item_delete", args=[meeting.pk, item.pk])
    assert client.post(url).status_code == 403
    assert client.post(url, CONFIRMED).status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()
