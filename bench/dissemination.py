"""Dissemination and search benchmarks for `make bench` (called at the end of bench/run.py).

On the national-scale synthetic network (with the products of `leerkring.dissemination.
synthetic`), warm, through Django's test client, each page beside its query count:

1. the product catalogue of the largest programme, as a member and as its coordinator;
2. the knowledge view of that programme, as a member;
3. search for a common Dutch word, over everything and for the busiest single type, as a
   member (own communities plus what the programme shares), a lead (also the venster), the
   coordinator and a system partner (only the signals escalated to the system level) — target
   p95 ≤ 200 ms for all of them;
4. sending a newsletter issue to 15,000 confirmed subscribers as a background task: the issue
   is published through the service the page calls (which queues the send task), then a task
   worker (`db_worker --batch`) runs in a fresh Python process with an e-mail backend that
   builds and serialises every message but sends none. Reports wall time, e-mails per second
   and the worker's peak resident memory (`resource.getrusage`).

Also runnable on its own against the bench database of the last run (its name must say
"bench"):

    .venv/bin/python bench/dissemination.py --database-url postgres://…/leerkring_bench
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 200.0
SUBSCRIBERS = 15_000
SEARCH_WORD = "gemeente"


class SerialisingBackend:
    """An e-mail backend for the send benchmark: every message is built and serialised to the
    bytes an SMTP server would receive, then dropped. Counts what it was given."""

    sent = 0
    bytes = 0

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        self.fail_silently = fail_silently

    def open(self) -> bool:
        return True

    def close(self) -> None:
        return None

    def send_messages(self, messages) -> int:
        for message in messages:
            SerialisingBackend.bytes += len(message.message().as_bytes())
            SerialisingBackend.sent += 1
        return len(messages)


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
        "queries": len(queries),
        **cost,
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": p95,
        "meets_target": response.status_code == 200 and p95 <= TARGET_P95_MS,
    }


def _visitors() -> dict:
    """The largest programme, its first coordinator, and a participant and the lead of one of
    its 40-member communities (as bench/run.py picks them)."""
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

    def member(role: str):
        return (
            Membership.objects.active()
            .filter(community=community, role=role, person__user__isnull=False)
            .select_related("person__user")
            .order_by("pk")
            .first()
            .person.user
        )

    system_partner = (
        ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRole.Role.SYSTEM_PARTNER)
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
        "system_partner": system_partner,
    }


def measure_pages(who: dict, *, warmup: int, requests: int) -> list[dict]:
    from django.urls import reverse

    from bench.selection import wanted
    from bench.session import signed_in_client

    programme = who["programme"]
    search = reverse("search:search")
    pages = [
        ("product catalogue", reverse("dissemination:catalogue", args=[programme.slug]), "member"),
        (
            "product catalogue",
            reverse("dissemination:catalogue", args=[programme.slug]),
            "coordinator",
        ),
        ("knowledge view", reverse("dissemination:knowledge", args=[programme.slug]), "member"),
        (
            f"search “{SEARCH_WORD}”, all types",
            f"{search}?{urlencode({'q': SEARCH_WORD})}",
            "member",
        ),
        (f"search “{SEARCH_WORD}”, all types", f"{search}?{urlencode({'q': SEARCH_WORD})}", "lead"),
        (
            f"search “{SEARCH_WORD}”, all types",
            f"{search}?{urlencode({'q': SEARCH_WORD})}",
            "coordinator",
        ),
        (
            f"search “{SEARCH_WORD}”, signals, page 2",
            f"{search}?{urlencode({'q': SEARCH_WORD, 'type': 'signals', 'page': 2})}",
            "coordinator",
        ),
        (
            "search “wachttijden taalschool”",
            f"{search}?{urlencode({'q': 'wachttijden taalschool'})}",
            "lead",
        ),
        # Sees only the signals escalated to the system level: walks those (issue 17).
        (
            f"search “{SEARCH_WORD}”, all types",
            f"{search}?{urlencode({'q': SEARCH_WORD})}",
            "system_partner",
        ),
        (
            "search “wachttijden taalschool”",
            f"{search}?{urlencode({'q': 'wachttijden taalschool'})}",
            "system_partner",
        ),
    ]
    clients = {}
    for role in ("member", "lead", "coordinator", "system_partner"):
        clients[role] = signed_in_client(who[role])
    results = []
    for name, url, role in pages:
        if not wanted("dissemination", name):
            continue
        result = {
            "page": name,
            "visitor": role,
            **_measure(clients[role], url, warmup=warmup, requests=requests),
        }
        results.append(result)
        flag = "" if result["meets_target"] else "  > target"
        print(
            f"  {name:<40} {role:<12} p50 {result['p50_ms']:>7.1f}  p95 {result['p95_ms']:>7.1f} "
            f"ms, {result['queries']} queries{flag}",
            flush=True,
        )
    return results


def search_counts(who: dict) -> dict:
    """How many rows each visitor's search for the word finds, per type: what the page ranks."""
    from leerkring.search import selectors
    from leerkring.search.providers import SOURCES

    counts = {}
    for role in ("member", "lead", "coordinator"):
        counts[role] = {
            key: selectors.search_matches(source=source, user=who[role], q=SEARCH_WORD).count()
            for key, source in SOURCES.items()
        }
    return counts


# --- Sending a newsletter ------------------------------------------------------------------


def prepare_send(who: dict, subscribers: int) -> int:
    """A programme newsletter with `subscribers` confirmed addresses and an issue of what the
    communities shared lately, published through the service (which queues the send task)."""
    from django.utils import timezone

    from leerkring.dissemination import newsletter as machinery
    from leerkring.dissemination import services
    from leerkring.dissemination.models import Newsletter, Subscriber

    programme, coordinator = who["programme"], who["coordinator"]
    letter = Newsletter.objects.create(
        programme=programme, title=f"Bench-nieuwsbrief {timezone.now():%H%M%S}", is_public=True
    )
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(newsletter=letter, email=f"lezer{n}@bench.example.nl", confirmed_at=now)
            for n in range(subscribers)
        ],
        batch_size=5000,
    )
    issue = services.issue_create(newsletter=letter, by=coordinator, title="Bench-editie")
    candidates = machinery.gather_candidates(newsletter=letter)
    keys = [c.key for group in candidates.values() for c in group[:3]]
    services.issue_picks_set(issue=issue, keys=keys, by=coordinator)
    services.issue_update(
        issue=issue,
        title="Bench-editie",
        intro="Wat de gemeenschappen deze maanden deelden.",
        by=coordinator,
    )
    services.issue_publish(issue=issue, by=coordinator)
    return issue.pk


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_worker() -> dict:
    """In the worker process: run every queued task, then report time and peak memory."""
    import django

    django.setup()
    from django.core.management import call_command

    # The class Django's mail loads by its dotted path, not this script's __main__ copy.
    from bench.dissemination import SerialisingBackend as Backend

    started = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "emails": Backend.sent,
        "mime_megabytes": round(Backend.bytes / 1024 / 1024, 1),
        # The kernel's high-water mark of this process image (VmHWM): Linux keeps `ru_maxrss`
        # across `exec`, so that would include the parent's size before the worker started.
        "peak_rss_mb": _peak_rss_mb(),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def measure_send(who: dict, subscribers: int = SUBSCRIBERS) -> dict:
    from leerkring.dissemination.models import Delivery, NewsletterIssue

    started = time.perf_counter()
    issue_id = prepare_send(who, subscribers)
    prepare_seconds = round(time.perf_counter() - started, 1)
    env = {
        **os.environ,
        "EMAIL_BACKEND": "bench.dissemination.SerialisingBackend",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=True,
    ).stdout
    wall = time.perf_counter() - started
    worker = json.loads(output.strip().splitlines()[-1])
    issue = NewsletterIssue.objects.get(pk=issue_id)
    sent = Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.SENT).count()
    return {
        "subscribers": subscribers,
        "prepare_seconds": prepare_seconds,
        "worker_wall_seconds": round(wall, 1),
        "task_seconds": worker["seconds"],
        "emails_per_second": round(worker["emails"] / worker["seconds"], 1)
        if worker["seconds"]
        else None,
        "emails_built": worker["emails"],
        "deliveries_sent": sent,
        "issue_status": issue.status,
        "mime_megabytes": worker["mime_megabytes"],
        "worker_peak_rss_mb": worker["peak_rss_mb"],
        "worker_ru_maxrss_mb": worker["ru_maxrss_mb"],
    }


SEARCH_INDEXES = (
    "signal_search_vector",
    "lesson_search_vector",
    "message_search_dutch",
    "product_search_vector",
    "community_search_dutch",
)


def flush_search_indexes() -> None:
    """Merge the GIN indexes' pending lists, as autovacuum does on a live database. The
    synthetic network is bulk-loaded after the indexes exist, so its rows still sit in the
    pending lists that every search would scan one by one (130 ms instead of 0.4 ms for a
    common word in the lessons)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(oid) FROM pg_class WHERE relname = ANY(%s)",
            [list(SEARCH_INDEXES)],
        )


def run_dissemination_bench(*, warmup: int = 5, requests: int = 40, send: bool = True) -> dict:
    from leerkring.dissemination.models import Product
    from leerkring.meetings.models import Lesson, Message

    flush_search_indexes()
    who = _visitors()
    print(
        f"Dissemination and search: {who['programme']}, community {who['community']} ...",
        flush=True,
    )
    report = {
        "programme": str(who["programme"]),
        "products": Product.objects.count(),
        "products_shared": Product.objects.filter(shareable=True).count(),
        "lessons": Lesson.objects.count(),
        "lessons_shared": Lesson.objects.filter(shareable=True).count(),
        "messages": Message.objects.count(),
        "target_p95_ms": TARGET_P95_MS,
        "search_word": SEARCH_WORD,
        "search_matches": search_counts(who),
        "pages": measure_pages(who, warmup=warmup, requests=requests),
    }
    if send:
        print(f"  sending an issue to {SUBSCRIBERS:,} subscribers ...", flush=True)
        report["newsletter_send"] = measure_send(who)
        print(f"  {report['newsletter_send']}", flush=True)
    return report


def _configure(database_url: str) -> None:
    if "bench" not in database_url.rstrip("/").rsplit("/", 1)[-1]:
        raise SystemExit("Use a bench database (its name says 'bench').")
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "dissemination-bench-only"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver,localhost",
            "SECURE_COOKIES": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "leerkring.settings",
            "LEERKRING_VAR_DIR": str(ROOT / "var" / "bench" / "var"),
        }
    )


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    if argv[:1] == ["--worker"]:
        # The environment (database, settings, e-mail backend) comes from the parent.
        print(json.dumps(run_worker()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/leerkring_bench"
    )
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--no-send", action="store_true")
    args = parser.parse_args(argv)
    _configure(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    report = run_dissemination_bench(
        warmup=args.warmup, requests=args.requests, send=not args.no_send
    )
    print(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
