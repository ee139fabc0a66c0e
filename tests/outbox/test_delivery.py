"""The outbox against a real SMTP server on 127.0.0.1: each recipient gets each e-mail exactly
once, whatever the server does meanwhile."""

from __future__ import annotations

import datetime
import smtplib
from email.mime.text import MIMEText

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from leerkring.core import leases
from leerkring.outbox import services
from leerkring.outbox.models import Attempt, Message

pytestmark = pytest.mark.django_db

State = Message.State


def build(i: int, **kwargs) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=f"Uitnodiging {i}",
        body=kwargs.pop("body", f"Beste deelnemer {i}, welkom."),
        to=kwargs.pop("to", [f"persoon{i}@example.nl"]),
        **kwargs,
    )
    message.attach_alternative(f"<p>Beste deelnemer {i}</p>", "text/html")
    return message


def queue(count: int, **kwargs) -> int:
    with transaction.atomic():
        return services.emails_queue(
            [build(i) for i in range(count)], kind=kwargs.pop("kind", "test.mail"), **kwargs
        )


def time_passes() -> None:
    """Every back-off and pause is over."""
    Message.objects.filter(state=State.WAITING).update(next_attempt_at=timezone.now())
    services.pause_reset()


def test_a_rolled_back_change_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.emails_queue([build(1)], kind="test.mail")
        raise RuntimeError("the change fails")
    assert not Message.objects.exists()


def test_each_recipient_gets_a_row_with_its_own_message_id():
    with transaction.atomic():
        services.emails_queue(
            [build(1, to=["a@example.nl", "b@example.nl"], cc=["c@example.nl"])], kind="test.mail"
        )
    rows = list(Message.objects.order_by("recipient"))
    assert [r.recipient for r in rows] == ["a@example.nl", "b@example.nl", "c@example.nl"]
    assert len({r.message_id for r in rows}) == 3
    assert all(r.to_header == "a@example.nl, b@example.nl" for r in rows)
    assert all(r.headers["Cc"] == "c@example.nl" for r in rows)


def test_it_delivers_each_message_once_and_marks_it_sent_with_its_message_id(smtp):
    queue(5)
    counts = services.deliver()
    assert counts["sent"] == 5
    assert smtp.handler.per_recipient() == {f"persoon{i}@example.nl": 1 for i in range(5)}
    rows = {r.recipient: r for r in Message.objects.all()}
    for accepted in smtp.handler.accepted:
        row = rows[accepted.recipient]
        assert row.state == State.DONE and row.sent_at and row.attempts == 1
        assert accepted.message_id == row.message_id
    assert Attempt.objects.filter(outcome=Attempt.Outcome.SENT).count() == 5
    assert services.deliver()["sent"] == 0, "nothing is sent twice"
    assert smtp.handler.count() == 5


def test_a_temporary_refusal_is_retried_with_back_off_until_the_server_accepts(smtp, settings):
    smtp.handler.refuse_all = "451 4.3.2 Please try again later"
    queue(4)
    before = timezone.now()
    counts = services.deliver()
    assert counts["retry"] == 4 and smtp.handler.count() == 0
    for row in Message.objects.all():
        assert row.state == State.WAITING and row.attempts == 1
        assert "451" in row.last_error
        # First back-off is the base (±20 %).
        assert row.next_attempt_at >= before + datetime.timedelta(seconds=0.8 * 60)
    assert services.deliver()["sent"] == 0, "not before the back-off is over"

    time_passes()
    services.deliver()
    assert smtp.handler.count() == 0, "still refusing"
    assert set(Message.objects.values_list("attempts", flat=True)) == {2}

    smtp.handler.refuse_all = None
    time_passes()
    assert services.deliver()["sent"] == 4
    assert smtp.handler.per_recipient() == {f"persoon{i}@example.nl": 1 for i in range(4)}
    assert Attempt.objects.filter(outcome=Attempt.Outcome.TEMPORARY).count() == 8


def test_a_permanent_refusal_stops_at_once_with_the_reason(smtp):
    smtp.handler.refuse["persoon1@example.nl"] = "550 5.1.1 No such user here"
    queue(3)
    services.deliver()
    failed = Message.objects.get(recipient="persoon1@example.nl")
    assert failed.state == State.FAILED and failed.attempts == 1
    assert failed.last_error.startswith("550 5.1.1 No such user")
    time_passes()
    services.deliver()
    assert Message.objects.get(pk=failed.pk).attempts == 1, "never tried again"
    assert smtp.handler.per_recipient() == {"persoon0@example.nl": 1, "persoon2@example.nl": 1}


def test_an_unreachable_server_pauses_the_outbox_without_using_up_attempts(smtp):
    queue(6)
    smtp.down()
    counts = services.deliver()
    assert counts["retry"] == 1 and counts["paused"] == 1
    attempts = sorted(Message.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 0, 0, 0, 1], "one try, the rest given back untouched"
    assert Message.objects.filter(state=State.WAITING).count() == 6
    assert "Geen verbinding" in Message.objects.get(attempts=1).last_error
    assert services.deliver()["paused"] == 1, "paused: nothing is tried"

    smtp.up()
    time_passes()
    assert services.deliver()["sent"] == 6
    assert smtp.handler.per_recipient() == {f"persoon{i}@example.nl": 1 for i in range(6)}


def test_a_connection_dropped_mid_message_is_retried_and_arrives_once(smtp):
    queue(5)
    smtp.handler.drop_next = 1
    services.deliver()
    assert smtp.handler.count() == 1 or smtp.handler.count() == 0
    time_passes()
    services.deliver()
    time_passes()
    services.deliver()
    assert smtp.handler.per_recipient() == {f"persoon{i}@example.nl": 1 for i in range(5)}
    assert Message.objects.filter(state=State.DONE).count() == 5
    assert Attempt.objects.filter(reason__contains="verbrak").exists()


def test_temporary_failures_give_up_after_the_retry_period_with_the_reason(smtp, settings):
    smtp.handler.refuse_all = "452 4.2.2 Mailbox full"
    queue(1)
    Message.objects.update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    services.deliver()
    row = Message.objects.get()
    assert row.state == State.FAILED
    assert row.last_error.startswith("Opgegeven na 1 pogingen: 452 4.2.2 Mailbox full")


def test_an_unusable_address_is_recorded_as_failed_without_a_try(smtp):
    with transaction.atomic():
        services.emails_queue([build(1, to=["geen adres"])], kind="test.mail")
    row = Message.objects.get()
    assert row.state == State.FAILED and row.attempts == 0
    assert row.last_error == "Ongeldig e-mailadres."
    services.deliver()
    assert smtp.handler.count() == 0


def test_a_message_with_a_one_time_link_keeps_no_content_once_sent(smtp):
    with transaction.atomic():
        services.emails_queue(
            [build(1, body="https://leerkring.example.nl/s/geheim-token/")],
            kind="surveys.invitation",
            secret=True,
            forget_recipient=True,
            references=["surveys.invitation:1"],
        )
    services.deliver()
    assert b"geheim-token" in smtp.handler.accepted[0].raw
    row = Message.objects.get()
    assert row.state == State.DONE and row.redacted_at
    assert (row.body, row.html, row.recipient, row.reference) == ("", "", "", "")


def test_a_waiting_secret_message_holds_its_link_only_sealed(smtp):
    """While a one-time link waits (possibly days, while the server refuses), a copy of the
    database must not hold it readable."""
    smtp.handler.refuse_all = "451 4.3.2 Try again later"
    with transaction.atomic():
        services.emails_queue(
            [build(1, body="https://leerkring.example.nl/s/geheim-token/")],
            kind="surveys.invitation",
            secret=True,
        )
    services.deliver()
    row = Message.objects.get()
    assert row.state == State.WAITING
    stored = " ".join(str(v) for v in Message.objects.filter(pk=row.pk).values().get().values())
    assert "geheim-token" not in stored and "Beste deelnemer" not in stored
    smtp.handler.refuse_all = None
    time_passes()
    services.deliver()
    assert b"geheim-token" in smtp.handler.accepted[0].raw
    assert Message.objects.get().sealed == ""


def test_a_failed_secret_message_keeps_whom_it_was_for_but_not_the_link(smtp):
    smtp.handler.refuse_all = "550 5.1.1 Unknown user"
    with transaction.atomic():
        services.emails_queue(
            [build(1, body="https://leerkring.example.nl/s/geheim-token/")],
            kind="surveys.invitation",
            secret=True,
            forget_recipient=True,
            references=["surveys.invitation:1"],
        )
    services.deliver()
    row = Message.objects.get()
    assert row.state == State.FAILED and "geheim-token" not in row.body and not row.sealed
    assert (row.recipient, row.reference) == ("persoon1@example.nl", "surveys.invitation:1")


def test_a_calendar_attachment_arrives_with_its_method(smtp):
    part = MIMEText("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="bijeenkomst.ics")
    message = build(1)
    message.attach(part)
    message.attach("lijst.csv", "naam;rol\n", "text/csv")
    with transaction.atomic():
        services.emails_queue([message], kind="meetings.invitation")
    services.deliver()
    raw = smtp.handler.accepted[0].raw.decode()
    assert 'text/calendar; charset="utf-8"; method="REQUEST"' in raw
    assert 'filename="bijeenkomst.ics"' in raw and 'filename="lijst.csv"' in raw


def test_a_worker_that_lost_its_lease_is_overtaken_and_cannot_overwrite(smtp):
    queue(2)
    claimed = leases.claim(Message.objects.all(), owner="dead", limit=10, lease_seconds=30)
    assert len(claimed) == 2
    assert services.deliver()["sent"] == 0, "the lease holds"
    Message.objects.update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.deliver(owner="new")["sent"] == 2
    assert not leases.attempt_start(Message, claimed[0], owner="dead", lease_seconds=30)
    assert smtp.handler.count() == 2


def test_retrying_failed_mail_sends_only_to_whom_it_failed(smtp):
    smtp.handler.refuse["persoon1@example.nl"] = "550 5.7.1 Rejected"
    queue(3)
    services.deliver()
    smtp.handler.refuse.clear()
    with transaction.atomic():
        assert services.failed_retry(messages=Message.objects.all()) == 1
    services.deliver()
    assert smtp.handler.per_recipient() == {f"persoon{i}@example.nl": 1 for i in range(3)}


def test_the_classification_of_failures():
    assert services.classify(smtplib.SMTPDataError(451, b"later")).kind == services.TEMPORARY
    assert services.classify(smtplib.SMTPDataError(554, b"spam")).kind == services.PERMANENT
    refused = smtplib.SMTPRecipientsRefused({"a@x.nl": (550, b"unknown")})
    assert services.classify(refused).kind == services.PERMANENT
    greylist = smtplib.SMTPRecipientsRefused({"a@x.nl": (450, b"greylisted")})
    assert services.classify(greylist).kind == services.TEMPORARY
    assert services.classify(ConnectionRefusedError()).kind == services.TRANSPORT
    assert services.classify(TimeoutError("timed out")).kind == services.TRANSPORT
    assert services.classify(smtplib.SMTPServerDisconnected("gone")).kind == services.TRANSPORT
    auth = smtplib.SMTPAuthenticationError(535, b"bad credentials")
    assert services.classify(auth).kind == services.TRANSPORT
    assert (
        services.classify(smtplib.SMTPSenderRefused(421, b"closing", "x")).kind
        == services.TRANSPORT
    )
    assert services.classify(ValueError("bad header")).kind == services.PERMANENT
