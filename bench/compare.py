"""Two runs of `bench/run.py` side by side: every page at two scales, with its growth.

    .venv/bin/python bench/compare.py var/bench/scale-1.json var/bench/scale-5.json

For every page (and job) of both runs: p95 and the rows and buffers the database touched
(bench/cost.py), at each scale, and the growth factor (larger scale ÷ smaller). A page whose
p95 grows more than `GROWTH_LIMIT` (1.5×) is reported, and so is one whose rows or buffers do —
the load-independent sign of the same thing. Wall-clock times on a shared machine are noisy, so
a page whose p95 grew while its rows and buffers stayed flat is marked as such.

The exit status is 0 either way: this is a benchmark's report, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

GROWTH_LIMIT = 1.5
#: Below this many buffers a difference is the B-tree's depth or a cache entry's size, not the
#: data: 40 buffers are 320 KB.
BUFFER_FLOOR = 40
ROW_FLOOR = 200
DEFAULT_TARGET_MS = 150.0


def _entry(section, page, visitor, *, p95, rows=None, buffers=None, queries=None, target=None):
    return {
        "key": f"{section} | {page} | {visitor or ''}",
        "section": section,
        "page": page,
        "visitor": visitor or "",
        "p95_ms": p95,
        "rows": rows,
        "buffers": buffers,
        "queries": queries,
        "target_ms": target,
    }


def flatten(report: dict) -> list[dict]:
    """Every measured page of a `bench/run.py` report as one list of uniform entries."""
    rows: list[dict] = []
    for page in report.get("pages", [])[1:]:  # the first is the bare view
        rows.append(
            _entry(
                "pages",
                page["page"],
                page["visitor"],
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
    surveys = report.get("surveys") or {}
    if surveys.get("results_page"):
        page = surveys["results_page"]
        rows.append(
            _entry(
                "surveys",
                "survey results, warm",
                "evaluator",
                p95=page["warm_p95_ms"],
                rows=page.get("warm_rows"),
                buffers=page.get("warm_buffers"),
                queries=page["queries_warm"],
                target=DEFAULT_TARGET_MS,
            )
        )
        rows.append(
            _entry(
                "surveys",
                "survey results, cold",
                "evaluator",
                p95=page.get("cold_p95_ms", page["cold_max_ms"]),
                rows=page.get("cold_rows"),
                buffers=page.get("cold_buffers"),
                queries=page["queries_cold"],
                target=500.0,
            )
        )
        if "computed_max_ms" in page:
            rows.append(
                _entry(
                    "surveys",
                    "survey results, computed after a release",
                    "evaluator",
                    p95=page["computed_max_ms"],
                    rows=page.get("computed_rows"),
                    buffers=page.get("computed_buffers"),
                    queries=page["queries_computed"],
                )
            )
    for page in (report.get("venster") or {}).get("pages", []):
        target = 100.0 if page["page"].startswith("similar") else DEFAULT_TARGET_MS
        rows.append(
            _entry(
                "venster",
                page["page"],
                "coordinator",
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["queries"],
                target=target,
            )
        )
    for page in (report.get("dissemination") or {}).get("pages", []):
        rows.append(
            _entry(
                "dissemination",
                page["page"],
                page["visitor"],
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
    reports = report.get("reports") or {}
    if reports.get("programme_report"):
        page = reports["programme_report"]
        rows.append(
            _entry(
                "reports",
                "programme report, warm",
                "coordinator",
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["warm_queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
        rows.append(
            _entry(
                "reports",
                "programme report, cold",
                "coordinator",
                p95=page.get("cold_p95_ms", max(page["cold_ms"])),
                rows=page.get("cold_rows"),
                buffers=page.get("cold_buffers"),
                queries=page["cold_queries"],
            )
        )
        if "computed_ms" in page:
            rows.append(
                _entry(
                    "reports",
                    "programme report, computed by the worker",
                    "coordinator",
                    p95=max(page["computed_ms"]),
                    rows=page.get("computed_rows"),
                    buffers=page.get("computed_buffers"),
                    queries=page["computed_queries"],
                )
            )
    monitor = report.get("monitor") or {}
    if monitor.get("programme_matrix"):
        page = monitor["programme_matrix"]
        rows.append(
            _entry(
                "monitor",
                "monitor matrix, warm",
                "coordinator",
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
        rows.append(
            _entry(
                "monitor",
                "monitor matrix, cold",
                "coordinator",
                p95=page["cold_ms"],
                rows=page.get("cold_rows"),
                buffers=page.get("cold_buffers"),
            )
        )
        own = monitor["community_monitor"]
        rows.append(
            _entry(
                "monitor",
                "community monitor",
                "lead",
                p95=own["p95_ms"],
                rows=own.get("rows"),
                buffers=own.get("buffers"),
                queries=own["queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
    for page in (report.get("api") or {}).get("endpoints", []):
        rows.append(
            _entry(
                "api",
                page["endpoint"],
                page["visitor"],
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
    for page in (report.get("learning") or {}).get("pages", []):
        rows.append(
            _entry(
                "learning",
                page["page"],
                page["visitor"],
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
    for page in report.get("extra_pages", []):
        rows.append(
            _entry(
                page.get("section", "pages"),
                page["page"],
                page["visitor"],
                p95=page["p95_ms"],
                rows=page.get("rows"),
                buffers=page.get("buffers"),
                queries=page["queries"],
                target=DEFAULT_TARGET_MS,
            )
        )
    return rows


def jobs(report: dict) -> dict[str, float | None]:
    """Figures of background work that are not pages: the newsletter worker's peak memory."""
    send = (report.get("dissemination") or {}).get("newsletter_send") or {}
    return {
        "newsletter worker peak RSS (MB)": send.get("worker_peak_rss_mb"),
        "newsletter task seconds": send.get("task_seconds"),
    }


def growth(small, large) -> float | None:
    if small is None or large is None:
        return None
    if small == 0:
        return None if large == 0 else float("inf")
    return large / small


def grows(small, large, floor) -> bool:
    factor = growth(small, large)
    return factor is not None and factor > GROWTH_LIMIT and (large - small) > floor


def compare(small: dict, large: dict) -> list[dict]:
    by_key = {entry["key"]: entry for entry in flatten(large)}
    table = []
    for entry in flatten(small):
        other = by_key.get(entry["key"])
        if other is None:
            continue
        row = {
            "section": entry["section"],
            "page": entry["page"],
            "visitor": entry["visitor"],
            "target_ms": other["target_ms"],
            "p95_small": entry["p95_ms"],
            "p95_large": other["p95_ms"],
            "p95_growth": growth(entry["p95_ms"], other["p95_ms"]),
            "rows_small": entry["rows"],
            "rows_large": other["rows"],
            "rows_growth": growth(entry["rows"], other["rows"]),
            "buffers_small": entry["buffers"],
            "buffers_large": other["buffers"],
            "buffers_growth": growth(entry["buffers"], other["buffers"]),
            "queries_small": entry["queries"],
            "queries_large": other["queries"],
        }
        row["time_grows"] = (row["p95_growth"] or 0) > GROWTH_LIMIT
        row["data_grows"] = grows(entry["rows"], other["rows"], ROW_FLOOR) or grows(
            entry["buffers"], other["buffers"], BUFFER_FLOOR
        )
        row["over_target"] = row["target_ms"] is not None and other["p95_ms"] > row["target_ms"]
        table.append(row)
    return table


def _fmt(value, digits=0) -> str:
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{digits}f}"


def _factor(value) -> str:
    return "–" if value is None else ("∞" if value == float("inf") else f"{value:.2f}×")


def markdown(table: list[dict], small_scale, large_scale) -> str:
    a, b = f"{small_scale:g}×", f"{large_scale:g}×"
    lines = [
        f"| page | visitor | p95 ms {a} | p95 ms {b} | growth | rows {a} | rows {b} "
        f"| buffers {a} | buffers {b} | growth | queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in table:
        flag = " ⚠" if row["time_grows"] else ""
        data_flag = " ⚠" if row["data_grows"] else ""
        queries = (
            f"{row['queries_small']}"
            if row["queries_small"] == row["queries_large"]
            else f"{row['queries_small']} → {row['queries_large']}"
        )
        lines.append(
            f"| {row['section']}: {row['page']} | {row['visitor']} | {_fmt(row['p95_small'], 1)} "
            f"| {_fmt(row['p95_large'], 1)} | {_factor(row['p95_growth'])}{flag} "
            f"| {_fmt(row['rows_small'])} | {_fmt(row['rows_large'])} "
            f"| {_fmt(row['buffers_small'])} | {_fmt(row['buffers_large'])} "
            f"| {_factor(row['buffers_growth'])}{data_flag} | {queries if queries else '–'} |"
        )
    return "\n".join(lines)


def report_text(small: dict, large: dict) -> str:
    table = compare(small, large)
    small_scale = (small.get("dataset") or {}).get("scale", 1)
    large_scale = (large.get("dataset") or {}).get("scale", 5)
    out = [
        f"Runs: {small_scale:g}× on {small.get('date')} (load {small['machine']['load_average_1_5_15']}), "
        f"{large_scale:g}× on {large.get('date')} (load {large['machine']['load_average_1_5_15']})",
        "",
        markdown(table, small_scale, large_scale),
        "",
    ]
    for name, value in jobs(small).items():
        out.append(
            f"{name}: {_fmt(value, 1)} at {small_scale:g}×, {_fmt(jobs(large)[name], 1)} at {large_scale:g}×"
        )
    time_grows = [r for r in table if r["time_grows"]]
    data_grows = [r for r in table if r["data_grows"]]
    over = [r for r in table if r["over_target"]]
    out.append("")
    out.append(f"p95 grows more than {GROWTH_LIMIT}× ({len(time_grows)}):")
    for row in time_grows:
        note = "" if row["data_grows"] else " (rows and buffers flat: the machine's noise?)"
        out.append(
            f"  {row['section']}: {row['page']} ({row['visitor']}) {_factor(row['p95_growth'])}{note}"
        )
    out.append(f"rows or buffers grow more than {GROWTH_LIMIT}× ({len(data_grows)}):")
    for row in data_grows:
        out.append(
            f"  {row['section']}: {row['page']} ({row['visitor']}) rows {_factor(row['rows_growth'])}, "
            f"buffers {_factor(row['buffers_growth'])}"
        )
    out.append(f"p95 over its target at {large_scale:g}× ({len(over)}):")
    for row in over:
        out.append(
            f"  {row['section']}: {row['page']} ({row['visitor']}) {_fmt(row['p95_large'], 1)} ms "
            f"> {row['target_ms']:.0f} ms"
        )
    return "\n".join(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    args = parser.parse_args(argv)
    small = json.loads(args.small.read_text())
    large = json.loads(args.large.read_text())
    print(report_text(small, large))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
