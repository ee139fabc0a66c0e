"""recall@5 of the similar-signal suggestions on the labelled set (docs/performance.md).

The set (`tests/signalling/fixtures/similar_signals.json`) holds realistic Dutch signals about
the inburgering practice in groups of near-duplicates with varied wording. Each signal is used
as the query against all the others; recall@5 is the share of its group-mates found in its top
five (a group of five has four mates), averaged over all signals.

    .venv/bin/python bench/recall.py                 # on a throw-away SQLite database
    DATABASE_URL=postgres://… .venv/bin/python bench/recall.py --database-url …  # PostgreSQL

`tests/signalling/test_similarity.py` runs the same measurement as a quality test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "signalling" / "fixtures" / "similar_signals.json"
K = 5


def load_labelled(path: Path = LABELLED) -> list[dict]:
    """[{group, topic_category, subtopic, solution_level, signals: [{title, description}]}]"""
    return json.loads(path.read_text(encoding="utf-8"))["groups"]


def build_signals(*, groups: list[dict], programme, state: str = "in_progress") -> dict[int, str]:
    """The labelled signals as passed-on signals spread over three communities of the
    programme; returns {signal pk: group}."""
    import datetime

    from django.utils import timezone

    from leerkring.communities.models import Community
    from leerkring.signalling.models import Signal

    communities = [
        Community.objects.create(programme=programme, name=f"CoP Labelset {n}", region="Utrecht")
        for n in range(3)
    ]
    now = timezone.now()
    objects, labels = [], []
    index = 0
    for group in groups:
        for signal in group["signals"]:
            objects.append(
                Signal(
                    community=communities[index % len(communities)],
                    title=signal["title"],
                    description=signal["description"],
                    topic_category=group["topic_category"],
                    state=state,
                    raised_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
                    passed_on_at=now - datetime.timedelta(hours=index),
                )
            )
            labels.append(group["group"])
            index += 1
    created = Signal.objects.bulk_create(objects)
    return {signal.pk: label for signal, label in zip(created, labels, strict=True)}


def recall_at_k(*, labels: dict[int, str], programme, k: int = K) -> dict:
    """Query with each signal against the rest; the share of its group-mates in its top k."""
    from django.db.models import Q

    from leerkring.signalling import similarity
    from leerkring.signalling.models import Signal

    scope = Q(community__programme=programme) & ~Q(state=Signal.State.DRAFT)
    texts = Signal.objects.filter(pk__in=list(labels)).values_list("pk", "title", "description")
    found = mates = 0
    per_group: dict[str, list[float]] = {}
    times = []
    for pk, title, description in texts:
        started = time.perf_counter()
        hits = similarity.similar_signals(
            title=title, text=description, scope=scope, exclude_pk=pk, limit=k
        )
        times.append((time.perf_counter() - started) * 1000)
        group = labels[pk]
        group_mates = sum(1 for other, label in labels.items() if label == group and other != pk)
        hit = sum(1 for signal in hits if labels.get(signal.pk) == group)
        found += hit
        mates += group_mates
        per_group.setdefault(group, []).append(hit / group_mates if group_mates else 1.0)
    times.sort()
    worst = sorted(per_group.items(), key=lambda item: sum(item[1]) / len(item[1]))[:5]
    return {
        "k": k,
        "signals": len(labels),
        "groups": len(per_group),
        "recall": round(found / mates, 3) if mates else 0.0,
        "query_ms_p50": round(times[len(times) // 2], 1) if times else 0.0,
        "weakest_groups": [(g, round(sum(r) / len(r), 2)) for g, r in worst],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="Default: a temporary SQLite file.")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/recall.sqlite3"
        os.environ.setdefault("SECRET_KEY", "recall-bench-only")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from leerkring.communities.models import Programme

        if connection.vendor == "postgresql" and not connection.settings_dict["NAME"].endswith(
            "bench"
        ):
            raise SystemExit("Use a PostgreSQL database whose name ends in 'bench'.")
        call_command("migrate", verbosity=0)
        with transaction.atomic():
            programme = Programme.objects.create(name="Labelset", slug="labelset-recall")
            labels = build_signals(groups=load_labelled(), programme=programme)
            result = recall_at_k(labels=labels, programme=programme)
            transaction.set_rollback(True)
    print(json.dumps({"database": connection.vendor, **result}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
