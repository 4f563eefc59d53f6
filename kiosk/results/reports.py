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
  by the weekday and hour of their start;
- by source: forms, by their booking's source (kiosk, librarian = the desk), or walk-in
  for a form without a booking;
- visitors: different people among the forms that had a booking; one person is one name
  and phone (case and spacing aside), and a follow-up booking belongs to its first
  booking's visitor (so an erased name still counts once). Worked out in memory, never
  stored or exported. Forms without a booking are counted apart (walk-ins): nobody knows
  who they were.

Every label and CSV header comes from the librarian catalogue in the language asked for
(``lang``, default Lithuanian); keys and JSON keys are the same in every language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from kiosk.domain.activity import ActivityService
from kiosk.domain.booking import BookingService
from kiosk.domain.models import ActivityRecord, AgeGroup, Booking, BookingStatus, Outcome, Source
from kiosk.i18n import DEFAULT_LANGUAGE, Translator
from kiosk.results.spreadsheet import csv_bytes, json_bytes, table_bytes, xlsx_bytes

WALK_IN = "walk_in"  # the source of a consultation without a booking

CSV_COLUMNS = ["section", "key", "label", "count", "percent"]  # keys; headers in words
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
SOURCES = [str(Source.KIOSK), str(Source.LIBRARIAN), WALK_IN]
LENGTHS = ["upto_30", "31_60", "over_60"]


def words(lang: str = DEFAULT_LANGUAGE) -> Translator:
    """The librarian catalogue in ``lang``: every label and header a report shows."""
    return Translator(lang)


def labels(lang: str, prefix: str, keys: list[str]) -> dict[str, str]:
    """``{key: words(lang)(f"{prefix}.{key}")}`` for a report's fixed keys."""
    t = words(lang)
    return {k: t(f"{prefix}.{k}") for k in keys}


# Lithuanian labels kept under their old names for the programme's report.
AGE_LABELS = {AgeGroup(k): v for k, v in labels("lt", "lib.age", list(AgeGroup)).items()}
OUTCOME_LABELS = {Outcome(k): v for k, v in labels("lt", "lib.outcome", list(Outcome)).items()}
STATUS_LABELS = {
    BookingStatus(k): v for k, v in labels("lt", "lib.report.state", list(BookingStatus)).items()
}
WEEKDAYS_LT = list(labels("lt", "lib.report.weekday", [str(d) for d in range(7)]).values())


def length_key(minutes: int) -> str:
    """A consultation's length as one of ``LENGTHS``."""
    return "upto_30" if minutes <= 30 else "31_60" if minutes <= 60 else "over_60"


def visitor_count(bookings: list[Booking]) -> int:
    """Different visitors among ``bookings``: one person is one name and phone (case and
    spacing aside), and a follow-up booking is its first booking's visitor even when the
    name was typed differently or has since been erased. Nothing of this is stored."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        parent[root(a)] = root(b)

    for b in bookings:
        node = f"b:{b.id}"
        root(node)
        if b.follows:
            join(node, f"b:{b.follows}")
        if b.erased_at is None and b.name:
            join(node, "p:" + " ".join(b.name.casefold().split()) + "|" + (b.phone or ""))
    return len({root(f"b:{b.id}") for b in bookings})


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
    by_source: list[Row] = field(default_factory=list)
    by_length: list[Row] = field(default_factory=list)
    bookings: int = 0
    unrecorded: int = 0  # past bookings nobody marked done or no-show
    no_show_rate: float | None = None  # percent
    visitors: int = 0  # different visitors among the consultations that had a booking
    walk_ins: int = 0  # consultations without a booking: their visitors are not known
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
        "by_source",
        "by_length",
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
            "unrecorded": self.unrecorded,
            "no_show_rate": self.no_show_rate,
            "visitors": self.visitors,
            "walk_ins": self.walk_ins,
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
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    lang: str = DEFAULT_LANGUAGE,
) -> Results:
    """Every aggregate of the period ``first``..``last`` (both inclusive), labelled in ``lang``."""
    records = activity.records(first, last)
    every_booking = booking.bookings()
    by_id = {b.id: b for b in every_booking}
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
            topic_count, [t.slug for t in topics], {t.slug: t.name(lang) for t in topics}
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
    ages = [str(a) for a in AgeGroup]
    res.by_age = _rows(Counter(r.age_group for r in records), ages, labels(lang, "lib.age", ages))
    outcomes = [str(o) for o in Outcome]
    res.by_outcome = _rows(
        Counter(r.outcome for r in records), outcomes, labels(lang, "lib.outcome", outcomes)
    )
    follow_ups = {b.id for b in every_booking if b.follows}
    repeats = sum(1 for r in records if not r.first_visit or r.booking_id in follow_ups)
    res.repeat_visits = repeats
    res.first_visits = len(records) - repeats
    res.follow_up_bookings = sum(1 for b in bookings if b.follows)
    res.by_visit = _rows(
        Counter({"first": res.first_visits, "repeat": res.repeat_visits}),
        ["first", "repeat"],
        labels(lang, "lib.report.visit", ["first", "repeat"]),
    )
    booked = [by_id[r.booking_id] for r in records if r.booking_id and r.booking_id in by_id]
    res.by_source = _rows(
        Counter(source_of(r, by_id) for r in records),
        SOURCES,
        labels(lang, "lib.report.source", SOURCES),
    )
    res.by_length = _rows(
        Counter(length_key(r.minutes) for r in records),
        LENGTHS,
        labels(lang, "lib.report.length", LENGTHS),
    )
    res.visitors = visitor_count(booked)
    res.walk_ins = res.consultations - len(booked)

    res.bookings = len(bookings)
    status_count: Counter[str] = Counter(b.status for b in bookings)
    states = [str(s) for s in BookingStatus]
    res.by_status = _rows(status_count, states, labels(lang, "lib.report.state", states))
    # Past days' bookings left booked or checked in, counted apart: nobody recorded them.
    today = booking.now().date()
    res.unrecorded = sum(1 for b in bookings if b.state.is_open and b.ends.date() < today)
    settled = sum(status_count[s] for s in ("checked_in", "done", "no_show"))
    res.no_show_rate = round(100 * status_count["no_show"] / settled, 1) if settled else None

    held = [b for b in bookings if b.state is not BookingStatus.CANCELLED]
    days = [str(d) for d in range(7)]
    res.by_weekday = _rows(
        Counter(str(b.starts.weekday()) for b in held),
        days,
        labels(lang, "lib.report.weekday", days),
    )
    hours = Counter(f"{b.starts.hour:02d}" for b in held)
    res.by_hour = [Row(h, f"{h}:00", hours[h]) for h in sorted(hours)]
    return res


def source_of(record: ActivityRecord, bookings: dict[str, Booking]) -> str:
    """Where the consultation came from: its booking's source, or a walk-in without one."""
    found = bookings.get(record.booking_id) if record.booking_id else None
    return found.source if found is not None else WALK_IN


def _percent(count: int, total: int) -> float | str:
    return round(100 * count / total, 1) if total else ""


def results_csv(res: Results, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """One tidy table (section, key, label, count, percent), headers in ``lang``: opens
    cleanly in a Lithuanian spreadsheet (see ``kiosk.results.spreadsheet``)."""
    return csv_bytes(*results_table(res, lang))


def results_table(res: Results, lang: str = DEFAULT_LANGUAGE) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of the results' tidy table."""
    t = words(lang)
    rows: list[list[Any]] = [
        ["period", "from", t("lib.report.period.from"), res.first, ""],  # a date cell
        ["period", "to", t("lib.report.period.to"), res.last, ""],
    ]
    for key, value in (
        ("consultations", res.consultations),
        ("minutes", res.minutes),
        ("bookings", res.bookings),
        ("unrecorded", res.unrecorded),
        ("visitors", res.visitors),
        ("visitors_unknown", res.walk_ins),
    ):
        rows.append(["total", key, t(f"lib.report.total.{key}"), value, ""])
    rate = "" if res.no_show_rate is None else res.no_show_rate
    rows.append(["total", "no_show_rate", t("lib.report.total.no_show_rate"), "", rate])
    visits = res.consultations
    for key, count, share in (
        ("first_visits", res.first_visits, visits),
        ("repeat_visits", res.repeat_visits, visits),
        ("follow_up_bookings", res.follow_up_bookings, 0),
    ):
        rows.append(["total", key, t(f"lib.report.total.{key}"), count, _percent(count, share)])
    for name in Results.SECTIONS:
        section = res.section(name)
        total = res.bookings if name == "by_status" else sum(r.count for r in section)
        if name == "by_topic":
            total = res.consultations  # share of consultations that covered the topic
        for r in section:
            rows.append(
                [name.removeprefix("by_"), r.key, r.label, r.count, _percent(r.count, total)]
            )
    return [t(f"lib.report.col.{c}") for c in CSV_COLUMNS], rows


def export_results(
    booking: BookingService,
    activity: ActivityService,
    first: date,
    last: date,
    fmt: Literal["csv", "json", "xlsx"] | str = "csv",
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The period's results as CSV (UTF-8 with BOM, ``;``), JSON (UTF-8) or XLSX, labels
    in ``lang``.

    JSON keys stay the same in every language (scripts read them); labels are words."""
    res = compute_results(booking, activity, first, last, lang)
    if fmt == "json":
        return json_bytes(res.to_dict())
    if fmt == "csv":
        return results_csv(res, lang)
    if fmt == "xlsx":
        return xlsx_bytes([(words(lang)("lib.results.view_summary"), *results_table(res, lang))])
    raise ValueError(f"unknown export format {fmt!r}")


def booking_rows(bookings: list[Booking]) -> list[list[str]]:
    """The bookings as ``BOOKING_COLUMNS`` with their keys (status, topic, e-scout, source)."""
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
    booking: BookingService,
    first: date,
    last: date,
    fmt: Literal["csv", "json", "xlsx"] | str = "csv",
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The period's bookings, one row each (names as typed, or empty once erased): JSON
    keeps keys for scripts; XLSX and CSV say everything in words in ``lang``. XLSX types
    its cells (date and time cells, the phone and code as text cells, nothing in front);
    the CSV types its date and time and keeps the phone as text behind an invisible mark."""
    bookings = sorted(
        (b for b in booking.bookings() if first <= b.starts.date() <= last),
        key=lambda b: (b.start, b.code),
    )
    if fmt == "json":
        docs = [dict(zip(BOOKING_COLUMNS, row, strict=True)) for row in booking_rows(bookings)]
        return json_bytes(docs)
    t = words(lang)
    states = labels(lang, "lib.report.state", [str(s) for s in BookingStatus])
    sources = labels(lang, "lib.report.source", SOURCES)
    topics = {tp.slug: tp.name(lang) for tp in booking.topics(active_only=False)}
    scouts = {s.id: s.name for s in booking.scouts()}
    rows: list[list[Any]] = [
        [
            b.starts.date(),
            b.starts.time().replace(second=0, microsecond=0, tzinfo=None),
            b.code,
            states.get(b.status, b.status),
            topics.get(b.topic, b.topic),
            scouts.get(b.scout, b.scout),
            b.place,
            b.name,
            b.phone or "",
            sources.get(b.source, b.source),
        ]
        for b in bookings
    ]
    header = [t(f"lib.report.booking.{c}") for c in BOOKING_COLUMNS]
    return table_bytes(fmt, t("lib.results.file_bookings"), header, rows)
