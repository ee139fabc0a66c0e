"""API benchmarks for `make bench` (called at the end of bench/run.py).

On the national-scale synthetic network, warm, through Django's test client with a personal
API token (as a program would call), each list endpoint of `/api/v1/` as the visitor who uses
it: p50, p95 and the query count. Target: the pages' p95 of 150 ms.

Also runnable on its own; it builds the synthetic network first when the database has none
(the name must end in "bench"):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench15 .venv/bin/python bench/api.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _visitors() -> dict:
    from django.db.models import Count

    from leerkring.accounts.models import ProgrammeRole
    from leerkring.communities.models import Community, Membership, Programme, active_membership_q
    from leerkring.surveys.models import Wave

    programme = Programme.objects.annotate(n=Count("communities")).order_by("-n").first()

    def role(kind: str):
        return (
            ProgrammeRole.objects.filter(programme=programme, role=kind)
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
    member = (
        Membership.objects.active()
        .filter(community=community, role=Membership.Role.PARTICIPANT)
        .select_related("person__user")
        .order_by("pk")
        .first()
        .person.user
    )
    wave = (
        Wave.objects.filter(programme=programme)
        .annotate(n=Count("responses"))
        .order_by("-n", "pk")
        .first()
    )
    return {
        "programme": programme,
        "community": community,
        "wave": wave,
        "coordinator": role(ProgrammeRole.Role.COORDINATOR),
        "system_partner": role(ProgrammeRole.Role.SYSTEM_PARTNER),
        "member": member,
    }


def _measure(client, url: str, *, warmup: int, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.cost import measure_cost

    for _ in range(warmup):
        client.get(url)
    timings = []
    status = None
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        status, queries = response.status_code, len(captured.captured_queries)
    p95 = _percentile(timings, 0.95)
    return {
        "url": url,
        "status": status,
        **measure_cost(client, url),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "queries": queries,
        "meets_target": status == 200 and p95 <= TARGET_P95_MS,
    }


def run_api_bench(*, warmup: int = 5, requests: int = 40) -> dict:
    from django.test import Client
    from django.urls import reverse

    from bench.selection import wanted
    from leerkring.api import services

    who = _visitors()
    slug, pk = who["programme"].slug, who["community"].pk
    clients = {}
    for name in ("coordinator", "system_partner", "member"):
        # Made as from a session that passed the second step, as the pages' visitors are
        # (bench/session.py); a token without it is refused to coordinators and partners.
        _token, raw = services.token_create(
            user=who[name], name="Benchmark", access="read", days=1, second_factor_passed=True
        )
        clients[name] = Client(headers={"Authorization": f"Bearer {raw}"})

    def url(name: str, *args, query: str = "") -> str:
        return reverse(f"api:{name}", args=args) + (f"?{query}" if query else "")

    endpoints = [
        ("venster", "coordinator", url("venster", slug)),
        (
            "venster, filtered",
            "coordinator",
            url("venster", slug, query="state=new&solution_level=national"),
        ),
        ("venster, waiting", "coordinator", url("venster", slug, query="waiting=true")),
        ("venster, searched", "coordinator", url("venster", slug, query="q=wachttijden")),
        (
            "venster, by date, 100",
            "coordinator",
            url("venster", slug, query="sort=-date&page_size=100"),
        ),
        ("communities of the programme", "coordinator", url("programme_communities", slug)),
        (
            "communities, page 5 by members",
            "coordinator",
            url("programme_communities", slug, query="sort=-members&page=5"),
        ),
        ("themes", "coordinator", url("themes", slug)),
        ("top five", "coordinator", url("top_five", slug)),
        ("coordination meetings", "coordinator", url("lcc_list", slug)),
        ("system level inbox", "system_partner", url("system_inbox", slug)),
        ("waves", "coordinator", url("waves", slug)),
        ("wave results", "coordinator", url("wave_results", who["wave"].pk)),
        ("products", "coordinator", url("products", slug)),
        ("knowledge", "coordinator", url("knowledge", slug)),
        ("monitor", "coordinator", url("programme_monitor", slug)),
        ("my communities", "member", url("communities")),
        ("community meetings", "member", url("community_meetings", pk)),
        ("community lessons", "member", url("community_lessons", pk)),
        ("community agreements", "member", url("community_agreements", pk)),
        ("community signals", "member", url("community_signals", pk)),
    ]
    # A bare view (the health check) beside them, so figures compare across machines and loads
    # as a ratio.
    bare = _measure(Client(), "/healthz", warmup=warmup, requests=requests)
    print(
        f"{'bare view (health check)':<34} {'':<15} {bare['status']:>4} {bare['p50_ms']:>8.1f} "
        f"{bare['p95_ms']:>8.1f} {bare['queries']:>5}",
        flush=True,
    )
    if wanted("api", "monitor"):
        # The matrix pages on the statuses the task worker keeps (bench/monitor.py).
        from bench.monitor import worker_refreshed_standings

        worker_refreshed_standings()
    results = []
    for label, visitor, address in endpoints:
        if not wanted("api", label):
            continue
        result = _measure(clients[visitor], address, warmup=warmup, requests=requests)
        result["ratio_to_bare_p50"] = round(result["p50_ms"] / max(bare["p50_ms"], 0.1), 1)
        results.append({"endpoint": label, "visitor": visitor, **result})
        flag = "" if result["meets_target"] else "  > target"
        print(
            f"{label:<34} {visitor:<15} {result['status']:>4} {result['p50_ms']:>8.1f} "
            f"{result['p95_ms']:>8.1f} {result['queries']:>5}{flag}",
            flush=True,
        )
    return {
        "programme": who["programme"].name,
        "target_p95_ms": TARGET_P95_MS,
        "endpoints": results,
    }


def create_database_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leerkring_bench"
        ),
    )
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    if not args.database_url.rstrip("/").endswith("bench") and not args.database_url.rstrip(
        "/"
    ).split("/")[-1].startswith("bench"):
        raise SystemExit("Use a bench database (its name starts or ends with 'bench').")
    sys.path.insert(0, str(ROOT))
    create_database_if_missing(args.database_url)
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "api-bench-only"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver,localhost",
            "SECURE_COOKIES": "false",
            "LOG_LEVEL": "WARNING",
            "API_RATE_LIMIT": "1000000/hour",
            "DJANGO_SETTINGS_MODULE": "leerkring.settings",
            "LEERKRING_VAR_DIR": str(ROOT / "var" / "bench" / "var"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from leerkring.communities.synthetic import synth_build, synth_has_data

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not synth_has_data():
        started = time.perf_counter()
        synth_build(seed=1, scale=args.scale)
        print(f"Built the synthetic network in {time.perf_counter() - started:.0f} s", flush=True)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average_1_5_15": [round(n, 2) for n in os.getloadavg()],
        **run_api_bench(warmup=args.warmup, requests=args.requests),
    }
    out = ROOT / "var" / "bench" / "api.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
