"""Backups, restore and change polling for the console and the CLI, and the check that
decides whether a data file (to restore, or a backup to keep) is one the kiosk can use.

The store checks a file's structure (schema version, tables, nesting); this module checks
every row through the domain models, the way the kiosk will read them later, so a file
that would crash a command, a screen or the PIN check is refused before it replaces
anything.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from db import BadData, StoreError, Tx, private_dir, write_bytes_private
from kiosk.domain.activity import ACTIVITIES
from kiosk.domain.auth import AUTH
from kiosk.domain.catalog import PLACES
from kiosk.domain.clock import as_local
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


def _instant(name: str, text: str) -> None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} {text!r:.40} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} {text!r:.40} has no time zone")
    as_local(moment)


def _check_booking(doc: dict[str, Any]) -> None:
    booking = Booking.from_dict(doc)
    _instant("start", booking.start)
    _instant("end", booking.end)
    if booking.status not in set(BookingStatus):
        raise ValueError(f"status {booking.status!r:.40} is not a booking status")


def _check_settings(doc: dict[str, Any]) -> None:
    settings = Settings.from_dict(doc)
    for hours in settings.opening_hours:
        if not 0 <= hours.weekday <= 6:
            raise ValueError(f"weekday {hours.weekday} is not 0-6")
        hours.open_time, hours.close_time  # noqa: B018 - both must parse
    for name in ("slot_minutes", "backups_keep"):
        if getattr(settings, name) < 1:
            raise ValueError(f"{name} must be at least 1")


def _check_topic(doc: dict[str, Any]) -> None:
    if not Topic.from_dict(doc).names:
        raise ValueError("a topic needs a name")


def _check_weekly(doc: dict[str, Any]) -> None:
    weekly = WeeklyTime.from_dict(doc)
    if not 0 <= weekly.weekday <= 6:
        raise ValueError(f"weekday {weekly.weekday} is not 0-6")
    weekly.start_time, weekly.end_time  # noqa: B018 - both must parse


def _check_exception(doc: dict[str, Any]) -> None:
    exc = DatedException.from_dict(doc)
    exc.day  # noqa: B018 - must parse
    ExceptionKind(exc.kind)
    for text in (exc.start, exc.end):
        if text is not None:
            time.fromisoformat(text)


def _check_closure(doc: dict[str, Any]) -> None:
    closure = Closure.from_dict(doc)
    date.fromisoformat(closure.first)
    date.fromisoformat(closure.last)


def _check_activity(doc: dict[str, Any]) -> None:
    date.fromisoformat(ActivityRecord.from_dict(doc).date)


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
        _instant("locked_until", str(doc["locked_until"]))


def _check_waitlist(doc: dict[str, Any]) -> None:
    entry = WaitlistEntry.from_dict(doc)
    _instant("created_at", entry.created_at)
    _instant("expires_at", entry.expires_at)


def _check_scout_lockout(doc: dict[str, Any]) -> None:
    str(doc["scout"]), str(doc["place"])
    failures = doc.get("failures", 0)
    if isinstance(failures, bool) or not isinstance(failures, int):
        raise ValueError("the failure count is not a number")
    for name in ("locked_until", "last_failure"):
        if doc.get(name):
            _instant(name, str(doc[name]))


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
    SCOUTS: (Scout, Scout.from_dict),
    PLACES: (Place, Place.from_dict),
    WEEKLY: (WeeklyTime, _check_weekly),
    EXCEPTIONS: (DatedException, _check_exception),
    CLOSURES: (Closure, _check_closure),
    ACTIVITIES: (ActivityRecord, _check_activity),
    AUTH: (None, _check_auth),
    PURGES: (None, _check_purge),
    WAITLIST: (WaitlistEntry, _check_waitlist),
    SCOUT_CREDENTIALS: (ScoutCredentials, ScoutCredentials.from_dict),
    SCOUT_LOCKOUTS: (None, _check_scout_lockout),
    SCOUT_PRESENCE: (ScoutPresence, _check_scout_presence),
}


def check_rows(data: dict[str, Any]) -> None:
    """BadRow naming the first row of a known table the kiosk could not read.

    ``data`` has passed the store's structural check (tables of object rows). Tables
    the domain does not know are left to the store."""
    for table, (model, check) in _TABLES.items():
        for doc_id, doc in (data.get(table) or {}).items():
            try:
                wrong = _fields_conform(model, doc) if model is not None else None
                if wrong is None:
                    check(doc)
            except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
                wrong = str(exc) or type(exc).__name__
            if wrong is not None:
                raise BadRow(f"table {table!r} row {doc_id}: {wrong}")


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

    def backup_to(
        self, folder: Path, keep: int | None, erase: Callable[[dict[str, Any]], Any]
    ) -> Path | None:
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
