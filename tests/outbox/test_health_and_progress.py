"""The queue seen from outside: the health check for monitoring, the administrator's overview
and the progress of one thing's e-mail."""

from __future__ import annotations

import datetime

import pytest
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leerkring.core.models import WorkerHeartbeat
from leerkring.outbox import selectors, services
from leerkring.outbox.models import Message
from tests import factories

pytestmark = pytest.mark.django_db


def queue(n, *, scope=None, kind="meetings.invitation"):
    with transaction.atomic():
        services.emails_queue(
            [EmailMessage(subject="x", body="y", to=[f"lid{i}@example.nl"]) for i in range(n)],
            kind=kind,
            scope=scope,
        )


def test_the_queue_health_is_ok_when_nothing_waits(client):
    response = client.get(reverse("core:health_queue"))
    assert response.status_code == 200
    assert response.json()["checks"]["outbox"]["ok"] is True


def test_the_queue_health_reports_overdue_mail_as_failing(client, settings):
    settings.OUTBOX_STUCK_MINUTES = 15
    WorkerHeartbeat.objects.create(worker_id="w", seen_at=timezone.now())
    queue(2)
    assert client.get(reverse("core:health_queue")).status_code == 200
    Message.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=16))
    response = client.get(reverse("core:health_queue"))
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert outbox["overdue"] == 2 and outbox["oldest_due_seconds"] >= 16 * 60
    assert "lid0" not in response.content.decode(), "counts only"


def test_the_queue_health_fails_when_mail_waits_and_no_worker_beats(client):
    queue(1)
    assert client.get(reverse("core:health_queue")).status_code == 503


def test_progress_counts_sent_waiting_and_failed_per_kind_with_reasons():
    meeting = factories.MeetingFactory()
    queue(4, scope=meeting)
    queue(2, scope=meeting, kind="meetings.minutes")
    queue(3, scope=factories.MeetingFactory())
    rows = list(Message.objects.filter(scope_id=meeting.pk, kind="meetings.invitation"))
    Message.objects.filter(pk=rows[0].pk).update(state=Message.State.DONE)
    Message.objects.filter(pk=rows[1].pk).update(
        state=Message.State.FAILED, last_error="550 5.1.1 User unknown"
    )
    Message.objects.filter(pk=rows[2].pk).update(attempts=1, last_error="451 later")
    progress = selectors.progress(meeting, kinds=["meetings.invitation", "meetings.minutes"])
    invitation, minutes = progress.kinds
    assert (invitation.sent, invitation.waiting, invitation.failed) == (1, 2, 1)
    assert (minutes.sent, minutes.waiting, minutes.failed) == (0, 2, 0)
    assert progress.retrying == 1 and progress.last_retry_error == "451 later"
    assert [(f.recipient, f.reason) for f in progress.failures] == [
        (rows[1].recipient, "550 5.1.1 User unknown")
    ]
    hidden = selectors.progress(meeting, show_recipients=False)
    assert hidden.failures[0].recipient == ""


def test_progress_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    meeting = factories.MeetingFactory()
    queue(30, scope=meeting)
    Message.objects.filter(scope_id=meeting.pk).update(state=Message.State.FAILED)
    with django_assert_max_num_queries(3):
        selectors.progress(meeting)


def test_the_admin_overview_shows_counts_and_the_last_error(admin_client):
    queue(3)
    Message.objects.filter(pk=Message.objects.first().pk).update(
        state=Message.State.FAILED, last_error="554 5.7.1 Spam"
    )
    page = admin_client.get(reverse("admin:outbox_message_changelist")).content.decode()
    assert "Wachtrij" in page and "554 5.7.1 Spam" in page


def test_the_admin_never_shows_the_content_of_mail_with_a_one_time_link(admin_client):
    with transaction.atomic():
        services.emails_queue(
            [EmailMessage(subject="x", body="https://x.nl/s/geheim/", to=["a@example.nl"])],
            kind="surveys.invitation",
            secret=True,
        )
    message = Message.objects.get()
    page = admin_client.get(reverse("admin:outbox_message_change", args=[message.pk]))
    assert "geheim" not in page.content.decode()
