"""Learning across communities at national scale, for `make bench` (called at the end of
bench/run.py): the public knowledge base and the public event page (no sign-in), the
programme's events, the network of leads and facilitators, and the pages that gained panels
(the community page's "who else works on this?" and the home page), and the public list of
open events with the look back of a held session.

Each page is requested warm through Django's test client, beside its query count, on the
synthetic network (`leerkring.*.synthetic`: about 750 public lessons and products, a monthly
knowledge session per programme since 2022 with registrations, peer-supervision days, joint
sessions and a network per programme). Target: p95 ≤ 150 ms, as for every page.

On its own, against a bench database of its own (its name must end in "bench"):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/leerkring_learning_bench \\
        .venv/bin/python bench/learning.py --build     # recreate, migrate, build, measure
    .venv/bin/python bench/learning.py                 # measure the data of the last build
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0
SEARCH_WORD = "gemeente"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _measure(client, url: str, *, warmup: int, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.cost import measure_cost

    for _ in range(warmup):
        response = client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = list(captured.captured_queries)
    cost = measure_cost(client, url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    p95 = round(_percentile(times, 0.95), 1)
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(queries),
        **cost,
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": p95,
        "meets_target": response.status_code == 200 and p95 <= TARGET_P95_MS,
    }


def _visitors() -> dict:
    """The largest programme, its first coordinator, a participant and the lead of its
    largest community, the busiest open session not yet looked back on, the latest one with its
    recording, and its programme's network."""
    from django.db.models import Count

    from leerkring.accounts.models import ProgrammeRole
    from leerkring.communities.models import Community, Membership, Programme, active_membership_q
    from leerkring.events.models import Event
    from leerkring.network.models import Network
    from leerkring.publishing.models import Publication

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

    def member(role: str):
        return (
            Membership.objects.active()
            .filter(community=community, role=role, person__user__isnull=False)
            .select_related("person__user")
            .order_by("pk")
            .first()
            .person.user
        )

    # The busiest open session without a look back (summary or recording), so the public event
    # page shows the same parts at every scale; the page after a session is `held`. (The
    # busiest of all was a session not yet wrapped up at 1x and one with its look back at 5x.)
    session = (
        Event.objects.filter(
            programme=programme,
            audience=Event.Audience.PUBLIC,
            wrapped_up_at__isnull=True,
            recording__isnull=True,
        )
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .first()
    )
    held = (
        Event.objects.filter(
            programme=programme, audience=Event.Audience.PUBLIC, recording__isnull=False
        )
        .order_by("-starts_at", "pk")
        .first()
    )
    item = (
        Publication.objects.filter(programme=programme, status="published")
        .order_by("-published_at")
        .first()
    )
    return {
        "programme": programme,
        "community": community,
        "coordinator": coordinator,
        "member": member(Membership.Role.PARTICIPANT),
        "lead": member(Membership.Role.LEAD),
        "session": session,
        "held": held,
        "item": item,
        "network": Network.objects.filter(programmes=programme).first(),
    }


def measure_pages(who: dict, *, warmup: int, requests: int) -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from bench.selection import wanted
    from bench.session import signed_in_client

    slug = who["programme"].slug
    public = reverse("publishing:public_programme", args=[slug])
    pages = [
        ("public knowledge base", public, None),
        (f"public knowledge base, search “{SEARCH_WORD}”", f"{public}?q={SEARCH_WORD}", None),
        (
            "public knowledge base, topic and kind, page 2",
            f"{public}?topic=procedures&kind=lesson&page=2",
            None,
        ),
        (
            "public item",
            reverse("publishing:public_item", args=[slug, who["item"].public_id]),
            None,
        ),
        ("public feed (Atom)", reverse("publishing:public_feed_atom", args=[slug]), None),
        (
            "public event page",
            reverse("events:public_event", args=[slug, who["session"].public_id]),
            None,
        ),
        (
            "public event page after it (look back)",
            reverse("events:public_event", args=[slug, who["held"].public_id]),
            None,
        ),
        ("public open events", reverse("events:public_event_list", args=[slug]), None),
        (
            "public open events, search, page 2",
            reverse("events:public_event_list", args=[slug]) + "?q=kennissessie&page=2",
            None,
        ),
        ("programme events", reverse("events:event_list", args=[slug]), "member"),
        ("programme events", reverse("events:event_list", args=[slug]), "coordinator"),
        (
            "event page (busiest session)",
            reverse("events:event", args=[who["session"].pk]),
            "coordinator",
        ),  # fmt: skip
        (
            "registrations of the busiest session",
            reverse("events:registrations", args=[who["session"].pk]),
            "coordinator",
        ),
        ("network page", reverse("network:network", args=[who["network"].pk]), "lead"),
        (
            "community page (with its new panels)",
            reverse("communities:community", args=[who["community"].pk]),
            "lead",
        ),  # fmt: skip
        ("home page", reverse("core:home"), "lead"),
    ]
    clients = {None: Client()}
    for role in ("member", "coordinator", "lead"):
        clients[role] = signed_in_client(who[role])
    results = []
    for name, url, role in pages:
        if not wanted("learning", name):
            continue
        result = _measure(clients[role], url, warmup=warmup, requests=requests)
        results.append({"page": name, "visitor": role or "anonymous", **result})
        print(
            f"  measured {name} ({role or 'anonymous'}): p95 {result['p95_ms']} ms, "
            f"{result['queries']} queries",
            flush=True,
        )
    return results


def data_counts() -> dict:
    from leerkring.events.models import Event, Registration
    from leerkring.meetings.models import Message
    from leerkring.network.models import NetworkThread
    from leerkring.publishing.models import Publication

    return {
        "publications_public": Publication.objects.filter(status="published").count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "network_threads": NetworkThread.objects.count(),
        "network_messages": Message.objects.filter(thread__network_link__isnull=False).count(),
    }


def run_learning_bench(*, warmup: int = 5, requests: int = 40) -> dict:
    who = _visitors()
    print(
        f"Learning across communities: {who['programme']}, community {who['community']} ...",
        flush=True,
    )
    return {
        "programme": str(who["programme"]),
        "target_p95_ms": TARGET_P95_MS,
        "data": data_counts(),
        "pages": measure_pages(who, warmup=warmup, requests=requests),
    }


def _print_table(pages: list[dict]) -> None:
    header = (
        f"{'page':<48} {'visitor':<12} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for p in pages:
        flag = "" if p["meets_target"] else "  > target"
        print(
            f"{p['page']:<48} {p['visitor']:<12} {p['status']:>6} {p['p50_ms']:>8.1f} "
            f"{p['p95_ms']:>8.1f} {p['queries']:>8}{flag}"
        )


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leerkring_bench"
        ),
    )
    parser.add_argument("--build", action="store_true", help="Recreate and build the data.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args(argv)
    from bench.run import configure_environment, machine, recreate_database

    configure_environment(
        argparse.Namespace(database_url=args.database_url), "learning-bench-only-secret-key"
    )
    if args.build:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    build = {}
    if args.build:
        from leerkring.communities.synthetic import synth_build

        started = time.perf_counter()
        synth_build(seed=args.seed, scale=args.scale)
        build = {"seconds": round(time.perf_counter() - started, 1), "scale": args.scale}
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": f"PostgreSQL {server}",
        "python": platform.python_version(),
        "build": build,
        **run_learning_bench(warmup=args.warmup, requests=args.requests),
    }
    report["machine"]["load_average_after"] = [round(n, 2) for n in os.getloadavg()]
    _print_table(report["pages"])
    out = ROOT / "var" / "bench" / "learning.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nWritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
