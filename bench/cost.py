"""What the database touches for a request: rows read and buffers, per query, independent of load.

Wall-clock time on a shared two-core machine says as much about the other work on it as about
the page. The number of rows PostgreSQL reads and the number of 8 KB buffers it touches do not
depend on the load, so they show a page whose cost grows with the data even when its time is
hidden in the noise.

`DatabaseCost` wraps the Django connection: after each SELECT it runs the same statement with
the same parameters again under `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, on the raw
connection (so the wrapper does not see it), and sums from the plan

- **rows read**: for every node that reads a table or an index, the rows it returned plus the
  rows it read and threw away (`Rows Removed by Filter`, `… by Index Recheck`, `… by Join
  Filter`), times the number of loops — the rows the database had to look at;
- **buffers**: shared buffers hit plus read by the whole statement (the top node's count
  includes its children's), the page-level measure PostgreSQL itself uses for I/O.

Statements other than SELECT (the session's last-use, a cache write) are counted, not explained:
EXPLAIN ANALYZE would run them a second time. Only PostgreSQL; on another database the figures
are None.

    with DatabaseCost(connection) as cost:
        client.get(url)
    cost.summary()  # {"queries": 12, "explained": 11, "rows": 1234, "buffers": 310, "top": [...]}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

ROW_KEYS = (
    "Rows Removed by Filter",
    "Rows Removed by Index Recheck",
    "Rows Removed by Join Filter",
)
SELECT = re.compile(r"^\s*\(?\s*(SELECT|WITH)\b", re.IGNORECASE)
LOCKING = re.compile(r"\bFOR\s+(UPDATE|NO KEY UPDATE|SHARE|KEY SHARE)\b", re.IGNORECASE)


@dataclass
class QueryCost:
    sql: str
    rows: int | None = None
    buffers: int | None = None
    returned: int | None = None
    scans: list[str] = field(default_factory=list)
    plan: dict | None = None


def plan_rows(node: dict) -> int:
    """Rows read by every scan under `node` (itself included)."""
    total = 0
    loops = node.get("Actual Loops", 1) or 0
    # A bitmap heap scan's rows are counted on the heap node; its bitmap index scan child
    # reports the same tuples again, so the index side of a bitmap is left out.
    reads = "Relation Name" in node or "Index Name" in node
    if reads and node.get("Node Type") != "Bitmap Index Scan":
        total += round(node.get("Actual Rows", 0) * loops)
        total += sum(round(node.get(key, 0) * loops) for key in ROW_KEYS)
    for child in node.get("Plans", ()):
        total += plan_rows(child)
    return total


def plan_lines(node: dict, depth: int = 0) -> list[str]:
    """A plan as indented lines: node, relation, rows × loops, rows thrown away, buffers."""
    loops = node.get("Actual Loops", 1)
    parts = [node["Node Type"]]
    for key in ("Relation Name", "Index Name", "Subplan Name", "Parent Relationship"):
        if node.get(key):
            parts.append(f"{key.split()[0].lower()}={node[key]}")
    parts.append(f"rows={node.get('Actual Rows')}×{loops}")
    removed = sum(node.get(key, 0) for key in ROW_KEYS)
    if removed:
        parts.append(f"removed={removed}")
    parts.append(f"buffers={node.get('Shared Hit Blocks', 0) + node.get('Shared Read Blocks', 0)}")
    for key in ("Index Cond", "Filter", "Sort Key"):
        if node.get(key):
            parts.append(f"{key.split()[0].lower()}: {str(node[key])[:160]}")
    lines = ["  " * depth + " ".join(parts)]
    for child in node.get("Plans", ()):
        lines += plan_lines(child, depth + 1)
    return lines


def plan_scans(node: dict, found: list[str] | None = None) -> list[str]:
    """A short description of the scans that read many rows, for the report."""
    found = [] if found is None else found
    loops = node.get("Actual Loops", 1) or 0
    relation = node.get("Relation Name") or node.get("Index Name")
    if relation and node.get("Node Type") != "Bitmap Index Scan":
        read = round(node.get("Actual Rows", 0) * loops) + sum(
            round(node.get(key, 0) * loops) for key in ROW_KEYS
        )
        found.append(f"{node['Node Type']} {relation}: {read}")
    for child in node.get("Plans", ()):
        plan_scans(child, found)
    return found


class DatabaseCost:
    """Context manager that explains every SELECT the wrapped Django connection runs."""

    def __init__(self, connection, *, enabled: bool = True) -> None:
        self.connection = connection
        self.enabled = enabled and connection.vendor == "postgresql"
        self.queries: list[QueryCost] = []
        self._context = None

    def __enter__(self) -> DatabaseCost:
        self._context = self.connection.execute_wrapper(self._wrapper)
        self._context.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._context.__exit__(*exc)

    def _wrapper(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        cost = QueryCost(sql=sql)
        self.queries.append(cost)
        if self.enabled and not many and SELECT.match(sql) and not LOCKING.search(sql):
            self._explain(cost, sql, params)
        return result

    def _explain(self, cost: QueryCost, sql: str, params) -> None:
        raw = self.connection.connection
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            document = cursor.fetchone()[0]
        if isinstance(document, str):
            document = json.loads(document)
        plan = document[0]["Plan"]
        cost.rows = plan_rows(plan)
        cost.buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
        cost.returned = round(plan.get("Actual Rows", 0) * (plan.get("Actual Loops", 1) or 0))
        cost.scans = plan_scans(plan)
        cost.plan = plan

    def summary(self, top: int = 3) -> dict:
        explained = [q for q in self.queries if q.rows is not None]
        if not self.enabled:
            return {"queries": len(self.queries), "explained": 0, "rows": None, "buffers": None}
        heaviest = sorted(explained, key=lambda q: (q.buffers, q.rows), reverse=True)[:top]
        return {
            "queries": len(self.queries),
            "explained": len(explained),
            "rows": sum(q.rows for q in explained),
            "buffers": sum(q.buffers for q in explained),
            "top": [
                {
                    "rows": q.rows,
                    "buffers": q.buffers,
                    "sql": " ".join(q.sql.split())[:300],
                    "scans": sorted(q.scans, key=lambda s: -int(s.rsplit(" ", 1)[1]))[:4],
                }
                for q in heaviest
            ],
        }


def measure_cost(client, urls: str | list[str], *, samples: int = 5, **headers) -> dict:
    """Requests under `DatabaseCost` (after the caller's warm-up). A page measured over several
    addresses (similar signals: a different text each time) is measured on up to `samples` of
    them and averaged; `top` is the heaviest sample's."""
    from django.db import connection

    urls = [urls] if isinstance(urls, str) else list(urls)[:samples]
    summaries = []
    for url in urls:
        with DatabaseCost(connection) as cost:
            client.get(url, **headers)
        summaries.append(cost.summary())
    if summaries[0]["rows"] is None:
        return {"rows": None, "buffers": None}
    heaviest = max(summaries, key=lambda s: s["buffers"])
    return {
        "rows": round(sum(s["rows"] for s in summaries) / len(summaries)),
        "buffers": round(sum(s["buffers"] for s in summaries) / len(summaries)),
        "cost_top": heaviest["top"],
    }


def _visitor(kind: str):
    """The benchmarks' visitors: the first coordinator, evaluator or system partner of the
    largest programme, or a participant or lead of its largest community."""
    from django.db.models import Count

    from leerkring.accounts.models import ProgrammeRole
    from leerkring.communities.models import Community, Membership, Programme, active_membership_q

    programme = Programme.objects.annotate(n=Count("communities")).order_by("-n", "pk").first()
    if kind in ProgrammeRole.Role.values:
        role = (
            ProgrammeRole.objects.filter(programme=programme, role=kind)
            .select_related("person__user")
            .order_by("pk")
            .first()
        )
        return role.person.user
    community = (
        Community.objects.filter(programme=programme)
        .annotate(n=Count("memberships", filter=active_membership_q("memberships__")))
        .order_by("-n", "pk")
        .first()
    )
    membership = (
        Membership.objects.active()
        .filter(community=community, role=kind, person__user__isnull=False)
        .select_related("person__user")
        .order_by("pk")
        .first()
    )
    return membership.person.user


def main(argv: list[str]) -> int:
    """Every query of one request with the rows and buffers it touched and its largest scans."""
    import argparse
    import os
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("url")
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--as",
        dest="visitor",
        default="coordinator",
        help="coordinator, evaluator, system_partner, participant, lead or anonymous",
    )
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--plans", action="store_true", help="Print each query's whole plan.")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="leerkring.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-cost-" + "x" * 50),
        ALLOWED_HOSTS="testserver",
        LEERKRING_VAR_DIR=str(root / "var" / "bench" / "var"),
        LOG_LEVEL="WARNING",
        API_RATE_LIMIT="1000000/hour",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.session import signed_in_client

    client = Client() if args.visitor == "anonymous" else signed_in_client(_visitor(args.visitor))
    headers = {"HTTP_HX_REQUEST": "true"} if args.htmx else {}
    client.get(args.url, **headers)  # warm
    with DatabaseCost(connection) as cost:
        response = client.get(args.url, **headers)
    print(f"{response.status_code} {args.url}")
    for number, query in enumerate(cost.queries, 1):
        print(f"\n#{number} rows {query.rows} buffers {query.buffers} returned {query.returned}")
        print("   " + " ".join(query.sql.split())[:1500])
        if args.plans and query.plan:
            for line in plan_lines(query.plan):
                print(f"      {line}")
        else:
            for scan in query.scans:
                print(f"      {scan}")
    summary = cost.summary()
    print(f"\n{summary['queries']} queries, rows {summary['rows']}, buffers {summary['buffers']}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
