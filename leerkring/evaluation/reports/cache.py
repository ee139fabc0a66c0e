"""Reports from the cache, keyed on the report, the period, the day, the language and a cheap
data version: any change made through a service makes a new key, nothing is invalidated."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

from leerkring.communities.models import Community
from leerkring.core.models import AuditEvent
from leerkring.dissemination.models import Dissemination
from leerkring.evaluation import datacache
from leerkring.evaluation.models import ChangeStory
from leerkring.signalling.models import SignalEvent, SignalResponse
from leerkring.surveys.models import Response

from .compose import community_report, programme_report
from .data import Period, Report

CACHE_SECONDS = 10 * 60
CACHE_VERSION = 2


def data_version() -> str:
    """The newest row of the audit log and of the tables a report reads that change without an
    audit event (signal history and answers, survey responses, disseminations, stories), in
    one query of index look-ups."""
    return datacache.data_version(
        (AuditEvent, SignalEvent, SignalResponse, Response, Dissemination, ChangeStory)
    )


def _cache_key(kind: str, pk: int, period: Period) -> str:
    return (
        f"evaluation:report:{CACHE_VERSION}:{kind}:{pk}:{period.slug}:"
        f"{timezone.localdate().isoformat()}:{translation.get_language()}:{data_version()}"
    )


def report_cached(subject: Any, period: Period) -> Report:
    """`community_report` or `programme_report` (by the subject's type), from the cache when
    nothing changed since it was built."""
    kind = "community" if isinstance(subject, Community) else "programme"
    build = community_report if kind == "community" else programme_report
    return datacache.cached(
        _cache_key(kind, subject.pk, period), lambda: build(subject, period), CACHE_SECONDS
    )


def report_forget(subject: Any, period: Period) -> None:
    """Drop a cached report (the benchmark measures the cold page this way)."""
    kind = "community" if isinstance(subject, Community) else "programme"
    cache.delete(_cache_key(kind, subject.pk, period))
