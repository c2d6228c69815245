"""The bench report: exactly issue 12's keys (plus database, cases, measured_at), and its Markdown table."""
import json
from pathlib import Path

# (key, what, goal as text, check(value, report) -> met?, None when the goal is not a threshold here)
KEYS = [
    ("intake_http_per_s", "cases/s through POST /api/v1/cases on `gongzhi serve`", "≥ 300/s on PostgreSQL",
     lambda v, r: v >= 300 if r["database"] == "postgresql" else None),
    ("intake_raw_per_s", "cases/s by raw INSERTs, one case per transaction", "—", None),
    ("intake_ratio", "http / raw", "≥ 0.1", lambda v, r: v >= 0.1),
    ("cockpit_p95_ms", "the district cockpit from the roll-ups (dashboard.cockpit)", "≤ 200 ms at 10 M", lambda v, r: v <= 200),
    ("cockpit_groupby_p95_ms", "the same by a plain GROUP BY on the case table", "—", None),
    ("cockpit_speedup", "groupby / cockpit", "≥ 20", lambda v, r: v >= 20),
    ("inbox_p95_ms", "inbox pages (grid worker, street admin; first and cursor) over HTTP", "≤ 50 ms at 10 M", lambda v, r: v <= 50),
    ("detail_p95_ms", "a registered case's page (similar cases, routing) over HTTP", "≤ 100 ms at 10 M", lambda v, r: v <= 100),
    ("locate_per_s", "point → micro-grid, locate()", "≥ 50,000/s", lambda v, r: v >= 50_000),
    ("locate_naive_per_s", "point → micro-grid, a loop over all polygons", "—", None),
    ("locate_ratio", "locate / naive", "≥ 50", lambda v, r: v >= 50),
    ("import_rows_per_s", "Excel import of residents", "100,000 rows ≤ 60 s", lambda v, r: v >= 100_000 / 60),
    ("import_raw_rows_per_s", "raw bulk insert of the same rows", "—", None),
    ("import_ratio", "import / raw", "≥ 0.3", lambda v, r: v >= 0.3),
    ("similar_p95_ms", "similar-case search for a new case", "≤ 50 ms", lambda v, r: v <= 50),
    ("tick_s", "one `gongzhi tick` at N cases", "≤ 5 s", lambda v, r: v <= 5),
    ("tick_queries", "its query count", "independent of N", None),
    ("worker_rss_mb", "largest server worker's RSS after the load", "≤ 200 MB", lambda v, r: v <= 200),
]
MEASURE_KEYS = [k for k, *_rest in KEYS]
REPORT_KEYS = ["database", "cases", "measured_at", *MEASURE_KEYS]


def empty(database, cases, measured_at):
    return {"database": database, "cases": cases, "measured_at": measured_at, **{k: None for k in MEASURE_KEYS}}


def _show(value):
    if value is None:
        return "null"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def markdown(report, notes=()):
    lines = [f"# gongzhi bench: {report['cases']:,} cases on {report['database']}", "",
             f"Measured at {report['measured_at']}.", "",
             "| key | value | what | goal | met |", "|---|---|---|---|---|"]
    for key, what, goal, check in KEYS:
        value = report[key]
        met = "" if value is None or check is None else ("yes" if check(value, report) else "**no**")
        if met == "" and check is not None and value is not None:
            met = "n/a here"
        lines.append(f"| `{key}` | {_show(value)} | {what} | {goal} | {met} |")
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def write(report, out, notes=()):
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    assert list(report) == REPORT_KEYS, "the report has exactly the table's keys"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    table = out.with_suffix(".md")
    table.write_text(markdown(report, notes))
    return out, table
