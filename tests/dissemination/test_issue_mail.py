"""A newsletter issue through the outbox against a real SMTP server: refused for a while, then
every subscriber gets it once; the issue page tells the truth meanwhile and sends again to
whoever did not get it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leerkring.dissemination import newsletter as machinery
from leerkring.dissemination import services
from leerkring.dissemination.models import Delivery, NewsletterIssue
from leerkring.outbox import services as outbox
from leerkring.outbox.models import Message
from tests import factories
from tests.confirm import CONFIRMED

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(world):
    letter = factories.NewsletterFactory(programme=world.programme, title="Programmanieuws")
    issue = services.issue_create(newsletter=letter, by=world.coordinator, title="Voorjaar")
    services.issue_item_add_text(
        issue=issue, title="Terugblik", body="We leerden veel.", by=world.coordinator
    )
    factories.SubscriberFactory.create_batch(6, newsletter=letter)
    return issue


def _publish(issue, by):
    with transaction.atomic():
        services.issue_publish(issue=issue, by=by)
    machinery.issue_deliver(issue_id=issue.pk, batch_size=4)


def _time_passes():
    Message.objects.filter(state=Message.State.WAITING).update(next_attempt_at=timezone.now())
    outbox.pause_reset()


def test_an_issue_refused_for_a_while_reaches_every_subscriber_once(client, world, issue, smtp):
    smtp.handler.refuse_all = "451 4.3.2 System busy"
    _publish(issue, world.coordinator)
    outbox.deliver()
    _time_passes()
    outbox.deliver()
    assert smtp.handler.count() == 0
    client.force_login(world.coordinator)
    page = client.get(reverse("dissemination:issue", args=[issue.pk])).content.decode()
    assert "6 e-mails wachten nog op verzending" in page
    assert "451 4.3.2 System busy" in page
    assert "Mislukt" not in [d.get_status_display() for d in Delivery.objects.all()]

    smtp.handler.refuse_all = None
    _time_passes()
    outbox.deliver()
    received = smtp.handler.per_recipient()
    assert len(received) == 6 and set(received.values()) == {1}
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == 6


def test_the_issue_page_sends_again_to_whoever_did_not_get_it(client, world, issue, smtp):
    refused = issue.newsletter.subscribers.order_by("pk").first().email
    smtp.handler.refuse = {refused: "550 5.1.1 No such user"}
    _publish(issue, world.coordinator)
    outbox.deliver()
    client.force_login(world.coordinator)
    page = client.get(reverse("dissemination:issue", args=[issue.pk])).content.decode()
    assert refused in page and "550 5.1.1 No such user" in page
    assert Delivery.objects.get(subscriber__email=refused).status == Delivery.Status.FAILED

    smtp.handler.refuse = {}
    response = client.post(reverse("dissemination:issue_mail_resend", args=[issue.pk]), follow=True)
    assert "1 e-mail wordt opnieuw verstuurd" in response.content.decode()
    outbox.deliver()
    assert smtp.handler.per_recipient()[refused] == 1
    assert sum(smtp.handler.per_recipient().values()) == 6
    assert Delivery.objects.get(subscriber__email=refused).status == Delivery.Status.SENT


def test_the_coordinator_is_told_how_many_subscribers_it_goes_to(client, world, issue):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("dissemination:issue_publish", args=[issue.pk]), CONFIRMED, follow=True
    )
    assert "wordt verstuurd naar 6 abonnees" in response.content.decode()


@pytest.mark.parametrize("visitor", ["participant", "lead", "other_coordinator", "nobody"])
def test_only_editors_resend(client, world, issue, visitor):
    client.force_login(getattr(world, visitor))
    response = client.post(reverse("dissemination:issue_mail_resend", args=[issue.pk]))
    assert response.status_code in (403, 404)
