"""Backups, restore and change polling for the console and the CLI, and the check that
decides whether a data file (to restore, or a backup to keep) is one the kiosk can use.

The store checks a file's structure (schema version, tables, nesting); this module checks
every row through the domain models, the way the kiosk will read them later, and what the
values mean (every setting within its range, dates within the kiosk's calendar, 1-8 seats),
so a file that would crash a command, a screen, the purge or the PIN check is refused before
it replaces anything, and a data file holding one is refused at start.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from db import (
    BadData,
    CorruptDataFile,
    Erasure,
    Store,
    StoreError,
    Tx,
    private_dir,
    write_bytes_private,
)
from kiosk.domain.activity import ACTIVITIES
from kiosk.domain.auth import AUTH
from kiosk.domain.catalog import PLACES
from kiosk.domain.clock import as_local, check_day
from kiosk.domain.errors import KioskError
from kiosk.domain.models import (
    ActivityRecord,
    Booking,
    BookingStatus,
    Closure,
    DatedException,
    ExceptionKind,
    Place,
    Scout,
    ScoutCredentials,
    ScoutPresence,
    Settings,
    Topic,
    WaitlistEntry,
    WeeklyTime,
)
from kiosk.domain.records import (
    BOOKINGS,
    CLOSURES,
    EXCEPTIONS,
    SCOUTS,
    SETTINGS,
    TOPICS,
    WEEKLY,
    load_settings,
)
from kiosk.domain.scout_access import SCOUT_CREDENTIALS, SCOUT_LOCKOUTS
from kiosk.domain.scout_day import SCOUT_PRESENCE
from kiosk.domain.service import StoreService
from kiosk.domain.validation import check_buffer, check_seats, check_settings
from kiosk.domain.waitlist import WAITLIST

EXPORT_DIR = "exports"
PURGES = "purges"  # the retention log (kiosk/domain/retention.py writes it)


class BadRow(ValueError):
    """A row the domain cannot read; the message names the table and row."""


# -- the row check -------------------------------------------------------------------


Fits = Callable[[Any], bool]


def _fits(hint: Any) -> Fits:
    """A test of whether a JSON value fits a model field's type (str, int, bool, X | None,
    list[X], dict[K, V], a nested model), built once per field."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [_fits(arg) for arg in get_args(hint)]
        return lambda v: any(fits(v) for fits in options)
    if hint is type(None):
        return lambda v: v is None
    if origin is list:
        item = _fits(get_args(hint)[0])
        return lambda v: isinstance(v, list) and all(item(x) for x in v)
    if origin is dict:
        key, item = (_fits(arg) for arg in get_args(hint))
        return lambda v: isinstance(v, dict) and all(key(k) and item(x) for k, x in v.items())
    if isinstance(hint, type) and is_dataclass(hint):
        model = hint
        return lambda v: isinstance(v, dict) and _fields_conform(model, v) is None
    if hint is bool:
        return lambda v: isinstance(v, bool)
    if hint is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if hint is str:
        return lambda v: isinstance(v, str)
    return lambda v: True


@cache
def _model_fields(cls: type) -> list[tuple[str, Fits, bool]]:
    """(name, type test, required) of each field; built once, rows are checked by thousands."""
    hints = get_type_hints(cls)
    return [
        (f.name, _fits(hints[f.name]), f.default is MISSING and f.default_factory is MISSING)
        for f in fields(cls)
    ]


def _fields_conform(cls: type, doc: dict[str, Any]) -> str | None:
    """The first field of ``doc`` that is missing or of the wrong type for ``cls``."""
    for name, fits, required in _model_fields(cls):
        if name not in doc:
            if required:
                return f"{name} is missing"
            continue
        if not fits(doc[name]):
            return f"{name} has a wrong value ({doc[name]!r:.40})"
    return None


def _in_calendar(name: str, day: date) -> None:
    """``day`` lies within the kiosk's calendar: every period added to it stays a date."""
    try:
        check_day(day)
    except ValueError as exc:
        raise ValueError(f"{name} {exc}") from None


def _instant(name: str, text: str, calendar: bool = True) -> None:
    """An ISO 8601 time with its offset; within the kiosk's calendar unless ``calendar`` is
    False (a time the kiosk computed ahead of now: an expiry, the end of a lock-out)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} {text!r:.40} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} {text!r:.40} has no time zone")
    if calendar:
        _in_calendar(name, moment.date())  # leaves room for the move to local time
    else:
        as_local(moment)


def _day(name: str, text: str) -> None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} {text!r:.40} is not a date (YYYY-MM-DD)") from None
    _in_calendar(name, day)


# When each status was reached, when the booking was made, erased, cleared.
_BOOKING_STAMPS = (
    "created_at",
    "checked_in_at",
    "done_at",
    "no_show_at",
    "cancelled_at",
    "erased_at",
    "cleared_at",
)


_STATUSES = frozenset(str(s) for s in BookingStatus)


def _check_booking(doc: dict[str, Any]) -> None:
    booking = Booking.from_dict(doc)
    _instant("start", booking.start)
    _instant("end", booking.end)
    if booking.status not in _STATUSES:
        raise ValueError(f"status {booking.status!r:.40} is not a booking status")
    for name in _BOOKING_STAMPS:
        if stamp := getattr(booking, name):
            _instant(name, stamp)
    for change in booking.changes:
        if "at" in change:  # an undo reads the newest change's time
            _instant("a change's time", change["at"])


def _check_settings(doc: dict[str, Any]) -> None:
    check_settings(Settings.from_dict(doc))


def _check_topic(doc: dict[str, Any]) -> None:
    if not Topic.from_dict(doc).names:
        raise ValueError("a topic needs a name")


def _check_scout(doc: dict[str, Any]) -> None:
    scout = Scout.from_dict(doc)
    check_buffer(scout.buffer_minutes)
    if scout.first_day is not None:
        _day("first_day", scout.first_day)


def _check_weekly(doc: dict[str, Any]) -> None:
    weekly = WeeklyTime.from_dict(doc)
    if not 0 <= weekly.weekday <= 6:
        raise ValueError(f"weekday {weekly.weekday} is not 0-6")
    weekly.start_time, weekly.end_time  # noqa: B018 - both must parse
    check_seats(weekly.seats)


def _check_exception(doc: dict[str, Any]) -> None:
    exc = DatedException.from_dict(doc)
    _day("date", exc.date)
    ExceptionKind(exc.kind)
    for text in (exc.start, exc.end):
        if text is not None:
            time.fromisoformat(text)
    check_seats(exc.seats)


def _check_closure(doc: dict[str, Any]) -> None:
    closure = Closure.from_dict(doc)
    _day("first", closure.first)
    _day("last", closure.last)


def _check_activity(doc: dict[str, Any]) -> None:
    _day("date", ActivityRecord.from_dict(doc).date)


def _check_auth(doc: dict[str, Any]) -> None:
    if doc.get("key") != "pin":
        return
    if not isinstance(doc.get("salt"), str) or not isinstance(doc.get("hash"), str):
        raise ValueError("the PIN entry has no salt or hash")
    bytes.fromhex(doc["salt"])
    failures = doc.get("failures", 0)
    if isinstance(failures, bool) or not isinstance(failures, int):
        raise ValueError("the PIN entry's failure count is not a number")
    if doc.get("locked_until"):
        _instant("locked_until", str(doc["locked_until"]), calendar=False)


def _check_waitlist(doc: dict[str, Any]) -> None:
    entry = WaitlistEntry.from_dict(doc)
    _instant("created_at", entry.created_at)
    _instant("expires_at", entry.expires_at, calendar=False)


def _check_credentials(doc: dict[str, Any]) -> None:
    creds = ScoutCredentials.from_dict(doc)
    for name in ("card_issued_at", "pin_set_at", "inactive_since"):
        if stamp := getattr(creds, name):
            _instant(name, stamp)  # the purge counts the retention period from these


def _check_scout_lockout(doc: dict[str, Any]) -> None:
    str(doc["scout"]), str(doc["place"])
    failures = doc.get("failures", 0)
    if isinstance(failures, bool) or not isinstance(failures, int):
        raise ValueError("the failure count is not a number")
    if doc.get("locked_until"):
        _instant("locked_until", str(doc["locked_until"]), calendar=False)
    if doc.get("last_failure"):
        _instant("last_failure", str(doc["last_failure"]))


def _check_scout_presence(doc: dict[str, Any]) -> None:
    presence = ScoutPresence.from_dict(doc)
    _instant("shift_start", presence.shift_start)
    _instant("shift_end", presence.shift_end)
    for name in ("here_at", "dismissed_at"):
        if doc.get(name):
            _instant(name, str(doc[name]))


def _check_purge(doc: dict[str, Any]) -> None:
    _instant("at", str(doc["at"]))
    _instant("cutoff", str(doc["cutoff"]))
    int(doc["retention_days"])
    for erased in doc.get("erased", []):
        str(erased["code"]), str(erased["start"]), str(erased["status"])


# table -> (model whose field types rows must have, extra check)
_TABLES: dict[str, tuple[type | None, Any]] = {
    BOOKINGS: (Booking, _check_booking),
    SETTINGS: (Settings, _check_settings),
    TOPICS: (Topic, _check_topic),
    SCOUTS: (Scout, _check_scout),
    PLACES: (Place, Place.from_dict),
    WEEKLY: (WeeklyTime, _check_weekly),
    EXCEPTIONS: (DatedException, _check_exception),
    CLOSURES: (Closure, _check_closure),
    ACTIVITIES: (ActivityRecord, _check_activity),
    AUTH: (None, _check_auth),
    PURGES: (None, _check_purge),
    WAITLIST: (WaitlistEntry, _check_waitlist),
    SCOUT_CREDENTIALS: (ScoutCredentials, _check_credentials),
    SCOUT_LOCKOUTS: (None, _check_scout_lockout),
    SCOUT_PRESENCE: (ScoutPresence, _check_scout_presence),
}


# What names a row in a refusal, in this order: a booking's code, a topic's slug, an id
# (e-scouts, times, closures...), the settings' key, an e-scout's, a place's name.
_ROW_NAMES = ("code", "slug", "id", "key", "scout", "name")


def _row_name(doc: dict[str, Any]) -> str:
    """`` (code 'K7M2PX')``: the row's own name for a refusal, or nothing."""
    for key in _ROW_NAMES:
        value = doc.get(key)
        if isinstance(value, str) and value:
            return f" ({key} {value!r:.40})"
    return ""


def check_rows(data: dict[str, Any]) -> None:
    """BadRow naming the first row of a known table the kiosk could not read or use, and
    the field that is wrong.

    ``data`` has passed the store's structural check (tables of object rows). Tables
    the domain does not know are left to the store."""
    for table, (model, check) in _TABLES.items():
        for doc_id, doc in (data.get(table) or {}).items():
            try:
                wrong = _fields_conform(model, doc) if model is not None else None
                if wrong is None:
                    check(doc)
            except KioskError as exc:  # a value out of its range, named by the domain's rule
                wrong = exc.message
            except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
                wrong = str(exc) or type(exc).__name__
            if wrong is not None:
                raise BadRow(f"table {table!r} row {doc_id}{_row_name(doc)}: {wrong}")


def refuse_unusable(store: Store) -> None:
    """At start: CorruptDataFile when a row of the open data file is one the kiosk cannot
    use (``check_rows``), naming the row, the file and the newest backup that loads; the
    file is left untouched, as for a file that does not parse."""
    with store.snapshot() as tx:
        data = tx.data
    try:
        check_rows(data)
    except BadRow as exc:
        good = next((p for p in store.backups() if store.problem_with(p) is None), None)
        raise CorruptDataFile(store.path, str(exc), good) from None


def backups_keep(tx: Tx) -> int:
    """How many backups the library keeps (its settings; the default if unreadable)."""
    try:
        return int(load_settings(tx).backups_keep)
    except (TypeError, ValueError, KeyError, AttributeError):
        return Settings().backups_keep


# -- the service ---------------------------------------------------------------------


class MaintenanceService(StoreService):
    """Backups, restore and change polling; what screens and the CLI call, never the store."""

    def backup(self) -> Path | None:
        """A backup made by hand (kept like the automatic ones)."""
        return self.store.backup(reason="manual")

    def backups(self) -> list[Path]:
        """Backups, newest first."""
        return self.store.backups()

    def backup_to(self, folder: Path, keep: int | None, erase: Erasure) -> Path | None:
        """Copy the newest backup (made now if the data changed since) into ``folder``
        off the PC, which keeps its newest ``keep`` copies (default: the library's
        ``backups_keep``). ``erase`` is retention's erasure: it runs over the copies
        already there, so they keep the retention promise while the folder is reachable."""
        return self.store.copy_off(folder, keep or self.store.keep_count(), erase)

    def identity(self) -> tuple[int, int, int] | None:
        """Changes whenever any process commits: compare it to know when to reload."""
        return self.store.identity()

    def validate_file(self, path: Path) -> dict[str, Any]:
        """The file's data if the kiosk could start on it; KioskError naming why not."""
        try:
            data = self.store.read_checked(Path(path))
            check_rows(data)
        except (ValueError, StoreError) as exc:
            raise KioskError(
                "bad_backup", f"{path} cannot be restored: {exc}; nothing was changed"
            ) from exc
        return data

    def restore(self, path: Path) -> Path | None:
        """Check ``path`` fully, then make it the data file. Returns the backup taken of
        the data it replaced. Works even when the current data file is unusable."""
        data = self.validate_file(path)
        try:
            return self.store.replace(data)
        except BadData as exc:  # cannot happen after validate_file; said plainly if it does
            raise KioskError("bad_backup", f"{path} cannot be restored: {exc}") from exc

    # -- personal data outside the data file -----------------------------------------

    @property
    def export_dir(self) -> Path:
        return self.store.data_dir / EXPORT_DIR

    def save_export(self, name: str, payload: bytes) -> Path:
        """Write an export (names, phones) into the data dir's ``exports/``, private."""
        private_dir(self.export_dir)
        return write_bytes_private(self.export_dir / Path(name).name, payload)

    def remove_old_exports(self, days: int) -> list[str]:
        """Delete exports written more than ``days`` ago. Returns their names."""
        if not self.export_dir.is_dir():
            return []
        cutoff = (self.clock.now() - timedelta(days=days)).timestamp()
        removed = []
        for path in sorted(self.export_dir.iterdir()):
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed
