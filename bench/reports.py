"""Report benchmarks for `make bench` (called at the end of bench/run.py).

At national scale, signed in as a coordinator of the largest programme, over the programme's
whole history so far (1 January 2023 to today: every synthetic meeting, signal and product,
and all four survey waves of CoP's Inburgering including the national wave of 20,000
responses) — the heaviest report a coordinator can ask for:

1. the programme report page, warm (the report the task worker stored, as rendered for its
   first visitor) and cold (that first visitor: the rendering dropped, a new database
   connection each time) — target p95 ≤ 500 ms — and the worker's computation
   of it (`reports.report_store`, the stored report dropped first; the survey results it
   reads are stored once per release and stay);
2. the PDF of a community report (the community with the most meetings), cold, through the
   download view — target ≤ 5 s — with the XLSX beside it.

Also runnable on its own against the bench database of the last run:

    .venv/bin/python bench/reports.py --database-url postgres://…/leerkring_bench
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PROGRAMME_P95_MS = 500.0
TARGET_PDF_SECONDS = 5.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _subjects():
    from django.db.models import Count

    from leerkring.accounts.models import ProgrammeRole
    from leerkring.communities.models import Community, Programme

    programme = Programme.objects.annotate(n=Count("communities")).order_by("-n", "pk").first()
    if programme is None:
        return None
    coordinator = (
        ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRole.Role.COORDINATOR)
        .select_related("person__user")
        .order_by("pk")
        .first()
        .person.user
    )
    community = (
        Community.objects.filter(programme=programme)
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .first()
    )
    return programme, community, coordinator


def _forget(subject, period) -> None:
    """Drop the stored report. The survey results it reads stay: they are stored once per
    release of answers (surveys/results.py), not per report."""
    from leerkring.evaluation import reports

    reports.report_forget(subject, period)


def _forget_rendering(subject, period) -> None:
    """Drop the page's rendering of the stored report (evaluation/views/reports.py)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from leerkring.evaluation import reports
    from leerkring.evaluation.views.reports import REPORT_PAGE_VERSION

    with translation.override(settings.LANGUAGE_CODE):
        stored = reports.report_stored(subject, period)
    cache.delete(f"evaluation:report-page:{REPORT_PAGE_VERSION}:{stored.key}")


def _store(subject, period) -> None:
    """The task worker's computation, in the language the benchmark's pages are read in."""
    from django.conf import settings
    from django.utils import translation

    from leerkring.evaluation import reports

    with translation.override(settings.LANGUAGE_CODE):
        reports.report_store(subject, period)


def _timed(client, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(captured.captured_queries), len(response.content)


def measure_programme_report(
    client, programme, period, *, warmup: int, requests: int, computed_runs: int = 3
) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.cost import DatabaseCost, measure_cost

    url = reverse("evaluation:programme_report", args=[programme.slug]) + "?" + period.query
    # Computed: what the task worker does once per data version, day or new period.
    computed, computed_queries = [], 0
    for _ in range(computed_runs):
        _forget(programme, period)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            _store(programme, period)
        computed.append((time.perf_counter() - started) * 1000)
        computed_queries = len(captured.captured_queries)
    _forget(programme, period)
    with DatabaseCost(connection) as cost:
        _store(programme, period)
    computed_cost = cost.summary()
    # The worker is another process: what its computation left for the garbage collector is
    # not the web process's to collect during the first visitor's request.
    gc.collect()
    # Cold: the first visitor after the worker stored it: read over a new database
    # connection and rendered (the rendered report dropped first), as many times as a warm
    # page is timed, so its p95 is a percentile like the other pages' and not one slow run.
    cold, cold_queries = [], 0
    for _ in range(requests):
        _forget_rendering(programme, period)
        connection.close()
        elapsed, cold_queries, _size = _timed(client, url)
        cold.append(elapsed)
    _forget_rendering(programme, period)
    connection.close()
    cold_cost = measure_cost(client, url)
    for _ in range(warmup):
        client.get(url)
    _elapsed, warm_queries, size = _timed(client, url)
    warm_cost = measure_cost(client, url)
    times = [_timed(client, url)[0] for _ in range(requests)]
    return {
        "url": url,
        "bytes": size,
        "warm_queries": warm_queries,
        "cold_queries": cold_queries,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "cold_ms": [round(t) for t in cold],
        "cold_p95_ms": round(_percentile(cold, 0.95), 1),
        "rows": warm_cost["rows"],
        "buffers": warm_cost["buffers"],
        "cost_top": warm_cost.get("cost_top"),
        "cold_rows": cold_cost["rows"],
        "cold_buffers": cold_cost["buffers"],
        "cold_cost_top": cold_cost.get("cost_top"),
        "computed_ms": [round(t) for t in computed],
        "computed_queries": computed_queries,
        "computed_rows": computed_cost["rows"],
        "computed_buffers": computed_cost["buffers"],
        "meets_target": _percentile(times, 0.95) <= TARGET_PROGRAMME_P95_MS,
    }


def measure_download(client, community, period, fmt: str, *, requests: int = 3) -> dict:
    from django.urls import reverse

    url = reverse(f"evaluation:community_report_{fmt}", args=[community.pk]) + "?" + period.query
    cold, size, queries = [], 0, 0
    for _ in range(requests):
        _forget(community, period)
        elapsed, queries, size = _timed(client, url)
        cold.append(elapsed)
    warm = [_timed(client, url)[0] for _ in range(requests)]
    return {
        "url": url,
        "bytes": size,
        "queries": queries,
        "cold_seconds": round(max(cold) / 1000, 2),
        "warm_seconds": round(max(warm) / 1000, 2),
        "meets_target": max(cold) / 1000 <= TARGET_PDF_SECONDS,
    }


def run_report_bench(*, warmup: int = 5, requests: int = 40) -> dict | None:
    from django.utils import timezone

    from bench.session import signed_in_client
    from leerkring.evaluation.reports import Period

    found = _subjects()
    if found is None:
        print("  no programme in the data: report benchmarks skipped", flush=True)
        return None
    programme, community, coordinator = found
    period = Period(start=datetime.date(2023, 1, 1), end=timezone.localdate())
    client = signed_in_client(coordinator)
    print(f"Reports of {programme} and {community} ...", flush=True)
    page = measure_programme_report(
        client, programme, period, warmup=warmup, requests=min(requests, 20)
    )
    print(
        f"  programme report: warm p95 {page['p95_ms']} ms ({page['warm_queries']} queries), "
        f"cold {page['cold_ms']} ms ({page['cold_queries']} queries), "
        f"computed {page['computed_ms']} ms ({page['computed_queries']} queries)",
        flush=True,
    )
    pdf = measure_download(client, community, period, "pdf")
    xlsx = measure_download(client, community, period, "xlsx")
    for name, result in (("PDF", pdf), ("XLSX", xlsx)):
        print(
            f"  community report {name}: cold {result['cold_seconds']} s, warm "
            f"{result['warm_seconds']} s, {result['bytes'] / 1000:.0f} kB",
            flush=True,
        )
    return {
        "programme": str(programme),
        "community": str(community),
        "period": [period.start.isoformat(), period.end.isoformat()],
        "programme_report": page,
        "community_pdf": pdf,
        "community_xlsx": xlsx,
        "target_programme_p95_ms": TARGET_PROGRAMME_P95_MS,
        "target_pdf_seconds": TARGET_PDF_SECONDS,
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")
    os.environ.setdefault("LEERKRING_VAR_DIR", str(ROOT / "var" / "bench" / "var"))
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    print(json.dumps(run_report_bench(requests=args.requests), indent=2, default=str))
