"""CoP monitor benchmarks for `make bench` (called at the end of bench/run.py).

On the synthetic national network (`leerkring.communities.synthetic`):

1. the programme matrix (`evaluation:programme_monitor`, its first page of 50) of the largest
   programme, signed in as its coordinator — warm p50/p95 (target p95 ≤ 500 ms; the checks come
   from the cache) and cold (the first request of a fresh client on a new database connection,
   with the page's cached checks dropped first, so they are computed), with its query count;
   and the task worker's refresh of the programme's stored statuses (`monitor.standings`),
   which also runs once before measuring, as the worker has done in a running deployment;
2. the monitor of all 600 communities of the network computed at once
   (`evaluation.monitor.monitor_communities`, no page), the issue's "600 communities" figure;
3. a community's own monitor page (a community of 40 members), as its lead.

The synthetic network is dated around 1 April 2024, so the clock is set to that day while
measuring: with today's date the last twelve months would be empty and the figures flattering.
The rule profile names the thermometer's matrix question V9 as the satisfaction question while
measuring (restored afterwards), so the survey part of the monitor is measured too.

Also runnable on its own against a database that holds the synthetic network:

    .venv/bin/python bench/monitor.py --database-url postgres://…/leerkring_bench
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 500.0
SYNTHETIC_NOW = datetime.datetime(2024, 4, 1, 10, 0, tzinfo=datetime.UTC)
SATISFACTION_QUESTION = "V9"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


@contextmanager
def _synthetic_clock():
    with mock.patch("django.utils.timezone.now", return_value=SYNTHETIC_NOW):
        yield


@contextmanager
def _satisfaction_question_named():
    from leerkring.communities.models import RuleProfile

    before = dict(RuleProfile.objects.values_list("pk", "monitor_satisfaction_question"))
    RuleProfile.objects.update(monitor_satisfaction_question=SATISFACTION_QUESTION)
    try:
        yield
    finally:
        for pk, code in before.items():
            RuleProfile.objects.filter(pk=pk).update(monitor_satisfaction_question=code)


def worker_refreshed_standings() -> int:
    """What a running deployment has before the matrix is visited: the task worker's periodic
    job (`evaluation.monitor_standings`, every minute) has stored every programme's statuses
    for the current data version, and autovacuum has analysed the table it filled. The bench
    analysed its data (bench/run.py) before any statuses existed: without statistics
    PostgreSQL reads and sorts every stored status of the programme (2,200 rows at 5×)
    instead of taking the first fifty in the index's order. Returns how many programmes the
    job refreshed."""
    from django.db import connection

    from leerkring.evaluation.monitor import standings

    refreshed = standings.refresh_stale()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE evaluation_monitorstanding, evaluation_monitorsummary")
    return refreshed


def _measure(client_factory, url: str, *, warmup: int, requests: int, forget=None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.cost import measure_cost

    if forget is not None:
        forget()
    connection.close()
    client = client_factory()
    started = time.perf_counter()
    response = client.get(url)
    cold_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    cold_cost = {}
    if forget is not None:
        forget()
        cold_cost = measure_cost(client, url)
    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = list(captured.captured_queries)
    cost = measure_cost(client, url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(queries),
        **cost,
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "cold_ms": round(cold_ms, 1),
        "cold_rows": cold_cost.get("rows"),
        "cold_buffers": cold_cost.get("buffers"),
        "cold_cost_top": cold_cost.get("cost_top"),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "meets_target": response.status_code == 200 and _percentile(times, 0.95) <= TARGET_P95_MS,
    }


def _measure_all_communities(*, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leerkring.communities.models import Community
    from leerkring.evaluation import monitor

    def run() -> int:
        communities = Community.objects.select_related("programme__rule_profile")
        return len(monitor.monitor_communities(communities))

    with CaptureQueriesContext(connection) as captured:
        count = run()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "communities": count,
        "queries": len(captured.captured_queries),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "meets_target": _percentile(times, 0.95) <= TARGET_P95_MS,
    }


def _measure_refresh(programme) -> dict:
    """The task worker's job when the data changed: every check of the programme computed and
    its statuses and summary stored (`evaluation.monitor.standings.refresh`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leerkring.evaluation.monitor import standings

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        standings.refresh(programme, version="bench")
    seconds = time.perf_counter() - started
    standings.refresh(programme)
    return {"seconds": round(seconds, 2), "queries": len(captured.captured_queries)}


def _visitors():
    from django.db.models import Count

    from leerkring.accounts.models import ProgrammeRole
    from leerkring.communities.models import Community, Membership, Programme, active_membership_q

    programme = Programme.objects.annotate(n=Count("communities")).order_by("-n").first()
    coordinator = (
        ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRole.Role.COORDINATOR)
        .select_related("person__user")
        .order_by("pk")
        .first()
        .person.user
    )
    community = (
        Community.objects.filter(programme=programme)
        .annotate(n=Count("memberships", filter=active_membership_q("memberships__")))
        .order_by("-n", "pk")
        .first()
    )
    lead = (
        Membership.objects.active()
        .filter(community=community, role__in=["lead", "lead_facilitator"])
        .select_related("person__user")
        .order_by("pk")
        .first()
        .person.user
    )
    return programme, coordinator, community, lead


def run_monitor_bench(*, warmup: int = 5, requests: int = 40) -> dict | None:
    """Everything above, for bench/run.py; None when there is no programme."""
    from django.urls import reverse

    from bench.session import signed_in_client
    from leerkring.communities.models import Programme

    if not Programme.objects.exists():
        print("  no programme in the data: monitor benchmarks skipped", flush=True)
        return None
    programme, coordinator, community, lead = _visitors()

    def client_for(user):
        def make():
            return signed_in_client(user)

        return make

    def forget_matrix():
        # Cold means computed: drop the cached checks of the matrix's first page. The
        # programme's stored statuses stay (the task worker keeps them current, see
        # `evaluation.monitor.standings` and `worker_refreshed_standings`); their refresh is
        # measured on its own below.
        from django.core.cache import cache

        from leerkring.evaluation import monitor
        from leerkring.evaluation.models import MonitorStanding
        from leerkring.evaluation.monitor import standings
        from leerkring.evaluation.selectors import MONITOR_PAGE_SIZE

        standings.current_summary(programme)
        ids = list(
            MonitorStanding.objects.filter(programme=programme)
            .order_by("-red", "-orange", "name", "community_id")
            .values_list("community_id", flat=True)[:MONITOR_PAGE_SIZE]
        )
        cache.delete(monitor.programme_cache_key(programme.pk, ids))

    with _synthetic_clock(), _satisfaction_question_named():
        # The worker's job for the data as measured (the clock's day, the named question).
        worker_refreshed_standings()
        matrix = _measure(
            client_for(coordinator),
            reverse("evaluation:programme_monitor", args=[programme.slug]),
            warmup=warmup,
            requests=requests,
            forget=forget_matrix,
        )
        print(
            f"  monitor matrix of {programme} ({programme.communities.count()} communities): "
            f"warm p50 {matrix['p50_ms']} ms, p95 {matrix['p95_ms']} ms, "
            f"{matrix['queries']} queries; cold {matrix['cold_ms']} ms",
            flush=True,
        )
        refresh = _measure_refresh(programme)
        print(
            f"  stored statuses of the matrix refreshed (task worker): {refresh['seconds']} s, "
            f"{refresh['queries']} queries",
            flush=True,
        )
        everything = _measure_all_communities(requests=max(10, requests // 2))
        print(
            f"  monitor of all {everything['communities']} communities (no page): "
            f"p50 {everything['p50_ms']} ms, p95 {everything['p95_ms']} ms, "
            f"{everything['queries']} queries",
            flush=True,
        )
        own = _measure(
            client_for(lead),
            reverse("evaluation:community_monitor", args=[community.pk]),
            warmup=warmup,
            requests=requests,
        )
        print(
            f"  community monitor of {community}, as lead: warm p50 {own['p50_ms']} ms, "
            f"p95 {own['p95_ms']} ms, {own['queries']} queries; cold {own['cold_ms']} ms",
            flush=True,
        )
    return {
        "clock": SYNTHETIC_NOW.isoformat(),
        "satisfaction_question": SATISFACTION_QUESTION,
        "programme_matrix": matrix,
        "standings_refresh": refresh,
        "all_communities": everything,
        "community_monitor": own,
        "target_p95_ms": TARGET_P95_MS,
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    # The settings bench/run.py gives (its static files, DEBUG off), when run on its own.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")
    os.environ.setdefault("LEERKRING_VAR_DIR", str(ROOT / "var" / "bench" / "var"))
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    print(json.dumps(run_monitor_bench(warmup=args.warmup, requests=args.requests), indent=2))
