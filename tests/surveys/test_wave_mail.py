"""Survey mail through the outbox, against a real SMTP server: the wave's delivery progress,
sending again to whoever did not get it, and what the outbox keeps — nothing that says more
about who answered than the invitation table already does."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leerkring.outbox import services as outbox
from leerkring.outbox.models import Attempt, Message
from leerkring.surveys import services
from leerkring.surveys.models import Invitation
from tests import factories
from tests.surveys.waves_helpers import answer, good_answers, survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(world):
    s = survey(world.programme)
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme)
    wave.communities.set([world.community])
    wave.survey = s
    return wave


def _links(smtp) -> dict[str, str]:
    links = {}
    for accepted in smtp.handler.accepted:
        match = re.search(rb"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", accepted.raw)
        links[accepted.recipient] = match.group(1).decode()
    return links


def _stored_text() -> str:
    rows = [*Message.objects.values(), *Attempt.objects.values()]
    return " ".join(str(value) for row in rows for value in row.values())


def test_delivered_survey_mail_leaves_no_address_link_or_invitation_in_the_outbox(
    world, wave, smtp
):
    with transaction.atomic():
        services.wave_invitations_send(wave=wave, by=world.evaluator)
    while_waiting = _stored_text()
    outbox.deliver()
    links = _links(smtp)
    assert len(links) == 3
    for link in links.values():
        assert link not in while_waiting, "the link waits sealed"
    stored = _stored_text()
    for email, link in links.items():
        assert email not in stored and link not in stored
    assert "surveys.invitation:" not in stored, "no row points at an invitation"
    assert set(Message.objects.values_list("recipient", "reference")) == {("", "")}


def test_reminders_and_their_progress_name_nobody(client, world, wave, smtp):
    with transaction.atomic():
        services.wave_invitations_send(wave=wave, by=world.evaluator)
    outbox.deliver()
    links = _links(smtp)
    responder = world.participant_m.person.email
    answer(client, links[responder], good_answers(wave.survey, world.community))
    smtp.handler.refuse_all = "550 5.2.2 Mailbox full"
    with transaction.atomic():
        reminded = services.wave_reminders_send(wave=wave, by=world.evaluator)
    outbox.deliver()
    assert reminded == 2
    client.force_login(world.evaluator)
    page = client.get(reverse("surveys:wave_detail", args=[wave.pk])).content.decode()
    assert "550 5.2.2 Mailbox full" in page
    for membership in (world.lead_m, world.facilitator_m, world.participant_m):
        assert membership.person.email not in page, "a failed reminder names nobody"


def test_a_failed_invitation_is_sent_again_with_a_fresh_link_to_whoever_did_not_get_it(
    client, world, wave, smtp
):
    refused = world.lead_m.person.email
    smtp.handler.refuse = {refused: "550 5.1.1 No such user"}
    with transaction.atomic():
        services.wave_invitations_send(wave=wave, by=world.evaluator)
    outbox.deliver()
    client.force_login(world.evaluator)
    page = client.get(reverse("surveys:wave_detail", args=[wave.pk])).content.decode()
    assert refused in page, "a failed invitation is shown with its address, to mend the list"
    assert "Opnieuw versturen naar wie het niet kreeg" in page
    first_hash = Invitation.objects.get(email=refused).token_hash

    smtp.handler.refuse = {}
    response = client.post(reverse("surveys:wave_mail_resend", args=[wave.pk]), follow=True)
    assert "1 e-mail wordt opnieuw verstuurd, met een nieuwe link." in response.content.decode()
    outbox.deliver()
    assert smtp.handler.per_recipient() == {
        m.person.email: 1 for m in (world.participant_m, world.lead_m, world.facilitator_m)
    }
    assert Invitation.objects.get(email=refused).token_hash != first_hash
    assert not Message.objects.filter(state=Message.State.FAILED).exists()
    assert _links(smtp)[refused] not in _stored_text()


def test_invitations_refused_for_a_while_reach_everyone_once(world, wave, smtp):
    smtp.handler.refuse_all = "451 4.3.2 Try again later"
    with transaction.atomic():
        services.wave_invitations_send(wave=wave, by=world.evaluator)
    outbox.deliver()
    assert smtp.handler.count() == 0
    smtp.handler.refuse_all = None
    Message.objects.update(next_attempt_at=timezone.now())
    outbox.pause_reset()
    outbox.deliver()
    assert sorted(smtp.handler.per_recipient().values()) == [1, 1, 1]


@pytest.mark.parametrize("visitor", ["participant", "lead", "coordinator", "nobody"])
def test_only_who_manages_the_wave_resends(client, world, wave, visitor):
    client.force_login(getattr(world, visitor))
    response = client.post(reverse("surveys:wave_mail_resend", args=[wave.pk]))
    assert response.status_code in (403, 404)
