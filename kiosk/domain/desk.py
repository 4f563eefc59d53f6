"""The desk's record of how a booking ended: done, no-show, a change taken back, a past
day's open booking cleared from the "not recorded" list; and who to call: the bookings
marked "to call" (a change under the visitor's feet) until a librarian says they were told.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from db import Tx
from kiosk.domain.clock import as_local
from kiosk.domain.errors import Conflict, ErrorCode, ValidationError
from kiosk.domain.models import HOLDS_TIME, Booking, BookingStatus, CallOutcome
from kiosk.domain.records import (
    ACTIVITIES,
    BOOKINGS,
    CALL_STATUSES,
    OPEN_STATUSES,
    booking_by_code,
    change_status,
)
from kiosk.domain.service import StoreService
from kiosk.domain.tickets import normalize_ticket_input
from kiosk.domain.validation import required_text

REASON_MAX = 200


class DeskService(StoreService):
    def mark_done(self, code: str) -> Booking:
        """The consultation took place; refused before its start (it cannot have happened)."""
        return self._change(
            code,
            BookingStatus.DONE,
            {BookingStatus.CHECKED_IN, BookingStatus.BOOKED},
            after_start=True,
        )

    def mark_no_show(self, code: str) -> Booking:
        """The visitor did not come; refused before the start (they still may)."""
        return self._change(code, BookingStatus.NO_SHOW, {BookingStatus.BOOKED}, after_start=True)

    def _change(
        self,
        code: str,
        target: BookingStatus,
        allowed_from: set[BookingStatus],
        after_start: bool = False,
    ) -> Booking:
        wanted = normalize_ticket_input(code)
        with self.store.transaction() as tx:
            return change_status(tx, wanted, target, allowed_from, self.now(), after_start)

    def undo(self, code: str, reason: str) -> Booking:
        """Take back a booking's last status change, on the day it was made; the reason is kept
        (made plain: no control or bidi characters).

        A cancellation is taken back only while the time is still free, and a check-in or a
        "done" only while no activity form is saved for the consultation.
        """
        wanted = normalize_ticket_input(code)
        reason = required_text(
            reason, ErrorCode.REASON_REQUIRED, "Say why the change is undone.", "reason"
        )
        if len(reason) > REASON_MAX:
            raise ValidationError(
                ErrorCode.REASON_TOO_LONG,
                f"The reason is too long (at most {REASON_MAX}).",
                field="reason",
            )
        with self.store.transaction() as tx:
            booking = booking_by_code(tx, wanted)
            last = booking.last_change
            if booking.state is BookingStatus.BOOKED or last.get("undo"):
                raise Conflict("nothing_to_undo", f"booking {wanted} has no change to undo")
            now = self.now()
            changed_at = as_local(datetime.fromisoformat(last["at"]))
            if changed_at.date() != now.date():
                raise Conflict(
                    "undo_not_today",
                    f"booking {wanted} was changed on {changed_at:%Y-%m-%d}; "
                    "only a change made today can be undone",
                )
            previous = BookingStatus(last["from"])
            if previous is BookingStatus.BOOKED and tx.get(ACTIVITIES, booking_id=booking.id):
                raise Conflict(
                    "has_activity_form",
                    f"booking {wanted} has an activity form; remove it first",
                )
            if booking.state is BookingStatus.CANCELLED and self._time_taken(tx, booking):
                raise Conflict(
                    "time_taken_since",
                    f"the time of booking {wanted} was booked by someone else since",
                )
            changed = booking.undone(now, reason)
            tx.update(BOOKINGS, changed.to_dict(), id=booking.id)
        return changed

    @staticmethod
    def _time_taken(tx: Tx, booking: Booking) -> bool:
        """Does another booking now hold this booking's e-scout at an overlapping time?"""
        return any(
            d["id"] != booking.id
            and d["scout"] == booking.scout
            and d["status"] in HOLDS_TIME
            and datetime.fromisoformat(d["start"]) < booking.ends
            for d in tx.bookings_ending_after(booking.starts)
        )

    def unrecorded(self, include_cleared: bool = False) -> list[Booking]:
        """Bookings of past days still booked or checked in: nobody said how they ended.

        Those the librarian cleared from the list are left out unless ``include_cleared``."""
        today = self.now().replace(hour=0, minute=0, second=0, microsecond=0)
        with self.store.snapshot() as tx:
            found = [
                Booking.from_dict(d)
                for d in tx.all_bookings(
                    include_history=False
                )  # open ones never leave the hot file
                if d["status"] in OPEN_STATUSES
                and datetime.fromisoformat(d["end"]) <= today
                and (include_cleared or not d.get("cleared_at"))
            ]
        return sorted(found, key=lambda b: b.start)

    def clear_unrecorded(self, code: str) -> Booking:
        """Take a past booking nobody closed off the "not recorded" list, its outcome unknown."""
        wanted = normalize_ticket_input(code)
        today = self.now().replace(hour=0, minute=0, second=0, microsecond=0)
        with self.store.transaction() as tx:
            booking = booking_by_code(tx, wanted)
            if not booking.state.is_open or booking.ends > today:
                raise Conflict(
                    "not_unrecorded",
                    f"booking {wanted} is {booking.status} and ends {booking.end}; "
                    "only a past day's open booking can be cleared",
                    status=booking.status,
                )
            cleared = replace(booking, cleared_at=self.now().isoformat())
            tx.update(BOOKINGS, {"cleared_at": cleared.cleared_at}, id=booking.id)
        return cleared

    # -- who to call ----------------------------------------------------------------------

    def to_call(self) -> list[Booking]:
        """Bookings marked "to call" whose visitor still needs the call (booked, or
        cancelled since), with a name and phone left; soonest first."""
        with self.store.snapshot() as tx:
            found = [
                Booking.from_dict(d)
                for d in tx.all(BOOKINGS)  # marks are on bookings of the hot file
                if d.get("to_call")
                and d["status"] in CALL_STATUSES
                and d.get("name")  # "" once erased: nobody left to call
                and not d.get("erased_at")
            ]
        return sorted(found, key=lambda b: (b.start, b.code))

    def mark_called(
        self, code: str, how: CallOutcome = CallOutcome.CALLED, by: str = "console"
    ) -> Booking:
        """The visitor was told (``how``): the mark is cleared, kept in ``calls`` with when
        and ``by`` (where it was said: the console, the command line)."""
        wanted = normalize_ticket_input(code)
        with self.store.transaction() as tx:
            booking = booking_by_code(tx, wanted)
            if not booking.to_call:
                raise Conflict(ErrorCode.NOTHING_TO_CALL, f"booking {wanted} has nobody to call")
            called = booking.call_cleared(how, by, self.now())
            tx.update(
                BOOKINGS,
                {"to_call": None, "to_call_at": None, "calls": called.calls},
                id=booking.id,
            )
        return called
