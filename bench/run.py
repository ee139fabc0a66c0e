"""`make bench`: server time, query count and throughput of the main pages at national scale.

Builds the synthetic network of DESIGN.md §5 in a fresh PostgreSQL database (`leerkring_bench`),
then

1. measures warm server time (p50, p95) and query count per page through Django's test client,
   signed in as the visitor who uses the page, each beside a bare view (the health check) so
   the figures can be compared across machines as a ratio;
2. starts gunicorn on 127.0.0.1 and measures requests per second on the programme overview with
   a fixed number of concurrent connections for a fixed time.

Every page is also measured once under `bench/cost.py`, which records the rows and buffers the
database touched: figures that do not depend on the machine's load, so a page whose cost grows
with the data shows even when its time is hidden in noise.

Prints a table and writes `var/bench/scale-<scale>.json` (and `latest.json`). Only loopback,
bounded in count and time. `make bench` runs it at 1× and 5× national scale, each in a database
of its own, and then `bench/compare.py` puts the two side by side.

    .venv/bin/python bench/run.py [--keep] [--requests 40] [--duration 15] [--scale 1.0]
                                  [--parts pages,surveys,venster,...] [--no-send]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/leerkring_bench"
PARTS = ("pages", "surveys", "venster", "dissemination", "reports", "monitor", "api", "learning")
HOST, PORT = "127.0.0.1", 8765
TARGET_P95_MS = 150.0
# "My agreements" is measured for a person in three communities with this many agreements: the
# most any such person has at national scale (1x).
AGREEMENTS_OWNED = 16


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="Default: leerkring_bench at scale 1, leerkring_bench_<scale>x otherwise.",
    )
    parser.add_argument("--keep", action="store_true", help="Reuse the data of the last run.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--warmup", type=int, default=5, help="Untimed requests per page.")
    parser.add_argument("--requests", type=int, default=40, help="Timed requests per page.")
    parser.add_argument("--duration", type=float, default=15.0, help="Seconds of load.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"Comma-separated parts to measure (default all: {','.join(PARTS)}).",
    )
    parser.add_argument(
        "--no-send", action="store_true", help="Leave out the newsletter send (minutes)."
    )
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated words: measure only the pages whose name contains one "
        "(with their section, e.g. 'api: themes'); leaves out exports and the newsletter send.",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        name = "leerkring_bench" if args.scale == 1 else f"leerkring_bench_{args.scale:g}x"
        args.database_url = DEFAULT_DATABASE_URL.replace("leerkring_bench", name)
    args.parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    args.only = [word.strip() for word in args.only.split(",") if word.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


# --- Database ----------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """Drop and create the bench database, so every run starts from the same migrations."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to recreate {name!r}: a bench database's name says 'bench'.")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def configure_environment(args: argparse.Namespace, secret_key: str) -> dict[str, str]:
    """The same settings for this process and for gunicorn: production-like (DEBUG off), the
    bench database, and a var/ of its own so static files and media stay apart."""
    env = {
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secret_key,
        "DEBUG": "false",
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "SECURE_COOKIES": "false",
        "LEERKRING_VAR_DIR": str(OUT_DIR / "var"),
        "LOG_LEVEL": "WARNING",
        # The benchmarks call the API far more often than a person would.
        "API_RATE_LIMIT": "1000000/hour",
        "DJANGO_SETTINGS_MODULE": "leerkring.settings",
    }
    os.environ.update(env)
    return env


# --- Measuring pages ---------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure_page(client, url: str, *, warmup: int, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.cost import measure_cost

    for _ in range(warmup):
        response = client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Read now: the next request empties the connection's query log.
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
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
    }


def visitors() -> dict:
    """The coordinator of the largest programme, and a participant of a 40-member community."""
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
        .filter(n=40)
        .order_by("pk")
        .first()
    )

    def member(role: str):
        return (
            Membership.objects.active()
            .filter(community=community, role=role, person__user__isnull=False)
            .select_related("person__user")
            .order_by("pk")
            .first()
            .person.user
        )

    return {
        "programme": programme,
        "community": community,
        "coordinator": coordinator,
        "member": member(Membership.Role.PARTICIPANT),
        "lead": member(Membership.Role.LEAD),
        **meeting_visitors(programme),
    }


def meeting_visitors(programme) -> dict:
    """The meeting pages of the issue "Meetings": the community of the programme with the most
    meetings (50 in the synthetic network), the meeting with the most agenda items (10, with
    40 members present) and a member of its community, and a person in three communities who
    owns `AGREEMENTS_OWNED` agreements (or the nearest number). Not the one who owns the most:
    the most of a five times larger population is more (16 at 1x, 25 at 5x), so the page would
    be measured on a longer list at 5x than at 1x, not on a larger network."""
    from django.db.models import Count, F, Q
    from django.db.models.functions import Abs

    from leerkring.communities.models import Community, Membership, Person
    from leerkring.meetings.models import Meeting

    community = (
        Community.objects.filter(programme=programme)
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .first()
    )
    meeting = (
        Meeting.objects.filter(community__programme=programme)
        .annotate(items=Count("agenda_items"))
        .order_by("-items", "-starts_at", "pk")
        .first()
    )
    member = (
        Membership.objects.active()
        .filter(
            community_id=meeting.community_id,
            role=Membership.Role.PARTICIPANT,
            person__user__isnull=False,
        )
        .select_related("person__user")
        .order_by("pk")
        .first()
        .person.user
    )
    active = Q(memberships__left_on__isnull=True)
    owner = (
        Person.objects.filter(user__isnull=False)
        .annotate(
            communities=Count("memberships", filter=active, distinct=True),
            agreements=Count("memberships__agreements", filter=active, distinct=True),
        )
        .filter(communities=3)
        .order_by(Abs(F("agreements") - AGREEMENTS_OWNED), "-agreements", "pk")
        .select_related("user")
        .first()
    )
    return {
        "meetings_community": community,
        "meeting": meeting,
        "meeting_member": member,
        "agreements_owner": owner.user,
        "agreements_owner_counts": (owner.communities, owner.agreements),
    }


def measure_pages(args: argparse.Namespace, who: dict) -> tuple[list[dict], object]:
    from django.urls import reverse

    from bench.selection import wanted
    from bench.session import signed_in_client

    programme, community = who["programme"], who["community"]
    meetings_community, meeting = who["meetings_community"], who["meeting"]
    pages = [
        ("bare view (health check)", reverse("core:health"), "coordinator"),
        (
            "programme overview",
            reverse("communities:programme", args=[programme.slug]),
            "coordinator",
        ),
        (
            "community page, as member",
            reverse("communities:community", args=[community.pk]),
            "member",
        ),
        (
            "community page, as coordinator",
            reverse("communities:community", args=[community.pk]),
            "coordinator",
        ),
        ("member list, as lead", reverse("communities:members", args=[community.pk]), "lead"),
        ("organisation directory", reverse("communities:organisation_list"), "coordinator"),
        (
            "meeting list (50 meetings)",
            reverse("meetings:meeting_list", args=[meetings_community.pk]),
            "member",
        ),
        (
            "meeting list, as coordinator",
            reverse("meetings:meeting_list", args=[meetings_community.pk]),
            "coordinator",
        ),
        (
            "meeting page (40 present, 10 items)",
            reverse("meetings:meeting_detail", args=[meeting.pk]),
            "meeting_member",
        ),
        ("my agreements (3 communities)", reverse("meetings:my_agreements"), "agreements_owner"),
    ]
    clients = {}
    for role in ("coordinator", "member", "lead", "meeting_member", "agreements_owner"):
        clients[role] = signed_in_client(who[role])
    results = []
    for name, url, role in pages:
        if results and not wanted("pages", name):
            continue
        result = measure_page(clients[role], url, warmup=args.warmup, requests=args.requests)
        results.append({"page": name, "visitor": role, **result})
        print(
            f"  measured {name}: p95 {result['p95_ms']} ms, {result['queries']} queries", flush=True
        )
    bare = results[0]["p50_ms"] or 0.001
    for result in results:
        result["ratio_to_bare"] = round(result["p50_ms"] / bare, 1)
        result["meets_target"] = result["status"] == 200 and result["p95_ms"] <= TARGET_P95_MS
    return results, clients["coordinator"]


# --- Throughput --------------------------------------------------------------------------


def wait_for_server(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer on /healthz")


def load_with_threads(path: str, cookie: str, *, connections: int, duration: float) -> dict:
    """Closed loop: each connection sends its next request when the last one is answered."""
    counts = {"ok": 0, "errors": 0, "latencies": []}
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        ok = errors = 0
        latencies = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    ok += 1
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors
            counts["latencies"].extend(latencies)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = counts["latencies"] or [0.0]
    return {
        "tool": "python threads",
        "requests": counts["ok"],
        "errors": counts["errors"],
        "seconds": round(elapsed, 1),
        "requests_per_second": round(counts["ok"] / elapsed, 1),
        "latency_p50_ms": round(statistics.median(latencies), 1),
        "latency_p99_ms": round(percentile(latencies, 0.99), 1),
    }


def _wrk_ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def load_with_wrk(path: str, cookie: str, *, connections: int, duration: float) -> dict:
    """wrk is lighter than Python threads, so it steals less CPU from the server it measures."""
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(duration)}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://{HOST}:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    ).stdout
    total = int(re.search(r"(\d+) requests in", output).group(1))
    seconds = float(re.search(r"requests in ([\d.]+)s", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {
        "tool": "wrk",
        "requests": total,
        "errors": errors,
        "seconds": seconds,
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "latency_p50_ms": round(_wrk_ms(re.search(r"50%\s+(\S+)", output).group(1)), 1),
        "latency_p99_ms": round(_wrk_ms(re.search(r"99%\s+(\S+)", output).group(1)), 1),
    }


def measure_throughput(args: argparse.Namespace, env: dict[str, str], path: str, client) -> dict:
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn if gunicorn.exists() else "gunicorn"),
            "leerkring.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"{HOST}:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        wait_for_server()
        # A signed-in 200, not a redirect to the sign-in page, or the figures mean nothing.
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        conn.request("GET", path, headers={"Cookie": cookie})
        status = conn.getresponse().status
        if status != 200:
            raise RuntimeError(f"{path} answered {status} under gunicorn")
        load = load_with_wrk if shutil.which("wrk") else load_with_threads
        result = load(path, cookie, connections=args.connections, duration=args.duration)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return {
        "url": path,
        "workers": args.workers,
        "connections": args.connections,
        **result,
    }


# --- Report ------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        # Other work on the machine skews every figure; the load average says how much.
        "load_average_1_5_15": [round(n, 2) for n in os.getloadavg()],
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def print_table(pages: list[dict], throughput: dict | None) -> None:
    header = f"{'page':<36} {'visitor':<16} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× bare':>7}"
    print()
    print(header)
    print("-" * len(header))
    for p in pages:
        flag = "" if p["meets_target"] or p is pages[0] else "  > target"
        print(
            f"{p['page']:<36} {p['visitor']:<16} {p['status']:>6} {p['p50_ms']:>8.1f} "
            f"{p['p95_ms']:>8.1f} {p['queries']:>8} {p['ratio_to_bare']:>7.1f}{flag}"
        )
    if throughput:
        print()
        print(
            f"Throughput {throughput['url']} ({throughput['tool']}, {throughput['connections']} "
            f"connections, {throughput['workers']} gunicorn workers, {throughput['seconds']} s): "
            f"{throughput['requests_per_second']} requests/s, {throughput['errors']} errors, "
            f"latency p50 {throughput['latency_p50_ms']} ms, p99 {throughput['latency_p99_ms']} ms"
        )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    env = configure_environment(args, secrets.token_urlsafe(50))
    from bench.selection import select

    select(args.only)
    if not args.keep:
        print(f"Recreating {args.database_url} ...", flush=True)
        recreate_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command

    from leerkring.communities.synthetic import synth_build, synth_has_data

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    setup_seconds = time.perf_counter() - started

    dataset: dict = {"seed": args.seed, "scale": args.scale}
    if args.keep and synth_has_data():
        print("Reusing the data of the last run.", flush=True)
    else:
        started = time.perf_counter()
        ctx = synth_build(seed=args.seed, scale=args.scale)
        dataset["build_seconds"] = round(time.perf_counter() - started, 1)
        print(
            f"Built the synthetic network in {dataset['build_seconds']} s: {ctx.counts}", flush=True
        )
    from django.db import connection

    with connection.cursor() as cursor:
        # VACUUM as well as ANALYZE: building the network updates most rows after inserting
        # them, and a running deployment's autovacuum clears those dead copies; left in (a
        # server with autovacuum off), an index walk reads every row twice over.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    dataset["counts"] = table_counts()
    expected = round(600 * args.scale)
    if dataset["counts"]["communities"] != expected:
        print(
            f"Warning: {dataset['counts']['communities']} communities, not the {expected} of "
            f"scale {args.scale:g}: was the data built at another scale?",
            flush=True,
        )

    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": f"PostgreSQL {server_version}",
        "setup_seconds": round(setup_seconds, 1),
        "dataset": dataset,
        "target_p95_ms": TARGET_P95_MS,
        "parts": args.parts,
    }
    # As a server process does once loaded (wsgi.py): what start-up and the build left alive is
    # moved out of the garbage collector's reach, so a full collection does not walk it in the
    # middle of a measured request (core.startup).
    from leerkring.core.startup import settle_after_start

    settle_after_start()
    pages: list[dict] = []
    if "pages" in args.parts:
        who = visitors()
        print(
            f"Pages of {who['programme']} ({dataset['counts']['communities']} communities), "
            f"community {who['community']} (40 members) ...",
            flush=True,
        )
        print(
            f"Meetings of {who['meetings_community']}, meeting {who['meeting'].pk} of "
            f"{who['meeting'].community}; agreements of a person in "
            f"{who['agreements_owner_counts'][0]} communities "
            f"({who['agreements_owner_counts'][1]} agreements) ...",
            flush=True,
        )
        pages, coordinator_client = measure_pages(args, who)
        throughput = None
        if not args.no_throughput and not args.only:
            print(
                f"Throughput for {args.duration:.0f} s with {args.connections} connections ...",
                flush=True,
            )
            throughput = measure_throughput(args, env, pages[1]["url"], coordinator_client)
        print_table(pages, throughput)
        report.update(pages=pages, throughput=throughput)
    measure = {"warmup": args.warmup, "requests": args.requests}
    if "surveys" in args.parts:
        # The results page of the national wave (20,000 responses at 1×), the exports.
        from bench.surveys import run_survey_bench

        report["surveys"] = run_survey_bench(**measure)
    if "venster" in args.parts:
        # Filtered list, search, top five, similar signals, export.
        from bench.venster import run_venster_bench

        report["venster"] = run_venster_bench(**measure)
    if "dissemination" in args.parts:
        # Catalogue, knowledge view, search, and sending a newsletter to 15,000 subscribers as
        # a background task.
        from bench.dissemination import run_dissemination_bench

        report["dissemination"] = run_dissemination_bench(
            **measure, send=not args.no_send and not args.only
        )
    if "reports" in args.parts:
        # The programme report warm and cold, a community report's PDF.
        from bench.reports import run_report_bench

        report["reports"] = run_report_bench(**measure)
    if "monitor" in args.parts:
        # The programme matrix, all communities at once, a community's own monitor.
        from bench.monitor import run_monitor_bench

        report["monitor"] = run_monitor_bench(**measure)
    if "api" in args.parts:
        # Every list endpoint of /api/v1/ with a token.
        from bench.api import run_api_bench

        report["api"] = run_api_bench(**measure)
    if "learning" in args.parts:
        # The public knowledge base and event pages without sign-in, programme events, the
        # leads' network, the pages with new panels.
        from bench.learning import run_learning_bench

        report["learning"] = run_learning_bench(**measure)

    from bench.compare import flatten

    report["machine"]["load_average_at_end"] = [round(n, 2) for n in os.getloadavg()]
    report["all_pages"] = flatten(report)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"
    target = OUT_DIR / f"scale-{args.scale:g}.json"
    target.write_text(text)
    (OUT_DIR / "latest.json").write_text(text)
    print_cost_table(report["all_pages"])
    print(f"\nWritten to {target}")
    missed = [p["page"] for p in pages[1:] if not p["meets_target"]]
    if missed:
        print(f"Above the p95 target of {TARGET_P95_MS:.0f} ms or not 200: {', '.join(missed)}")
    return 0


def print_cost_table(entries: list[dict]) -> None:
    """Every page with what the database touched for it (bench/cost.py)."""
    header = f"{'page':<58} {'visitor':<14} {'p95 ms':>8} {'queries':>7} {'rows':>9} {'buffers':>8}"
    print()
    print(header)
    print("-" * len(header))
    for e in entries:
        rows = "–" if e["rows"] is None else f"{e['rows']:,}"
        buffers = "–" if e["buffers"] is None else f"{e['buffers']:,}"
        queries = "–" if e["queries"] is None else e["queries"]
        print(
            f"{(e['section'] + ': ' + e['page'])[:58]:<58} {e['visitor'][:14]:<14} "
            f"{e['p95_ms']:>8.1f} {queries:>7} {rows:>9} {buffers:>8}"
        )


def table_counts() -> dict[str, int]:
    from leerkring.accounts.models import ProgrammeRole, User
    from leerkring.communities.models import Community, Membership, Organisation, Person, Programme
    from leerkring.meetings.models import AgendaItem, Agreement, Attendance, Lesson, Meeting
    from leerkring.signalling.models import Signal

    return {
        "programmes": Programme.objects.count(),
        "communities": Community.objects.count(),
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "users": User.objects.count(),
        "memberships_active": Membership.objects.active().count(),
        "memberships_total": Membership.objects.count(),
        "programme_roles": ProgrammeRole.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendance": Attendance.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
        "lessons": Lesson.objects.count(),
        "agreements": Agreement.objects.count(),
        "signals": Signal.objects.count(),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
