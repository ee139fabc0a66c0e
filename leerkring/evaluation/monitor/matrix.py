"""Running the checks for a set of communities, and the programme matrix cached per data
version."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable

from django.utils import timezone, translation

from leerkring.communities.models import Community, Membership, Organisation, RuleProfile
from leerkring.core.models import AuditEvent
from leerkring.evaluation import datacache
from leerkring.meetings.models import (
    AgendaItem,
    Agreement,
    AgreementStatusChange,
    Attendance,
    Lesson,
    Meeting,
)
from leerkring.signalling.models import Signal, SignalEvent
from leerkring.surveys.models import Response, Wave

from .catalogue import STATUS_ORDER, Check, translated_texts
from .checks import run_checks
from .facts import community_facts


def monitor_communities(
    communities: Iterable[Community], *, now: datetime.datetime | None = None
) -> dict[int, list[Check]]:
    """Every check of every given community, by community id, in `CHECKS` order."""
    communities = list(communities)
    token = translated_texts.set({})
    try:
        facts = community_facts(communities, now=now)
        return {c.pk: run_checks(facts[c.pk], c.programme.rule_profile) for c in communities}
    finally:
        translated_texts.reset(token)


# The programme matrix is computed once per data version and kept this long.
PROGRAMME_CACHE_SECONDS = 5 * 60
PROGRAMME_CACHE_VERSION = 1


def programme_data_version() -> str:
    """The newest row of every table the checks read, and of the audit log (services record
    every change, including those made in place), in one query."""
    return datacache.data_version(
        (
            AuditEvent,
            Community,
            Membership,
            Organisation,
            Meeting,
            Attendance,
            AgendaItem,
            Lesson,
            Agreement,
            AgreementStatusChange,
            Signal,
            SignalEvent,
            Wave,
            Response,
        ),
        changed=(RuleProfile,),
    )


def programme_cache_key(
    programme_id: int, community_ids: list[int], *, data_version: str | None = None
) -> str:
    """The day counts (every check looks back from today), and so does the set of
    communities the caller asked for. `data_version` saves the query when the caller has just
    read it."""
    ids = ",".join(str(pk) for pk in community_ids)
    data_version = data_version or programme_data_version()
    return (
        f"evaluation:monitor:{PROGRAMME_CACHE_VERSION}:{programme_id}:"
        f"{timezone.localdate().isoformat()}:{translation.get_language()}:"
        f"{hashlib.sha256(ids.encode()).hexdigest()[:16]}:{data_version}"
    )


def monitor_communities_cached(
    programme_id: int,
    community_ids: list[int],
    load: Callable[[], list[Community]],
    *,
    data_version: str | None = None,
) -> dict[int, list[Check]]:
    """`monitor_communities` of a programme's communities (`load()` fetches them, with their
    programme's rule profile), from the cache when no data the checks read has changed since
    it was computed today (module `datacache`)."""

    def build() -> dict[int, list[Check]]:
        # Many communities share a check word for word (checks are immutable): stored once,
        # they make the cached value small and quick to read back.
        shared: dict[Check, Check] = {}
        return {
            pk: [shared.setdefault(check, check) for check in checks]
            for pk, checks in monitor_communities(load()).items()
        }

    return datacache.cached(
        programme_cache_key(programme_id, community_ids, data_version=data_version),
        build,
        PROGRAMME_CACHE_SECONDS,
    )


def status_counts(checks: Iterable[Check]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for check in checks:
        counts[check.status] += 1
    return counts
