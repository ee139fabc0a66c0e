"""Send one newsletter issue to N confirmed subscribers, in this process, and report the time
and the peak memory of the send itself (VmHWM, reset just before publishing).

The national-scale run is in `bench/dissemination.py` (PostgreSQL, a separate `db_worker`
process, part of `make bench`). This one needs nothing installed: it builds a throwaway SQLite
database in a temporary folder, so the send's own cost can be measured on any machine and for
several sizes, to see that memory does not grow with the number of subscribers.

    .venv/bin/python bench/newsletter.py [--subscribers 15000]

The e-mail backend builds each message's MIME bytes (what an SMTP server would receive) and
drops them; the task runs with django-tasks' immediate backend when the publish commits.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SerialisingBackend:
    """Stands in for SMTP: serialise every message, keep only the count and the bytes."""

    sent = 0
    bytes = 0

    def __init__(self, *args, **kwargs) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages) -> int:
        for message in messages:
            SerialisingBackend.bytes += len(message.message().as_bytes())
            SerialisingBackend.sent += 1
        return len(messages)


def memory_kib() -> dict[str, int]:
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            key, value = line.split(":")
            values[key] = int(value.split()[0])
    return values


def reset_peak() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM to the current resident size."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=15_000)
    args = parser.parse_args(argv)

    folder = tempfile.mkdtemp(prefix="leerkring-newsletter-bench-")
    os.environ.update(
        DEBUG="1",
        LEERKRING_VAR_DIR=folder,
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        EMAIL_BACKEND="bench.newsletter.SerialisingBackend",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        DJANGO_SETTINGS_MODULE="leerkring.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bench.newsletter import SerialisingBackend as Backend
    from leerkring.accounts.models import ProgrammeRole, User
    from leerkring.communities.models import Community, Person, Programme
    from leerkring.dissemination import newsletter as machinery
    from leerkring.dissemination import services
    from leerkring.dissemination.models import Delivery, Newsletter, Subscriber
    from leerkring.meetings.models import Lesson, Meeting

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    programme = Programme.objects.create(name="Bench", slug="bench")
    community = Community.objects.create(programme=programme, name="CoP Bench")
    user = User.objects.create_user(email="coordinator@bench.example.nl", password=None)
    person = Person.objects.create(full_name="Coördinator", email=user.email, user=user)
    ProgrammeRole.objects.create(programme=programme, person=person, role="coordinator")
    start = timezone.now()
    meeting = Meeting.objects.create(
        community=community, starts_at=start, ends_at=start + timezone.timedelta(hours=3)
    )
    for n in range(8):
        Lesson.objects.create(
            meeting=meeting,
            community=community,
            shareable=True,
            text=f"Leerpunt {n}: samen plannen met het COA scheelt wachttijd. " * 6,
        )
    letter = Newsletter.objects.create(programme=programme, title="Bench", is_public=True)
    Subscriber.objects.bulk_create(
        [
            Subscriber(newsletter=letter, email=f"lezer{n}@bench.example.nl", confirmed_at=start)
            for n in range(args.subscribers)
        ],
        batch_size=5000,
    )
    issue = services.issue_create(newsletter=letter, by=user, title="Bench-editie")
    keys = [
        c.key for group in machinery.gather_candidates(newsletter=letter).values() for c in group
    ]
    services.issue_picks_set(issue=issue, keys=keys, by=user)

    reset_peak()
    before = memory_kib()
    started = time.perf_counter()
    with transaction.atomic():
        services.issue_publish(issue=issue, by=user)
    # The send task ran when the publish committed (immediate backend).
    seconds = time.perf_counter() - started
    after = memory_kib()
    issue.refresh_from_db()
    report = {
        "subscribers": args.subscribers,
        "seconds": round(seconds, 1),
        "emails_per_second": round(Backend.sent / seconds, 1),
        "emails_built": Backend.sent,
        "deliveries_sent": Delivery.objects.filter(issue=issue, status="sent").count(),
        "issue_status": issue.status,
        "mime_megabytes": round(Backend.bytes / 1024 / 1024, 1),
        "rss_before_mb": round(before["VmRSS"] / 1024, 1),
        "peak_during_send_mb": round(after["VmHWM"] / 1024, 1),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
