"""The meeting's e-mail through the outbox, against a real SMTP server: what the lead is told,
what the meeting page shows while the mail server refuses, and sending again to whoever did not
get it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings import services
from leerkring.outbox import services as outbox
from leerkring.outbox.models import Message
from tests.confirm import CONFIRMED

pytestmark = pytest.mark.django_db


def _time_passes() -> None:
    Message.objects.filter(state=Message.State.WAITING).update(next_attempt_at=timezone.now())
    outbox.pause_reset()


def test_publishing_writes_the_invitations_in_the_same_transaction(world, meeting):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.meeting_publish(meeting=meeting, by=world.lead)
        assert Message.objects.filter(kind="meetings.invitation").count() == 3
        raise RuntimeError("the change fails")
    assert not Message.objects.exists(), "a rolled-back publication sends nothing"


def test_the_lead_is_told_what_was_queued_not_that_it_arrived(client, world, meeting, smtp):
    smtp.handler.refuse_all = "451 4.3.2 System busy"
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:meeting_publish", args=[meeting.pk]), CONFIRMED, follow=True
    )
    page = response.content.decode()
    assert "3 uitnodigingen worden verstuurd" in page
    assert "verstuurd naar 3" not in page
    assert smtp.handler.count() == 0
    assert "3 e-mails wachten nog op verzending" in page
    outbox.deliver()
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "3 e-mails wachten nog op verzending" in page
    assert "451 4.3.2 System busy" in page


def test_invitations_refused_for_a_while_reach_every_member_once(world, meeting, smtp):
    smtp.handler.refuse_all = "451 4.3.2 System busy"
    with transaction.atomic():
        queued = services.meeting_publish(meeting=meeting, by=world.lead)
    outbox.deliver()
    _time_passes()
    outbox.deliver()
    assert smtp.handler.count() == 0
    progress = services_progress(meeting)
    assert (progress.sent, progress.waiting, progress.retrying) == (0, queued, queued)

    smtp.handler.refuse_all = None
    _time_passes()
    outbox.deliver()
    members = {m.person.email for m in (world.participant_m, world.lead_m, world.facilitator_m)}
    assert smtp.handler.per_recipient() == {email: 1 for email in members}
    assert services_progress(meeting).sent == 3


def services_progress(meeting):
    from leerkring.meetings import selectors

    return selectors.meeting_mail_progress(meeting=meeting)


def test_the_page_shows_a_refusal_and_sends_again_to_whoever_did_not_get_it(
    client, world, meeting, smtp
):
    smtp.handler.refuse = {world.participant_m.person.email: "550 5.1.1 No such user"}
    with transaction.atomic():
        services.meeting_publish(meeting=meeting, by=world.lead)
    outbox.deliver()
    client.force_login(world.lead)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert world.participant_m.person.email in page
    assert "550 5.1.1 No such user" in page
    assert "Opnieuw versturen naar wie het niet kreeg" in page

    smtp.handler.refuse = {}
    response = client.post(reverse("meetings:meeting_mail_resend", args=[meeting.pk]), follow=True)
    assert "1 e-mail wordt opnieuw verstuurd" in response.content.decode()
    outbox.deliver()
    assert smtp.handler.per_recipient()[world.participant_m.person.email] == 1
    assert sum(smtp.handler.per_recipient().values()) == 3, "the others get nothing twice"


@pytest.mark.parametrize("visitor", ["participant", "coordinator", "sibling_member", "nobody"])
def test_only_the_lead_and_facilitator_follow_and_resend_the_mail(client, world, meeting, visitor):
    with transaction.atomic():
        services.meeting_publish(meeting=meeting, by=world.lead)
    client.force_login(getattr(world, visitor))
    response = client.post(reverse("meetings:meeting_mail_resend", args=[meeting.pk]))
    assert response.status_code in (403, 404)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "Opnieuw versturen" not in page.content.decode()
    assert "Stand van de verzending" not in page.content.decode()


def test_it_requires_sign_in_to_resend(client, meeting):
    response = client.post(reverse("meetings:meeting_mail_resend", args=[meeting.pk]))
    assert response.status_code == 302


def test_the_minutes_go_through_the_outbox_and_the_sender_is_told_they_are_queued(
    client, world, meeting, smtp
):
    services.minutes_save(meeting=meeting, minutes="We spraken over taalles.", by=world.lead)
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:minutes_send", args=[meeting.pk]), CONFIRMED, follow=True
    )
    assert "Het verslag wordt naar 3 leden verstuurd" in response.content.decode()
    assert Message.objects.filter(kind="meetings.minutes").count() == 3
    outbox.deliver()
    assert smtp.handler.count() == 3


def test_thread_messages_are_rows_of_the_outbox(world):
    with transaction.atomic():
        services.thread_start(
            community=world.community,
            author=world.lead_m.person,
            title="Huisvesting",
            body="Wie weet iets?",
            by=world.lead,
        )
    rows = Message.objects.filter(kind="meetings.thread_message")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [world.participant_m.person.email, world.facilitator_m.person.email]
    )
