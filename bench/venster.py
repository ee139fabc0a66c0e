"""Venster benchmarks for `make bench` (called at the end of bench/run.py).

On the national-scale synthetic network (100,000 signals, `leerkring.signalling.synthetic`),
signed in as the coordinator of the largest programme, warm, through Django's test client:

- the venster, filtered (state + level of solution; waiting for feedback) and with a Dutch
  full-text search — target p95 ≤ 150 ms;
- the top five — target p95 ≤ 300 ms;
- similar-signal suggestions while writing (JSON and the htmx partial) — target p95 ≤ 100 ms,
  each query text a different labelled signal, so no two requests ask the same; the
  coordinator's look also uses the theme evidence of the programme's themes;
- a passed-on signal's page as its coordinator sees it, with the theme suggestion computed on
  every view (the forty newest signals) — target p95 ≤ 150 ms;
- the XLSX export of a filtered view (time and rows; no target).

Query counts are recorded per page. Also runnable on its own against the bench database of the
last run (the name must say "bench"):

    .venv/bin/python bench/venster.py --database-url postgres://…/leerkring_bench
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {"list": 150.0, "search": 150.0, "top5": 300.0, "similar": 100.0}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _coordinator_and_programme():
    from django.db.models import Count

    from leerkring.accounts.models import ProgrammeRole
    from leerkring.communities.models import Programme

    programme = Programme.objects.annotate(n=Count("communities")).order_by("-n").first()
    role = (
        ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRole.Role.COORDINATOR)
        .select_related("person__user")
        .order_by("pk")
        .first()
    )
    return programme, role.person.user


def _measure(client, urls: list[str], *, warmup: int, requests: int, htmx: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.cost import measure_cost

    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for index in range(warmup):
        client.get(urls[index % len(urls)], **headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(urls[0], **headers)
    queries = list(captured.captured_queries)
    cost = measure_cost(client, urls, **headers)
    times = []
    status = response.status_code
    for index in range(requests):
        url = urls[index % len(urls)]
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
        status = max(status, response.status_code)
    return {
        "url": urls[0],
        "status": status,
        "queries": len(queries),
        **cost,
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def _similar_urls(programme, labelled: list[dict]) -> list[str]:
    from django.urls import reverse

    base = reverse("signalling:similar_signals", args=[programme.slug])
    return [
        f"{base}?{urlencode({'title': s['title'], 'q': s['description'], 'format': 'json'})}"
        for group in labelled
        for s in group["signals"]
    ]


def _signal_urls(programme, count: int = 40) -> list[str]:
    """The pages of the newest passed-on signals: a coordinator triaging them sees the theme
    suggestion, computed on every view."""
    from django.urls import reverse

    from leerkring.signalling.models import Signal

    pks = (
        Signal.objects.filter(community__programme=programme)
        .exclude(state=Signal.State.DRAFT)
        .order_by("-raised_on", "-pk")
        .values_list("pk", flat=True)[:count]
    )
    return [reverse("signalling:signal_detail", args=[pk]) for pk in pks]


def measure_export(client, programme, query: str) -> dict:
    from django.urls import reverse
    from openpyxl import load_workbook

    url = f"{reverse('signalling:venster_export', args=[programme.slug])}?{query}"
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = sum(1 for _row in sheet.iter_rows(min_row=2, values_only=True))
    return {
        "url": url,
        "status": response.status_code,
        "rows": rows,
        "seconds": round(seconds, 2),
        "bytes": len(response.content),
    }


def run_venster_bench(*, warmup: int = 5, requests: int = 40) -> dict | None:
    from django.db.models import Count
    from django.urls import reverse

    from bench.recall import load_labelled
    from bench.selection import selective, wanted
    from bench.session import signed_in_client
    from leerkring.signalling.models import Signal

    programme, coordinator = _coordinator_and_programme()
    if programme is None:
        return None
    client = signed_in_client(coordinator)
    venster = reverse("signalling:venster", args=[programme.slug])
    labelled = load_labelled()
    pages = [
        ("venster, unfiltered", "list", [venster], False),
        (
            "venster, filtered (state + level)",
            "list",
            [f"{venster}?state=in_progress&solution_level=national"],
            False,
        ),
        ("venster, waiting for feedback", "list", [f"{venster}?waiting=1"], False),
        ("venster, grouped by theme", "list", [f"{venster}?view=themes"], False),
        (
            "venster, full-text search",
            "search",
            [f"{venster}?q=wachttijd+taalschool", f"{venster}?q=kinderopvang"],
            False,
        ),
        ("top five", "top5", [reverse("signalling:top5", args=[programme.slug])], False),
        ("similar signals (JSON)", "similar", _similar_urls(programme, labelled), False),
        (
            "signal page with theme suggestion",
            "list",
            _signal_urls(programme),
            False,
        ),
        (
            "similar signals (htmx partial)",
            "similar",
            [u.replace("&format=json", "") for u in _similar_urls(programme, labelled)],
            True,
        ),
    ]
    results = []
    for name, kind, urls, htmx in pages:
        if not wanted("venster", name):
            continue
        result = _measure(client, urls, warmup=warmup, requests=requests, htmx=htmx)
        target = TARGETS_MS[kind]
        result.update(
            page=name,
            target_p95_ms=target,
            meets_target=result["status"] == 200 and result["p95_ms"] <= target,
        )
        results.append(result)
        flag = "" if result["meets_target"] else "  > target"
        print(
            f"  {name:<36} p50 {result['p50_ms']:>7.1f}  p95 {result['p95_ms']:>7.1f} ms "
            f"(≤ {target:.0f}), {result['queries']} queries{flag}",
            flush=True,
        )
    visible = (
        Signal.objects.filter(community__programme=programme)
        .exclude(state=Signal.State.DRAFT)
        .aggregate(n=Count("pk"))["n"]
    )
    export = None
    if not selective():
        export = measure_export(client, programme, "state=in_progress")
        print(f"  export (in progress): {export['rows']} rows in {export['seconds']} s", flush=True)
    return {
        "programme": str(programme),
        "signals_in_venster": visible,
        "signals_total": Signal.objects.count(),
        "pages": results,
        "export": export,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/leerkring_bench"
    )
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args(argv)
    if "bench" not in args.database_url.rstrip("/").rsplit("/", 1)[-1]:
        raise SystemExit("Use a bench database (its name says 'bench').")
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "venster-bench-only"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver,localhost",
            "SECURE_COOKIES": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "leerkring.settings",
            "LEERKRING_VAR_DIR": str(ROOT / "var" / "bench" / "var"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    report = run_venster_bench(warmup=args.warmup, requests=args.requests)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
