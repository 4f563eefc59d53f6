"""Privacy: visitor first names and phones (with any e-mail and the consent to messages) are
erased ``retention_days`` after the consultation.

The booking itself stays (code, topic, e-scout, times, status) so results keep counting it.
Each purge that erased something is logged (codes and counts only) for the console.
E-scouts' data follows the same period: presence records ("I am here" per shift) are erased
once their shift ended ``retention_days`` ago, and the card, PIN and wrong-PIN counters of an
e-scout who has been inactive that long. Waiting-list entries go once expired, and never
later than the same period after they were made (``waitlist.is_due``).
An e-scout inactive for the period (deactivated, or with no weekly time and no coming extra
session, counted from the first purge that finds them so) is erased (``ScoutErasure``): name,
full name and contact go, and so do card, PIN, weekly times, absences and extras and shift
records; their id (their first name) becomes an anonymous one in the activity forms and
bookings, so results keep every count.
Copies are held to the same promise: the same names are erased, the same e-scouts made
anonymous under the same ids, and the same waiting-list entries removed, in the archive, the
backups, their archive mirror and the copies off the PC (``copy_erasure``); exports (which
list names and phones) older than the period are deleted.

The daily purge also notes, for the programme's count of unmet demand, each active topic the
kiosk had no free time to offer within its booking horizon that day (``NO_FREE_TIME``: a row
{date, topic}, nothing about anyone); see ``record_days_without_free_time``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from db import Erasure, Store, Tx
from kiosk.domain.clock import Clock, as_local
from kiosk.domain.errors import KioskError
from kiosk.domain.maintenance import PURGES, MaintenanceService
from kiosk.domain.models import Booking, BookingStatus, ExceptionKind, ScoutCredentials
from kiosk.domain.pepper import Pepper
from kiosk.domain.records import (
    ACTIVITIES,
    BOOKINGS,
    EXCEPTIONS,
    SCOUTS,
    WEEKLY,
    load_availability,
    load_settings,
    load_topics,
)
from kiosk.domain.scheduling import free_slots
from kiosk.domain.scout_access import SCOUT_CREDENTIALS, SCOUT_LOCKOUTS
from kiosk.domain.scout_day import SCOUT_PRESENCE
from kiosk.domain.service import StoreService
from kiosk.domain.waitlist import WAITLIST
from kiosk.domain.waitlist import erase_due as erase_due_entries
from kiosk.domain.waitlist import is_due as entry_is_due

log = logging.getLogger(__name__)

PURGE_LOG_KEEP = 200
# What a booking's erasure clears: the name, the phone, the e-mail address and the consent
# to messages that went with them.
ERASED_FIELDS: dict[str, Any] = {"name": "", "phone": None, "email": None, "remind": False}
# Closed bookings move to the per-month archive this long after their names were erased,
# so the archive (written once) only ever holds anonymous records.
ARCHIVE_MARGIN_DAYS = 7
# Days a topic had no free time to offer: {date: "YYYY-MM-DD", topic: slug}, one row per day
# and topic at most; the day the check last ran is in the store's meta.
NO_FREE_TIME = "days_without_free_time"
NO_FREE_TIME_CHECKED = "no_free_time_checked"
# Such rows are kept this long (three years of the programme's reports), then dropped.
NO_FREE_TIME_KEEP_DAYS = 3 * 366


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
    scouts_erased: int = 0  # e-scouts inactive for the period, made anonymous

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
            "scouts_erased": self.scouts_erased,
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
            scouts_erased=int(data.get("scouts_erased", 0)),
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


# An erased e-scout's id: this prefix and 12 hex digits of an HMAC of the old id.
ANONYMOUS_PREFIX = "anon-"
# The tables whose rows belong to one e-scout (``scout``) and go with them whole.
SCOUT_ROWS = (WEEKLY, EXCEPTIONS, SCOUT_PRESENCE, SCOUT_CREDENTIALS, SCOUT_LOCKOUTS)


class ScoutErasure:
    """Which e-scouts are erased, and the anonymous id each one gets.

    The anonymous id is an HMAC of the old id under the pepper (kept outside the data dir):
    the data file, the archive and every copy map one e-scout to the same id without a
    table of old ids kept anywhere, and a copied file alone cannot link it back to a name.
    ``departed(id)`` says whether an id is one to erase."""

    def __init__(self, key: Callable[[], bytes], departed: Callable[[str], bool]) -> None:
        self._key = key
        self._departed = departed
        self._ids: dict[str, str] = {}

    def departed(self, scout_id: object) -> bool:
        return (
            isinstance(scout_id, str)
            and bool(scout_id)
            and not scout_id.startswith(ANONYMOUS_PREFIX)
            and self._departed(scout_id)
        )

    def anonymous_id(self, scout_id: str) -> str:
        found = self._ids.get(scout_id)
        if found is None:
            mac = hmac.new(self._key(), b"e-scout\0" + scout_id.encode(), hashlib.sha256)
            found = self._ids[scout_id] = ANONYMOUS_PREFIX + mac.hexdigest()[:12]
        return found

    def mapped(self, scout_id: str) -> str:
        return self.anonymous_id(scout_id) if self.departed(scout_id) else scout_id

    def scout(self, doc: dict[str, Any], now: datetime) -> dict[str, Any] | None:
        """An e-scout's row made anonymous (None: not one to erase). Topics and languages
        stay (results by topic); everything that names or reaches the person goes."""
        if not self.departed(doc.get("id")):
            return None
        anonymous = self.anonymous_id(str(doc["id"]))
        return {
            **doc,
            "id": anonymous,
            "name": anonymous,
            "full_name": "",
            "contact": "",
            "phone": "",
            "shift_sms": False,
            "active": False,
            "first_day": None,
            "idle_since": None,
            "erased_at": doc.get("erased_at") or now.isoformat(),
            "version": int(doc.get("version", 0) or 0) + 1,
        }

    def booking(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        """A booking (or an activity form) with an erased e-scout's id made anonymous, also
        where a move log remembers it (None: nothing to change)."""
        changed = False
        if self.departed(doc.get("scout")):
            doc = {**doc, "scout": self.anonymous_id(str(doc["scout"]))}
            changed = True
        changes = doc.get("changes")
        if isinstance(changes, list) and any(
            isinstance(c, dict) and self.departed(c.get("was_scout")) for c in changes
        ):
            doc = {
                **doc,
                "changes": [
                    {**c, "was_scout": self.anonymous_id(str(c["was_scout"]))}
                    if isinstance(c, dict) and self.departed(c.get("was_scout"))
                    else c
                    for c in changes
                ],
            }
            changed = True
        return doc if changed else None

    def purge_entry(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        """A purge log entry whose list of e-scouts whose card and PIN went names no
        erased e-scout by their old id."""
        ids = doc.get("credentials_erased")
        if not isinstance(ids, list) or not any(self.departed(i) for i in ids):
            return None
        return {
            **doc,
            "credentials_erased": [self.mapped(i) if isinstance(i, str) else i for i in ids],
        }

    def owns(self, doc: dict[str, Any]) -> bool:
        """A row of one of ``SCOUT_ROWS`` that belongs to an erased e-scout."""
        return self.departed(doc.get("scout"))


def _then(
    first: Callable[[dict[str, Any]], dict[str, Any] | None],
    second: Callable[[dict[str, Any]], dict[str, Any] | None],
) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """Both changes, one after the other (None: neither changed anything)."""

    def both(doc: dict[str, Any]) -> dict[str, Any] | None:
        once = first(doc)
        twice = second(once if once is not None else doc)
        return twice if twice is not None else once

    return both


def copy_erasure(now: datetime, retention_days: int, scouts: ScoutErasure | None = None) -> Erasure:
    """The purge's rule for copies (backups, their mirror, copies off the PC): the same as
    for the data file. Names and phones of bookings due are erased; waiting-list entries
    due (expired, or made the period ago) are removed whole, as the purge removes them;
    with ``scouts``, erased e-scouts are made anonymous as in the data file."""
    names: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda doc: erase_due(  # noqa: E731
        doc, now, retention_days
    )
    drop: dict[str, Callable[[dict[str, Any]], bool]] = {
        WAITLIST: lambda doc: entry_is_due(doc, now, retention_days)
    }
    if scouts is None:
        return Erasure(booking=names, drop=drop)
    for table in SCOUT_ROWS:
        drop[table] = scouts.owns
    return Erasure(
        booking=_then(names, scouts.booking),
        drop=drop,
        rows={
            SCOUTS: lambda doc: scouts.scout(doc, now),
            ACTIVITIES: scouts.booking,
            PURGES: scouts.purge_entry,
        },
    )


def copies_scout_erasure(store: Store, pepper: Pepper) -> ScoutErasure:
    """Erased e-scouts in copies: an id the data file no longer has (e-scouts are never
    removed, only made anonymous, so a missing id is one retention erased)."""
    with store.snapshot() as tx:
        live = frozenset(str(d.get("id")) for d in tx.all(SCOUTS))
    return ScoutErasure(lambda: _pepper_key(pepper), lambda scout_id: scout_id not in live)


def _pepper_key(pepper: Pepper) -> bytes:
    key = pepper.key(create=True)
    assert key is not None  # made when missing
    return key


def purge(
    store: Store, clock: Clock, maintenance: MaintenanceService, pepper: Pepper | None = None
) -> PurgeResult:
    """Erase names and phones past the retention period, and e-scouts inactive that long,
    then archive old closed bookings.

    The erasure is one transaction, logged if it erased anything. The archive move keeps
    the hot file small so everyday operations do not slow down with history. Then the
    same erasure runs over the archive, the backups and the archive mirror, and old
    exports go.
    """
    pepper = pepper or Pepper.for_data_dir(store.data_dir)
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
        erased_scouts = _erase_departed_scouts(tx, now, days, pepper)
        record_days_without_free_time(tx, now)
        result.scouts_erased = len(erased_scouts[0]) if erased_scouts else 0
        if (
            result.erased
            or result.presence_erased
            or result.credentials_erased
            or result.waitlist_erased
            or result.scouts_erased
        ):
            result.erased.sort(key=lambda e: (e.start, e.code))
            log = tx.all(PURGES)
            log.append({"seq": len(log) + 1, **result.to_dict()})
            if erased_scouts is not None:
                # Earlier entries listed e-scouts whose card and PIN went by their old ids.
                log = [erased_scouts[1].purge_entry(entry) or entry for entry in log]
            tx.replace_all(PURGES, log[-PURGE_LOG_KEEP:])
    result.archived = store.archive_history(now - timedelta(days=days + ARCHIVE_MARGIN_DAYS))
    scouts = copies_scout_erasure(store, pepper)
    erasure = copy_erasure(now, days, scouts)
    # The archive first (erased e-scouts' ids in bookings archived before), then the
    # backups and their mirror: the next backup then copies nothing back.
    for month in store.archived_months():
        store.rewrite_archived(month, erasure.booking)
    result.copies_changed = store.erase_in_backups(erasure)
    result.exports_removed = maintenance.remove_old_exports(days)
    return result


def record_days_without_free_time(tx: Tx, now: datetime) -> list[str]:
    """Once a day: the active topics the kiosk has no free time for within its booking
    horizon now, recorded under today (rows older than ``NO_FREE_TIME_KEEP_DAYS`` go).

    Only today is ever recorded: a day the check did not run (the kiosk was off) stays
    unknown rather than guessed. A second call the same day adds nothing. Returns the
    topics recorded by this call."""
    today = now.date().isoformat()
    if tx.get_meta(NO_FREE_TIME_CHECKED) == today:
        return []
    availability = load_availability(tx, since=now)
    horizon = availability.settings.horizon_days
    known = {d.get("topic") for d in tx.find(NO_FREE_TIME, date=today)}
    recorded = []
    for topic in load_topics(tx):
        if not topic.active or topic.slug in known:
            continue
        if not free_slots(availability, topic.slug, now, now.date(), horizon):
            tx.insert(NO_FREE_TIME, {"date": today, "topic": topic.slug})
            recorded.append(topic.slug)
    oldest = (now.date() - timedelta(days=NO_FREE_TIME_KEEP_DAYS)).isoformat()
    rows = tx.all(NO_FREE_TIME)
    kept = [d for d in rows if str(d.get("date", "")) >= oldest]
    if len(kept) < len(rows):
        tx.replace_all(NO_FREE_TIME, kept)
    tx.set_meta(NO_FREE_TIME_CHECKED, today)
    return recorded


def days_without_free_time(store: Store, first: date, last: date) -> dict[tuple[date, str], int]:
    """Days without free time per (month's first day, topic) within ``first``..``last``; a
    row the kiosk cannot read is left out."""
    with store.snapshot() as tx:
        docs = tx.all(NO_FREE_TIME)
    days: dict[tuple[date, str], set[date]] = {}
    for doc in docs:
        topic = doc.get("topic")
        try:
            day = date.fromisoformat(str(doc.get("date")))
        except ValueError:
            continue
        if isinstance(topic, str) and topic and first <= day <= last:
            days.setdefault((day.replace(day=1), topic), set()).add(day)
    return {key: len(found) for key, found in days.items()}


def _idle(tx: Tx, doc: dict[str, Any], today: str) -> bool:
    """Deactivated, or with no weekly time and no extra session today or later."""
    if not doc.get("active", True):
        return not doc.get("erased_at")
    scout_id = doc.get("id")
    if tx.find(WEEKLY, scout=scout_id):
        return False
    return not any(
        e.get("kind") == ExceptionKind.EXTRA and str(e.get("date", "")) >= today
        for e in tx.find(EXCEPTIONS, scout=scout_id)
    )


def _erase_departed_scouts(
    tx: Tx, now: datetime, days: int, pepper: Pepper
) -> tuple[list[str], ScoutErasure] | None:
    """Make anonymous every e-scout inactive for ``days`` (counted from the first purge that
    found them so; one active again starts afresh later): their row, forms, bookings and
    the rows that are theirs alone. None when nobody was erased."""
    today = now.date().isoformat()
    due: list[str] = []
    for doc in tx.all(SCOUTS):
        scout_id = str(doc.get("id"))
        if doc.get("erased_at"):
            continue
        if not _idle(tx, doc, today):
            if doc.get("idle_since"):
                tx.update(SCOUTS, {"idle_since": None}, id=scout_id)
            continue
        since = doc.get("idle_since")
        if not since:
            tx.update(SCOUTS, {"idle_since": now.isoformat()}, id=scout_id)
            continue
        if as_local(datetime.fromisoformat(str(since))) + timedelta(days=days) > now:
            continue
        if any(_still_to_come(b, now) for b in tx.find(BOOKINGS, scout=scout_id)):
            continue  # a visitor still expects them: erased once that time has passed
        due.append(scout_id)
    if not due:
        return None
    chosen = frozenset(due)
    erasure = ScoutErasure(lambda: _pepper_key(pepper), chosen.__contains__)
    try:
        erasure.anonymous_id(due[0])  # the pepper, before anything changes
    except KioskError as exc:
        log.warning("e-scouts not erased this time (no pepper): %s", exc.message)
        return None
    for scout_id in due:
        row = tx.get(SCOUTS, id=scout_id)
        anonymous = erasure.scout(row or {}, now)
        if row is None or anonymous is None:
            continue
        tx.remove(SCOUTS, id=scout_id)
        tx.insert(SCOUTS, anonymous)
        tx.update(ACTIVITIES, {"scout": anonymous["id"]}, scout=scout_id)
        for table in SCOUT_ROWS:
            tx.remove(table, scout=scout_id)
    for booking in tx.all(BOOKINGS):
        new = erasure.booking(booking)
        if new is not None:
            fields = {"scout": new["scout"], "changes": new.get("changes", [])}
            tx.update(BOOKINGS, fields, id=booking["id"])
    return sorted(due), erasure


def _still_to_come(doc: dict[str, Any], now: datetime) -> bool:
    """An open booking whose time has not ended."""
    if doc.get("status") not in (BookingStatus.BOOKED, BookingStatus.CHECKED_IN):
        return False
    try:
        return as_local(datetime.fromisoformat(str(doc["end"]))) > now
    except (KeyError, ValueError):
        return False


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

    def __init__(
        self,
        store: Store,
        clock: Clock,
        maintenance: MaintenanceService,
        pepper: Pepper | None = None,
    ) -> None:
        super().__init__(store, clock)
        self.maintenance = maintenance
        # Anonymous ids of erased e-scouts are made with the PINs' pepper.
        self.pepper = pepper or Pepper.for_data_dir(store.data_dir)

    def purge(self) -> PurgeResult:
        return purge(self.store, self.clock, self.maintenance, self.pepper)

    def log(self) -> list[PurgeResult]:
        return purge_log(self.store)

    def note_free_time(self) -> list[str]:
        """Today's days without free time, if the daily purge has not noted them yet (the
        timer did not run): the topics recorded now."""
        today = self.now().date().isoformat()
        with self.store.snapshot() as tx:
            if tx.get_meta(NO_FREE_TIME_CHECKED) == today:
                return []
        with self.store.transaction() as tx:
            return record_days_without_free_time(tx, self.now())

    def days_without_free_time(self, first: date, last: date) -> dict[tuple[date, str], int]:
        return days_without_free_time(self.store, first, last)

    def eraser(self) -> Erasure:
        """The purge's erasure as of now, for copies it does not reach by itself (a
        backup folder off the PC)."""
        now = as_local(self.clock.now())
        with self.store.snapshot() as tx:
            days = load_settings(tx).retention_days
        return copy_erasure(now, days, copies_scout_erasure(self.store, self.pepper))
