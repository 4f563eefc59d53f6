"""An e-scout's day: their consultations, shifts, "I am here", their forms and their hours.

Every shift ends on record with its e-scout (``ScoutPresence.outcome``): on time or late
(written when they say "I am here", which opens ``here_before_minutes`` before the start and
closes at the end) or missed (written once the shift has ended without it, by whoever looks
first: a console's poll, ``kiosk calls``, or a screen reading the records).

What an e-scout sees of a visitor is the first name only, never a phone: e-scouts are
volunteers, many of them minors. The librarian's console sees the missed-shift notice
with the visitors' names and phones, to call them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from db import Store, Tx
from kiosk.domain.activity import (
    ActivityDraft,
    ActivityService,
    require_own_consultation,
    took_place,
)
from kiosk.domain.clock import Clock, as_local
from kiosk.domain.errors import Conflict, ErrorCode, NotFound
from kiosk.domain.models import (
    ActivityRecord,
    Booking,
    BookingStatus,
    CallOutcome,
    CallReason,
    ExceptionKind,
    Place,
    Scout,
    ScoutPresence,
    ShiftOutcome,
    Submitter,
)
from kiosk.domain.records import (
    ACTIVITIES,
    BOOKINGS,
    OPEN_STATUSES,
    load_availability,
    load_scouts,
    load_settings,
    mark_to_call,
)
from kiosk.domain.scheduling import Availability, local, scout_sessions
from kiosk.domain.service import StoreService
from kiosk.domain.shift_record import ShiftMonth, ShiftRecord, here_opens, outcome_at

SCOUT_PRESENCE = "scout_presence"
# How long into a shift with bookings the e-scout may be late before the consoles hear.
MISSED_AFTER = timedelta(minutes=10)
# How many days back ended shifts are put on record when nobody looked at them yet (a kiosk
# switched off over a weekend): each look reads this many days of times.
RECORD_DAYS = 7
# How far ahead My day lists the e-scout's shifts.
WEEK_AHEAD_DAYS = 14
PLACES = "places"


@dataclass(frozen=True)
class ScoutConsultation:
    """What an e-scout may see of a booking: no phone, the visitor's first name only."""

    booking_id: str
    code: str
    start: datetime
    end: datetime
    topic: str  # slug
    visitor: str  # the visitor's first name only
    place: str
    status: str  # BookingStatus
    arrived: bool  # checked in (or done)
    has_form: bool  # an activity form exists for it
    form_allowed: bool  # took place (checked in/done, started) and no form yet


@dataclass(frozen=True)
class Shift:
    scout: str
    start: datetime
    end: datetime
    place: str
    here_at: datetime | None  # when the e-scout said "I am here"
    outcome: ShiftOutcome | None = None  # on record: set on "here", or missed once ended
    seats: int = 1  # more than one: a group session
    cover: str | None = None  # CoverStatus once the e-scout asked for cover
    cover_taker: str | None = None  # the e-scout id who took the cover


@dataclass(frozen=True)
class MissedShift:
    """For the consoles: not "here" 10 minutes into a shift with bookings, until its end."""

    scout: Scout
    shift: Shift
    bookings: list[Booking]  # the visitors to call (names, phones)


@dataclass(frozen=True)
class VolunteerHours:
    scout: Scout
    first: date
    last: date
    consultations: int
    minutes: int
    by_topic: dict[str, int]  # topic slug -> consultations

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def first_name(name: str) -> str:
    """The first word of a visitor's name (all an e-scout is shown); "" once erased."""
    words = name.split()
    return words[0] if words else ""


# Bookings of the last weeks are always in the hot file (archived only long after they
# closed); an older day is read from the archive too.
HOT_DAYS = 60


def _day_bookings(tx: Tx, scout_id: str, day: date, today: date) -> list[Booking]:
    prefix = day.isoformat()  # starts are stored as local ISO times
    recent = day >= today - timedelta(days=HOT_DAYS)
    docs = tx.all(BOOKINGS) if recent else tx.all_bookings(months=[prefix[:7]])
    found = [
        Booking.from_dict(d)
        for d in docs
        if d.get("scout") == scout_id and str(d.get("start", "")).startswith(prefix)
    ]
    return sorted(found, key=lambda b: (b.start, b.code))


def _presence(tx: Tx, scout_id: str, start: datetime) -> ScoutPresence | None:
    doc = tx.get(SCOUT_PRESENCE, scout=scout_id, shift_start=start.isoformat())
    return ScoutPresence.from_dict(doc) if doc else None


def _mark_presence(tx: Tx, scout_id: str, shift: Shift, **stamps: Any) -> None:
    """Save the shift's presence record (made on first use) with ``stamps`` set."""
    presence = _presence(tx, scout_id, shift.start) or ScoutPresence(
        id=uuid.uuid4().hex,
        scout=scout_id,
        shift_start=shift.start.isoformat(),
        shift_end=shift.end.isoformat(),
        place=shift.place,
    )
    presence = replace(presence, **stamps, version=presence.version + 1)
    tx.upsert(SCOUT_PRESENCE, presence.to_dict(), id=presence.id)


def _availability(tx: Tx, day: date) -> Availability:
    """Weekly times, exceptions and closures; no busy times (shifts do not need them, and
    asking for those ending after the day reads next to nothing)."""
    return load_availability(tx, since=local(day + timedelta(days=1), time()), on_day=day)


def _shifts(
    tx: Tx, scout: Scout, day: date, availability: Availability | None = None
) -> list[Shift]:
    availability = availability or _availability(tx, day)
    shifts = []
    absent = [
        (local(day, time.fromisoformat(e.start)), local(day, time.fromisoformat(e.end)))
        for e in availability.exceptions
        if e.scout == scout.id and e.day == day and e.kind == ExceptionKind.ABSENT
        if e.start and e.end
    ]
    for start_t, end_t, place, seats in scout_sessions(availability, scout, day):
        start, end = local(day, start_t), local(day, end_t)
        if any(a_start <= start and end <= a_end for a_start, a_end in absent):
            continue  # absent for the whole shift (said at the kiosk, or by the librarian)
        presence = _presence(tx, scout.id, start)
        here = (
            as_local(datetime.fromisoformat(presence.here_at))
            if presence and presence.here_at
            else None
        )
        outcome = ShiftOutcome(presence.outcome) if presence and presence.outcome else None
        shifts.append(
            Shift(
                scout.id,
                start,
                end,
                place,
                here,
                outcome,
                seats,
                presence.cover if presence else None,
                presence.cover_taker if presence else None,
            )
        )
    return sorted(shifts, key=lambda s: s.start)


def _scout(tx: Tx, scout_id: str) -> Scout:
    doc = tx.get("scouts", id=scout_id)
    if doc is None:
        raise NotFound(ErrorCode.UNKNOWN_SCOUT, f"no e-scout with id {scout_id!r}")
    return Scout.from_dict(doc)


def _missed(tx: Tx, now: datetime) -> list[MissedShift]:
    found = []
    availability = _availability(tx, now.date())
    for scout in load_scouts(tx):
        if not scout.active:
            continue
        # From 10 minutes in until the shift's end; after it, the record says "missed".
        shifts = [
            s
            for s in _shifts(tx, scout, now.date(), availability)
            if s.start + MISSED_AFTER <= now < s.end
        ]
        if not shifts:
            continue
        bookings = [
            b
            for b in _day_bookings(tx, scout.id, now.date(), now.date())
            if b.status in OPEN_STATUSES
        ]
        for shift in shifts:
            presence = _presence(tx, scout.id, shift.start)
            if presence and (presence.here_at or presence.dismissed_at):
                continue
            inside = [b for b in bookings if shift.start <= b.starts < shift.end]
            if inside:
                found.append(MissedShift(scout, shift, inside))
    return sorted(found, key=lambda m: (m.shift.start, m.scout.name))


def _records_since(tx: Tx, today: date) -> date:
    """The first day ended shifts are put on record from: ``RECORD_DAYS`` back, but not
    before the first shift on record (with none yet, today), so the days before shifts were
    recorded at all never count as missed."""
    starts = [
        as_local(datetime.fromisoformat(d["shift_start"])).date()
        for d in tx.all(SCOUT_PRESENCE)
        if d.get("outcome")
    ]
    return max(today - timedelta(days=RECORD_DAYS), min(starts, default=today))


def _unrecorded(tx: Tx, now: datetime) -> list[tuple[Shift, ShiftOutcome, int]]:
    """Ended shifts of the last days (``_records_since``, today's included) with no outcome
    on record yet, and the outcome each gets: missed, or how a "here" said before shifts
    were recorded went."""
    found = []
    scouts = [s for s in load_scouts(tx) if s.active]
    since = _records_since(tx, now.date())
    for day in (since + timedelta(days=n) for n in range((now.date() - since).days + 1)):
        availability = _availability(tx, day)
        for scout in scouts:
            if scout.start_day is not None and day < scout.start_day:
                continue
            for shift in _shifts(tx, scout, day, availability):
                if shift.outcome is not None:
                    continue
                if shift.here_at is not None:
                    found.append((shift, *outcome_at(shift.start, shift.here_at)))
                elif shift.end <= now:
                    found.append((shift, ShiftOutcome.MISSED, 0))
    return found


def _record(tx: Tx, shift: Shift, outcome: ShiftOutcome, late: int) -> None:
    _mark_presence(tx, shift.scout, shift, outcome=str(outcome), late_minutes=late)


def _shift_record(presence: ScoutPresence) -> ShiftRecord | None:
    if presence.outcome is None:
        return None
    here = as_local(datetime.fromisoformat(presence.here_at)) if presence.here_at else None
    return ShiftRecord(
        scout=presence.scout,
        start=as_local(datetime.fromisoformat(presence.shift_start)),
        end=as_local(datetime.fromisoformat(presence.shift_end)),
        place=presence.place,
        outcome=ShiftOutcome(presence.outcome),
        late_minutes=presence.late_minutes,
        here_at=here,
    )


def shift_records(
    tx: Tx, first: date, last: date, scout_id: str | None = None
) -> list[ShiftRecord]:
    """The shifts on record that started from ``first`` to ``last`` (of one e-scout, or all),
    oldest first."""
    found = []
    for doc in tx.all(SCOUT_PRESENCE):
        if scout_id is not None and doc.get("scout") != scout_id:
            continue
        record = _shift_record(ScoutPresence.from_dict(doc))
        if record is not None and first <= record.start.date() <= last:
            found.append(record)
    return sorted(found, key=lambda r: (r.start, r.scout))


def shifts_by_month(store: Store, first: date, last: date) -> dict[str, tuple[int, int]]:
    """Shifts held and missed per month (``YYYY-MM``) from ``first`` to ``last``, for the
    library's results."""
    with store.snapshot() as tx:
        records = shift_records(tx, first, last)
    months: dict[str, tuple[int, int]] = {}
    for r in records:
        held, missed = months.get(f"{r.start:%Y-%m}", (0, 0))
        months[f"{r.start:%Y-%m}"] = (held + r.held, missed + (not r.held))
    return months


def _unmarked(missed: list[MissedShift]) -> list[Booking]:
    """The missed shifts' bookings not to call yet (for any reason) and never marked for a
    missed shift at their time."""
    return [
        b
        for m in missed
        for b in m.bookings
        if not b.to_call
        and not any(
            c.get("reason") == CallReason.MISSED_SHIFT and c.get("start") == b.start
            for c in b.calls
        )
    ]


def _consultation(b: Booking, with_form: set[Any], now: datetime) -> ScoutConsultation:
    return ScoutConsultation(
        booking_id=b.id,
        code=b.code,
        start=b.starts,
        end=b.ends,
        topic=b.topic,
        visitor=first_name(b.name),
        place=b.place,
        status=b.status,
        arrived=b.state in (BookingStatus.CHECKED_IN, BookingStatus.DONE),
        has_form=b.id in with_form,
        form_allowed=took_place(b, now) and b.id not in with_form,
    )


class ScoutDayService(StoreService):
    def __init__(self, store: Store, clock: Clock, activity: ActivityService) -> None:
        super().__init__(store, clock)
        self.activity = activity
        # Absences and covers of coming shifts (kiosk/domain/covers.py builds on this module).
        from kiosk.domain.covers import CoverService

        self.covers = CoverService(store, clock)
        self._drafts: dict[str, tuple[date, ActivityDraft, int]] = {}

    def my_day(self, scout_id: str, day: date | None = None) -> list[ScoutConsultation]:
        """The e-scout's consultations of ``day`` (today), cancelled ones left out."""
        now = self.now()
        day = day or now.date()
        with self.store.snapshot() as tx:
            _scout(tx, scout_id)
            bookings = _day_bookings(tx, scout_id, day, now.date())
            with_form = {
                d.get("booking_id") for d in tx.all(ACTIVITIES) if d.get("booking_id") is not None
            }
        return [
            _consultation(b, with_form, now)
            for b in bookings
            if b.state is not BookingStatus.CANCELLED
        ]

    def forms_due(self, scout_id: str) -> list[ScoutConsultation]:
        """The e-scout's consultations of the last ``form_days_back`` days before today that
        took place and have no form yet, oldest first (today's are in ``my_day``)."""
        now = self.now()
        with self.store.snapshot() as tx:
            _scout(tx, scout_id)
            days = load_settings(tx).form_days_back
            with_form = {
                d.get("booking_id") for d in tx.all(ACTIVITIES) if d.get("booking_id") is not None
            }
            bookings = [
                b
                for n in range(days, 0, -1)
                for b in _day_bookings(tx, scout_id, now.date() - timedelta(days=n), now.date())
            ]
        found = [_consultation(b, with_form, now) for b in bookings]
        return [c for c in found if c.form_allowed]

    def shifts_ahead(self, scout_id: str, days: int = WEEK_AHEAD_DAYS) -> list[Shift]:
        """The e-scout's shifts not yet over, from today for ``days`` days, soonest first."""
        now = self.now()
        with self.store.snapshot() as tx:
            scout = _scout(tx, scout_id)
            return [
                s
                for n in range(days)
                for s in _shifts(tx, scout, now.date() + timedelta(days=n))
                if s.end > now
            ]

    def places(self) -> dict[str, Place]:
        """The library's places by their (Lithuanian) name, for their names per language."""
        with self.store.snapshot() as tx:
            return {p.name: p for p in (Place.from_dict(d) for d in tx.all(PLACES))}

    def scout_idle_seconds(self) -> int:
        """How long My day waits without a touch before asking "more time?" (a setting)."""
        with self.store.snapshot() as tx:
            return load_settings(tx).scout_idle_seconds

    # -- a half-filled form kept over a sign-out (in this kiosk's memory, for the day) -----

    def keep_draft(self, scout_id: str, draft: ActivityDraft, step: int = 0) -> None:
        """Keep the e-scout's half-filled form until they sign in again today."""
        self._drafts[scout_id] = (self.now().date(), draft, step)

    def kept_draft(self, scout_id: str) -> tuple[ActivityDraft, int] | None:
        """The form kept for the e-scout today and the step they were on (None: none, or
        it was kept on an earlier day and is dropped)."""
        kept = self._drafts.get(scout_id)
        if kept is None:
            return None
        day, draft, step = kept
        if day != self.now().date():
            del self._drafts[scout_id]
            return None
        return draft, step

    def drop_draft(self, scout_id: str) -> None:
        self._drafts.pop(scout_id, None)

    def shifts(self, scout_id: str, day: date | None = None) -> list[Shift]:
        """The e-scout's shifts of ``day`` (today): weekly times and extra sessions."""
        day = day or self.now().date()
        with self.store.snapshot() as tx:
            return _shifts(tx, _scout(tx, scout_id), day)

    def here_before_minutes(self) -> int:
        """How long before a shift "I am here" opens (a setting)."""
        with self.store.snapshot() as tx:
            return load_settings(tx).here_before_minutes

    def say_here(self, scout_id: str) -> Shift:
        """The e-scout is here for the current or next shift of today, from
        ``here_before_minutes`` before its start until its end (saying it twice keeps the
        first time); the shift goes on record as on time or late."""
        now = self.now()
        with self.store.transaction() as tx:
            scout = _scout(tx, scout_id)
            ahead = [s for s in _shifts(tx, scout, now.date()) if s.end > now]
            if not ahead:
                raise Conflict(ErrorCode.NO_SHIFT_TODAY, f"{scout_id!r} has no shift left today")
            shift = ahead[0]
            if shift.here_at is not None:
                return shift
            opens = here_opens(shift.start, load_settings(tx).here_before_minutes)
            if now < opens:
                raise Conflict(
                    ErrorCode.HERE_NOT_YET,
                    f'{scout_id!r}: "here" for the shift at {shift.start:%H:%M} opens at '
                    f"{opens:%H:%M}",
                    opens=f"{opens:%H:%M}",
                    start=f"{shift.start:%H:%M}",
                )
            outcome, late = outcome_at(shift.start, now)
            _mark_presence(
                tx,
                scout_id,
                shift,
                here_at=now.isoformat(),
                outcome=str(outcome),
                late_minutes=late,
            )
            # Late but here: the visitors of the shift need no call about a missing e-scout.
            for b in _day_bookings(tx, scout_id, now.date(), now.date()):
                if b.to_call == CallReason.MISSED_SHIFT and shift.start <= b.starts < shift.end:
                    cleared = b.call_cleared(CallOutcome.SCOUT_HERE, "e-scout", now)
                    tx.update(BOOKINGS, cleared.to_dict(), id=b.id)
        return replace(shift, here_at=now, outcome=outcome)

    def record_ended_shifts(self) -> int:
        """Put the ended shifts of the last days with no outcome yet on record (missed when
        no "here" came); how many. Each shift is recorded once.

        Read first, so a console polling this writes nothing while nothing is new."""
        now = self.now()
        with self.store.snapshot() as tx:
            if not _unrecorded(tx, now):
                return 0
        with self.store.transaction() as tx:
            fresh = _unrecorded(tx, now)
            for shift, outcome, late in fresh:
                _record(tx, shift, outcome, late)
            return len(fresh)

    def month(self, scout_id: str, first: date, last: date) -> ShiftMonth:
        """The e-scout's shifts on record from ``first`` to ``last`` (ended ones recorded
        first)."""
        if last < first:
            raise Conflict(ErrorCode.BAD_PERIOD, f"{last} is before {first}")
        self.record_ended_shifts()
        with self.store.snapshot() as tx:
            _scout(tx, scout_id)
            records = shift_records(tx, first, last, scout_id)
        return ShiftMonth(scout_id, first, last, records)

    def months(self, first: date, last: date) -> dict[str, ShiftMonth]:
        """Every e-scout's shifts on record from ``first`` to ``last`` (ended ones recorded
        first), by e-scout id; one with none on record is left out."""
        self.record_ended_shifts()
        with self.store.snapshot() as tx:
            records = shift_records(tx, first, last)
        by_scout: dict[str, list[ShiftRecord]] = {}
        for r in records:
            by_scout.setdefault(r.scout, []).append(r)
        return {k: ShiftMonth(k, first, last, v) for k, v in by_scout.items()}

    def missed_shifts(self) -> list[MissedShift]:
        """Today's shifts with bookings whose e-scout has not said "here" 10 minutes after
        the start, and the librarian has not dismissed; until the shift's end (then the
        record says "missed"); earliest first."""
        with self.store.snapshot() as tx:
            return _missed(tx, self.now())

    def mark_missed_calls(self) -> int:
        """Mark "to call" the bookings of missed shifts not marked for that yet (a mark the
        librarian cleared stays cleared for that time); how many were marked. Ended shifts
        go on record first (whoever polls this keeps the records up to date).

        Read first, so a console polling this writes nothing while nothing is new."""
        self.record_ended_shifts()
        now = self.now()
        with self.store.snapshot() as tx:
            if not _unmarked(_missed(tx, now)):
                return 0
        with self.store.transaction() as tx:
            fresh = _unmarked(_missed(tx, now))
            return len(mark_to_call(tx, fresh, CallReason.MISSED_SHIFT, now))

    def dismiss_missed(self, scout_id: str, shift_start: datetime) -> None:
        """The librarian has seen the missed-shift notice: no console shows it any more."""
        now = self.now()
        with self.store.transaction() as tx:
            scout = _scout(tx, scout_id)
            shift = next(
                (s for s in _shifts(tx, scout, shift_start.date()) if s.start == shift_start),
                None,
            )
            if shift is None:
                raise NotFound(ErrorCode.UNKNOWN_ENTRY, f"no shift of {scout_id!r} then")
            _mark_presence(tx, scout_id, shift, dismissed_at=now.isoformat())

    def form_draft(self, scout_id: str, booking_id: str) -> ActivityDraft:
        """The activity form prefilled from the e-scout's own consultation that took place."""
        with self.store.snapshot() as tx:
            booking = require_own_consultation(tx, scout_id, booking_id, self.now())
        return self.activity.prefill(booking)

    def submit_form(self, scout_id: str, draft: ActivityDraft) -> ActivityRecord:
        """Save the e-scout's form (same fields and rules as the librarian's), marked as
        theirs; only for their own consultation that took place and has no form yet."""
        return self.activity.record(
            replace(draft, scout=scout_id), submitted_by=Submitter.SCOUT, owner=scout_id
        )

    def hours(self, scout_id: str, first: date, last: date) -> VolunteerHours:
        """The e-scout's consultations, minutes and topics from the forms of a period."""
        if last < first:
            raise Conflict(ErrorCode.BAD_PERIOD, f"{last} is before {first}")
        with self.store.snapshot() as tx:
            scout = _scout(tx, scout_id)
            records = [ActivityRecord.from_dict(d) for d in tx.find(ACTIVITIES, scout=scout_id)]
        records = [r for r in records if first <= date.fromisoformat(r.date) <= last]
        topics: Counter[str] = Counter(t for r in records for t in r.topics)
        return VolunteerHours(
            scout=scout,
            first=first,
            last=last,
            consultations=len(records),
            minutes=sum(r.minutes for r in records),
            by_topic=dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))),
        )
