"""What the booking rules read from the store, and the one way a booking's status changes.

The table names, the loaders every service shares (settings, topics, e-scouts, what
scheduling needs), a booking by its code (hot or archived), and ``change_status``: the
compare-and-set each status change makes inside its caller's transaction; ``mark_to_call``:
the "to call" mark every change under a visitor's feet leaves on their bookings.
"""

from __future__ import annotations

from datetime import date, datetime

from db import Tx
from kiosk.domain.errors import Conflict, NotFound
from kiosk.domain.models import (
    HOLDS_TIME,
    Booking,
    BookingStatus,
    CallReason,
    Closure,
    DatedException,
    Scout,
    Settings,
    Topic,
    WeeklyTime,
)
from kiosk.domain.scheduling import Availability, Busy

# Bookings whose visitor still needs a call once marked: the others took place, or the
# visitor stayed away, or is at the desk (checked in).
CALL_STATUSES = frozenset({str(BookingStatus.BOOKED), str(BookingStatus.CANCELLED)})

BOOKINGS = "bookings"
SETTINGS = "settings"
TOPICS = "topics"
SCOUTS = "scouts"
WEEKLY = "weekly"
EXCEPTIONS = "exceptions"
CLOSURES = "closures"
ACTIVITIES = "activities"
OPEN_STATUSES = frozenset({str(BookingStatus.BOOKED), str(BookingStatus.CHECKED_IN)})


def load_settings(tx: Tx) -> Settings:
    doc = tx.get(SETTINGS, key="library")
    return Settings.from_dict(doc) if doc else Settings()


def load_topics(tx: Tx) -> list[Topic]:
    return sorted((Topic.from_dict(d) for d in tx.all(TOPICS)), key=lambda t: (t.order, t.slug))


def load_scouts(tx: Tx) -> list[Scout]:
    return sorted((Scout.from_dict(d) for d in tx.all(SCOUTS)), key=lambda s: s.name)


def load_availability(
    tx: Tx, since: datetime | None = None, on_day: date | None = None
) -> Availability:
    """Everything scheduling needs. Busy times: bookings ending after ``since`` (and
    starting on ``on_day`` when given: booking one time needs only that day's)."""
    busy = []
    # Indexed by end time: only what is still ahead is read (never the history).
    docs = tx.all(BOOKINGS) if since is None else tx.bookings_ending_after(since)
    # Starts are stored as Vilnius local ISO times, so the first 10 characters are the
    # local date: a string compare skips other days without parsing them.
    day_prefix = on_day.isoformat() if on_day is not None else None
    for doc in docs:
        if doc["status"] not in HOLDS_TIME:
            continue
        if day_prefix is not None and not doc["start"].startswith(day_prefix):
            continue
        # The two times are all that counts: no whole Booking per document (hot path).
        # Aware datetimes compare correctly whatever their tzinfo object.
        ends = datetime.fromisoformat(doc["end"])
        if since is not None and ends <= since:
            continue
        busy.append(Busy(doc["scout"], datetime.fromisoformat(doc["start"]), ends))
    return Availability(
        settings=load_settings(tx),
        scouts=load_scouts(tx),
        weekly=[WeeklyTime.from_dict(d) for d in tx.all(WEEKLY)],
        exceptions=[DatedException.from_dict(d) for d in tx.all(EXCEPTIONS)],
        closures=[Closure.from_dict(d) for d in tx.all(CLOSURES)],
        busy=busy,
    )


def booking_by_code(tx: Tx, code: str) -> Booking:
    """The booking with ``code``, hot or archived (archived ones are closed), or NotFound."""
    doc = tx.find_booking(code=code)
    if doc is None:
        raise NotFound("unknown_code", f"no booking with code {code!r}")
    return Booking.from_dict(doc)


def change_status(
    tx: Tx,
    code: str,
    target: BookingStatus,
    allowed_from: set[BookingStatus],
    now: datetime,
    after_start: bool = False,
) -> Booking:
    """Move booking ``code`` to ``target`` if its status is one of ``allowed_from`` (and,
    with ``after_start``, its time has begun); Conflict otherwise. Written in ``tx``."""
    booking = booking_by_code(tx, code)
    if booking.state not in allowed_from:
        raise Conflict(
            f"cannot_{target.value}",
            f"booking {code} is {booking.status}; it cannot become {target.value}",
            status=booking.status,
        )
    if after_start and now < booking.starts:
        # The day too when it is not today: "starts at 10:30" reads as today's 10:30.
        when = (
            f"{booking.starts:%H:%M}"
            if booking.starts.date() == now.date()
            else f"{booking.starts:%Y-%m-%d %H:%M}"
        )
        raise Conflict(
            "not_started",
            f"booking {code} starts at {when}; it cannot be marked "
            f"{target.value.replace('_', '-')} before then",
            start=when,
        )
    changed = booking.with_status(target, now)
    tx.update(BOOKINGS, changed.to_dict(), id=booking.id)
    return changed


def open_future(tx: Tx, now: datetime, scout: str | None = None) -> list[Booking]:
    """Open bookings not yet over (of one e-scout, or all), soonest first."""
    found = [
        Booking.from_dict(d)
        for d in tx.bookings_ending_after(now)
        if d["status"] in OPEN_STATUSES and (scout is None or d["scout"] == scout)
    ]
    return sorted(found, key=lambda b: b.start)


def mark_to_call(
    tx: Tx, bookings: list[Booking], reason: CallReason, now: datetime
) -> list[Booking]:
    """Mark ``bookings`` "to call" for ``reason`` in ``tx`` (one already marked for the same
    reason keeps its mark and time); the bookings as marked."""
    marked = []
    for booking in bookings:
        if booking.to_call != reason:
            booking = booking.marked_to_call(reason, now)
            tx.update(
                BOOKINGS,
                {"to_call": booking.to_call, "to_call_at": booking.to_call_at},
                id=booking.id,
            )
        marked.append(booking)
    return marked
