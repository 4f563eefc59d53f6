"""Calls for the librarian: a visitor taps "Need help?" and every open console shows it.

A call is a small record (which kiosk, when, when answered) in the shared store, so any
console on the same data dir sees it on its next poll. It holds no personal data. A call
nobody answered stops showing after ``EXPIRE_MINUTES``: by then the visitor has gone or
found help; the record is dropped then too, so the table never grows.

So that the programme still learns how often visitors needed help, each new call adds one
to its month's count (``help_call_counts``: {month: "YYYY-MM", count}), in the same
transaction: a bare number per month, with no kiosk, time or anything about the visitor.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from db import Store, Tx
from kiosk.domain.clock import Clock, as_local
from kiosk.domain.errors import NotFound
from kiosk.domain.service import StoreService
from kiosk.domain.validation import plain_text

HELP_CALLS = "help_calls"
HELP_CALL_COUNTS = "help_call_counts"  # {month: "YYYY-MM", count}: calls made per month
EXPIRE_MINUTES = 30
KIOSK_NAME_MAX = 80


def kiosk_name() -> str:
    """This kiosk's name in a help call: ``KIOSK_NAME`` if set (e.g. "Kiosk at the entrance"),
    else the computer's name."""
    return os.environ.get("KIOSK_NAME", "").strip() or socket.gethostname()


@dataclass(frozen=True)
class HelpCall:
    id: str
    kiosk: str  # which kiosk called: its name, so the librarian knows where to go
    library: str
    called_at: str  # ISO, with offset
    answered_at: str | None = None

    @property
    def called(self) -> datetime:
        return as_local(datetime.fromisoformat(self.called_at))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HelpCall:
        return cls(
            id=str(data["id"]),
            kiosk=str(data.get("kiosk", "")),
            library=str(data.get("library", "")),
            called_at=str(data["called_at"]),
            answered_at=data.get("answered_at"),
        )


class HelpCallService(StoreService):
    def __init__(self, store: Store, clock: Clock, expire_minutes: int = EXPIRE_MINUTES) -> None:
        super().__init__(store, clock)
        self.expire = timedelta(minutes=expire_minutes)

    def call(self, kiosk: str, library: str = "") -> HelpCall:
        """Record a call from ``kiosk``; a second tap while one is open adds nothing."""
        kiosk = plain_text(kiosk)[:KIOSK_NAME_MAX]
        library = plain_text(library)
        now = self.now()
        with self.store.transaction() as tx:
            self._drop_expired(tx, now)
            for doc in tx.find(HELP_CALLS, kiosk=kiosk, answered_at=None):
                return HelpCall.from_dict(doc)
            call = HelpCall(uuid.uuid4().hex[:12], kiosk, library, now.isoformat())
            tx.insert(HELP_CALLS, call.to_dict())
            _count_call(tx, now)
        return call

    def monthly_counts(self, first: date, last: date) -> dict[date, int]:
        """Help calls made per month (keyed by its first day) of the months ``first``..``last``
        touch; a row the kiosk cannot read is left out."""
        low, high = f"{first:%Y-%m}", f"{last:%Y-%m}"
        with self.store.snapshot() as tx:
            docs = tx.all(HELP_CALL_COUNTS)
        out: dict[date, int] = {}
        for doc in docs:
            month, count = doc.get("month"), doc.get("count")
            if not isinstance(month, str) or not low <= month <= high:
                continue
            try:
                day = datetime.strptime(month, "%Y-%m").date()
            except ValueError:
                continue
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                out[day] = out.get(day, 0) + count
        return out

    def open_calls(self) -> list[HelpCall]:
        """Calls nobody has answered yet and that have not expired, oldest first."""
        cutoff = self.now() - self.expire
        with self.store.snapshot() as tx:
            calls = [HelpCall.from_dict(d) for d in tx.find(HELP_CALLS, answered_at=None)]
        return sorted((c for c in calls if c.called > cutoff), key=lambda c: c.called_at)

    def answer(self, call_id: str) -> HelpCall:
        """A librarian is on the way: the call stops showing in every console."""
        now = self.now()
        with self.store.transaction() as tx:
            doc = tx.get(HELP_CALLS, id=call_id)
            if doc is None:
                raise NotFound("unknown_entry", f"no help call {call_id!r}")
            call = HelpCall.from_dict(doc)
            if call.answered_at is None:
                tx.update(HELP_CALLS, {"answered_at": now.isoformat()}, id=call_id)
                call = HelpCall.from_dict({**doc, "answered_at": now.isoformat()})
            self._drop_expired(tx, now)
        return call

    def _drop_expired(self, tx: Tx, now: datetime) -> None:
        cutoff = now - self.expire
        for doc in tx.all(HELP_CALLS):
            if as_local(datetime.fromisoformat(doc["called_at"])) <= cutoff:
                tx.remove(HELP_CALLS, id=doc["id"])


def _count_call(tx: Tx, now: datetime) -> None:
    """One more call in ``now``'s month."""
    month = f"{now:%Y-%m}"
    doc = tx.get(HELP_CALL_COUNTS, month=month)
    if doc is None:
        tx.insert(HELP_CALL_COUNTS, {"month": month, "count": 1})
    else:
        tx.update(HELP_CALL_COUNTS, {"count": int(doc.get("count") or 0) + 1}, month=month)
