"""Invitations and reminders: who gets an e-mail, what the database keeps of the link."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from leerkring.surveys import services
from leerkring.surveys.models import Invitation
from tests import factories
from tests.surveys.waves_helpers import (
    answer,
    committed,
    good_answers,
    links_by_address,
    open_form,
    send,
    survey,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community])
    wave.s = s
    return wave


def test_every_active_member_with_an_address_gets_one_personal_link(world, wave):
    gone = factories.MembershipFactory(
        community=world.community, left_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    no_address = factories.MembershipFactory(
        community=world.community, person__email=None, person__user=None
    )
    links = send(wave)
    expected = {m.person.email for m in (world.participant_m, world.lead_m, world.facilitator_m)}
    assert set(links) == expected
    assert gone.person.email not in links
    assert Invitation.objects.filter(wave=wave).count() == 3
    assert not Invitation.objects.filter(person=no_address.person).exists()
    assert len(set(links.values())) == 3
    message = mail.outbox[0]
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_only_the_tokens_hash_is_stored(world, wave):
    links = send(wave)
    token = links[world.participant_m.person.email].split("/")[2]
    assert len(token) >= 43
    invitation = Invitation.objects.get(email=world.participant_m.person.email)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for value in Invitation.objects.values_list(flat=True).values():
        assert token not in str(value)


def test_sending_again_reaches_only_new_invitees(world, wave):
    send(wave)
    mail.outbox.clear()
    newcomer = factories.MembershipFactory(community=world.community)
    links = send(wave)
    assert list(links) == [newcomer.person.email]


def test_pasted_addresses_are_merged_with_members(world, wave):
    added = services.wave_addresses_add(
        wave=wave,
        emails=["Wethouder@Example.nl", "wethouder@example.nl", world.lead_m.person.email],
        by=world.evaluator,
    )
    assert added == 2
    links = send(wave)
    assert "wethouder@example.nl" in links
    assert Invitation.objects.filter(wave=wave).count() == 4
    assert Invitation.objects.get(email="wethouder@example.nl").community is None


def test_reminders_go_only_to_those_who_have_not_answered(client, world, wave):
    """Also not to someone whose answers still wait for their batch."""
    links = send(wave)
    answer(client, links[world.participant_m.person.email], good_answers(wave.s))
    mail.outbox.clear()
    with committed():
        sent = services.wave_reminders_send(wave=wave, by=world.evaluator)
    assert sent == 2
    reminded = links_by_address()
    assert set(reminded) == {world.lead_m.person.email, world.facilitator_m.person.email}
    assert "Herinnering" in mail.outbox[0].subject
    # The reminder carries a fresh link; the first one no longer works.
    lead = world.lead_m.person.email
    assert reminded[lead] != links[lead]
    assert client.get(links[lead]).status_code == 404
    assert client.get(reminded[lead]).status_code == 302
    invitation = Invitation.objects.get(email=lead)
    assert invitation.reminder_count == 1 and invitation.reminded_at


def test_no_reminder_after_the_wave_closed(world, wave):
    send(wave)
    mail.outbox.clear()
    wave.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    wave.opens_on = wave.closes_on - datetime.timedelta(days=10)
    wave.save()
    with pytest.raises(Exception, match="gesloten"):
        services.wave_reminders_send(wave=wave, by=world.evaluator)
    with committed():
        assert services.survey_reminders_send_due() == 0
    assert not mail.outbox


def test_scheduled_reminders_wait_the_set_number_of_days(client, world, wave):
    wave.reminder_every_days = 3
    wave.save()
    links = send(wave)
    answer(client, links[world.participant_m.person.email], good_answers(wave.s))
    mail.outbox.clear()
    with committed():
        assert services.survey_reminders_send_due() == 0
    Invitation.objects.filter(wave=wave).update(
        sent_at=timezone.now() - datetime.timedelta(days=3, minutes=1)
    )
    with committed():
        call_command("send_survey_reminders", stdout=io.StringIO())
    assert set(links_by_address()) == {
        world.lead_m.person.email,
        world.facilitator_m.person.email,
    }
    mail.outbox.clear()
    with committed():
        assert services.survey_reminders_send_due() == 0  # reminded just now


def test_the_reminder_task_sends_what_is_due(world, wave):
    from leerkring.surveys.tasks import survey_reminders_send_due

    wave.reminder_every_days = 1
    wave.save()
    send(wave)
    Invitation.objects.filter(wave=wave).update(sent_at=timezone.now() - datetime.timedelta(days=2))
    mail.outbox.clear()
    with committed():
        survey_reminders_send_due.enqueue()
    assert len(mail.outbox) == 3


def test_nothing_is_sent_for_a_closed_wave(world, wave):
    wave.opens_on = datetime.date(2020, 1, 1)
    wave.closes_on = datetime.date(2020, 2, 1)
    wave.save()
    with pytest.raises(Exception, match="gesloten"):
        services.wave_invitations_send(wave=wave, by=world.evaluator)
    assert not Invitation.objects.exists()


def test_the_token_is_not_logged(client, world, wave, caplog):
    links = send(wave)
    link = links[world.participant_m.person.email]
    token = link.split("/")[2]
    with caplog.at_level("DEBUG"):
        form = open_form(client, link)
        client.get(form)
        client.post(form, good_answers(wave.s))
        client.get(link)  # used: 404
        client.get(link.replace(token, token[:-1]))  # unknown: 404
    assert caplog.records
    assert token not in caplog.text
    assert token[:-1] not in caplog.text
