"""Survey benchmarks for `make bench` (called at the end of bench/run.py).

On the national wave of the synthetic network (20,000 responses, `leerkring.surveys.synthetic`):

1. the results page, signed in as an evaluator: warm (the stored results of the last
   release, `stored_results.wave_results_stored`, and the page as rendered for the first visitor),
   cold (that first visitor: the rendered page dropped, a new database connection each
   time) — target p95 ≤ 500 ms — and computed (the stored results dropped before each
   request: the first reader after a release that the worker has not handled yet, which
   costs what the worker's task costs);
2. the XLSX export of all its answers, written by the code the download view runs
   (`exports.xlsx_write`) in a fresh Python process, reporting time, file size and the peak
   resident memory of that process (`resource.getrusage`) — target < 300 MB;
3. the CSV export the same way.

Also runnable on its own against the bench database of the last run:

    .venv/bin/python bench/surveys.py --database-url postgres://…/leerkring_bench
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RESULTS_P95_MS = 500.0
TARGET_EXPORT_RSS_MB = 300.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _evaluator(wave):
    from leerkring.accounts.models import ProgrammeRole

    return (
        ProgrammeRole.objects.filter(programme=wave.programme, role=ProgrammeRole.Role.EVALUATOR)
        .select_related("person__user")
        .order_by("pk")
        .first()
        .person.user
    )


def _forget_page(wave) -> None:
    from django.conf import settings
    from django.utils import translation

    from leerkring.surveys import stored_results

    with translation.override(settings.LANGUAGE_CODE):
        stored_results.page_forget(wave)


def measure_results_page(wave, *, warmup: int, requests: int, cold_requests: int = 5) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.cost import measure_cost
    from bench.session import signed_in_client
    from leerkring.surveys import stored_results

    client = signed_in_client(_evaluator(wave))
    url = reverse("surveys:results", args=[wave.pk])

    # Computed: the first reader after a release that the worker has not handled yet (the
    # stored results dropped before each request) — the worker's own job per release.
    computed = []
    for _ in range(cold_requests):
        # The rendered page too: it is served before the stored results are read.
        stored_results.wave_results_forget(wave)
        _forget_page(wave)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured_computed:
            response = client.get(url)
        computed.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    computed_queries = len(captured_computed.captured_queries)
    stored_results.wave_results_forget(wave)
    _forget_page(wave)
    computed_cost = measure_cost(client, url)
    # What the worker leaves after a release: the results stored, the page not rendered yet.
    stored_results.wave_results_forget(wave)
    stored_results.wave_results_store(wave)

    # Cold: the first visitor after the worker stored the results: read over a new database
    # connection and rendered (the rendered page dropped first).
    cold = []
    for _ in range(cold_requests):
        _forget_page(wave)
        connection.close()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured_cold:
            response = client.get(url)
        cold.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    cold_queries = len(captured_cold.captured_queries)
    _forget_page(wave)
    connection.close()
    cold_cost = measure_cost(client, url)
    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    warm_queries = len(captured.captured_queries)
    warm_cost = measure_cost(client, url)
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries_warm": warm_queries,
        "queries_cold": cold_queries,
        "warm_rows": warm_cost["rows"],
        "warm_buffers": warm_cost["buffers"],
        "warm_cost_top": warm_cost.get("cost_top"),
        "cold_rows": cold_cost["rows"],
        "cold_buffers": cold_cost["buffers"],
        "cold_cost_top": cold_cost.get("cost_top"),
        "queries_computed": computed_queries,
        "computed_rows": computed_cost["rows"],
        "computed_buffers": computed_cost["buffers"],
        "computed_p50_ms": round(statistics.median(computed), 1),
        "computed_max_ms": round(max(computed), 1),
        "cold_p95_ms": round(_percentile(cold, 0.95), 1),
        "warm_p50_ms": round(statistics.median(times), 1),
        "warm_p95_ms": round(_percentile(times, 0.95), 1),
        "warm_max_ms": round(max(times), 1),
        # CPU time of this process alone: on a busy machine the wall time includes waiting.
        "warm_cpu_p50_ms": round(statistics.median(cpu), 1),
        "cold_p50_ms": round(statistics.median(cold), 1),
        "cold_max_ms": round(max(cold), 1),
        "meets_target": response.status_code == 200
        and _percentile(times, 0.95) <= TARGET_RESULTS_P95_MS,
    }


def measure_export(wave_pk: int, export_format: str) -> dict:
    """Run the export in a fresh process, so its peak memory is the export's own."""
    output = subprocess.run(
        [sys.executable, str(Path(__file__)), "--export", export_format, "--wave", str(wave_pk)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=600,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux keeps `ru_maxrss` across `exec`, so a child
    started by a large parent would report the parent's size; the kernel's per-image high
    water mark (VmHWM) starts afresh at `exec`. Elsewhere `ru_maxrss` is all there is."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _export_in_this_process(wave_pk: int, export_format: str) -> dict:
    """The child's side of `measure_export`."""
    import resource
    import tempfile

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from leerkring.surveys import exports
    from leerkring.surveys.models import Answer, Wave

    wave = Wave.objects.select_related("programme__rule_profile").get(pk=wave_pk)
    answers = Answer.objects.filter(response__wave=wave).count()
    baseline_mb = _peak_rss_mb()
    started, started_cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile() as target:
        layout = exports.export_layout(wave)
        if export_format == "xlsx":
            exports.xlsx_write(layout, target)
        else:
            for line in exports.csv_lines(exports.export_rows(layout)):
                target.write(line.encode())
        size = target.tell()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    peak_mb = _peak_rss_mb()
    return {
        "format": export_format,
        "responses": wave.responses.count(),
        "answers": answers,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "bytes": size,
        "baseline_rss_mb": round(baseline_mb, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "meets_target": peak_mb < TARGET_EXPORT_RSS_MB,
    }


def run_survey_bench(*, warmup: int = 5, requests: int = 40) -> dict | None:
    """Everything above, for bench/run.py; None when the data has no national wave."""
    from leerkring.surveys.synthetic import bench_wave

    wave = bench_wave()
    if wave is None:
        print("  no survey wave in the data: survey benchmarks skipped", flush=True)
        return None
    responses = wave.responses.count()
    print(f"Survey results of {wave} ({responses} responses) ...", flush=True)
    page = measure_results_page(wave, warmup=warmup, requests=requests)
    print(
        f"  results page: warm p50 {page['warm_p50_ms']} ms, p95 {page['warm_p95_ms']} ms "
        f"(CPU p50 {page['warm_cpu_p50_ms']} ms) "
        f"({page['queries_warm']} queries); cold p50 {page['cold_p50_ms']} ms "
        f"({page['queries_cold']} queries); computed p50 {page['computed_p50_ms']} ms "
        f"({page['queries_computed']} queries)",
        flush=True,
    )
    exported = {}
    for export_format in ("xlsx", "csv"):
        exported[export_format] = measure_export(wave.pk, export_format)
        result = exported[export_format]
        print(
            f"  {export_format} export: {result['seconds']} s ({result['cpu_seconds']} s CPU), "
            f"{result['bytes'] / 1e6:.1f} MB, "
            f"peak RSS {result['peak_rss_mb']} MB (after start-up {result['baseline_rss_mb']} MB)",
            flush=True,
        )
    return {
        "wave": str(wave),
        "responses": responses,
        "results_page": page,
        "exports": exported,
        "target_results_p95_ms": TARGET_RESULTS_P95_MS,
        "target_export_rss_mb": TARGET_EXPORT_RSS_MB,
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", choices=["xlsx", "csv"])
    parser.add_argument("--wave", type=int)
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    # The settings bench/run.py gives (its static files, DEBUG off), when run on its own.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")
    os.environ.setdefault("LEERKRING_VAR_DIR", str(ROOT / "var" / "bench" / "var"))
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if args.export:
        print(json.dumps(_export_in_this_process(args.wave, args.export)))
    else:
        import django

        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
        django.setup()
        print(json.dumps(run_survey_bench(requests=args.requests), indent=2))
