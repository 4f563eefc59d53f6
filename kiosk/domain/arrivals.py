"""Arrivals: a ticket checked (scanned QR or typed code), a visitor checked in, a ticket
made anew.

Checking in is one compare-and-set under the cross-process lock, so a ticket scanned twice
at once checks in once; a forged token is told apart from an unknown code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from db import Tx
from kiosk.domain.booking import Ticket
from kiosk.domain.errors import Conflict
from kiosk.domain.models import Booking, BookingStatus
from kiosk.domain.records import BOOKINGS, booking_by_code, load_settings
from kiosk.domain.service import StoreService
from kiosk.domain.tickets import (
    VerifyResult,
    is_code,
    is_token,
    new_token,
    normalize_ticket_input,
    token_hash,
)


@dataclass(frozen=True)
class CheckIn:
    """The answer to a scanned or typed ticket. Never an exception."""

    result: VerifyResult
    booking: Booking | None = None
    opens_at: datetime | None = None  # with TOO_EARLY: when the visitor may check in

    @property
    def ok(self) -> bool:
        return self.result is VerifyResult.OK


class ArrivalService(StoreService):
    def reissue_ticket(self, code: str, deliver: Callable[[Ticket], None] | None = None) -> Ticket:
        """A fresh token for a booking (the store keeps only hashes); the old QR stops working.

        ``deliver`` (write the file, print the paper) runs before the new token is committed:
        if it raises, nothing changes and the visitor's current ticket stays valid.
        """
        wanted = normalize_ticket_input(code)
        with self.store.transaction() as tx:
            booking = booking_by_code(tx, wanted)
            if not booking.state.is_open:
                raise Conflict(
                    "ticket_closed", f"booking {wanted} is {booking.status}; no ticket to print"
                )
            token = new_token()
            ticket = Ticket(replace(booking, token_hash=token_hash(token)), token)
            if deliver is not None:
                deliver(ticket)
            tx.update(BOOKINGS, {"token_hash": token_hash(token)}, id=booking.id)
        return ticket

    def verify(self, ticket: str) -> CheckIn:
        """What checking in with ``ticket`` would answer, without changing anything."""
        with self.store.snapshot() as tx:
            return self._verify(tx, ticket)

    def check_in(self, ticket: str, *, anytime: bool = False) -> CheckIn:
        """Check in by scanned token or typed code: one compare-and-set under the lock.

        ``anytime``: the librarian at the desk checks in outside the kiosk's window too."""
        text = normalize_ticket_input(ticket)
        if not (is_token(text) or is_code(text)):
            return CheckIn(VerifyResult.MALFORMED)
        with self.store.transaction() as tx:
            outcome = self._verify(tx, text, window=not anytime)
            if not outcome.ok or outcome.booking is None:
                return outcome
            changed = outcome.booking.with_status(BookingStatus.CHECKED_IN, self.now())
            tx.update(BOOKINGS, changed.to_dict(), id=changed.id)
        return CheckIn(VerifyResult.OK, changed)

    def _verify(self, tx: Tx, ticket: str, window: bool = True) -> CheckIn:
        text = normalize_ticket_input(ticket)
        if is_token(text):
            doc = tx.find_booking(token_hash=token_hash(text))
            if doc is None:
                return CheckIn(VerifyResult.FORGED)
        elif is_code(text):
            doc = tx.find_booking(code=text)
            if doc is None:
                return CheckIn(VerifyResult.UNKNOWN)
        else:
            return CheckIn(VerifyResult.MALFORMED)
        booking = Booking.from_dict(doc)
        state = booking.state
        if state is BookingStatus.CANCELLED:
            return CheckIn(VerifyResult.CANCELLED, booking)
        if state is BookingStatus.CHECKED_IN:
            return CheckIn(VerifyResult.ALREADY_CHECKED_IN, booking)
        if state in (BookingStatus.DONE, BookingStatus.NO_SHOW):
            return CheckIn(VerifyResult.ALREADY_CLOSED, booking)
        now = self.now()
        if booking.starts.date() != now.date():
            return CheckIn(VerifyResult.NOT_TODAY, booking)
        # The window: from ``checkin_before_minutes`` before the start until the end.
        opens = booking.starts - timedelta(minutes=load_settings(tx).checkin_before_minutes)
        if window and now < opens:
            return CheckIn(VerifyResult.TOO_EARLY, booking, opens_at=opens)
        if window and now >= booking.ends:
            return CheckIn(VerifyResult.TOO_LATE, booking)
        return CheckIn(VerifyResult.OK, booking)
