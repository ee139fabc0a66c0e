from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def audit(
    *,
    actor: Any,
    verb: str,
    obj: models.Model,
    community_id: int | None = None,
    **data: Any,
) -> AuditEvent:
    """Append one event to the audit history; services call this inside their transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        community_id=community_id,
        data=data,
    )
