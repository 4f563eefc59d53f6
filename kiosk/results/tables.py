"""The programme's tables for a period: months by topic, e-scout, age group, outcome and
source with their trend, hours per e-scout, and every activity form as an anonymous row.

- months: each calendar month that meets the period (clipped to it) is a column; a table
  per dimension (``DIMENSIONS``) counts the month's forms as ``kiosk.results.reports`` does, and
  the totals table adds minutes, visitors, bookings, no-shows, e-scouts' shifts held and
  missed (their shifts on record) and the change in consultations on the previous month (the
  trend);
- e-scout hours: forms and their minutes per e-scout, hours with two decimals;
- rows: one line per activity form, no names, phones, booking codes or notes (a note is
  free text a person typed); the e-scout as the library's salted pseudonym.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kiosk.domain.activity import ActivityService
from kiosk.domain.booking import BookingService
from kiosk.domain.scout_day import shifts_by_month
from kiosk.i18n import DEFAULT_LANGUAGE
from kiosk.results.reports import Results, Row, compute_results, labels, source_of, words
from kiosk.results.spreadsheet import csv_bytes, json_bytes, table_bytes, xlsx_bytes

# dimension -> the Results section it counts
DIMENSIONS = {
    "topic": "by_topic",
    "scout": "by_scout",
    "age": "by_age",
    "outcome": "by_outcome",
    "source": "by_source",
}
TOTALS = ["consultations", "minutes", "visitors", "visitors_unknown", "bookings", "no_shows"]
# The e-scouts' shifts on record, after the totals from the forms and bookings.
SHIFT_TOTALS = ["shifts_held", "shifts_missed"]
ROW_COLUMNS = [
    "date",
    "month",
    "weekday",
    "scout",
    "topics",
    "minutes",
    "hours",
    "age_group",
    "outcome",
    "first_visit",
    "source",
]
SCOUT_COLUMNS = ["scout", "consultations", "minutes", "hours", "share"]

Pseudonym = Callable[[str], str]


@dataclass(frozen=True)
class CrossRow:
    """One line of a month table: a key, its words and one figure per month."""

    key: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class MonthTables:
    months: list[str]  # YYYY-MM, oldest first
    totals: list[CrossRow]
    change: list[float | None]  # consultations on the previous month, percent
    tables: dict[str, list[CrossRow]]  # dimension -> rows

    def to_dict(self) -> dict[str, Any]:
        def rows(items: list[CrossRow]) -> list[dict[str, Any]]:
            return [
                {
                    "key": r.key,
                    "label": r.label,
                    "months": dict(zip(self.months, r.counts, strict=True)),
                    "total": r.total,
                }
                for r in items
            ]

        return {
            "months": self.months,
            "totals": rows(self.totals),
            "change": dict(zip(self.months, self.change, strict=True)),
            **{dim: rows(items) for dim, items in self.tables.items()},
        }


def month_spans(first: date, last: date) -> list[tuple[date, date]]:
    """Each calendar month that meets ``first``..``last``, clipped to it."""
    spans: list[tuple[date, date]] = []
    start = first
    while start <= last:
        nxt = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        spans.append((start, min(last, nxt - timedelta(days=1))))
        start = nxt
    return spans


def month_tables(
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    lang: str = DEFAULT_LANGUAGE,
) -> MonthTables:
    """The period month by month: totals with their trend and a table per dimension."""
    spans = month_spans(first, last)
    per_month = [compute_results(booking, activity, a, b, lang) for a, b in spans]
    t = words(lang)
    totals = [
        CrossRow(key, t(f"lib.report.total.{key}"), [_total(res, key) for res in per_month])
        for key in TOTALS
    ]
    shifts = shifts_by_month(booking.store, first, last)
    for n, key in enumerate(SHIFT_TOTALS):
        counts_of = [shifts.get(f"{a:%Y-%m}", (0, 0))[n] for a, _ in spans]
        totals.append(CrossRow(key, t(f"lib.report.total.{key}"), counts_of))
    counts = totals[0].counts
    change: list[float | None] = [None]
    change += [
        round(100 * (now - before) / before, 1) if before else None
        for before, now in zip(counts, counts[1:], strict=False)
    ]
    tables = {dim: _cross(per_month, section) for dim, section in DIMENSIONS.items()}
    return MonthTables([f"{a:%Y-%m}" for a, _ in spans], totals, change, tables)


def _total(res: Results, key: str) -> int:
    if key == "visitors_unknown":
        return res.walk_ins
    if key == "no_shows":
        return next((r.count for r in res.by_status if r.key == "no_show"), 0)
    return int(getattr(res, key))


def _cross(per_month: list[Results], section: str) -> list[CrossRow]:
    """One row per key seen in any month (fixed keys keep their order), busiest first for
    topics and e-scouts."""
    order: dict[str, str] = {}
    for res in per_month:
        for row in res.section(section):
            order.setdefault(row.key, row.label)
    found = [
        CrossRow(key, label, [_count(res.section(section), key) for res in per_month])
        for key, label in order.items()
    ]
    if section in ("by_topic", "by_scout"):
        found.sort(key=lambda r: -r.total)
    return found


def _count(rows: list[Row], key: str) -> int:
    return next((r.count for r in rows if r.key == key), 0)


@dataclass(frozen=True)
class ScoutHours:
    key: str
    label: str
    consultations: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def scout_hours(
    booking: BookingService, activity: ActivityService, first: date, last: date
) -> list[ScoutHours]:
    """Forms and time per e-scout in the period, most hours first."""
    names = {s.id: s.name for s in booking.scouts()}
    seen: dict[str, tuple[int, int]] = {}
    for r in activity.records(first, last):
        forms, minutes = seen.get(r.scout, (0, 0))
        seen[r.scout] = (forms + 1, minutes + r.minutes)
    rows = [ScoutHours(k, names.get(k, k), n, m) for k, (n, m) in seen.items()]
    return sorted(rows, key=lambda r: (-r.minutes, r.label))


def form_rows(
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    pseudonym: Pseudonym,
) -> list[dict[str, Any]]:
    """Every activity form of the period as an anonymous row (codes, not words)."""
    by_id = {b.id: b for b in booking.bookings()}
    rows = []
    for r in sorted(activity.records(first, last), key=lambda r: (r.date, r.created_at)):
        day = date.fromisoformat(r.date)
        rows.append(
            {
                "date": day,
                "month": f"{day:%Y-%m}",
                "weekday": day.weekday(),
                "scout": pseudonym(r.scout),
                "topics": list(r.topics),
                "minutes": r.minutes,
                "hours": round(r.minutes / 60, 2),
                "age_group": r.age_group,
                "outcome": r.outcome,
                "first_visit": r.first_visit,
                "source": source_of(r, by_id),
            }
        )
    return rows


# -- export ------------------------------------------------------------------------------


def export_months(
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    fmt: str = "csv",
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """Month tables as CSV (one table, a section column), JSON or XLSX (a sheet each)."""
    tables = month_tables(booking, activity, first, last, lang)
    if fmt == "json":
        return json_bytes(tables.to_dict())
    t = words(lang)
    header = [t("lib.report.col.section"), t("lib.report.col.key"), t("lib.report.col.label")]
    header += [*tables.months, t("lib.report.col.total")]
    sections: list[tuple[str, list[list[Any]]]] = [
        ("total", [[r.key, r.label, *r.counts, r.total] for r in tables.totals]),
    ]
    change = [t("lib.report.total.change"), *["" if c is None else c for c in tables.change], ""]
    sections[0][1].append(["change", *change])
    for dim, rows in tables.tables.items():
        sections.append((dim, [[r.key, r.label, *r.counts, r.total] for r in rows]))
    if fmt == "xlsx":
        return xlsx_bytes(
            [(t(f"lib.results.dim_{dim}"), header[1:], rows) for dim, rows in sections]
        )
    if fmt == "csv":
        return csv_bytes(header, [[dim, *row] for dim, rows in sections for row in rows])
    raise ValueError(f"unknown export format {fmt!r}")


def export_scouts(
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    fmt: str = "csv",
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """Hours per e-scout as CSV, JSON or XLSX."""
    rows = scout_hours(booking, activity, first, last)
    whole = sum(r.minutes for r in rows)
    table = [
        [r.label, r.consultations, r.minutes, r.hours, round(100 * r.minutes / whole, 1)]
        for r in rows
    ]
    if fmt == "json":
        return json_bytes(
            [
                {**dict(zip(SCOUT_COLUMNS, row, strict=True)), "scout": r.key, "name": r.label}
                for r, row in zip(rows, table, strict=True)
            ]
        )
    t = words(lang)
    header = [
        t("lib.report.scout.scout"),
        t("lib.report.total.consultations"),
        t("lib.report.total.minutes"),
        t("lib.report.total.hours"),
        t("lib.report.scout.share"),
    ]
    return table_bytes(fmt, t("lib.results.view_scouts"), header, table)


def export_rows(
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    pseudonym: Pseudonym,
    fmt: str = "csv",
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """Every activity form as an anonymous row: JSON keeps codes (for scripts); CSV and
    XLSX show words in ``lang`` and numbers, dates and yes/no a spreadsheet can count."""
    rows = form_rows(booking, activity, first, last, pseudonym)
    if fmt == "json":
        return json_bytes([{**r, "date": r["date"].isoformat()} for r in rows])
    t = words(lang)
    topics = {tp.slug: tp.name(lang) for tp in booking.topics(active_only=False)}
    ages = labels(lang, "lib.age", [r["age_group"] for r in rows])
    outcomes = labels(lang, "lib.outcome", [r["outcome"] for r in rows])
    sources = labels(lang, "lib.report.source", [r["source"] for r in rows])
    days = labels(lang, "lib.report.weekday", [str(d) for d in range(7)])
    yes, no = t("lib.report.yes"), t("lib.report.no")
    table = [
        [
            r["date"],
            r["month"],
            days[str(r["weekday"])],
            r["scout"],
            ", ".join(topics.get(s, s) for s in r["topics"]),
            r["minutes"],
            r["hours"],
            ages[r["age_group"]],
            outcomes[r["outcome"]],
            yes if r["first_visit"] else no,
            sources[r["source"]],
        ]
        for r in rows
    ]
    header = [t(f"lib.report.row.{c}") for c in ROW_COLUMNS]
    return table_bytes(fmt, t("lib.results.file_forms"), header, table)
