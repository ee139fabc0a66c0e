"""Sending an issue: the e-mail itself, one delivery per subscriber, never twice, failures kept."""

from __future__ import annotations

import email
import smtplib
from email import policy

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from leerkring.dissemination import newsletter as machinery
from leerkring.dissemination import services
from leerkring.dissemination.models import Delivery, IssueItem, NewsletterIssue, Product
from leerkring.dissemination.tasks import newsletter_issue_send
from leerkring.outbox import services as outbox
from leerkring.outbox.models import Message
from tests import factories
from tests.confirm import CONFIRMED

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(world):
    return factories.NewsletterFactory(programme=world.programme, title="Programmanieuws")


@pytest.fixture
def draft(world, letter):
    issue = services.issue_create(newsletter=letter, by=world.coordinator, title="Voorjaar")
    services.issue_update(
        issue=issue,
        title="Voorjaar",
        intro="Welkom bij de *voorjaarseditie*.",
        by=world.coordinator,
    )
    services.issue_item_add_text(
        issue=issue, title="Terugblik", body="We leerden **veel** van elkaar.", by=world.coordinator
    )
    return issue


def publish(issue, by, capture):
    with capture(execute=True):
        services.issue_publish(issue=issue, by=by)
    issue.refresh_from_db()
    return issue


def test_every_confirmed_subscriber_gets_one_valid_mime_message(
    world, letter, draft, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://leerkring.example.nl"
    readers = factories.SubscriberFactory.create_batch(3, newsletter=letter)
    factories.SubscriberFactory(newsletter=letter, email="wacht@example.nl", confirmed_at=None)
    gone = factories.SubscriberFactory(newsletter=letter, email="weg@example.nl")
    services.subscriber_unsubscribe(subscriber=gone)

    issue = publish(draft, world.coordinator, django_capture_on_commit_callbacks)

    assert issue.status == NewsletterIssue.Status.SENT and issue.sent_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    for message in mail.outbox:
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
        assert parsed.get_content_type() == "multipart/alternative"
        text = parsed.get_body(preferencelist=("plain",)).get_content()
        html = parsed.get_body(preferencelist=("html",)).get_content()
        recipient = next(r for r in readers if r.email == parsed["To"])
        url = machinery.unsubscribe_url(recipient)
        assert url.startswith("https://leerkring.example.nl/unsubscribe/")
        # Long headers may be folded onto a second line; unfolded they are exactly this.
        assert parsed["List-Unsubscribe"].strip() == f"<{url}>"
        assert parsed["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
        assert url in text and f'href="{url}"' in html
        assert "Terugblik" in text and "Terugblik" in html
        assert "<strong>veel</strong>" in html
        # CSS inlined for mail clients that drop <style>; no <style> block left behind.
        assert "<style" not in html and 'style="' in html
        assert parsed["Subject"] == "Programmanieuws – Voorjaar"
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == 3


def test_each_subscriber_gets_their_own_unsubscribe_link(
    world, letter, draft, django_capture_on_commit_callbacks
):
    factories.SubscriberFactory.create_batch(2, newsletter=letter)
    publish(draft, world.coordinator, django_capture_on_commit_callbacks)
    links = {m.extra_headers["List-Unsubscribe"] for m in mail.outbox}
    assert len(links) == 2


def test_nothing_is_sent_twice_when_the_task_runs_twice(
    world, letter, draft, django_capture_on_commit_callbacks
):
    factories.SubscriberFactory.create_batch(3, newsletter=letter)
    publish(draft, world.coordinator, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    newsletter_issue_send.call(issue_id=draft.pk)
    # Even when the issue is put back to "sending" (a worker that died after sending).
    NewsletterIssue.objects.filter(pk=draft.pk).update(status=NewsletterIssue.Status.SENDING)
    machinery.issue_deliver(issue_id=draft.pk)
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(issue=draft).count() == 3


def test_a_rerun_after_a_killed_worker_queues_only_who_was_not_queued_yet(
    world, letter, draft, django_capture_on_commit_callbacks
):
    """A worker killed between two batches: the first batch's deliveries and outbox rows were
    committed together, so the rerun takes exactly the rest, with no lock to wait for."""
    subscribers = factories.SubscriberFactory.create_batch(5, newsletter=letter)
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_publish(issue=draft, by=world.coordinator)
    real_queue = machinery.outbox.emails_queue
    batches = []

    def killed_after_two_batches(*args, **kwargs):
        if len(batches) == 2:
            raise SystemExit("killed")
        batches.append(real_queue(*args, **kwargs))
        return batches[-1]

    machinery.outbox.emails_queue = killed_after_two_batches
    try:
        with pytest.raises(SystemExit):
            machinery.issue_deliver(issue_id=draft.pk, batch_size=2)
    finally:
        machinery.outbox.emails_queue = real_queue
    assert Delivery.objects.filter(issue=draft).count() == 4
    assert machinery.issue_deliver(issue_id=draft.pk, batch_size=2) == {"queued": 1}
    outbox.deliver()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
    draft.refresh_from_db()
    assert draft.status == NewsletterIssue.Status.SENT


def test_publishing_while_a_send_is_running_is_refused(world, letter, draft, client):
    factories.IssueFactory(newsletter=letter, number=99, status=NewsletterIssue.Status.SENDING)
    with pytest.raises(ValidationError, match="nog een andere editie"):
        services.issue_publish(issue=draft, by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("dissemination:issue_publish", args=[draft.pk]), CONFIRMED, follow=True
    )
    assert "nog een andere editie" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == NewsletterIssue.Status.DRAFT


def test_publishing_the_same_issue_twice_is_refused(
    world, letter, draft, django_capture_on_commit_callbacks
):
    factories.SubscriberFactory(newsletter=letter)
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_publish(issue=draft, by=world.coordinator)
    with pytest.raises(ValidationError, match="wordt al verstuurd"):
        services.issue_publish(issue=draft, by=world.coordinator)
    machinery.issue_deliver(issue_id=draft.pk)
    outbox.deliver()
    with pytest.raises(ValidationError, match="al verstuurd"):
        services.issue_publish(issue=draft, by=world.coordinator)
    assert len(mail.outbox) == 1


class FlakyBackend(LocmemBackend):
    """Refuses one address, as a mail server does for an unknown mailbox."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].startswith("kapot"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)


class DownBackend(LocmemBackend):
    def open(self):
        raise ConnectionRefusedError("mail server down")


def test_failures_are_recorded_with_the_error_and_the_rest_is_sent(
    world, letter, draft, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    factories.SubscriberFactory(newsletter=letter, email="kapot@example.nl")
    good = factories.SubscriberFactory(newsletter=letter, email="heel@example.nl")
    issue = publish(draft, world.coordinator, django_capture_on_commit_callbacks)
    failed = Delivery.objects.get(issue=issue, status=Delivery.Status.FAILED)
    assert failed.subscriber.email == "kapot@example.nl"
    assert "550 No such user" in failed.error
    assert [m.to[0] for m in mail.outbox] == [good.email]
    assert issue.status == NewsletterIssue.Status.SENT
    # A rerun does not try the failed row again, nor the sent one.
    NewsletterIssue.objects.filter(pk=issue.pk).update(status=NewsletterIssue.Status.SENDING)
    machinery.issue_deliver(issue_id=issue.pk)
    assert len(mail.outbox) == 1


def test_an_unreachable_mail_server_fails_nothing_and_the_send_resumes_when_it_is_back(
    world, letter, draft, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    factories.SubscriberFactory.create_batch(2, newsletter=letter)
    issue = publish(draft, world.coordinator, django_capture_on_commit_callbacks)
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {"pending"}
    assert issue.status == NewsletterIssue.Status.SENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Message.objects.update(next_attempt_at=timezone.now())
    outbox.pause_reset()
    outbox.deliver()
    assert len(mail.outbox) == 2
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT


def test_someone_who_unsubscribes_before_the_batch_is_sent_gets_nothing(
    world, letter, draft, django_capture_on_commit_callbacks
):
    stays, leaves = factories.SubscriberFactory.create_batch(2, newsletter=letter)
    with django_capture_on_commit_callbacks(execute=False):
        services.issue_publish(issue=draft, by=world.coordinator)
    machinery.issue_deliver(issue_id=draft.pk)
    services.subscriber_unsubscribe(subscriber=leaves)
    outbox.deliver()
    assert [m.to[0] for m in mail.outbox] == [stays.email]
    assert list(Delivery.objects.values_list("subscriber_id", "status")) == [(stays.pk, "sent")]


def test_a_sent_product_is_logged_as_disseminated_by_newsletter(
    world, letter, django_capture_on_commit_callbacks
):
    product = factories.ProductFactory(
        programme=world.programme, communities=[world.community], shareable=True, status="ready"
    )
    issue = services.issue_create(newsletter=letter, by=world.coordinator)
    services.issue_picks_set(issue=issue, keys=[f"product:{product.pk}"], by=world.coordinator)
    publish(issue, world.coordinator, django_capture_on_commit_callbacks)
    assert list(product.disseminations.values_list("channel", flat=True)) == ["newsletter"]
    assert Product.objects.get(pk=product.pk).status == "ready"


def test_bounces_are_marked_on_the_latest_delivery_and_stop_further_mail(
    world, letter, draft, django_capture_on_commit_callbacks
):
    bouncer = factories.SubscriberFactory(newsletter=letter, email="Oud@Example.nl".lower())
    publish(draft, world.coordinator, django_capture_on_commit_callbacks)
    assert services.delivery_mark_bounced(email="OUD@example.nl", reason="550 unknown") == 1
    delivery = Delivery.objects.get(subscriber=bouncer)
    assert (delivery.status, delivery.error) == ("bounced", "550 unknown")
    bouncer.refresh_from_db()
    assert bouncer.unsubscribed_at is not None


def test_the_preview_is_the_email_as_subscribers_get_it(world, draft, client):
    client.force_login(world.coordinator)
    response = client.get(reverse("dissemination:issue_preview", args=[draft.pk]))
    html = response.content.decode()
    rendered = machinery.render_issue(issue=draft)
    assert "Voorbeeld" in html
    body_start = rendered.html.index("<h1")
    assert rendered.html[body_start:] in html
    assert IssueItem.objects.filter(issue=draft).count() == 1


def test_the_preview_allows_the_emails_inline_styles_and_no_script(world, draft, client):
    client.force_login(world.coordinator)
    response = client.get(reverse("dissemination:issue_preview", args=[draft.pk]))
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src 'none'" in policy
