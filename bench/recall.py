"""How well similar signals and theme suggestions work on labelled sets (docs/performance.md).

Three labelled sets of Dutch signals, each in groups that name one bottleneck
(`bench/data/README.md` says who wrote them):

- `own`: the project's first set (`tests/signalling/fixtures/similar_signals.json`);
- `dev`: written independently of the method; tuning may look at it;
- `heldout`: written independently of the method; only measured, never tuned on.

Measures, on the database the settings point at:

- **recall@5**: each signal is the query against all the others; the share of its group-mates
  found in its top five, averaged over all signals; **precision@1**, the share of queries
  whose first suggestion is a group-mate; and **MRR@5**, the mean of 1/rank of the first
  group-mate in the top five (0 when none is). No theme evidence (a new venster).
- **learning from the venster**: a share of each group (`--linked`, default 40%) is linked to
  a theme named after its bottleneck, as a coordinator would; a near-miss pair shares one
  theme (a coordinator would put both under one main issue), so the themes do not simply give
  the groups away (`--theme-per-group` gives each group its own). The other signals are the queries: recall@5 with
  and without the theme evidence, and the theme suggestion's top-1 and top-3 accuracy.

    .venv/bin/python bench/recall.py --set heldout              # a throw-away SQLite database
    .venv/bin/python bench/recall.py --set dev --database-url postgres://…/…bench
    .venv/bin/python bench/recall.py --set dev --without thesaurus   # what a part earns

`tests/signalling/test_similarity.py` runs the same measurements as quality tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "own": ROOT / "tests" / "signalling" / "fixtures" / "similar_signals.json",
    "dev": ROOT / "bench" / "data" / "signals_dev.json",
    "heldout": ROOT / "bench" / "data" / "signals_heldout.json",
}
LABELLED = SETS["own"]
K = 5
LINKED_SHARE = 0.4


def load_labelled(path: Path = LABELLED) -> list[dict]:
    """The groups of a labelled set as [{group, bottleneck, near_miss_of, topic_category,
    signals: [{title, description}]}], whichever of the two file shapes it has."""
    groups = json.loads(Path(path).read_text(encoding="utf-8"))["groups"]
    result = []
    for group in groups:
        name = group.get("group") or group.get("id")
        result.append(
            {
                "group": str(name),
                "bottleneck": group.get("bottleneck") or group.get("subtopic") or str(name),
                "near_miss_of": group.get("near_miss_of") or None,
                "topic_category": group.get("topic_category", ""),
                "signals": [
                    {"title": s["title"], "description": s["description"]} for s in group["signals"]
                ],
            }
        )
    return result


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
                    programme=programme,
                    title=signal["title"],
                    description=signal["description"],
                    topic_category=group.get("topic_category", ""),
                    state=state,
                    raised_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
                    passed_on_at=now - datetime.timedelta(hours=index),
                )
            )
            labels.append(group["group"])
            index += 1
    created = Signal.objects.bulk_create(objects)
    return {signal.pk: label for signal, label in zip(created, labels, strict=True)}


def _scope(programme):
    from django.db.models import Q

    from leerkring.signalling.models import Signal

    return Q(community__programme=programme) & ~Q(state=Signal.State.DRAFT)


def recall_at_k(
    *,
    labels: dict[int, str],
    programme,
    k: int = K,
    queries: list[int] | None = None,
    learn: bool = False,
) -> dict:
    """Query with each signal (or each of `queries`) against the rest; the share of its
    group-mates in its top k, and how often the first is a group-mate. With `learn`, the
    programme's theme evidence is used."""
    from leerkring.signalling import similarity
    from leerkring.signalling.models import Signal

    scope = _scope(programme)
    asked = list(labels) if queries is None else queries
    texts = Signal.objects.filter(pk__in=asked).values_list("pk", "title", "description")
    found = mates = first = 0
    reciprocal = 0.0
    per_group: dict[str, list[float]] = {}
    times = []
    for pk, title, description in texts:
        started = time.perf_counter()
        hits = similarity.find(
            title=title,
            text=description,
            scope=scope,
            exclude_pk=pk,
            limit=k,
            programme_id=programme.pk if learn else None,
            within=programme.pk,
        ).signals
        times.append((time.perf_counter() - started) * 1000)
        group = labels[pk]
        group_mates = sum(1 for other, label in labels.items() if label == group and other != pk)
        hit = sum(1 for signal in hits if labels.get(signal.pk) == group)
        found += hit
        mates += group_mates
        first += bool(hits) and labels.get(hits[0].pk) == group
        reciprocal += next(
            (1 / rank for rank, s in enumerate(hits, 1) if labels.get(s.pk) == group), 0.0
        )
        per_group.setdefault(group, []).append(hit / group_mates if group_mates else 1.0)
    times.sort()
    worst = sorted(per_group.items(), key=lambda item: sum(item[1]) / len(item[1]))[:5]
    return {
        "k": k,
        "signals": len(labels),
        "queries": len(texts),
        "groups": len(per_group),
        "recall": round(found / mates, 3) if mates else 0.0,
        "precision_at_1": round(first / len(texts), 3) if texts else 0.0,
        "mrr": round(reciprocal / len(texts), 3) if texts else 0.0,
        "query_ms_p50": round(times[len(times) // 2], 1) if times else 0.0,
        "weakest_groups": [(g, round(sum(r) / len(r), 2)) for g, r in worst],
    }


def link_share(
    *,
    groups: list[dict],
    labels: dict[int, str],
    programme,
    share: float,
    seed: int = 1,
    pair_near_misses: bool = True,
) -> tuple[dict[str, int], list[int]]:
    """Link `share` of each group's signals to a theme named after its bottleneck, through
    the coordinator's own service (so the theme evidence is what a venster would hold). A
    near-miss group shares the theme of the group it nearly is. Returns ({group: theme pk},
    the unlinked signals). With `pair_near_misses` off, every group has a theme of its
    own."""
    from leerkring.signalling import coordination

    by_name = {g["group"]: g for g in groups}
    theme_of_group: dict[str, int] = {}
    themes, titles = {}, set()
    for group in groups:
        # The pairs are symmetric: both groups go under the theme of the first of the two.
        home = group["group"]
        if pair_near_misses and group["near_miss_of"] in by_name:
            home = min(home, group["near_miss_of"])
        if home not in themes:
            title = by_name[home]["bottleneck"][:180]
            if title.lower() in titles:  # two groups under one subtopic in the first set
                title = f"{title} ({home})"
            titles.add(title.lower())
            themes[home] = coordination.theme_create(programme=programme, by=None, title=title)
        theme_of_group[group["group"]] = themes[home].pk
    rng = random.Random(seed)
    members: dict[str, list[int]] = {}
    for pk, group in sorted(labels.items()):
        members.setdefault(group, []).append(pk)
    unlinked = []
    for group, pks in sorted(members.items()):
        chosen = set(rng.sample(pks, max(1, round(len(pks) * share))))
        theme = themes_by_pk(theme_of_group[group])
        coordination.theme_link_signals(theme=theme, signal_ids=sorted(chosen), by=None)
        unlinked += [pk for pk in pks if pk not in chosen]
    return theme_of_group, unlinked


def themes_by_pk(pk: int):
    from leerkring.signalling.models import SignalTheme

    return SignalTheme.objects.get(pk=pk)


def theme_accuracy(
    *, labels: dict[int, str], theme_of_group: dict[str, int], programme, queries: list[int]
) -> dict:
    """Top-1 and top-3 accuracy of the theme suggestion for unlinked signals."""
    from leerkring.signalling import similarity
    from leerkring.signalling.models import Signal

    scope = _scope(programme)
    top1 = top3 = 0
    texts = Signal.objects.filter(pk__in=queries).values_list("pk", "title", "description")
    for pk, title, description in texts:
        themes = similarity.find(
            title=title,
            text=description,
            scope=scope,
            exclude_pk=pk,
            programme_id=programme.pk,
            within=programme.pk,
        ).themes
        ranked = [theme.pk for theme, _score in themes]
        truth = theme_of_group[labels[pk]]
        top1 += ranked[:1] == [truth]
        top3 += truth in ranked[:3]
    return {
        "queries": len(texts),
        "themes": len(set(theme_of_group.values())),
        "top1": round(top1 / len(texts), 3) if texts else 0.0,
        "top3": round(top3 / len(texts), 3) if texts else 0.0,
    }


def measure(
    groups: list[dict], programme, *, share: float = LINKED_SHARE, pair_near_misses: bool = True
) -> dict:
    """Every figure for one labelled set, on signals made in `programme`."""
    labels = build_signals(groups=groups, programme=programme)
    plain = recall_at_k(labels=labels, programme=programme)
    theme_of_group, unlinked = link_share(
        groups=groups,
        labels=labels,
        programme=programme,
        share=share,
        pair_near_misses=pair_near_misses,
    )
    without = recall_at_k(labels=labels, programme=programme, queries=unlinked)
    with_evidence = recall_at_k(labels=labels, programme=programme, queries=unlinked, learn=True)
    return {
        "recall_at_5": plain,
        "learning": {
            "linked_share": share,
            "near_misses_share_a_theme": pair_near_misses,
            "without_theme_evidence": {
                k: without[k] for k in ("queries", "recall", "precision_at_1", "mrr")
            },
            "with_theme_evidence": {
                k: with_evidence[k] for k in ("queries", "recall", "precision_at_1", "mrr")
            },
            "theme_suggestion": theme_accuracy(
                labels=labels,
                theme_of_group=theme_of_group,
                programme=programme,
                queries=unlinked,
            ),
        },
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="Default: a temporary SQLite file.")
    parser.add_argument("--set", default="own", help="own, dev, heldout or a file path.")
    parser.add_argument("--linked", type=float, default=LINKED_SHARE)
    parser.add_argument(
        "--theme-per-group",
        action="store_true",
        help="Give every group its own theme (by default a near-miss pair shares one).",
    )
    parser.add_argument(
        "--without",
        choices=["thesaurus", "ngrams", "both"],
        help="Measure the analyser without a part, to see what it earns.",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    path = SETS.get(args.set, Path(args.set))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/recall.sqlite3"
        os.environ.setdefault("SECRET_KEY", "recall-bench-only")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
        from django.core.cache import cache

        from leerkring.signalling import analysis

        if args.without in ("thesaurus", "both"):
            analysis.CONCEPT_WEIGHT = 0.0
        if args.without in ("ngrams", "both"):
            analysis.NGRAM_WEIGHT = 0.0
        from django.core.management import call_command
        from django.db import connection, transaction

        from leerkring.communities.models import Programme

        if connection.vendor == "postgresql" and not connection.settings_dict["NAME"].endswith(
            "bench"
        ):
            raise SystemExit("Use a PostgreSQL database whose name ends in 'bench'.")
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        cache.clear()
        with transaction.atomic():
            programme = Programme.objects.create(name="Labelset", slug="labelset-recall")
            result = measure(
                load_labelled(path),
                programme,
                share=args.linked,
                pair_near_misses=not args.theme_per_group,
            )
            transaction.set_rollback(True)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "set": str(args.set),
                "without": args.without,
                **result,
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
