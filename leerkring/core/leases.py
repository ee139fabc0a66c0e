"""Work that a process claims for a while: a lease, not a lock.

A row of work (an e-mail in the outbox; any later delivery that must be retried, such as a
webhook call) is claimed by one worker for a few seconds at a time. If that worker dies — killed,
out of memory, its host gone — the claim simply runs out and another worker takes the row: no
lock to clear by hand and no half-hour wait. A temporary failure puts the row back with an
exponential back-off; a permanent one, or one past its deadline, ends it.

`LeasedWork` holds the fields; the functions below change them with single guarded UPDATE
statements, so two workers can never both own a row, and a worker that lost its lease cannot
overwrite the result of the one that took over. The same statements work on PostgreSQL (row
locks, re-checked conditions under READ COMMITTED) and on SQLite (one writer at a time).
"""

from __future__ import annotations

import datetime
import random

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LeasedWork(models.Model):
    """Fields of a row that workers claim, try, retry and finish."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Wacht")
        ACTIVE = "active", _("Bezig")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")
        CANCELLED = "cancelled", _("Geannuleerd")

    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Temporary failures are retried until then; None retries for ever.
    deadline = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.WAITING, self.State.ACTIVE)


OPEN_STATES = (LeasedWork.State.WAITING, LeasedWork.State.ACTIVE)


def claimable(now: datetime.datetime) -> Q:
    """Due and waiting, or claimed by a worker whose lease ran out."""
    return Q(state=LeasedWork.State.WAITING, next_attempt_at__lte=now) | Q(
        state=LeasedWork.State.ACTIVE, lease_expires_at__lt=now
    )


def claim(
    queryset: models.QuerySet,
    *,
    owner: str,
    limit: int,
    lease_seconds: float,
    now: datetime.datetime | None = None,
) -> list[int]:
    """Claim up to `limit` due rows of `queryset` for `owner`; returns their ids, oldest first.

    One UPDATE whose WHERE repeats the claimable condition: on PostgreSQL a second worker that
    chose the same rows waits for the first one's row locks, re-checks the condition on the new
    row versions and skips them; on SQLite the statement runs alone."""
    now = now or timezone.now()
    candidates = (
        queryset.filter(claimable(now)).order_by("next_attempt_at", "pk").values("pk")[:limit]
    )
    model = queryset.model
    model.objects.filter(
        claimable(now), pk__in=list(candidates.values_list("pk", flat=True))
    ).update(
        state=LeasedWork.State.ACTIVE,
        lease_owner=owner,
        lease_expires_at=now + datetime.timedelta(seconds=lease_seconds),
    )
    return list(
        model.objects.filter(state=LeasedWork.State.ACTIVE, lease_owner=owner)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


def attempt_start(model: type[LeasedWork], pk: int, *, owner: str, lease_seconds: float) -> bool:
    """Count an attempt and renew the lease just before trying. False when the lease was lost
    (another worker took the row over): then leave it alone."""
    return bool(
        model.objects.filter(pk=pk, state=LeasedWork.State.ACTIVE, lease_owner=owner).update(
            attempts=F("attempts") + 1,
            lease_expires_at=timezone.now() + datetime.timedelta(seconds=lease_seconds),
        )
    )


def finish_done(model: type[LeasedWork], pk: int, **fields) -> bool:
    """The work was done. Recorded even if the lease was lost meanwhile: it *was* done."""
    return bool(
        model.objects.filter(pk=pk, state__in=OPEN_STATES).update(
            state=LeasedWork.State.DONE,
            finished_at=timezone.now(),
            lease_owner="",
            lease_expires_at=None,
            last_error="",
            **fields,
        )
    )


def finish_failed(model: type[LeasedWork], pk: int, *, error: str, **fields) -> bool:
    return bool(
        model.objects.filter(pk=pk, state__in=OPEN_STATES).update(
            state=LeasedWork.State.FAILED,
            finished_at=timezone.now(),
            lease_owner="",
            lease_expires_at=None,
            last_error=error,
            **fields,
        )
    )


def retry_later(model: type[LeasedWork], pk: int, *, owner: str, error: str, delay: float) -> bool:
    """A temporary failure: back to waiting, due again after `delay` seconds."""
    return bool(
        model.objects.filter(pk=pk, state=LeasedWork.State.ACTIVE, lease_owner=owner).update(
            state=LeasedWork.State.WAITING,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
            lease_owner="",
            lease_expires_at=None,
            last_error=error,
        )
    )


def release(model: type[LeasedWork], pks: list[int], *, owner: str, delay: float = 0) -> int:
    """Give back rows that were claimed but not tried (shutting down, or the transport is
    down): they wait again without an attempt counted."""
    if not pks:
        return 0
    return model.objects.filter(
        pk__in=pks, state=LeasedWork.State.ACTIVE, lease_owner=owner
    ).update(
        state=LeasedWork.State.WAITING,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        lease_owner="",
        lease_expires_at=None,
    )


def backoff_seconds(attempt: int, *, base: float, cap: float, jitter: float = 0.2) -> float:
    """Exponential back-off: base, 2×base, 4×base … up to `cap`, spread by ±`jitter` so rows
    that failed together do not all come back in the same second."""
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return max(0.0, delay * random.uniform(1 - jitter, 1 + jitter))
