"""Results for a period: aggregates of activity forms and bookings, and their export.

Definitions (the README repeats them):
- consultations: activity forms dated within the period;
- by topic: forms that covered the topic (one form may cover several topics);
- by e-scout, age group, outcome, first visit: forms;
- first and repeat visits: forms. A form is a repeat visit when it says so or when its
  booking was booked as the next session of an earlier one (``Booking.follows``). The form
  is the truth because results count consultations, and only the form says one took place;
  it also knows repeat visitors who booked afresh at the kiosk, whom no record links (names
  are erased after the retention period). ``follows`` is certain where it exists, so it
  overrides a form left at its default "first visit";
- follow-up bookings: bookings starting within the period that were booked as the next
  session of an earlier one;
- bookings by status: bookings starting within the period;
- no-show rate: no-shows / (checked in + done + no-shows), the visits that were due
  and settled, in percent with one decimal;
- busiest weekdays and hours: bookings within the period that were not cancelled,
  by the weekday and hour of their start.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from kiosk.activity import ActivityService
from kiosk.booking import BookingService
from kiosk.models import AgeGroup, Booking, BookingStatus, Outcome

CSV_COLUMNS = ["section", "key", "label", "count", "percent"]
BOOKING_COLUMNS = [
    "date",
    "time",
    "code",
    "status",
    "topic",
    "scout",
    "place",
    "name",
    "phone",
    "source",
]
WEEKDAYS_LT = [
    "Pirmadienis",
    "Antradienis",
    "Trečiadienis",
    "Ketvirtadienis",
    "Penktadienis",
    "Šeštadienis",
    "Sekmadienis",
]
AGE_LABELS = {
    AgeGroup.UNDER_30: "iki 30",
    AgeGroup.FROM_30_TO_49: "30–49",
    AgeGroup.FROM_50_TO_64: "50–64",
    AgeGroup.FROM_65_TO_74: "65–74",
    AgeGroup.OVER_75: "75+",
}
OUTCOME_LABELS = {
    Outcome.SOLVED: "Išspręsta",
    Outcome.PARTLY: "Iš dalies",
    Outcome.REFERRED: "Nukreipta",
    Outcome.FOLLOW_UP: "Reikia tęsti",
}
STATUS_LABELS = {
    BookingStatus.BOOKED: "Užregistruota",
    BookingStatus.CHECKED_IN: "Atvyko",
    BookingStatus.DONE: "Įvyko",
    BookingStatus.NO_SHOW: "Neatvyko",
    BookingStatus.CANCELLED: "Atšaukta",
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int


@dataclass
class Results:
    first: date
    last: date
    consultations: int = 0
    minutes: int = 0
    by_topic: list[Row] = field(default_factory=list)
    by_scout: list[Row] = field(default_factory=list)
    by_age: list[Row] = field(default_factory=list)
    by_outcome: list[Row] = field(default_factory=list)
    by_visit: list[Row] = field(default_factory=list)
    by_status: list[Row] = field(default_factory=list)
    by_weekday: list[Row] = field(default_factory=list)
    by_hour: list[Row] = field(default_factory=list)
    bookings: int = 0
    no_show_rate: float | None = None  # percent
    first_visits: int = 0  # consultations: first visits and repeat visits (see the top)
    repeat_visits: int = 0
    follow_up_bookings: int = 0  # bookings booked as the next session of an earlier one

    SECTIONS = (
        "by_topic",
        "by_scout",
        "by_age",
        "by_outcome",
        "by_visit",
        "by_status",
        "by_weekday",
        "by_hour",
    )

    def section(self, name: str) -> list[Row]:
        return list(getattr(self, name))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "consultations": self.consultations,
            "minutes": self.minutes,
            "bookings": self.bookings,
            "no_show_rate": self.no_show_rate,
            "first_visits": self.first_visits,
            "repeat_visits": self.repeat_visits,
            "follow_up_bookings": self.follow_up_bookings,
        }
        for name in self.SECTIONS:
            out[name] = [
                {"key": r.key, "label": r.label, "count": r.count} for r in self.section(name)
            ]
        return out


def _rows(counter: Counter[str], order: list[str], labels: dict[str, str]) -> list[Row]:
    """Rows in a fixed order (every known key, zeros too), then unknown keys."""
    keys = list(order) + sorted(k for k in counter if k not in order)
    return [Row(k, labels.get(k, k), counter.get(k, 0)) for k in keys]


def compute_results(
    booking: BookingService, activity: ActivityService, first: date, last: date
) -> Results:
    """Every aggregate of the period ``first``..``last`` (both inclusive)."""
    records = activity.records(first, last)
    every_booking = booking.bookings()
    bookings = [b for b in every_booking if first <= b.starts.date() <= last]
    topics = booking.topics(active_only=False)
    scouts = booking.scouts()
    res = Results(first, last)
    res.consultations = len(records)
    res.minutes = sum(r.minutes for r in records)

    topic_count: Counter[str] = Counter(t for r in records for t in r.topics)
    res.by_topic = [
        row
        for row in _rows(
            topic_count, [t.slug for t in topics], {t.slug: t.name("lt") for t in topics}
        )
        if row.count
    ]
    res.by_topic.sort(key=lambda row: -row.count)
    scout_count: Counter[str] = Counter(r.scout for r in records)
    res.by_scout = [
        row
        for row in _rows(scout_count, [s.id for s in scouts], {s.id: s.name for s in scouts})
        if row.count
    ]
    res.by_scout.sort(key=lambda row: -row.count)
    res.by_age = _rows(
        Counter(r.age_group for r in records),
        [str(a) for a in AgeGroup],
        {str(k): v for k, v in AGE_LABELS.items()},
    )
    res.by_outcome = _rows(
        Counter(r.outcome for r in records),
        [str(o) for o in Outcome],
        {str(k): v for k, v in OUTCOME_LABELS.items()},
    )
    follow_ups = {b.id for b in every_booking if b.follows}
    repeats = sum(1 for r in records if not r.first_visit or r.booking_id in follow_ups)
    res.repeat_visits = repeats
    res.first_visits = len(records) - repeats
    res.follow_up_bookings = sum(1 for b in bookings if b.follows)
    res.by_visit = _rows(
        Counter({"first": res.first_visits, "repeat": res.repeat_visits}),
        ["first", "repeat"],
        {"first": "Pirmas apsilankymas", "repeat": "Pakartotinis"},
    )

    res.bookings = len(bookings)
    status_count: Counter[str] = Counter(b.status for b in bookings)
    res.by_status = _rows(
        status_count, [str(s) for s in BookingStatus], {str(k): v for k, v in STATUS_LABELS.items()}
    )
    settled = sum(status_count[s] for s in ("checked_in", "done", "no_show"))
    res.no_show_rate = round(100 * status_count["no_show"] / settled, 1) if settled else None

    held = [b for b in bookings if b.state is not BookingStatus.CANCELLED]
    res.by_weekday = _rows(
        Counter(str(b.starts.weekday()) for b in held),
        [str(d) for d in range(7)],
        {str(d): WEEKDAYS_LT[d] for d in range(7)},
    )
    hours = Counter(f"{b.starts.hour:02d}" for b in held)
    res.by_hour = [Row(h, f"{h}:00", hours[h]) for h in sorted(hours)]
    return res


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(row: list[Any]) -> list[Any]:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
    apostrophe: a phone "+370..." stays text, and a crafted place name cannot run."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row]


def _percent(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}" if total else ""


def results_csv(res: Results) -> bytes:
    """One tidy table (section, key, label, count, percent): opens cleanly in a spreadsheet."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["period", "from", "Nuo", res.first.isoformat(), ""])
    writer.writerow(["period", "to", "Iki", res.last.isoformat(), ""])
    writer.writerow(["total", "consultations", "Konsultacijos", res.consultations, ""])
    writer.writerow(["total", "minutes", "Minutės", res.minutes, ""])
    writer.writerow(["total", "bookings", "Registracijos", res.bookings, ""])
    rate = "" if res.no_show_rate is None else f"{res.no_show_rate:.1f}"
    writer.writerow(["total", "no_show_rate", "Neatvykusių dalis, %", "", rate])
    visits = res.consultations
    for key, label, count, share in [
        ("first_visits", "Pirmi apsilankymai", res.first_visits, visits),
        ("repeat_visits", "Pakartotiniai apsilankymai", res.repeat_visits, visits),
        ("follow_up_bookings", "Kito susitikimo registracijos", res.follow_up_bookings, 0),
    ]:
        writer.writerow(["total", key, label, count, _percent(count, share)])
    for name in Results.SECTIONS:
        rows = res.section(name)
        total = res.bookings if name == "by_status" else sum(r.count for r in rows)
        if name == "by_topic":
            total = res.consultations  # share of consultations that covered the topic
        for r in rows:
            writer.writerow(
                _csv_safe(
                    [name.removeprefix("by_"), r.key, r.label, r.count, _percent(r.count, total)]
                )
            )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_results(
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    fmt: Literal["csv", "json"] | str = "csv",
) -> bytes:
    """The period's results as CSV (UTF-8 with BOM, for Excel) or JSON (UTF-8)."""
    res = compute_results(booking, activity, first, last)
    if fmt == "json":
        return (json.dumps(res.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        return results_csv(res)
    raise ValueError(f"unknown export format {fmt!r}")


def booking_rows(bookings: list[Booking]) -> list[list[str]]:
    return [
        [
            b.starts.date().isoformat(),
            f"{b.starts:%H:%M}",
            b.code,
            b.status,
            b.topic,
            b.scout,
            b.place,
            b.name,
            b.phone or "",
            b.source,
        ]
        for b in sorted(bookings, key=lambda b: (b.start, b.code))
    ]


def export_bookings(
    booking: BookingService, first: date, last: date, fmt: Literal["csv", "json"] | str = "csv"
) -> bytes:
    """The period's bookings, one row each (names as typed, or empty once erased)."""
    bookings = [b for b in booking.bookings() if first <= b.starts.date() <= last]
    rows = booking_rows(bookings)
    if fmt == "json":
        docs = [dict(zip(BOOKING_COLUMNS, row, strict=True)) for row in rows]
        return (json.dumps(docs, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(BOOKING_COLUMNS)
    writer.writerows(_csv_safe(row) for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
