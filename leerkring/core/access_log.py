"""The access log: reads and exports of personal data (`AccessRecord`), next to the audit
history of changes. Views call `record()` when they hand out a member list, minutes, a
report or an export; the programme's coordinators and administrators read the log."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from .models import AccessRecord

Kind = AccessRecord.Kind


def record(
    *,
    user: Any,
    kind: str,
    obj: models.Model,
    programme_id: int,
    community_id: int | None = None,
    subject: str = "",
) -> AccessRecord:
    """Keep one read: who (`user`), what (`kind`, `obj`, `subject`), where and when."""
    return AccessRecord.objects.create(
        actor=user if getattr(user, "is_authenticated", False) else None,
        kind=kind,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        subject=str(subject)[:300],
        programme_id=programme_id,
        community_id=community_id,
    )


def retention_days() -> int:
    return int(getattr(settings, "ACCESS_LOG_RETENTION_DAYS", 365))


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete records older than the retention period; returns how many."""
    return records_remove((now or timezone.now()) - datetime.timedelta(days=retention_days()))


def records_remove(cutoff: datetime.datetime) -> int:
    """Records older than `cutoff` go; also a rule of `apply_retention`, so the one daily
    command keeps this log to its period too."""
    deleted, _per_model = AccessRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def for_programme(programme_id: int):
    """The programme's records, newest first, with who read them (one query per page)."""
    return AccessRecord.objects.filter(programme_id=programme_id).select_related("actor__person")
