"""Retention: personal data that is no longer needed is removed or anonymised after a
configurable period (AVG art. 5(1)(e), ASVS V14.2), by `manage.py apply_retention`, run daily.

Each app registers, in its `AppConfig.ready()`, what it keeps too long and a service that
tidies it up given a cut-off moment; like panels.py and personal_data.py, so this app never
imports the others. A rule must be safe to run twice: the second run finds nothing to do.
The periods are settings (RETENTION_*_DAYS, README "Configuration"); 0 switches a rule off.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditEvent


@dataclass(frozen=True)
class RetentionRule:
    key: str
    setting: str
    description: str
    apply: Callable[[datetime.datetime], int]

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting))


_rules: dict[str, RetentionRule] = {}


def register_retention(
    *, key: str, setting: str, description: str, apply: Callable[[datetime.datetime], int]
) -> None:
    """`apply(cutoff)` tidies up what became older than `cutoff` and returns how many rows it
    changed or removed. Registering a key again replaces the rule."""
    _rules[key] = RetentionRule(key=key, setting=setting, description=description, apply=apply)


def retention_rules() -> list[RetentionRule]:
    return sorted(_rules.values(), key=lambda rule: rule.key)


@dataclass(frozen=True)
class RetentionResult:
    rule: RetentionRule
    cutoff: datetime.datetime | None
    count: int


def apply_retention(*, now: datetime.datetime | None = None) -> list[RetentionResult]:
    """Every rule in its own transaction, so one failing rule does not undo the others."""
    now = now or timezone.now()
    results = []
    for rule in retention_rules():
        if rule.days <= 0:
            results.append(RetentionResult(rule=rule, cutoff=None, count=0))
            continue
        cutoff = now - datetime.timedelta(days=rule.days)
        with transaction.atomic():
            count = rule.apply(cutoff)
        results.append(RetentionResult(rule=rule, cutoff=cutoff, count=count))
    return results


def audit_events_remove(cutoff: datetime.datetime) -> int:
    """The audit history itself: entries older than the period go."""
    count, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return count
