"""The programme's report as one self-contained HTML file a coordinator can open and send.

Charts are drawn by matplotlib as SVG and inlined: no JavaScript, no CDN, nothing that
loads from the network, and the file prints as it shows.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

from kiosk.programme.report import Programme

_SVG_START = re.compile(r"^.*?(?=<svg)", re.S)
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
MAX_BARS = 25  # a chart of 1,200 libraries says nothing; their table follows it

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #111; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.totals td:first-child { font-weight: bold; }
figure { margin: 0; } svg { max-width: 100%; height: auto; }
"""

TOTAL_LABELS = {
    "consultations": "Consultations",
    "hours": "Hours",
    "people": "People (first visits)",
    "repeat_visits": "Repeat visits",
    "scouts_active": "E-scouts active",
    "libraries": "Libraries reporting",
    "municipalities": "Municipalities",
    "bookings": "Bookings",
    "no_shows": "No-shows",
    "no_show_rate": "No-show rate, %",
}


def _svg(fig: Any) -> str:
    """The figure as an inline <svg> element (no XML prolog, DOCTYPE or RDF metadata)."""
    buf = io.StringIO()
    # Fixed margins instead of bbox_inches="tight", which draws every chart twice.
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = _SVG_METADATA.sub("", _SVG_START.sub("", buf.getvalue(), count=1))
    return text


def _bar_chart(title: str, labels: list[str], values: list[float], horizontal: bool) -> str:
    from matplotlib.figure import Figure

    if horizontal:
        height = 0.3 * len(labels) + 1.0
        fig = Figure(figsize=(8, height))
        fig.subplots_adjust(left=0.32, right=0.97, top=1 - 0.45 / height, bottom=0.5 / height)
        ax = fig.subplots()
        ax.barh(labels[::-1], values[::-1], color="#2b6cb0")
    else:
        fig = Figure(figsize=(8, 3.2))
        fig.subplots_adjust(left=0.1, right=0.97, top=0.88, bottom=0.3)
        ax = fig.subplots()
        ax.bar(labels, values, color="#2b6cb0")
        if len(labels) > 12:
            ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No data.</p>"
    columns = [c for c in rows[0] if c != "key"]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def programme_html(prog: Programme) -> bytes:
    """The whole report: totals, then each table with its chart."""
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small and searchable
    matplotlib.rcParams["svg.hashsalt"] = "escout"  # same data, same file
    covers = prog.span or (prog.first, prog.last)
    period = f"{covers[0] or '…'} – {covers[1] or '…'}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="lt"><head><meta charset="utf-8">',
        "<title>Prisijungusi Lietuva: results</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Prisijungusi Lietuva: e-scout consultations</h1>",
        f"<p>Period: {html.escape(period)}</p>",
        '<table class="totals"><tbody>',
    ]
    for key, label in TOTAL_LABELS.items():
        value = prog.totals.get(key)
        shown = "—" if value is None else str(value)
        parts.append(f"<tr><td>{html.escape(label)}</td><td>{html.escape(shown)}</td></tr>")
    parts.append("</tbody></table>")
    for name, rows in prog.tables.items():
        title = name
        parts.append(f"<h2>{html.escape(title)}</h2>")
        measure = "count" if name == "by_status" else "consultations"
        charted = rows if name == "by_month" else rows[:MAX_BARS]
        if charted:
            labels = [str(r["label"]) for r in charted]
            values = [r.get(measure, 0) for r in charted]
            chart_title = title if len(charted) == len(rows) else f"{title}: top {len(charted)}"
            parts.append(
                "<figure>"
                + _bar_chart(chart_title, labels, values, horizontal=name != "by_month")
                + "</figure>"
            )
        parts.append(_table(rows))
    parts.append("</body></html>")
    return ("\n".join(parts) + "\n").encode("utf-8")
