"""The programme matrix's outcome kept per data version, so the matrix page costs one page of
communities, not the programme.

At five times national scale a programme has thousands of communities; computing every check
of each on a visit, or even reading them back from the cache and writing them all out, costs
seconds. Instead the statuses of every community (`MonitorStanding`) and the programme's
summary (`MonitorSummary`: per check, how many communities have each status) are stored for
one *version*: the day and the data version of the tables the checks read
(`matrix.programme_data_version`, one query of index look-ups). The task worker refreshes a
programme's standings whenever the version moves on (`refresh_stale`, a periodic job, every
`REFRESH_SECONDS`). Between a change and that refresh the page sorts, filters and sums up on
the standings before the change (for at most `STALE_AFTER`, and says when they were computed);
with none of today, or older ones, it refreshes them on the spot (`current_summary`). The page
itself computes the full checks (values, norms, reasons, in the visitor's language) — always
current — only for the communities it shows.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from leerkring.communities.models import Community, Programme

from .catalogue import CHECK_KEYS, GREEN, NO_NORM, ORANGE, RED, STATUS_ORDER, UNKNOWN
from .matrix import monitor_communities, programme_data_version

logger = logging.getLogger(__name__)

# Raised when what is stored changes meaning, so older rows count as stale.
STANDINGS_VERSION = 1
# How often the task worker looks for programmes whose standings are stale.
REFRESH_SECONDS = 60
# A page sorts and filters on standings of an older data version of today for this long (the
# worker refreshes them meanwhile); older, or of another day, it refreshes them itself.
STALE_AFTER = datetime.timedelta(minutes=10)
COLUMNS = {GREEN: "green", ORANGE: "orange", RED: "red", UNKNOWN: "unknown", NO_NORM: "no_norm"}


def _day_prefix() -> str:
    return f"{STANDINGS_VERSION}:{timezone.localdate().isoformat()}:"


def current_version(data_version: str | None = None) -> str:
    """Every check looks back from today, so the day is part of the version."""
    return _day_prefix() + (data_version or programme_data_version())


def monitored_communities(programme: Programme) -> QuerySet[Community]:
    """The communities of the matrix: those of the programme that have not ended."""
    return (
        Community.objects.filter(programme=programme)
        .exclude(status=Community.Status.ENDED)
        .order_by("name", "pk")
    )


def refresh(programme: Programme, *, version: str | None = None):
    """Compute every check of the programme's communities and store their statuses and the
    summary under `version` (the current one when not given). Returns the summary."""
    from leerkring.evaluation.models import MonitorStanding, MonitorSummary

    version = version or current_version()
    communities = list(monitored_communities(programme).select_related("programme__rule_profile"))
    results = monitor_communities(communities)
    counts = {key: dict.fromkeys(STATUS_ORDER, 0) for key in [*CHECK_KEYS, "any"]}
    standings = []
    for community in communities:
        statuses = [check.status for check in results[community.pk]]
        per_status = dict.fromkeys(STATUS_ORDER, 0)
        for key, status in zip(CHECK_KEYS, statuses, strict=True):
            per_status[status] += 1
            counts[key][status] += 1
        for status, n in per_status.items():
            counts["any"][status] += 1 if n else 0
        standings.append(
            MonitorStanding(
                programme=programme,
                community=community,
                name=community.name,
                statuses=statuses,
                **{COLUMNS[status]: n for status, n in per_status.items()},
            )
        )
    with transaction.atomic():
        # One writer per programme at a time: a second one waits, then finds it done.
        list(Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk"))
        summary = MonitorSummary.objects.filter(programme=programme).first()
        if summary is not None and summary.version == version:
            return summary
        MonitorStanding.objects.filter(programme=programme).delete()
        MonitorStanding.objects.bulk_create(standings, batch_size=500)
        summary, _created = MonitorSummary.objects.update_or_create(
            programme=programme,
            defaults={
                "version": version,
                "communities": len(communities),
                "counts": counts,
                "computed_at": timezone.now(),
            },
        )
    return summary


def current_summary(programme: Programme):
    """The programme's summary: the stored one when it is of today and at most `STALE_AFTER`
    old (the task worker brings it up to date within `REFRESH_SECONDS` of a change), else
    refreshed first. `data_version` is set on it for the page's own cache key."""
    from leerkring.evaluation.models import MonitorSummary

    data_version = programme_data_version()
    version = current_version(data_version)
    summary = MonitorSummary.objects.filter(programme=programme).first()
    if summary is None or (
        summary.version != version
        and (
            not summary.version.startswith(_day_prefix())
            or summary.computed_at < timezone.now() - STALE_AFTER
        )
    ):
        summary = refresh(programme, version=version)
    # For the page's own cache key, read in this same request.
    summary.data_version = data_version
    return summary


def refresh_stale(should_stop: Callable[[], bool] | None = None, **_kwargs) -> int:
    """For the task worker: refresh every programme whose standings are missing or stale.
    Returns how many were refreshed."""
    from leerkring.evaluation.models import MonitorSummary

    version = current_version()
    stored = dict(MonitorSummary.objects.values_list("programme_id", "version"))
    refreshed = 0
    for programme in Programme.objects.order_by("pk"):
        if should_stop is not None and should_stop():
            break
        if stored.get(programme.pk) == version:
            continue
        try:
            refresh(programme, version=version)
        except Exception:
            logger.exception("monitor standings of programme %s not refreshed", programme.pk)
            continue
        refreshed += 1
    return refreshed
