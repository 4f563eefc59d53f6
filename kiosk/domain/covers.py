"""An e-scout's coming shift they cannot do: absent (said at the kiosk), or covered by another.

- **Absent**: the e-scout says why (``AbsenceReason``); the library gets the same absence as
  one the librarian enters (a dated exception over the shift), and the shift's visitors are
  marked "to call" for ``CallReason.ABSENCE``.
- **Cover**: the e-scout asks; another active e-scout who covers the shift's topics and is
  free then takes it; the librarian confirms. On confirmation the asker is absent for the
  shift, the taker has it as an extra session at the same place, and its bookings follow the
  taker (visitors see the new first name), marked "to call" for ``CallReason.COVER``.

The request lives on the shift's presence record (``ScoutPresence.cover``), so it is erased
with the shift's record after the retention period.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from db import Tx
from kiosk.domain.catalog import absence_covers
from kiosk.domain.clock import as_local
from kiosk.domain.errors import Conflict, ErrorCode
from kiosk.domain.models import (
    Booking,
    CallReason,
    DatedException,
    ExceptionKind,
    Scout,
    ScoutPresence,
)
from kiosk.domain.records import (
    BOOKINGS,
    EXCEPTIONS,
    OPEN_STATUSES,
    load_scouts,
    mark_to_call,
    open_future,
)
from kiosk.domain.scout_day import (
    SCOUT_PRESENCE,
    Shift,
    _mark_presence,
    _presence,
    _scout,
    _shifts,
)
from kiosk.domain.service import StoreService


class AbsenceReason(StrEnum):
    ILL = "ill"
    SCHOOL = "school"  # school or exams
    OTHER = "other"


class CoverStatus(StrEnum):
    OPEN = "open"  # asked, nobody took it yet
    TAKEN = "taken"  # another e-scout took it: the librarian confirms
    CONFIRMED = "confirmed"  # the shift and its bookings moved to the taker
    WITHDRAWN = "withdrawn"  # the asker took it back (or reported an absence instead)


PENDING = (CoverStatus.OPEN, CoverStatus.TAKEN)


@dataclass(frozen=True)
class CoverRequest:
    """One e-scout's shift offered to others."""

    scout: Scout  # who asks
    shift: Shift
    status: CoverStatus
    taker: Scout | None
    topics: tuple[str, ...]  # the topics of the shift's booked visitors
    bookings: int  # how many visitors are booked in it


def _bookings_in(tx: Tx, scout_id: str, start: datetime, end: datetime) -> list[Booking]:
    """The open bookings of the e-scout inside the shift."""
    return [
        b
        for b in open_future(tx, start, scout_id)
        if b.status in OPEN_STATUSES and start <= b.starts < end
    ]


def _shift_ahead(tx: Tx, scout: Scout, start: datetime, now: datetime) -> Shift:
    """The e-scout's shift starting at ``start``, not begun yet; Conflict otherwise."""
    shift = next((s for s in _shifts(tx, scout, start.date()) if s.start == start), None)
    if shift is None or shift.start <= now:
        raise Conflict(
            ErrorCode.NO_SUCH_SHIFT,
            f"{scout.id!r} has no coming shift at {start:%Y-%m-%d %H:%M}",
        )
    return shift


def _covers_topics(taker: Scout, asker: Scout, topics: set[str]) -> bool:
    """Does the taker cover what the shift needs: every booked visitor's topic, or (no
    bookings yet) at least one topic of the asker's?"""
    if topics:
        return topics <= set(taker.topics)
    return bool(set(asker.topics) & set(taker.topics))


def _busy(tx: Tx, taker: Scout, shift: Shift) -> bool:
    """Has the taker a shift or an open consultation overlapping ``shift``?"""
    day = shift.start.date()
    if any(s.start < shift.end and shift.start < s.end for s in _shifts(tx, taker, day)):
        return True
    return any(
        b.starts < shift.end and shift.start < b.ends
        for b in open_future(tx, shift.start, taker.id)
    )


def _request(tx: Tx, presence: ScoutPresence, scouts: dict[str, Scout]) -> CoverRequest | None:
    asker = scouts.get(presence.scout)
    if asker is None or presence.cover is None:
        return None
    start = as_local(datetime.fromisoformat(presence.shift_start))
    end = as_local(datetime.fromisoformat(presence.shift_end))
    shift = Shift(
        presence.scout,
        start,
        end,
        presence.place,
        None,
        cover=presence.cover,
        cover_taker=presence.cover_taker,
    )
    # After confirmation the bookings are the taker's.
    holder = presence.cover_taker if presence.cover == CoverStatus.CONFIRMED else presence.scout
    bookings = _bookings_in(tx, holder or presence.scout, start, end)
    return CoverRequest(
        scout=asker,
        shift=shift,
        status=CoverStatus(presence.cover),
        taker=scouts.get(presence.cover_taker or ""),
        topics=tuple(sorted({b.topic for b in bookings})),
        bookings=len(bookings),
    )


def _open_request(tx: Tx, scout_id: str, start: datetime) -> ScoutPresence:
    presence = _presence(tx, scout_id, start)
    if presence is None or presence.cover not in PENDING:
        raise Conflict(
            ErrorCode.COVER_GONE,
            f"no cover asked for {scout_id!r} at {start:%Y-%m-%d %H:%M} any more",
        )
    return presence


class CoverService(StoreService):
    def report_absence(self, scout_id: str, start: datetime, reason: AbsenceReason) -> int:
        """The e-scout will not come to their shift at ``start``: the library gets the
        absence (as one the librarian enters) and the shift's visitors are marked "to call";
        how many. A cover asked for the shift is withdrawn."""
        reason = AbsenceReason(reason)
        now = self.now()
        with self.store.transaction() as tx:
            scout = _scout(tx, scout_id)
            shift = _shift_ahead(tx, scout, start, now)
            if shift.cover == CoverStatus.CONFIRMED:
                raise Conflict(ErrorCode.NO_SUCH_SHIFT, f"{scout_id!r}: the shift is covered")
            exception = DatedException(
                id=uuid.uuid4().hex,
                scout=scout_id,
                date=shift.start.date().isoformat(),
                kind=ExceptionKind.ABSENT,
                start=f"{shift.start:%H:%M}",
                end=f"{shift.end:%H:%M}",
                note=f"kiosk: {reason}",
            )
            tx.upsert(EXCEPTIONS, exception.to_dict(), id=exception.id)
            absent = [b for b in open_future(tx, now, scout_id) if absence_covers(exception, b)]
            marked = mark_to_call(tx, absent, CallReason.ABSENCE, now)
            withdrawn = CoverStatus.WITHDRAWN if shift.cover in PENDING else shift.cover
            _mark_presence(
                tx, scout_id, shift, absence_reason=str(reason), cover=withdrawn, cover_taker=None
            )
            return len(marked)

    def ask(self, scout_id: str, start: datetime) -> Shift:
        """Offer the e-scout's coming shift at ``start`` to the other e-scouts."""
        now = self.now()
        with self.store.transaction() as tx:
            scout = _scout(tx, scout_id)
            shift = _shift_ahead(tx, scout, start, now)
            if shift.cover in (*PENDING, CoverStatus.CONFIRMED):
                raise Conflict(ErrorCode.SHIFT_SPOKEN_FOR, f"{scout_id!r}: cover asked already")
            _mark_presence(
                tx,
                scout_id,
                shift,
                cover=str(CoverStatus.OPEN),
                cover_taker=None,
                cover_asked_at=now.isoformat(),
            )
        return replace(shift, cover=CoverStatus.OPEN)

    def withdraw(self, scout_id: str, start: datetime) -> None:
        """The asker takes the request back (open, or taken and not confirmed yet)."""
        self._without_taker(scout_id, start, CoverStatus.WITHDRAWN)

    def _without_taker(self, scout_id: str, start: datetime, status: CoverStatus) -> None:
        """An unsettled request set to ``status`` with no taker (withdrawn, or open again)."""
        with self.store.transaction() as tx:
            presence = _open_request(tx, scout_id, start)
            tx.update(
                SCOUT_PRESENCE,
                {"cover": str(status), "cover_taker": None, "version": presence.version + 1},
                id=presence.id,
            )

    def open_to(self, taker_id: str) -> list[CoverRequest]:
        """Requests another e-scout made that ``taker_id`` could take (open, not begun, the
        topics covered), soonest first."""
        now = self.now()
        with self.store.snapshot() as tx:
            taker = _scout(tx, taker_id)
            if not taker.active:
                return []
            scouts = {s.id: s for s in load_scouts(tx)}
            found = []
            for doc in tx.all(SCOUT_PRESENCE):
                if doc.get("cover") != CoverStatus.OPEN or doc.get("scout") == taker_id:
                    continue
                request = _request(tx, ScoutPresence.from_dict(doc), scouts)
                if request is None or request.shift.start <= now:
                    continue
                if _covers_topics(taker, request.scout, set(request.topics)):
                    found.append(request)
        return sorted(found, key=lambda r: (r.shift.start, r.scout.name))

    def take(self, taker_id: str, scout_id: str, start: datetime) -> CoverRequest:
        """``taker_id`` takes the shift of ``scout_id`` at ``start``; the librarian confirms.

        Refused: their own shift; gone (taken by another, withdrawn, begun); topics not
        covered; busy then (a shift or a consultation of their own)."""
        now = self.now()
        with self.store.transaction() as tx:
            taker = _scout(tx, taker_id)
            if taker_id == scout_id:
                raise Conflict(ErrorCode.COVER_OWN, "an e-scout cannot cover their own shift")
            presence = _open_request(tx, scout_id, start)
            if presence.cover != CoverStatus.OPEN or start <= now:
                raise Conflict(ErrorCode.COVER_GONE, "the cover was taken or withdrawn")
            if not taker.active:
                raise Conflict(ErrorCode.SCOUT_INACTIVE, f"{taker_id!r} is not active")
            scouts = {s.id: s for s in load_scouts(tx)}
            request = _request(tx, presence, scouts)
            assert request is not None
            self._check_taker(tx, taker, request)
            tx.update(
                SCOUT_PRESENCE,
                {
                    "cover": str(CoverStatus.TAKEN),
                    "cover_taker": taker_id,
                    "cover_taken_at": now.isoformat(),
                    "version": presence.version + 1,
                },
                id=presence.id,
            )
        return replace(request, status=CoverStatus.TAKEN, taker=taker)

    @staticmethod
    def _check_taker(tx: Tx, taker: Scout, request: CoverRequest) -> None:
        if not _covers_topics(taker, request.scout, set(request.topics)):
            raise Conflict(
                ErrorCode.COVER_TOPICS,
                f"{taker.id!r} does not cover {', '.join(request.topics) or 'these topics'}",
            )
        if _busy(tx, taker, request.shift):
            raise Conflict(
                ErrorCode.COVER_BUSY,
                f"{taker.id!r} has a shift or a consultation at {request.shift.start:%H:%M}",
            )

    def pending(self) -> list[CoverRequest]:
        """Requests not over yet and not settled (open, or taken and to confirm), for the
        librarian; soonest first."""
        now = self.now()
        with self.store.snapshot() as tx:
            scouts = {s.id: s for s in load_scouts(tx)}
            found = [
                _request(tx, ScoutPresence.from_dict(d), scouts)
                for d in tx.all(SCOUT_PRESENCE)
                if d.get("cover") in PENDING
                and as_local(datetime.fromisoformat(d["shift_end"])) > now
            ]
        return sorted(
            (r for r in found if r is not None), key=lambda r: (r.shift.start, r.scout.name)
        )

    def confirm(self, scout_id: str, start: datetime) -> list[Booking]:
        """The librarian confirms a taken cover: the asker is absent for the shift, the
        taker has it at the same place, and its bookings follow the taker, marked "to call"
        (``CallReason.COVER``); those bookings."""
        now = self.now()
        with self.store.transaction() as tx:
            presence = _open_request(tx, scout_id, start)
            if presence.cover != CoverStatus.TAKEN or presence.cover_taker is None:
                raise Conflict(ErrorCode.COVER_GONE, "nobody has taken this cover")
            scouts = {s.id: s for s in load_scouts(tx)}
            request = _request(tx, presence, scouts)
            taker = scouts.get(presence.cover_taker)
            if request is None or taker is None or not taker.active:
                raise Conflict(ErrorCode.COVER_GONE, "the taker is no longer an active e-scout")
            asker = request.scout
            shift = _shift_ahead(tx, asker, start, now)
            self._check_taker(tx, taker, request)
            day = shift.start.date().isoformat()
            begin, end = f"{shift.start:%H:%M}", f"{shift.end:%H:%M}"
            absent = DatedException(
                uuid.uuid4().hex, asker.id, day, ExceptionKind.ABSENT, begin, end,
                note=f"cover: {taker.name}",
            )  # fmt: skip
            group_topic = request.topics[0] if shift.seats > 1 and request.topics else ""
            extra = DatedException(
                uuid.uuid4().hex, taker.id, day, ExceptionKind.EXTRA, begin, end,
                place=shift.place, note=f"cover: {asker.name}", seats=shift.seats,
                topic=group_topic,
            )  # fmt: skip
            tx.upsert(EXCEPTIONS, absent.to_dict(), id=absent.id)
            tx.upsert(EXCEPTIONS, extra.to_dict(), id=extra.id)
            moved = []
            for b in _bookings_in(tx, asker.id, shift.start, shift.end):
                changed = replace(b, scout=taker.id)
                tx.update(BOOKINGS, {"scout": taker.id}, id=b.id)
                moved.append(changed)
            moved = mark_to_call(tx, moved, CallReason.COVER, now)
            tx.update(
                SCOUT_PRESENCE,
                {
                    "cover": str(CoverStatus.CONFIRMED),
                    "cover_confirmed_at": now.isoformat(),
                    "version": presence.version + 1,
                },
                id=presence.id,
            )
        return moved

    def decline(self, scout_id: str, start: datetime) -> None:
        """The librarian does not confirm the taker: the request is open again for others."""
        self._without_taker(scout_id, start, CoverStatus.OPEN)
