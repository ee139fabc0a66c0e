"""Reads of the outbox: delivery progress of one meeting, issue or wave, and the queue overview
for administrators. Each is a fixed number of queries, however much mail there is."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from leerkring.core import leases
from leerkring.core.worker import workers_alive

from .models import Message

State = Message.State

_kind_labels: dict[str, str] = {}


def register_kind(kind: str, label: str) -> None:
    """A Dutch name for a kind of e-mail ("meetings.invitation" → "Uitnodiging"), shown in the
    progress display and the administrator's overview. Apps register theirs in `ready()`."""
    _kind_labels[kind] = label


def kind_label(kind: str) -> str:
    return str(_kind_labels.get(kind, kind))


@dataclass(frozen=True)
class Failure:
    recipient: str
    kind: str
    label: str
    reason: str
    at: datetime.datetime | None


@dataclass(frozen=True)
class KindProgress:
    kind: str
    label: str
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.failed


@dataclass(frozen=True)
class Progress:
    kinds: list[KindProgress] = field(default_factory=list)
    retrying: int = 0
    last_retry_error: str = ""
    next_attempt_at: datetime.datetime | None = None
    failures: list[Failure] = field(default_factory=list)
    show_recipients: bool = True

    @property
    def sent(self) -> int:
        return sum(k.sent for k in self.kinds)

    @property
    def waiting(self) -> int:
        return sum(k.waiting for k in self.kinds)

    @property
    def failed(self) -> int:
        return sum(k.failed for k in self.kinds)

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.failed

    @property
    def retryable(self) -> int:
        return self.failed


def _scoped(scope: models.Model, kinds: Sequence[str] | None) -> models.QuerySet[Message]:
    messages = Message.objects.filter(
        scope_type=ContentType.objects.get_for_model(scope), scope_id=scope.pk
    )
    if kinds is not None:
        messages = messages.filter(kind__in=list(kinds))
    return messages


def progress(
    scope: models.Model,
    *,
    kinds: Sequence[str] | None = None,
    show_recipients: bool = True,
    recipients_of_kinds: Sequence[str] | None = None,
    failures_limit: int = 100,
) -> Progress:
    """Sent / waiting / failed per kind of e-mail about `scope`, the failures with their
    reasons, and whether (and until when) temporary failures are being retried. Two queries.

    `show_recipients=False` leaves addresses out of the failures (for viewers who may see
    counts only); `recipients_of_kinds` shows them for those kinds only (survey invitations,
    not survey reminders, which go only to those who did not answer)."""
    messages = _scoped(scope, kinds)
    rows = messages.values("kind", "state").annotate(
        n=Count("pk"),
        retrying=Count("pk", filter=Q(attempts__gt=0)),
        next_at=Min("next_attempt_at"),
    )
    per_kind: dict[str, dict[str, int]] = {}
    retrying, next_at = 0, None
    for row in rows:
        counts = per_kind.setdefault(
            row["kind"], {"sent": 0, "waiting": 0, "failed": 0, "cancelled": 0}
        )
        state = row["state"]
        if state == State.DONE:
            counts["sent"] += row["n"]
        elif state in leases.OPEN_STATES:
            counts["waiting"] += row["n"]
            if state == State.WAITING and row["retrying"]:
                retrying += row["retrying"]
                next_at = min(filter(None, [next_at, row["next_at"]]), default=None)
        elif state == State.FAILED:
            counts["failed"] += row["n"]
        else:
            counts["cancelled"] += row["n"]
    order = list(kinds) if kinds is not None else sorted(per_kind)
    kind_rows = [
        KindProgress(kind=kind, label=kind_label(kind), **per_kind[kind])
        for kind in order
        if kind in per_kind
    ]
    failures: list[Failure] = []
    last_retry_error = ""
    if any(k.failed for k in kind_rows) or retrying:
        for message in (
            messages.filter(Q(state=State.FAILED) | Q(state=State.WAITING, attempts__gt=0))
            .only("kind", "recipient", "last_error", "finished_at", "state", "pk")
            .order_by("-pk")[: failures_limit + 1]
        ):
            if message.state == State.WAITING:
                last_retry_error = last_retry_error or message.last_error
                continue
            failures.append(
                Failure(
                    recipient=message.recipient
                    if show_recipients
                    and (recipients_of_kinds is None or message.kind in recipients_of_kinds)
                    else "",
                    kind=message.kind,
                    label=kind_label(message.kind),
                    reason=message.last_error,
                    at=message.finished_at,
                )
            )
    return Progress(
        kinds=kind_rows,
        retrying=retrying,
        last_retry_error=last_retry_error,
        next_attempt_at=next_at,
        failures=failures[:failures_limit],
        show_recipients=show_recipients,
    )


def failed_messages(scope: models.Model, *, kinds: Sequence[str] | None = None):
    return _scoped(scope, kinds).filter(state=State.FAILED)


def messages_with_references(*, kind: str, references: Sequence[str]):
    """The messages of `kind` that belong to these rows of the sending app."""
    return Message.objects.filter(kind=kind, reference__in=list(references))


def failed_references(scope: models.Model, *, kinds: Sequence[str] | None = None) -> list[str]:
    """The `reference` of every failed message about `scope` (e.g. survey invitations to send
    again with a fresh link)."""
    return list(
        failed_messages(scope, kinds=kinds)
        .exclude(reference="")
        .values_list("reference", flat=True)
    )


@dataclass(frozen=True)
class QueueOverview:
    counts: dict[str, int]
    due: int
    oldest_due: datetime.datetime | None
    retrying: int
    failed_24h: int
    last_error: str
    last_error_at: datetime.datetime | None
    last_sent_at: datetime.datetime | None
    workers: int
    per_kind: list[dict]


def queue_overview(*, now: datetime.datetime | None = None) -> QueueOverview:
    """For administrators: counts per state, how much is due and since when, the last error
    and whether workers are alive."""
    now = now or timezone.now()
    counts = {state: 0 for state in State.values}
    for row in Message.objects.values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    due = Message.objects.filter(leases.claimable(now)).aggregate(
        n=Count("pk"), oldest=Min("next_attempt_at")
    )
    failures = Message.objects.filter(
        Q(state=State.FAILED) | Q(state=State.WAITING, attempts__gt=0)
    ).exclude(last_error="")
    last_failure = (
        failures.order_by("-pk").values("last_error", "finished_at", "next_attempt_at").first()
    )
    per_kind = [
        {**row, "label": kind_label(row["kind"])}
        for row in Message.objects.filter(state__in=leases.OPEN_STATES + (State.FAILED,))
        .values("kind")
        .annotate(
            waiting=Count("pk", filter=Q(state__in=leases.OPEN_STATES)),
            failed=Count("pk", filter=Q(state=State.FAILED)),
        )
        .order_by("kind")
    ]
    return QueueOverview(
        counts=counts,
        due=due["n"],
        oldest_due=due["oldest"],
        retrying=Message.objects.filter(state=State.WAITING, attempts__gt=0).count(),
        failed_24h=Message.objects.filter(
            state=State.FAILED, finished_at__gte=now - datetime.timedelta(hours=24)
        ).count(),
        last_error=last_failure["last_error"] if last_failure else "",
        last_error_at=(last_failure["finished_at"] or last_failure["next_attempt_at"])
        if last_failure
        else None,
        last_sent_at=Message.objects.filter(state=State.DONE).aggregate(at=Max("sent_at"))["at"],
        workers=workers_alive(now=now),
        per_kind=per_kind,
    )
