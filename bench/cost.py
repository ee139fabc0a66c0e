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
