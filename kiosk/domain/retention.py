"""Privacy: visitor first names and phones (with any e-mail and the consent to messages) are
erased ``retention_days`` after the consultation.

The booking itself stays (code, topic, e-scout, times, status) so results keep counting it.
Each purge that erased something is logged (codes and counts only) for the console.
E-scouts' data follows the same period: presence records ("I am here" per shift) are erased
once their shift ended ``retention_days`` ago, and the card, PIN and wrong-PIN counters of an
e-scout who has been inactive that long. Waiting-list entries go once expired, and never
later than the same period after they were made (``waitlist.is_due``).
Copies are held to the same promise: the same names are erased, and the same waiting-list
entries removed, in the backups, their archive mirror and the copies off the PC
(``copy_erasure``); exports (which list names and phones) older than the period are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from db import Erasure, Store, Tx
from db.history import MONTH_PREFIX
from kiosk.domain.clock import Clock, as_local
from kiosk.domain.maintenance import PURGES, MaintenanceService
from kiosk.domain.models import Booking, ScoutCredentials
from kiosk.domain.records import BOOKINGS, SCOUTS, load_settings
from kiosk.domain.scout_access import SCOUT_CREDENTIALS, SCOUT_LOCKOUTS
from kiosk.domain.scout_day import SCOUT_PRESENCE
from kiosk.domain.service import StoreService
from kiosk.domain.waitlist import WAITLIST
from kiosk.domain.waitlist import erase_due as erase_due_entries
from kiosk.domain.waitlist import is_due as entry_is_due

PURGE_LOG_KEEP = 200
# What a booking's erasure clears: the name, the phone, the e-mail address and the consent
# to messages that went with them.
ERASED_FIELDS: dict[str, Any] = {"name": "", "phone": None, "email": None, "remind": False}
# Closed bookings move to the per-month archive this long after their names were erased,
# so the archive (written once) only ever holds anonymous records.
ARCHIVE_MARGIN_DAYS = 7


@dataclass(frozen=True)
class Erased:
    code: str
    start: str
    status: str


@dataclass
class PurgeResult:
    at: datetime
    retention_days: int
    cutoff: datetime  # consultations that ended at or before this were erased
    erased: list[Erased] = field(default_factory=list)
    archived: int = 0  # closed, anonymous bookings moved from the hot file to the archive
    copies_changed: list[str] = field(default_factory=list)  # backups / mirror files erased in
    exports_removed: list[str] = field(default_factory=list)
    presence_erased: int = 0  # e-scouts' "I am here" records of shifts past the period
    credentials_erased: list[str] = field(default_factory=list)  # e-scouts inactive that long
    waitlist_erased: int = 0  # waiting-list entries expired or past the period

    @property
    def count(self) -> int:
        return len(self.erased)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "retention_days": self.retention_days,
            "cutoff": self.cutoff.isoformat(),
            "erased_count": self.count,
            "erased": [{"code": e.code, "start": e.start, "status": e.status} for e in self.erased],
            "archived_count": self.archived,
            "copies_changed": self.copies_changed,
            "exports_removed": self.exports_removed,
            "presence_erased": self.presence_erased,
            "credentials_erased": self.credentials_erased,
            "waitlist_erased": self.waitlist_erased,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PurgeResult:
        return cls(
            at=datetime.fromisoformat(data["at"]),
            retention_days=int(data["retention_days"]),
            cutoff=datetime.fromisoformat(data["cutoff"]),
            erased=[Erased(e["code"], e["start"], e["status"]) for e in data.get("erased", [])],
            archived=int(data.get("archived_count", 0)),
            copies_changed=list(data.get("copies_changed", [])),
            exports_removed=list(data.get("exports_removed", [])),
            presence_erased=int(data.get("presence_erased", 0)),
            credentials_erased=list(data.get("credentials_erased", [])),
            waitlist_erased=int(data.get("waitlist_erased", 0)),
        )


def is_due(booking: Booking, now: datetime, retention_days: int) -> bool:
    """Personal data is kept until exactly ``retention_days`` after the consultation ended."""
    return booking.erased_at is None and booking.ends + timedelta(days=retention_days) <= now


def erase_due(doc: dict[str, Any], now: datetime, retention_days: int) -> dict[str, Any] | None:
    """A copy of a stored booking with name and phone erased if they are due, else None.

    For copies (backups, mirror) that may hold rows the model cannot read: a row whose end
    cannot be read is erased too, since nothing proves it is still within the period."""
    if not any(doc.get(key) for key in ERASED_FIELDS):
        return None
    try:
        due = as_local(datetime.fromisoformat(str(doc["end"]))) + timedelta(days=retention_days)
    except (KeyError, TypeError, ValueError):
        due = now
    except OverflowError:  # ends near the end of the calendar: due long after any now
        return None
    if due > now:
        return None
    return {**doc, **ERASED_FIELDS, "erased_at": doc.get("erased_at") or now.isoformat()}


def copy_erasure(now: datetime, retention_days: int) -> Erasure:
    """The purge's rule for copies (backups, their mirror, copies off the PC): the same as
    for the data file. Names and phones of bookings due are erased; waiting-list entries
    due (expired, or made the period ago) are removed whole, as the purge removes them."""
    return Erasure(
        booking=lambda doc: erase_due(doc, now, retention_days),
        drop={WAITLIST: lambda doc: entry_is_due(doc, now, retention_days)},
    )


def purge(store: Store, clock: Clock, maintenance: MaintenanceService) -> PurgeResult:
    """Erase names and phones past the retention period, then archive old closed bookings.

    The erasure is one transaction, logged if it erased anything. The archive move keeps
    the hot file small so everyday operations do not slow down with history. Then the
    same erasure runs over the backups and the archive mirror, and old exports go.
    """
    now = as_local(clock.now())
    with store.transaction() as tx:
        days = load_settings(tx).retention_days
        result = PurgeResult(now, days, now - timedelta(days=days))
        for doc in tx.all(BOOKINGS):
            booking = Booking.from_dict(doc)
            if not is_due(booking, now, days):
                continue
            tx.update(BOOKINGS, {**ERASED_FIELDS, "erased_at": now.isoformat()}, id=booking.id)
            result.erased.append(Erased(booking.code, booking.start, booking.status))
        result.presence_erased = _erase_presence(tx, now, days)
        result.credentials_erased = _erase_inactive_credentials(tx, now, days)
        result.waitlist_erased = erase_due_entries(tx, now, days)
        if (
            result.erased
            or result.presence_erased
            or result.credentials_erased
            or result.waitlist_erased
        ):
            result.erased.sort(key=lambda e: (e.start, e.code))
            log = tx.all(PURGES)
            log.append({"seq": len(log) + 1, **result.to_dict()})
            tx.replace_all(PURGES, log[-PURGE_LOG_KEEP:])
    result.archived = store.archive_history(now - timedelta(days=days + ARCHIVE_MARGIN_DAYS))
    result.copies_changed = store.erase_in_backups(copy_erasure(now, days))
    for name in result.copies_changed:
        if name.startswith(MONTH_PREFIX):
            # The mirror held names, so its source month does too: erase there as well, or
            # the next backup would copy them back.
            month = name[len(MONTH_PREFIX) :].removesuffix(".json")
            store.rewrite_archived(month, lambda d: erase_due(d, now, days))
    result.exports_removed = maintenance.remove_old_exports(days)
    return result


def _erase_presence(tx: Tx, now: datetime, days: int) -> int:
    """Drop presence records of shifts that ended ``days`` ago or more."""
    cutoff = now - timedelta(days=days)
    old = [
        d["id"]
        for d in tx.all(SCOUT_PRESENCE)
        if as_local(datetime.fromisoformat(d["shift_end"])) <= cutoff
    ]
    for presence_id in old:
        tx.remove(SCOUT_PRESENCE, id=presence_id)
    return len(old)


def _erase_inactive_credentials(tx: Tx, now: datetime, days: int) -> list[str]:
    """Card, PIN and counters of e-scouts inactive for ``days``: the first purge that finds
    an e-scout inactive starts the count; one made active again starts afresh later."""
    active = {d["id"]: bool(d.get("active", True)) for d in tx.all(SCOUTS)}
    erased = []
    for doc in tx.all(SCOUT_CREDENTIALS):
        creds = ScoutCredentials.from_dict(doc)
        if active.get(creds.scout, False):
            if creds.inactive_since is not None:
                tx.update(SCOUT_CREDENTIALS, {"inactive_since": None}, scout=creds.scout)
            continue
        if creds.inactive_since is None:
            tx.update(SCOUT_CREDENTIALS, {"inactive_since": now.isoformat()}, scout=creds.scout)
            continue
        if as_local(datetime.fromisoformat(creds.inactive_since)) + timedelta(days=days) <= now:
            tx.remove(SCOUT_CREDENTIALS, scout=creds.scout)
            tx.remove(SCOUT_LOCKOUTS, scout=creds.scout)
            erased.append(creds.scout)
    return sorted(erased)


def purge_log(store: Store) -> list[PurgeResult]:
    """Earlier purges that erased something, newest first."""
    with store.snapshot() as tx:
        docs = tx.all(PURGES)
    return [PurgeResult.from_dict(d) for d in sorted(docs, key=lambda d: d["at"], reverse=True)]


class RetentionService(StoreService):
    """What the console and the CLI call to keep the retention promise."""

    def __init__(self, store: Store, clock: Clock, maintenance: MaintenanceService) -> None:
        super().__init__(store, clock)
        self.maintenance = maintenance

    def purge(self) -> PurgeResult:
        return purge(self.store, self.clock, self.maintenance)

    def log(self) -> list[PurgeResult]:
        return purge_log(self.store)

    def eraser(self) -> Erasure:
        """The purge's erasure as of now, for copies it does not reach by itself (a
        backup folder off the PC)."""
        now = as_local(self.clock.now())
        with self.store.snapshot() as tx:
            days = load_settings(tx).retention_days
        return copy_erasure(now, days)
