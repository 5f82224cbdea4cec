"""`odr report`: one self-contained HTML page from a .db that a campaigner can share.

What is in it: the counts; decisions by council and by month; key decisions; field coverage (the
share of records that state each field); errors by kind; and a review list of the fields found with
the least confidence, each with the text it was read from. Charts are inline SVG and the styles are
inline, so the page fetches nothing and opens anywhere, offline.

The page reads only odr's tables, and copes with what a database may lack (a column that no record
filled is not there; councils only when some are known).
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from .columns import DB_COLUMNS
from .writers import OutputError

REVIEW_ROWS = 25         # lowest-confidence evidence rows listed
MAX_MONTHS = 60          # a longer span is charted by year
KEY_DECISION_ROWS = 20   # newest key decisions listed
BAR_WIDTH = 420          # pixels of the longest bar
# Columns that every record has or that are derived from another: not "coverage".
_NOT_FIELDS = {"sha256", "path", "schema_version", "decision_year", "decision_month", "rejected_options_count"}

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d2733; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2.2rem; border-bottom: 1px solid #d5dbe3; }
.muted { color: #5b6673; } .numbers { display: flex; gap: 1.2rem; flex-wrap: wrap; margin: 1rem 0; }
.numbers div { background: #f1f4f8; border-radius: 6px; padding: .6rem 1rem; } .numbers b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: 14px; } td, th { text-align: left; padding: .3rem .5rem; vertical-align: top; }
tr:nth-child(even) td { background: #f7f9fb; } th { border-bottom: 2px solid #d5dbe3; }
blockquote { margin: 0; font-style: italic; color: #3a4654; } svg text { font: 12px system-ui, sans-serif; fill: #1d2733; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def bar_chart(items: Sequence[tuple[str, float]], *, label: str, percent: bool = False) -> str:
    """Horizontal bars, one per (name, value), labelled; an inline <svg>."""
    if not items:
        return "<p class=muted>Nothing to show.</p>"
    top = max(value for _, value in items) or 1
    row, name_width = 22, 250
    height = row * len(items) + 6
    bars = []
    for i, (name, value) in enumerate(items):
        y = i * row + 3
        width = max(1.0, BAR_WIDTH * value / top)
        shown = f"{value:.0%}" if percent else f"{value:g}"
        bars.append(f'<text x="{name_width - 8}" y="{y + 14}" text-anchor="end">{_e(name[:40])}</text>'
                    f'<rect x="{name_width}" y="{y}" width="{width:.1f}" height="{row - 6}" fill="#3c78b4"><title>{_e(name)}: {shown}</title></rect>'
                    f'<text x="{name_width + width + 6:.1f}" y="{y + 14}">{shown}</text>')
    return (f'<svg role="img" aria-label="{_e(label)}" width="{name_width + BAR_WIDTH + 60}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def column_chart(items: Sequence[tuple[str, float]], *, label: str) -> str:
    """Vertical columns over time (one per month), labelled at the ends; an inline <svg>."""
    if not items:
        return "<p class=muted>No decision dates.</p>"
    top = max(value for _, value in items) or 1
    step = max(2, min(36, 720 // len(items)))
    chart_height, width = 160, step * len(items) + 40
    columns = []
    for i, (name, value) in enumerate(items):
        height = chart_height * value / top
        x = 30 + i * step
        columns.append(f'<rect x="{x}" y="{chart_height - height + 10:.1f}" width="{step - 2}" height="{height:.1f}" '
                       f'fill="#3c78b4"><title>{_e(name)}: {value:g}</title></rect>')
    ends = (f'<text x="30" y="{chart_height + 28}">{_e(items[0][0])}</text>'
            f'<text x="{30 + len(items) * step}" y="{chart_height + 28}" text-anchor="end">{_e(items[-1][0])}</text>'
            f'<text x="24" y="20" text-anchor="end">{top:g}</text><text x="24" y="{chart_height + 10}" text-anchor="end">0</text>')
    return (f'<svg role="img" aria-label="{_e(label)}" width="{width}" height="{chart_height + 36}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(columns)}{ends}</svg>')


def _months(first: str, last: str) -> list[str]:
    """Every YYYY-MM from first to last, so that a month with no decision shows as a gap."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows already escaped (cells may hold markup)."""
    if not rows:
        return "<p class=muted>None.</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def build_report(path: str | Path) -> str:
    """The report page for the odr database at `path`, as HTML text."""
    path = Path(path)
    if not path.is_file():
        raise OutputError(f"{path}: no such database")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
            if not {"decisions", "errors"} <= tables:
                raise OutputError(f"{path}: no decisions and errors tables; not a database odr wrote")
            return _page(db, path, tables)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise OutputError(f"{path}: not a usable SQLite database ({exc})") from None


def _page(db: sqlite3.Connection, path: Path, tables: set[str]) -> str:
    def one(sql: str, *args):
        return db.execute(sql, args).fetchone()[0]

    columns = [row[1] for row in db.execute("pragma table_info(decisions)")]
    records, errors = one("select count(*) from decisions"), one("select count(*) from errors")
    duplicates = one("select count(*) from duplicates") if "duplicates" in tables else 0
    councils = one("select count(distinct council) from decisions") if "council" in columns else 0
    sections = [f"<h1>Council decision records</h1><p class=muted>{_e(path.name)}"]
    if "runs" in tables and (run := db.execute("select finished, odr_version from runs order by id desc limit 1").fetchone()):
        sections[-1] += f" · last written {_e(run[0])} by odr {_e(run[1])}"
    sections[-1] += "</p>"
    numbers = [("decisions", records), ("councils", councils), ("could not be read", errors), ("duplicate files", duplicates)]
    if "key_decision" in columns:
        numbers.insert(1, ("key decisions", one("select count(*) from decisions where key_decision = 'true'")))
    sections.append("<div class=numbers>" + "".join(f"<div><b>{n}</b>{_e(label)}</div>" for label, n in numbers) + "</div>")

    by_council = db.execute("select coalesce(council, '(not stated)'), count(*) from decisions group by 1 "
                            "order by 2 desc, 1 limit 30").fetchall() if "council" in columns else []
    sections.append("<h2 id=councils>Decisions by council</h2>" + bar_chart(by_council, label="Decisions by council"))

    monthly = dict(db.execute("select decision_month, count(*) from decisions where decision_month is not null "
                              "group by 1 order by 1").fetchall()) if "decision_month" in columns else {}
    months = [(m, monthly.get(m, 0)) for m in _months(min(monthly), max(monthly))] if monthly else []
    period = "month"
    if len(months) > MAX_MONTHS:
        period, yearly = "year", {m[:4]: 0 for m, _ in months}
        for month, count in months:
            yearly[month[:4]] += count
        months = list(yearly.items())
    undated = records - sum(monthly.values())
    sections.append(f"<h2 id=months>Decisions by {period}</h2>" + column_chart(months, label=f"Decisions by {period}")
                    + (f"<p class=muted>{undated} record(s) state no decision date.</p>" if undated else ""))

    if "key_decision" in columns:
        shares = db.execute("select coalesce(key_decision, 'not stated'), count(*) from decisions group by 1 order by 2 desc").fetchall()
        wanted = [c for c in ("decision_date", "council", "subject", "decision_maker_title") if c in columns]
        rows = db.execute(f"select {', '.join(wanted)} from decisions where key_decision = 'true' "
                          f"order by decision_date is null, decision_date desc limit {KEY_DECISION_ROWS}").fetchall() if wanted else []
        sections.append("<h2 id=key>Key decisions</h2>" + bar_chart(shares, label="Key decision: true, false, not stated")
                        + _table([c.replace("_", " ") for c in wanted], [[_e(v) for v in row] for row in rows]))

    fields = [c.name for c in DB_COLUMNS if c.name not in _NOT_FIELDS and not c.name.startswith("source_")]
    coverage = [(name.replace("_", " "), one(f"select count(*) from decisions where [{name}] is not null and [{name}] != '[]'") / records
                 if name in columns and records else 0.0) for name in fields]
    sections.append("<h2 id=coverage>Field coverage</h2><p class=muted>The share of records that state each field; "
                    "a field no record states is 0%.</p>" + bar_chart(coverage, label="Field coverage", percent=True))

    kinds = db.execute("select kind, count(*) from errors group by kind order by 2 desc, 1").fetchall()
    sections.append("<h2 id=errors>Errors by kind</h2>" + bar_chart(kinds, label="Errors by kind"))

    if "evidence" in tables:
        subject = "d.subject" if "subject" in columns else "null"
        rows = db.execute(f"select e.confidence, e.field, e.method, e.quote, {subject}, d.path from evidence e "
                          f"join decisions d on d.id = e.decision_id order by e.confidence, e.id limit {REVIEW_ROWS}").fetchall()
        sections.append("<h2 id=review>To review: the least certain fields</h2><p class=muted>Fields found with the "
                        "lowest confidence (a phrase in prose rather than a labelled line), with the text they were read from.</p>"
                        + _table(["confidence", "field", "how", "read from", "decision"],
                                 [[f"{c:.2f}", _e(f), _e(m), f"<blockquote>{_e(q)}</blockquote>", f"{_e(s)}<br><span class=muted>{_e(p)}</span>"]
                                  for c, f, m, q, s, p in rows]))
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            f"<title>Council decision records: {_e(path.name)}</title><style>{_STYLE}</style></head><body>"
            + "".join(sections) + "</body></html>\n")
