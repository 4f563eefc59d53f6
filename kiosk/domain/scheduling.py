"""Free times: e-scouts x weekly times and extra sessions, minus everything that removes a time.

Pure functions over domain values, so every rule is testable with a fixed 'now'.
Times are built as local wall-clock times and then given the Vilnius zone, so a 10:00
session is at 10:00 on both sides of the DST changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from kiosk.domain.clock import TZ
from kiosk.domain.models import (
    Closure,
    DatedException,
    ExceptionKind,
    Scout,
    Settings,
    Slot,
    WeeklyTime,
    group_topic,
)


@lru_cache(maxsize=8)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("LT", years=year)


def public_holiday(day: date) -> str | None:
    """The Lithuanian public holiday on ``day`` (its name), or None."""
    return _calendar(day.year).get(day)


@dataclass(frozen=True)
class Busy:
    """A stretch of an e-scout's time already taken."""

    scout: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Availability:
    """Everything that decides free times, loaded once per question."""

    settings: Settings
    scouts: Sequence[Scout]
    weekly: Sequence[WeeklyTime]
    exceptions: Sequence[DatedException]
    closures: Sequence[Closure]
    busy: Sequence[Busy]


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TZ)


def library_closed(availability: Availability, day: date) -> bool:
    if public_holiday(day) is not None:
        return True
    if any(c.covers(day) for c in availability.closures):
        return True
    return availability.settings.hours_on(day.weekday()) is None


def _sessions(
    availability: Availability, scout: Scout, day: date, topic: str | None = None
) -> list[tuple[time, time, str, int]]:
    """The e-scout's sessions on ``day`` (start, end, place, seats): weekly times plus
    extras, minus whole-day absences. With a ``topic``, only the sessions offered under it
    (a group session belongs to its own topic alone)."""
    todays = [e for e in availability.exceptions if e.scout == scout.id and e.day == day]
    if any(e.kind == ExceptionKind.ABSENT and not e.start for e in todays):
        return []
    sessions: list[WeeklyTime | DatedException] = [
        w for w in availability.weekly if w.scout == scout.id and w.weekday == day.weekday()
    ]
    sessions += [e for e in todays if e.kind == ExceptionKind.EXTRA and e.start and e.end]
    return [
        (_hhmm(s.start), _hhmm(s.end), s.place, max(s.seats, 1))
        for s in sessions
        if topic is None or group_topic(s, scout) in (None, topic)
    ]


def _hhmm(text: str | None) -> time:
    return time.fromisoformat(text or "")


def group_seats(availability: Availability, scout: Scout, start: datetime) -> tuple[int, int]:
    """A group session's seats and how many are still free (``busy`` holds its bookings);
    (1, 0) or (1, 1) for a one-to-one time."""
    day = start.date()
    for start_t, end_t, _place, seats in _sessions(availability, scout, day):
        if seats > 1 and local(day, start_t) <= start < local(day, end_t):
            taken = sum(1 for b in availability.busy if b.scout == scout.id and b.start == start)
            return seats, max(seats - taken, 0)
    return 1, 0


def scout_sessions(
    availability: Availability, scout: Scout, day: date
) -> list[tuple[time, time, str, int]]:
    """The e-scout's sessions on ``day`` (none when the library is closed): their shifts."""
    return [] if library_closed(availability, day) else _sessions(availability, scout, day)


def _partial_absences(
    availability: Availability, scout: Scout, day: date
) -> list[tuple[datetime, datetime]]:
    return [
        (local(day, time.fromisoformat(e.start)), local(day, time.fromisoformat(e.end)))
        for e in availability.exceptions
        if e.scout == scout.id
        and e.day == day
        and e.kind == ExceptionKind.ABSENT
        and e.start
        and e.end
    ]


def _overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def free_slots(
    availability: Availability,
    topic: str,
    now: datetime,
    first_day: date,
    days: int,
    scout: str | None = None,
    language: str | None = None,
) -> list[Slot]:
    """Free times for ``topic`` from ``first_day`` for ``days`` days, soonest first.

    With a ``language``, only e-scouts who speak it are offered; when none of the topic's
    e-scouts does, all are, and each time says so (``in_language`` False).
    """
    settings = availability.settings
    earliest = now + timedelta(minutes=settings.min_notice_minutes)
    length = timedelta(minutes=settings.slot_minutes)
    scouts = [
        s
        for s in availability.scouts
        if s.active and topic in s.topics and (scout is None or s.id == scout)
    ]
    in_language = True
    if language is not None:
        speakers = [s for s in scouts if language in s.languages]
        in_language = bool(speakers) or not scouts
        scouts = speakers or scouts
    busy_by_scout: dict[str, list[Busy]] = {}
    for b in availability.busy:
        busy_by_scout.setdefault(b.scout, []).append(b)

    slots: list[Slot] = []
    for offset in range(max(days, 0)):
        day = first_day + timedelta(days=offset)
        if library_closed(availability, day):
            continue
        hours = settings.hours_on(day.weekday())
        assert hours is not None  # library_closed() checked it
        opens, closes = local(day, hours.open_time), local(day, hours.close_time)
        for person in scouts:
            absences = _partial_absences(availability, person, day)
            taken = busy_by_scout.get(person.id, [])
            # Each consultation keeps the e-scout's buffer free after it, so times step by
            # length + buffer, and a time may not end within a buffer of a booked one.
            buffer = timedelta(minutes=max(person.buffer_minutes, 0))
            for start_t, end_t, place, seats in _sessions(availability, person, day, topic):
                session_end = min(local(day, end_t), closes)
                start = max(local(day, start_t), opens)
                while True:
                    # Wall-clock arithmetic, then re-attach the zone (DST-safe).
                    end = local(day, (datetime.combine(day, start.time()) + length).time())
                    if end <= start or end > session_end:
                        break
                    # Bookings of exactly this time take its seats; any other overlap
                    # (or one within the buffer) takes the whole time.
                    same = sum(1 for t in taken if t.start == start and t.end == end)
                    if (
                        start >= earliest
                        and same < seats
                        and not any(_overlaps(start, end, a, b) for a, b in absences)
                        and not any(
                            _overlaps(start, end + buffer, t.start, t.end + buffer)
                            for t in taken
                            if not (t.start == start and t.end == end)
                        )
                    ):
                        slots.append(
                            Slot(
                                start,
                                end,
                                person.id,
                                place,
                                languages=tuple(person.languages),
                                in_language=in_language,
                                seats=seats,
                                seats_left=seats - same,
                            )
                        )
                    start = local(day, (datetime.combine(day, end.time()) + buffer).time())
                    if start < end:  # the buffer ran past midnight
                        break
    slots.sort(key=lambda s: (s.start, s.scout))
    return _unique(slots)


def _unique(slots: Iterable[Slot]) -> list[Slot]:
    """Drop exact duplicates (a weekly time and an extra session covering the same minutes)."""
    seen: set[tuple[datetime, str]] = set()
    out = []
    for slot in slots:
        key = (slot.start, slot.scout)
        if key not in seen:
            seen.add(key)
            out.append(slot)
    return out


def first_free(
    availability: Availability, topic: str, now: datetime, first_day: date, days: int
) -> Slot | None:
    """The soonest free time for ``topic``, or None within the horizon."""
    slots = free_slots(availability, topic, now, first_day, days)
    return slots[0] if slots else None
