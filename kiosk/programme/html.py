"""The programme's report as one self-contained HTML file a coordinator can open and send.

Charts are drawn by matplotlib as SVG and inlined: no JavaScript, no CDN, nothing that
loads from the network, and the file prints as it shows. Every heading and label is in the
report's language (the librarian catalogue).
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

from kiosk.programme.report import TOTALS, Programme
from kiosk.results.reports import words

_SVG_START = re.compile(r"^.*?(?=<svg)", re.S)
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
MAX_BARS = 25  # a chart of 1,200 libraries says nothing; their table follows it
# Tables whose rows are not amounts of one measure: no chart.
_UNCHARTED = (
    "reporting",
    "by_municipality_month",
    "scouts_by_month",
    "no_shows_by_month",
    "unmet_by_month",
)
_MEASURE = {
    "by_status": "count",
    "by_weekday_hour": "count",
    "unmet_by_topic": "waitlist",
}

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #111; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.totals td:first-child { font-weight: bold; }
td.gap { color: #b00020; font-weight: bold; }
figure { margin: 0; } svg { max-width: 100%; height: auto; }
"""


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


def _cell(column: str, value: Any) -> str:
    shown = "—" if value is None else str(value)
    # A library's months no file covers: marked, so a coordinator sees who to ask.
    marked = ' class="gap"' if column == "gaps" and value else ""
    return f"<td{marked}>{html.escape(shown)}</td>"


def _table(rows: list[dict[str, Any]], t: Any) -> str:
    if not rows:
        return f"<p>{html.escape(t('lib.programme.no_data'))}</p>"
    columns = [c for c in rows[0] if c != "key"]
    head = "".join(f"<th>{html.escape(t(f'lib.programme.col.{c}'))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(c, r.get(c)) for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def programme_html(prog: Programme) -> bytes:
    """The whole report: totals, then each table with its chart."""
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small and searchable
    matplotlib.rcParams["svg.hashsalt"] = "escout"  # same data, same file
    t = words(prog.lang)
    title = t("lib.programme.title")
    period = prog.covers() or t("lib.programme.no_data")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(prog.lang)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(t('lib.programme.period'))}: {html.escape(period)}</p>",
        '<table class="totals"><tbody>',
    ]
    for key in TOTALS:
        label = t(f"lib.programme.total.{key}")
        value = prog.totals.get(key)
        shown = "—" if value is None else str(value)
        parts.append(f"<tr><td>{html.escape(label)}</td><td>{html.escape(shown)}</td></tr>")
    parts.append("</tbody></table>")
    for name, rows in prog.tables.items():
        heading = t(f"lib.programme.table.{name}")
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        measure = _MEASURE.get(name, "consultations")
        charted = rows if name == "by_month" else rows[:MAX_BARS]
        if charted and name not in _UNCHARTED:
            labels = [str(r["label"]) for r in charted]
            values = [r.get(measure, 0) for r in charted]
            chart_title = (
                heading
                if len(charted) == len(rows)
                else f"{heading}: {t('lib.programme.top').format(n=len(charted))}"
            )
            parts.append(
                "<figure>"
                + _bar_chart(chart_title, labels, values, horizontal=name != "by_month")
                + "</figure>"
            )
        parts.append(_table(rows, t))
    parts.append("</body></html>")
    return ("\n".join(parts) + "\n").encode("utf-8")
