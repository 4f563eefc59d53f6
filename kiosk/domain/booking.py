"""Booking rules: free times, book, look up, follow-up sessions, move, cancel.

``BookingService`` takes its store and clock as arguments. Every decision (is this
time still free? has this visitor too many bookings?) is made inside one store
transaction, under the cross-process lock. Arrivals (check-in, tickets) are in
``arrivals``, the desk's record of how a booking ended in ``desk``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from db import Tx
from kiosk.domain.clock import as_local
from kiosk.domain.errors import Conflict, NotFound
from kiosk.domain.models import (
    Booking,
    BookingStatus,
    CallReason,
    Scout,
    Settings,
    Slot,
    Source,
    Topic,
)
from kiosk.domain.records import (
    BOOKINGS,
    OPEN_STATUSES,
    TOPICS,
    booking_by_code,
    change_status,
    load_availability,
    load_scouts,
    load_settings,
    load_topics,
)
from kiosk.domain.reminders import check_consent, check_email, note_freed
from kiosk.domain.scheduling import Availability, Busy, free_slots
from kiosk.domain.service import StoreService
from kiosk.domain.tickets import (
    new_code,
    new_token,
    normalize_ticket_input,
    token_hash,
)
from kiosk.domain.validation import clean_name, normalize_phone, visitor_key


def _without_notice(availability: Availability) -> Availability:
    """The same availability with no minimum notice (desk bookings: any time not begun)."""
    return replace(availability, settings=replace(availability.settings, min_notice_minutes=0))


def _without_own_time(availability: Availability, booking: Booking) -> Availability:
    """The availability as if ``booking`` held no time (it is the one moving)."""
    busy = list(availability.busy)
    own = Busy(booking.scout, booking.starts, booking.ends)
    if own in busy:
        busy.remove(own)  # one seat only: a group session's other seats stay taken
    return replace(availability, busy=busy)


def _held(tx: Tx, key: tuple[str, str], now: datetime) -> list[dict[str, Any]]:
    """The open future bookings of the visitor with this ``visitor_key``."""
    return [
        d
        for d in tx.bookings_ending_after(now)
        if d["status"] in OPEN_STATUSES
        and (d.get("phone") or "") == key[1]  # cheap test first
        and visitor_key(d["name"], d.get("phone")) == key
        and datetime.fromisoformat(d["start"]) > now
    ]


def _require_room(holding: int, settings: Settings) -> None:
    if holding >= settings.max_future_bookings:
        raise Conflict(
            "too_many_bookings",
            f"this visitor already holds {holding} future bookings "
            f"(at most {settings.max_future_bookings})",
        )


@dataclass(frozen=True)
class Ticket:
    """A booking just made: the token exists only here, never in the store."""

    booking: Booking
    token: str


class BookingService(StoreService):
    # -- reading ----------------------------------------------------------------------

    def settings(self) -> Settings:
        with self.store.snapshot() as tx:
            return load_settings(tx)

    def topics(self, active_only: bool = True) -> list[Topic]:
        with self.store.snapshot() as tx:
            return [t for t in load_topics(tx) if t.active or not active_only]

    def topic(self, slug: str) -> Topic:
        found = next((t for t in self.topics(active_only=False) if t.slug == slug), None)
        if found is None:
            raise NotFound("unknown_topic", f"no topic {slug!r}")
        return found

    def scouts(self) -> list[Scout]:
        with self.store.snapshot() as tx:
            return load_scouts(tx)

    def scout(self, scout_id: str) -> Scout:
        found = next((s for s in self.scouts() if s.id == scout_id), None)
        if found is None:
            raise NotFound("unknown_scout", f"no e-scout {scout_id!r}")
        return found

    def free_slots(
        self,
        topic: str,
        first_day: date | None = None,
        days: int | None = None,
        scout: str | None = None,
        language: str | None = None,
        ignore_notice: bool = False,
    ) -> list[Slot]:
        """Free times for a topic, from today (or ``first_day``) within the booking horizon;
        with a ``language``, those of e-scouts who speak it (see ``scheduling.free_slots``).

        ``ignore_notice``: at the desk (a walk-in, a move) any time not yet begun is offered,
        however soon; the minimum notice is for bookings made ahead at the kiosk."""
        now = self.now()
        with self.store.snapshot() as tx:
            self._require_topic(tx, topic)
            availability = load_availability(tx, since=now)
        if ignore_notice:
            availability = _without_notice(availability)
        return self._slots(availability, topic, now, first_day, days, scout, language)

    def first_free(self, topic: str, language: str | None = None) -> Slot | None:
        slots = self.free_slots(topic, language=language)
        return slots[0] if slots else None

    def _slots(
        self,
        availability: Availability,
        topic: str,
        now: datetime,
        first_day: date | None,
        days: int | None,
        scout: str | None,
        language: str | None = None,
    ) -> list[Slot]:
        today = now.date()
        horizon_end = today + timedelta(days=availability.settings.horizon_days)
        start_day = max(first_day or today, today)
        wanted = availability.settings.horizon_days if days is None else days
        last_day = min(start_day + timedelta(days=wanted), horizon_end)
        count = (last_day - start_day).days
        return free_slots(availability, topic, now, start_day, count, scout, language)

    def lookup(self, code: str) -> Booking:
        """The booking with this short code (any case, spaces ignored)."""
        with self.store.snapshot() as tx:
            return booking_by_code(tx, normalize_ticket_input(code))

    def bookings(
        self,
        day: date | None = None,
        status: BookingStatus | str | None = None,
    ) -> list[Booking]:
        with self.store.snapshot() as tx:
            docs: Iterable[dict[str, Any]]
            if status is not None and str(status) in OPEN_STATUSES:
                docs = tx.all(BOOKINGS)  # open bookings are never archived
            else:
                months = [day.isoformat()[:7]] if day is not None else None
                docs = tx.all_bookings(include_history=True, months=months)
            found = [Booking.from_dict(d) for d in docs]
        if day is not None:
            found = [b for b in found if b.starts.date() == day]
        if status is not None:
            found = [b for b in found if b.status == str(status)]
        return sorted(found, key=lambda b: (b.start, b.code))

    # -- booking ----------------------------------------------------------------------

    def book(
        self,
        topic: str,
        start: datetime,
        name: str,
        phone: str | None = None,
        scout: str | None = None,
        language: str = "lt",
        source: Source = Source.KIOSK,
        follows: str | None = None,
        ignore_notice: bool = False,
        remind: bool = False,
        email: str | None = None,
    ) -> Ticket:
        """Book a free time. Raises ValidationError, NotFound or Conflict (never double-books).

        ``ignore_notice``: a walk-in at the desk may take a time starting now. ``remind``:
        the visitor agreed to a reminder the day before (needs ``phone`` or ``email``)."""
        clean = clean_name(name)
        phone_norm = normalize_phone(phone)
        email_norm = check_email(email)
        check_consent(remind, phone_norm, email_norm)
        start = as_local(start)
        with self.store.transaction() as tx:
            now = self.now()
            self._require_topic(tx, topic, active=True)
            availability = load_availability(tx, since=now, on_day=start.date())
            if ignore_notice:
                availability = _without_notice(availability)
            settings = availability.settings
            slots = self._slots(availability, topic, now, start.date(), 1, scout)
            chosen = next((s for s in slots if s.start == start), None)
            if chosen is None:
                raise Conflict(
                    "slot_taken",
                    f"the time {start.isoformat()} is not free for topic {topic!r}",
                )
            held = _held(tx, visitor_key(clean, phone_norm), now)
            if any(datetime.fromisoformat(d["start"]) == chosen.start for d in held):
                # One seat a visitor: a group session's second seat is a mistaken tap.
                raise Conflict(
                    "already_booked_then",
                    f"this visitor already has a booking at {start.isoformat()}",
                )
            _require_room(len(held), settings)
            token = new_token()
            booking = Booking(
                id=uuid.uuid4().hex,
                code=self._unique_code(tx),
                token_hash=token_hash(token),
                topic=topic,
                scout=chosen.scout,
                start=chosen.start.isoformat(),
                end=chosen.end.isoformat(),
                place=chosen.place,
                name=clean,
                phone=phone_norm,
                remind=remind,
                email=email_norm,
                language=language,
                status=BookingStatus.BOOKED,
                source=str(source),
                created_at=now.isoformat(),
                follows=follows,
            )
            tx.insert(BOOKINGS, booking.to_dict())
        return Ticket(booking, token)

    def check_room(self, name: str, phone: str | None = None) -> None:
        """Refuse early (``too_many_bookings``) when this visitor may book nothing more.

        The kiosk asks right after the name and phone, so the visitor hears it before
        confirming; ``book`` checks again under the lock."""
        key = visitor_key(clean_name(name), normalize_phone(phone))
        with self.store.snapshot() as tx:
            now = self.now()
            _require_room(len(_held(tx, key, now)), load_settings(tx))

    # -- follow-up sessions ---------------------------------------------------------------

    def follow_up_slots(self, code: str) -> list[Slot]:
        """Free times for the next session of a booking's visitor and topic: the same e-scout's
        first, then the others'."""
        earlier = self.lookup(code)
        slots = self.free_slots(earlier.topic, language=earlier.language)
        return sorted(slots, key=lambda s: (s.scout != earlier.scout, s.start))

    def book_follow_up(self, code: str, start: datetime, scout: str | None = None) -> Ticket:
        """Book the next session for the same visitor and topic (at the desk)."""
        earlier = self.lookup(code)
        if earlier.erased_at is not None or not earlier.name:
            raise Conflict("visitor_erased", f"booking {earlier.code} no longer has a name")
        return self.book(
            earlier.topic,
            start,
            earlier.name,
            earlier.phone,
            scout=scout,
            language=earlier.language,
            source=Source.LIBRARIAN,
            follows=earlier.id,
        )

    # -- moving a booking -------------------------------------------------------------------

    def move_slots(self, code: str) -> list[Slot]:
        """Where a booking could move: free times of its topic (any e-scout who covers it),
        from now on, its own time left out."""
        booking = self.lookup(code)
        return [
            s
            for s in self.free_slots(booking.topic, ignore_notice=True)
            if not (s.scout == booking.scout and s.start == booking.starts)
        ]

    def move(self, code: str, start: datetime, scout: str | None = None) -> Booking:
        """Move a booked time to another free time (of ``scout``, else any e-scout of the
        topic): the same booking, code and ticket, the old time logged in ``changes``; the
        visitor is to be called (``to_call``) until a librarian says they were told.

        The target is checked under the lock, so a time taken meanwhile is refused."""
        wanted = normalize_ticket_input(code)
        start = as_local(start)
        with self.store.transaction() as tx:
            booking = booking_by_code(tx, wanted)
            if booking.state is not BookingStatus.BOOKED:
                raise Conflict(
                    "cannot_move",
                    f"booking {wanted} is {booking.status}; only a booked time can move",
                    status=booking.status,
                )
            if start == booking.starts and scout in (None, booking.scout):
                return booking  # already there
            now = self.now()
            availability = _without_notice(load_availability(tx, since=now, on_day=start.date()))
            availability = _without_own_time(availability, booking)
            slots = self._slots(availability, booking.topic, now, start.date(), 1, scout)
            chosen = next((s for s in slots if s.start == start), None)
            if chosen is None:
                raise Conflict(
                    "slot_taken",
                    f"the time {start.isoformat()} is not free for topic {booking.topic!r}",
                )
            moved = booking.moved(chosen.start, chosen.end, chosen.scout, chosen.place, now)
            moved = moved.marked_to_call(CallReason.MOVED, now)
            tx.update(BOOKINGS, moved.to_dict(), id=booking.id)
            note_freed(tx, booking, now)  # the old time, for someone on the waiting list
        return moved

    def _unique_code(self, tx: Tx) -> str:
        for _ in range(100):
            code = new_code()
            if tx.find_booking(code=code) is None:  # unique across the history too
                return code
        raise RuntimeError("could not find a free booking code")  # 25^6 codes: not reached

    def _require_topic(self, tx: Tx, slug: str, active: bool = False) -> Topic:
        doc = tx.get(TOPICS, slug=slug)
        if doc is None:
            raise NotFound("unknown_topic", f"no topic {slug!r}")
        topic = Topic.from_dict(doc)
        if active and not topic.active:
            raise Conflict("topic_inactive", f"topic {slug!r} is not offered now")
        return topic

    # -- changing status ----------------------------------------------------------------

    def cancel(self, code: str) -> Booking:
        """The librarian's cancel: any booked time, however soon."""
        wanted = normalize_ticket_input(code)
        with self.store.transaction() as tx:
            now = self.now()
            cancelled = change_status(
                tx, wanted, BookingStatus.CANCELLED, {BookingStatus.BOOKED}, now
            )
            note_freed(tx, cancelled, now)  # for someone on the waiting list
            return cancelled

    def visitor_may_cancel(self, booking: Booking) -> bool:
        """May the visitor cancel ``booking`` at the kiosk now (booked, and not yet within
        ``cancel_cutoff_hours`` of the start)? The look-up offers Cancel only then."""
        if booking.state is not BookingStatus.BOOKED:
            return False
        cutoff = timedelta(hours=self.settings().cancel_cutoff_hours)
        return self.now() <= booking.starts - cutoff

    def cancel_by_visitor(self, code: str) -> Booking:
        """The kiosk's cancel: until ``cancel_cutoff_hours`` before the start, then refused
        (the librarian can still cancel). The time is free again at once."""
        wanted = normalize_ticket_input(code)
        with self.store.snapshot() as tx:
            booking = booking_by_code(tx, wanted)
        if booking.state is BookingStatus.BOOKED and not self.visitor_may_cancel(booking):
            raise Conflict(
                "cancel_too_late",
                f"booking {wanted} starts at {booking.starts:%H:%M}; "
                "from now on only the librarian can cancel it",
                start=f"{booking.starts:%H:%M}",
            )
        return self.cancel(wanted)
