"""The e-scout activity form: what happened in a consultation, with no personal data."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from db import Tx
from kiosk.domain.errors import Conflict, ErrorCode, NotFound, ValidationError
from kiosk.domain.models import (
    ActivityRecord,
    AgeGroup,
    Booking,
    BookingStatus,
    Outcome,
    Scout,
    Submitter,
)
from kiosk.domain.records import ACTIVITIES, SCOUTS, TOPICS
from kiosk.domain.service import StoreService
from kiosk.domain.validation import plain_text

ARRIVED = frozenset({BookingStatus.CHECKED_IN, BookingStatus.DONE})
NOTE_MAX = 200
MINUTES_MAX = 240

# What a note must not hold. The note is for "what we did", never "who it was".
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_PHONE = re.compile(r"(?:\+|\b)\d(?:[\s\-().]*\d){6,}")  # 7+ digits, separators allowed
_URL_WITH_ID = re.compile(r"https?://\S*\d{5,}")


def check_note(note: str) -> str:
    """Return the note made plain (``plain_text``), or refuse one that looks like personal
    data."""
    text = plain_text(note)
    if len(text) > NOTE_MAX:
        raise ValidationError(
            "note_too_long", f"The note is too long (at most {NOTE_MAX} characters).", field="note"
        )
    if _EMAIL.search(text):
        raise ValidationError(
            "note_email", "The note may not contain an e-mail address.", field="note"
        )
    if _PHONE.search(text):
        raise ValidationError(
            "note_number", "The note may not contain phone numbers or personal codes.", field="note"
        )
    if _URL_WITH_ID.search(text):
        raise ValidationError(
            "note_number", "The note may not contain personal links.", field="note"
        )
    return text


def require_not_after(day: date, today: date) -> None:
    """Refuse a form dated after ``today``: it records a consultation that took place, and a
    future-dated one would count in the results and the e-scout's hours."""
    if day > today:
        raise ValidationError(
            ErrorCode.FORM_DATE_FUTURE,
            f"The form's date {day.isoformat()} is after today ({today.isoformat()}): "
            "a form records a consultation that already took place.",
            field="date",
            date=day.isoformat(),
            today=today.isoformat(),
        )


def require_not_before_first_day(day: date, scout: Scout) -> None:
    """Refuse a form dated before the e-scout's first day of volunteering: they cannot have
    held that consultation. An e-scout whose first day is unknown has no such limit."""
    first = scout.start_day
    if first is not None and day < first:
        raise ValidationError(
            ErrorCode.FORM_DATE_BEFORE_FIRST_DAY,
            f"The form's date {day.isoformat()} is before {scout.name}'s first day as an "
            f"e-scout ({first.isoformat()}).",
            field="date",
            date=day.isoformat(),
            first_day=first.isoformat(),
            name=scout.name,
        )


@dataclass
class ActivityDraft:
    """The form's fields before saving; a booking fills some of them in."""

    date: date
    scout: str = ""
    minutes: int = 30
    topics: list[str] = field(default_factory=list)
    age_group: str = ""
    outcome: str = ""
    first_visit: bool = True
    note: str = ""
    booking_id: str | None = None
    record_id: str | None = None  # the saved form this draft corrects


def took_place(booking: Booking, now: datetime) -> bool:
    """Checked in or done, and started: a consultation a form may be filled for."""
    return booking.state in ARRIVED and booking.starts <= now


def require_took_place(booking: Booking, now: datetime) -> None:
    """Conflict unless the consultation took place (checked in or done, and started)."""
    if booking.state not in ARRIVED:
        raise Conflict(
            "not_a_consultation",
            f"booking {booking.code} is {booking.status}: no consultation took place",
            status=booking.status,
        )
    if booking.starts > now:
        raise Conflict(
            "not_started",
            f"booking {booking.code} starts at {booking.starts:%H:%M}; "
            "its form can be filled after that",
            start=f"{booking.starts:%H:%M}",
        )


def require_own_consultation(tx: Tx, scout_id: str, booking_id: str, now: datetime) -> Booking:
    """The booking, if it is the e-scout's own consultation that took place and has no form."""
    doc = tx.find_booking(id=booking_id)
    if doc is None:
        raise NotFound(ErrorCode.UNKNOWN_BOOKING, f"no booking with id {booking_id!r}")
    booking = Booking.from_dict(doc)
    if booking.scout != scout_id:
        raise Conflict(ErrorCode.NOT_YOUR_BOOKING, f"booking {booking.code} is another e-scout's")
    require_took_place(booking, now)
    if tx.get(ACTIVITIES, booking_id=booking_id) is not None:
        raise Conflict(
            ErrorCode.HAS_ACTIVITY_FORM, f"booking {booking.code} already has an activity form"
        )
    return booking


class ActivityService(StoreService):
    def blank(self) -> ActivityDraft:
        return ActivityDraft(date=self.now().date())

    def prefill(self, booking: Booking) -> ActivityDraft:
        """A draft from a booking: its day, e-scout, topic and booked length."""
        minutes = int((booking.ends - booking.starts).total_seconds() // 60)
        existing = self.for_booking(booking.id)
        if existing is not None:
            # The saved form for editing; saving finds it again by its booking, not its id.
            return replace(self.draft_of(existing), record_id=None)
        return ActivityDraft(
            date=booking.starts.date(),
            scout=booking.scout,
            minutes=minutes,
            topics=[booking.topic],
            first_visit=booking.follows is None,  # a next session booked at the desk: a repeat
            booking_id=booking.id,
        )

    def record(
        self,
        draft: ActivityDraft,
        *,
        submitted_by: Submitter = Submitter.LIBRARIAN,
        owner: str | None = None,
    ) -> ActivityRecord:
        """Validate and save the form (replacing an earlier form for the same booking).

        ``owner``: the e-scout filling the form themselves. Then the form must be for one of
        their own consultations that took place and has no form yet (the librarian corrects
        a saved form, the e-scout does not)."""
        if not draft.scout:
            raise ValidationError("scout_required", "Choose the e-scout.", field="scout")
        if not 1 <= int(draft.minutes) <= MINUTES_MAX:
            raise ValidationError(
                "minutes_range", f"The length must be 1 to {MINUTES_MAX} minutes.", field="minutes"
            )
        if not draft.topics:
            raise ValidationError("topics_required", "Choose at least one topic.", field="topics")
        try:
            age = AgeGroup(draft.age_group)
        except ValueError:
            raise ValidationError(
                "age_required", "Choose the age group.", field="age_group"
            ) from None
        try:
            outcome = Outcome(draft.outcome)
        except ValueError:
            raise ValidationError(
                "outcome_required", "Choose the outcome.", field="outcome"
            ) from None
        note = check_note(draft.note)
        now = self.now()
        require_not_after(draft.date, now.date())
        with self.store.transaction() as tx:
            known = {d["slug"] for d in tx.all(TOPICS)}
            unknown = [t for t in draft.topics if t not in known]
            if unknown:
                raise ValidationError(
                    "unknown_topic", f"Unknown topic {unknown[0]!r}.", field="topics"
                )
            scout_doc = tx.get(SCOUTS, id=draft.scout)
            if scout_doc is not None:
                require_not_before_first_day(draft.date, Scout.from_dict(scout_doc))
            previous = (
                tx.get(ACTIVITIES, id=draft.record_id)
                if draft.record_id
                else tx.get(ACTIVITIES, booking_id=draft.booking_id)
                if draft.booking_id
                else None
            )
            if owner is not None:
                if draft.booking_id is None:
                    raise NotFound(ErrorCode.UNKNOWN_BOOKING, "an e-scout's form needs its booking")
                require_own_consultation(tx, owner, draft.booking_id, now)
                previous = None  # an e-scout only ever adds a form, never replaces one
            elif draft.booking_id and previous is None:  # an existing form may be corrected
                self._require_consultation(tx, draft.booking_id, now)
            corrections = list(previous.get("corrections", [])) if previous else []
            if previous:
                corrections.append({"at": now.isoformat(), "by": str(submitted_by)})
            record = ActivityRecord(
                id=previous["id"] if previous else uuid.uuid4().hex,
                date=draft.date.isoformat(),
                scout=draft.scout,
                minutes=int(draft.minutes),
                topics=list(dict.fromkeys(draft.topics)),
                age_group=str(age),
                outcome=str(outcome),
                first_visit=bool(draft.first_visit),
                note=note,
                booking_id=draft.booking_id,
                created_at=previous["created_at"] if previous else now.isoformat(),
                # A correction keeps who first submitted the form; the log says who changed it.
                submitted_by=previous.get("submitted_by", Submitter.LIBRARIAN)
                if previous
                else str(submitted_by),
                corrections=corrections,
            )
            tx.upsert(ACTIVITIES, record.to_dict(), id=record.id)
        return record

    @staticmethod
    def _require_consultation(tx: Tx, booking_id: str, now: datetime) -> Booking:
        """A form belongs to a consultation that took place: checked in or done, and started."""
        doc = tx.find_booking(id=booking_id)
        if doc is None:
            raise NotFound("unknown_booking", f"no booking with id {booking_id!r}")
        booking = Booking.from_dict(doc)
        require_took_place(booking, now)
        return booking

    def records(self, first: date | None = None, last: date | None = None) -> list[ActivityRecord]:
        with self.store.snapshot() as tx:
            found = [ActivityRecord.from_dict(d) for d in tx.all(ACTIVITIES)]
        if first is not None:
            found = [r for r in found if date.fromisoformat(r.date) >= first]
        if last is not None:
            found = [r for r in found if date.fromisoformat(r.date) <= last]
        return sorted(found, key=lambda r: (r.date, r.created_at), reverse=True)

    @staticmethod
    def draft_of(record: ActivityRecord) -> ActivityDraft:
        """A draft that corrects a saved form (same fields; saving it logs the correction)."""
        return ActivityDraft(
            date=date.fromisoformat(record.date),
            scout=record.scout,
            minutes=record.minutes,
            topics=list(record.topics),
            age_group=record.age_group,
            outcome=record.outcome,
            first_visit=record.first_visit,
            note=record.note,
            booking_id=record.booking_id,
            record_id=record.id,
        )

    def booking_of(self, record: ActivityRecord) -> Booking | None:
        """The booking a form was filled for (None: a consultation without one, or gone)."""
        if record.booking_id is None:
            return None
        with self.store.snapshot() as tx:
            doc = tx.find_booking(id=record.booking_id)
        return Booking.from_dict(doc) if doc else None

    def for_booking(self, booking_id: str) -> ActivityRecord | None:
        with self.store.snapshot() as tx:
            doc = tx.get(ACTIVITIES, booking_id=booking_id)
        return ActivityRecord.from_dict(doc) if doc else None

    def remove(self, record_id: str) -> None:
        with self.store.transaction() as tx:
            tx.remove(ACTIVITIES, id=record_id)
