"""Queueing e-mail in the outbox and delivering it, once per recipient.

- `emails_queue` writes one `Message` row per recipient in the caller's transaction and asks
  the task worker to deliver once that transaction commits.
- `deliver` claims due rows with a short lease (`core.leases`), hands them to the mail backend
  one by one and records each result at once: a row is marked sent in its own short transaction
  as soon as the server accepted it, so a worker killed mid-send leaves at most the one message
  it was handing over in doubt, and a new worker takes the rest when the lease runs out.
- Temporary failures (4xx, refused or dropped connections, timeouts) are retried with
  exponential back-off until `OUTBOX_RETRY_HOURS` after queueing; permanent ones (5xx, an
  address the server or we cannot use) stop at once. When the mail server itself cannot be
  reached, the worker pauses the whole outbox (back-off up to `OUTBOX_PAUSE_MAX_SECONDS`)
  instead of spending an attempt of every message on it.
"""

from __future__ import annotations

import base64
import datetime
import logging
import os
import secrets
import smtplib
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.mime.base import MIMEBase
from email.utils import make_msgid, parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.core import leases
from leerkring.core.health import CheckResult
from leerkring.core.worker import workers_alive

from .models import Attempt, Message, content_seal
from .signals import message_finished

logger = logging.getLogger(__name__)

State = Message.State


# --- Queueing ------------------------------------------------------------------------------


def _message_id_domain() -> str:
    return settings.OUTBOX_MESSAGE_ID_DOMAIN or urlsplit(settings.SITE_URL).hostname or "leerkring"


def _attachments(message: EmailMessage) -> list[dict[str, Any]]:
    stored = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            stored.append({"mime": attachment.as_string()})
            continue
        filename, content, mimetype = attachment
        text = isinstance(content, str)
        raw = content.encode("utf-8") if text else content
        stored.append(
            {
                "filename": filename,
                "mimetype": mimetype,
                "text": text,
                "content": base64.b64encode(raw).decode("ascii"),
            }
        )
    return stored


def _html(message: EmailMessage) -> str:
    for alternative in getattr(message, "alternatives", ()):
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html":
            return content
        raise ValueError(f"Unsupported alternative {mimetype}")
    return ""


def _content(message: EmailMessage, *, headers: dict, secret: bool) -> dict[str, Any]:
    content = {
        "body": message.body,
        "html": _html(message),
        "headers": headers,
        "attachments": _attachments(message),
    }
    if secret:
        # A one-time link must not be readable from a copy of the database while it waits.
        return {"sealed": content_seal(content)}
    return content


def _usable_address(address: str) -> bool:
    try:
        validate_email(parseaddr(address)[1])
    except ValidationError:
        return False
    return True


def emails_queue(
    messages: Iterable[EmailMessage],
    *,
    kind: str,
    scope: models.Model | None = None,
    references: Sequence[str] | None = None,
    secret: bool = False,
    forget_recipient: bool = False,
) -> int:
    """Put e-mails in the outbox, one row per recipient, in the current transaction; the worker
    delivers them after it commits. Returns the number of rows (people) queued.

    - `kind`: which e-mail ("meetings.invitation"), for the progress display;
    - `scope`: what it is about (the meeting, the newsletter issue, the wave);
    - `references`: per e-mail, the row it belongs to in the caller's app ("surveys.invitation:7"),
      so the caller can resend to whoever did not get it;
    - `secret`: the e-mail carries a one-time link; its content is cleared once finished;
    - `forget_recipient`: survey mail; the recipient is cleared too once delivered.

    An address that cannot be used is recorded as failed at once, with the reason.
    """
    messages = list(messages)
    if references is not None and len(references) != len(messages):
        raise ValueError("One reference per message")
    now = timezone.now()
    deadline = now + datetime.timedelta(hours=settings.OUTBOX_RETRY_HOURS)
    scope_type = ContentType.objects.get_for_model(scope) if scope is not None else None
    domain = _message_id_domain()
    rows = []
    for index, message in enumerate(messages):
        recipients = list(message.recipients())
        headers = {str(k): str(v) for k, v in message.extra_headers.items()}
        if message.cc:
            headers["Cc"] = ", ".join(message.cc)
        to_header = ", ".join(message.to) if len(recipients) > 1 else ""
        common = {
            "kind": kind,
            "scope_type": scope_type,
            "scope_id": scope.pk if scope is not None else None,
            "reference": references[index] if references is not None else "",
            "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
            "to_header": to_header,
            "reply_to": list(message.reply_to),
            "subject": message.subject,
            **_content(message, headers=headers, secret=secret),
            "secret": secret,
            "forget_recipient": forget_recipient,
            "created_at": now,
            "next_attempt_at": now,
            "deadline": deadline,
        }
        for recipient in recipients:
            row = Message(recipient=recipient, message_id=make_msgid(domain=domain), **common)
            if not _usable_address(recipient):
                _fill_failed(row, _("Ongeldig e-mailadres."), now=now)
            rows.append(row)
    Message.objects.bulk_create(rows)
    failed = [row for row in rows if row.state == State.FAILED]
    for row in failed:
        message_finished.send(sender=Message, message=row, state=row.state)
    if len(failed) < len(rows):
        transaction.on_commit(delivery_request)
    return len(rows)


def _fill_failed(row: Message, reason: str, *, now: datetime.datetime) -> None:
    row.state = State.FAILED
    row.last_error = reason
    row.finished_at = now
    if row.secret:
        row.body = row.html = row.sealed = ""
        row.attachments, row.headers = [], {}
        row.redacted_at = now


def delivery_request() -> None:
    """Ask a worker to deliver now. Only a wake-up: the worker's periodic run delivers what is
    due anyway, so a lost request delays mail by seconds, it does not lose it."""
    from .tasks import outbox_deliver  # the task module imports this one

    try:
        outbox_deliver.enqueue()
    except Exception:
        logger.warning("Could not queue the outbox delivery task", exc_info=True)


# --- Classifying failures ------------------------------------------------------------------


TRANSPORT, TEMPORARY, PERMANENT = "transport", "temporary", "permanent"


@dataclass(frozen=True)
class Verdict:
    """What a failure means: `transport` (the mail server cannot be reached or used at all —
    pause everything), `temporary` (retry this message later) or `permanent` (stop)."""

    kind: str
    reason: str
    code: int | None = None


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def classify(error: BaseException) -> Verdict:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refusals = list(error.recipients.values())
        codes = [code for code, _message in refusals]
        reason = "; ".join(f"{code} {_text(text)}" for code, text in refusals)
        kind = PERMANENT if codes and all(code >= 500 for code in codes) else TEMPORARY
        return Verdict(kind, reason, max(codes) if codes else None)
    if isinstance(error, smtplib.SMTPAuthenticationError | smtplib.SMTPHeloError):
        # Our credentials or the server's state, not this message: retry all of them later.
        return Verdict(TRANSPORT, f"{error.smtp_code} {_text(error.smtp_error)}", error.smtp_code)
    if isinstance(error, smtplib.SMTPResponseException):
        code, reason = error.smtp_code, f"{error.smtp_code} {_text(error.smtp_error)}"
        if isinstance(error, smtplib.SMTPConnectError) or code == 421:
            return Verdict(TRANSPORT, reason, code)
        return Verdict(PERMANENT if 500 <= code < 600 else TEMPORARY, reason, code)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Verdict(TRANSPORT, _("De mailserver verbrak de verbinding: %s") % error)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Verdict(PERMANENT, _("De mailserver ondersteunt dit bericht niet: %s") % error)
    if isinstance(error, OSError):  # refused, reset, timed out, unknown host, TLS
        return Verdict(
            TRANSPORT, _("Geen verbinding met de mailserver: %s") % (error or type(error).__name__)
        )
    if isinstance(error, ValueError | UnicodeError):
        return Verdict(PERMANENT, _("Het bericht of adres is ongeldig: %s") % error)
    return Verdict(TEMPORARY, f"{type(error).__name__}: {error}")


# --- Delivering ----------------------------------------------------------------------------


class _Pause:
    """This process's pause after the mail server could not be reached: nothing is tried until
    it ends; it grows while the server stays away and ends at the first accepted message."""

    until = 0.0
    streak = 0

    @classmethod
    def active(cls) -> bool:
        return time.monotonic() < cls.until

    @classmethod
    def start(cls) -> float:
        cls.streak += 1
        delay = leases.backoff_seconds(
            cls.streak,
            base=settings.OUTBOX_PAUSE_BASE_SECONDS,
            cap=settings.OUTBOX_PAUSE_MAX_SECONDS,
        )
        cls.until = time.monotonic() + delay
        return delay

    @classmethod
    def reset(cls) -> None:
        cls.until, cls.streak = 0.0, 0


def pause_reset() -> None:
    _Pause.reset()


class _Connection:
    """One connection to the mail backend, opened when first needed and dropped after any
    failure (its state is unknown then)."""

    def __init__(self) -> None:
        self.connection = None

    def send(self, email: EmailMessage) -> None:
        if self.connection is None:
            self.connection = mail.get_connection(fail_silently=False)
            self.connection.open()
        email.connection = self.connection
        if not self.connection.send_messages([email]):
            raise smtplib.SMTPRecipientsRefused({})

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                logger.debug("Closing a broken mail connection failed", exc_info=True)
        self.connection = None


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def deliver(
    *,
    owner: str | None = None,
    budget_seconds: float | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    batch: int | None = None,
) -> Counter:
    """Deliver due messages until none is due, the budget is spent or the worker stops.
    Returns counts per outcome (sent, retry, failed, lost, paused)."""
    owner = owner or _owner()
    batch = batch or settings.OUTBOX_BATCH
    counts: Counter = Counter()
    if _Pause.active():
        counts["paused"] += 1
        return counts
    started = time.monotonic()
    connection = _Connection()

    def out_of_time() -> bool:
        return should_stop() or (
            budget_seconds is not None and time.monotonic() - started > budget_seconds
        )

    try:
        while not out_of_time():
            claimed = leases.claim(
                Message.objects.all(),
                owner=owner,
                limit=batch,
                lease_seconds=settings.OUTBOX_LEASE_SECONDS,
            )
            if not claimed:
                break
            for index, pk in enumerate(claimed):
                if out_of_time():
                    leases.release(Message, claimed[index:], owner=owner)
                    return counts
                outcome, pause = _deliver_one(pk, owner=owner, connection=connection)
                counts[outcome] += 1
                if pause is not None:
                    leases.release(Message, claimed[index + 1 :], owner=owner, delay=pause)
                    counts["paused"] += 1
                    return counts
    finally:
        connection.close()
    return counts


def _deliver_one(pk: int, *, owner: str, connection: _Connection) -> tuple[str, float | None]:
    if not leases.attempt_start(
        Message, pk, owner=owner, lease_seconds=settings.OUTBOX_LEASE_SECONDS
    ):
        return "lost", None
    message = Message.objects.get(pk=pk)
    try:
        email = message.as_email()
    except Exception as error:
        logger.exception("Outbox message %s cannot be built", pk)
        _record_failure(message, Verdict(PERMANENT, f"{type(error).__name__}: {error}"), owner)
        return "failed", None
    try:
        connection.send(email)
    except Exception as error:
        connection.close()
        verdict = classify(error)
        logger.warning("Outbox message %s not delivered (%s): %s", pk, verdict.kind, verdict.reason)
        return _record_failure(message, verdict, owner)
    _record_sent(message, owner)
    _Pause.reset()
    return "sent", None


def _redaction(message: Message, *, now: datetime.datetime, delivered: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if message.secret:
        fields.update(body="", html="", sealed="", attachments=[], headers={}, redacted_at=now)
    if message.forget_recipient and delivered:
        fields.update(recipient="", to_header="", reference="", redacted_at=now)
    return fields


def _finished(message: Message) -> None:
    message.refresh_from_db()
    message_finished.send(sender=Message, message=message, state=message.state)


def _record_sent(message: Message, owner: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        leases.finish_done(
            Message, message.pk, sent_at=now, **_redaction(message, now=now, delivered=True)
        )
        if message.forget_recipient:
            # Reasons of earlier refusals may quote the address.
            Attempt.objects.filter(message=message).update(reason="")
        Attempt.objects.create(message=message, at=now, outcome=Attempt.Outcome.SENT, worker=owner)
        _finished(message)


def _record_failure(message: Message, verdict: Verdict, owner: str) -> tuple[str, float | None]:
    now = timezone.now()
    pause = _Pause.start() if verdict.kind == TRANSPORT else None
    final = verdict.kind == PERMANENT or (message.deadline is not None and now >= message.deadline)
    with transaction.atomic():
        Attempt.objects.create(
            message=message,
            at=now,
            outcome=Attempt.Outcome.PERMANENT
            if verdict.kind == PERMANENT
            else Attempt.Outcome.TEMPORARY,
            code=verdict.code,
            reason=verdict.reason[:2000],
            worker=owner,
        )
        if final:
            reason = verdict.reason
            if verdict.kind != PERMANENT:
                reason = _("Opgegeven na %(count)s pogingen: %(reason)s") % {
                    "count": message.attempts,
                    "reason": verdict.reason,
                }
            leases.finish_failed(
                Message,
                message.pk,
                error=reason[:2000],
                **_redaction(message, now=now, delivered=False),
            )
            _finished(message)
            return "failed", pause
        delay = pause
        if delay is None:
            delay = leases.backoff_seconds(
                message.attempts,
                base=settings.OUTBOX_RETRY_BASE_SECONDS,
                cap=settings.OUTBOX_RETRY_MAX_SECONDS,
            )
        if message.deadline is not None:
            delay = min(delay, max(0.0, (message.deadline - now).total_seconds()))
        leases.retry_later(
            Message, message.pk, owner=owner, error=verdict.reason[:2000], delay=delay
        )
    return "retry", pause


def pump(*, should_stop: Callable[[], bool] = lambda: False) -> Counter:
    """The worker's periodic run: deliver what is due, for at most a minute at a time so the
    worker's other tasks get their turn."""
    return deliver(budget_seconds=60, should_stop=should_stop)


# --- Resending, cancelling, pruning --------------------------------------------------------


def scope_filter(scope: models.Model) -> dict[str, Any]:
    return {"scope_type": ContentType.objects.get_for_model(scope), "scope_id": scope.pk}


def latest_per_recipient(messages: models.QuerySet[Message]) -> list[Message]:
    """Each recipient's newest message of `messages` (by kind and address)."""
    latest: dict[tuple[str, str], Message] = {}
    for message in messages.exclude(recipient="").order_by("created_at", "pk"):
        latest[(message.kind, message.recipient.lower())] = message
    return list(latest.values())


@transaction.atomic
def failed_retry(*, messages: models.QuerySet[Message]) -> int:
    """Send again, with a fresh retry period, each recipient's newest message among `messages`
    that failed and still has its content ("opnieuw versturen naar wie het niet kreeg").
    Returns how many were queued again."""
    now = timezone.now()
    pks = [
        m.pk
        for m in latest_per_recipient(messages)
        if m.state == State.FAILED and m.redacted_at is None
    ]
    if not pks:
        return 0
    count = Message.objects.filter(pk__in=pks, state=State.FAILED).update(
        state=State.WAITING,
        next_attempt_at=now,
        deadline=now + datetime.timedelta(hours=settings.OUTBOX_RETRY_HOURS),
        finished_at=None,
        last_error="",
    )
    transaction.on_commit(delivery_request)
    return count


@transaction.atomic
def messages_cancel(*, messages: models.QuerySet[Message], reason: str) -> int:
    """Stop messages that were not sent yet (e.g. the subscriber left). A message being handed
    over right now is not stopped; it will be recorded as sent."""
    now = timezone.now()
    pks = list(messages.filter(state=State.WAITING).values_list("pk", flat=True))
    cancelled = Message.objects.filter(pk__in=pks, state=State.WAITING).update(
        state=State.CANCELLED, finished_at=now, last_error=reason
    )
    for message in Message.objects.filter(pk__in=pks, state=State.CANCELLED):
        message_finished.send(sender=Message, message=message, state=message.state)
    return cancelled


def prune(
    *, now: datetime.datetime | None = None, should_stop: Callable[[], bool] | None = None
) -> dict[str, int]:
    """Clear the content of sent e-mail after `OUTBOX_BODY_DAYS` and remove finished rows after
    `OUTBOX_KEEP_DAYS` (the worker runs this every hour)."""
    now = now or timezone.now()
    body_cutoff = now - datetime.timedelta(days=settings.OUTBOX_BODY_DAYS)
    keep_cutoff = now - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    cleared = Message.objects.filter(
        state__in=(State.DONE, State.CANCELLED),
        finished_at__lt=body_cutoff,
        redacted_at__isnull=True,
    ).update(body="", html="", sealed="", attachments=[], headers={}, redacted_at=now)
    removed = Message.objects.filter(
        state__in=(State.DONE, State.FAILED, State.CANCELLED), finished_at__lt=keep_cutoff
    ).delete()[0]
    return {"cleared": cleared, "removed": removed}


# --- Health --------------------------------------------------------------------------------


def health(*, now: datetime.datetime | None = None) -> CheckResult:
    """Stuck when a message is overdue by more than `OUTBOX_STUCK_MINUTES` (nobody delivers) or
    when no worker beats while mail waits."""
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    open_rows = Message.objects.filter(state__in=leases.OPEN_STATES)
    summary = open_rows.aggregate(
        waiting=models.Count("pk"),
        oldest_due=models.Min("next_attempt_at", filter=models.Q(state=State.WAITING)),
    )
    overdue = Message.objects.filter(
        models.Q(state=State.WAITING, next_attempt_at__lt=stuck_before)
        | models.Q(state=State.ACTIVE, lease_expires_at__lt=stuck_before)
    ).count()
    alive = workers_alive(now=now)
    details = {
        "waiting": summary["waiting"],
        "overdue": overdue,
        "oldest_due_seconds": int((now - summary["oldest_due"]).total_seconds())
        if summary["oldest_due"]
        else 0,
        "workers": alive,
        "failed_last_24h": Message.objects.filter(
            state=State.FAILED, finished_at__gte=now - datetime.timedelta(hours=24)
        ).count(),
    }
    ok = overdue == 0 and not (summary["waiting"] and alive == 0)
    return CheckResult(ok=ok, details=details)
