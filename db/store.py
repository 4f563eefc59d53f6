"""The data dir: one TinyDB JSON file shared by several processes.

Every change runs in ``Store.transaction()``: under a cross-process file lock the file is
read fresh (a parsed copy is reused only while its (inode, size, mtime_ns) is unchanged),
changed through a throwaway TinyDB instance (so no stale query cache or next-id survives
between processes) and committed once, durably and atomically.
``Store.snapshot()`` gives a consistent read without the lock, for display only: writes
replace the file by rename, so a reader sees a whole old or a whole new file.

The pieces live next door: the transaction view in db/tx.py, the lock in db/lock.py, the
schema and structural check in db/schema.py, backups in db/backups.py.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from db import schema
from db.backups import Backups, Erasure
from db.history import BOOKINGS_TABLE, CLOSED_STATUSES, History
from db.hot import HotIndex
from db.lock import DataDirLock, LockLost
from db.schema import META_TABLE, BadData, CorruptDataFile
from db.storage import (
    StoreError,
    UnreadableFile,
    copy_private,
    file_identity,
    fsync_dir,
    private_dir,
    read_json,
    remove_temp_files,
    write_json_atomic,
)
from db.tx import Cached, Doc, Tx, where_equal

__all__ = ["DATA_FILE", "Store", "Tx", "where_equal"]

DATA_FILE = "kiosk.json"
LOCK_FILE = "kiosk.lock"
BACKUP_DIR = "backups"
LOCK_TIMEOUT_S = 30.0
BACKUP_INTERVAL_S = 3600.0
DEFAULT_BACKUPS_KEEP = 10

# The domain's check of a whole (structurally sound, current-schema) file: raises
# ValueError (or a subclass) naming the first row it cannot use.
RowCheck = Callable[[dict[str, Any]], None]
# How many backups to keep, read from the library's settings in the current file.
KeepSetting = Callable[[Tx], int]


def _starts_before(doc: Doc, cutoff: datetime) -> bool:
    try:
        return datetime.fromisoformat(str(doc["start"])) < cutoff
    except (KeyError, TypeError, ValueError):
        return False  # a booking without a readable start stays in the hot file


class Store:
    """The data dir. Build one per process and share it between threads."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        backups_keep: int | KeepSetting = DEFAULT_BACKUPS_KEEP,
        check_rows: RowCheck | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DATA_FILE
        self.backup_dir = self.data_dir / BACKUP_DIR
        self.backups_keep = backups_keep
        self.check_rows = check_rows
        self._lock = DataDirLock(self.data_dir / LOCK_FILE, LOCK_TIMEOUT_S)
        self.history = History(self.data_dir)
        self._backups = Backups(self.backup_dir, self.history, self.problem_with)
        self._cache: Cached | None = None
        self._local = threading.local()
        self._last_backup: float | None = None

    # -- opening --------------------------------------------------------------------

    def open(self) -> Store:
        """Create the data dir and file if needed, migrate an older file, refuse a bad one."""
        private_dir(self.data_dir)
        with self._locked():
            remove_temp_files(self.data_dir)
            self._backups.remove_temp_files()
            data = self._load()
            if data is None:
                write_json_atomic(self.path, schema.new_file())
                self._cache = None
            else:
                self._check_or_refuse(data)
                self._migrate_if_needed(data)
            self.history.remove_orphaned_temp_files()
            interrupted = self.history.pending_cutoff()
        if interrupted:
            # A move to the archive was cut short: finish it (merging is idempotent).
            self.archive_history(interrupted)
        return self

    def is_empty(self) -> bool:
        with self.snapshot() as tx:
            return not any(name != META_TABLE and table for name, table in tx.data.items())

    def _refuse(self, reason: str) -> CorruptDataFile:
        return CorruptDataFile(self.path, reason, self._backups.newest_good())

    def _check_or_refuse(self, data: dict[str, Any]) -> None:
        try:
            schema.check_structure(data)
        except BadData as exc:
            raise self._refuse(str(exc)) from exc

    def _migrate_if_needed(self, data: dict[str, Any]) -> None:
        try:
            version = schema.check_version(self.path, data)
            if version == schema.SCHEMA_VERSION:
                return
            # Migrate in memory first: a migration that fails writes nothing, not even
            # a backup, however often the start is retried.
            migrated = schema.migrate(self.path, data)
            schema.check_structure(migrated)
        except BadData as exc:
            raise self._refuse(str(exc)) from exc
        reason = f"before-migration-v{version}"
        if not self._backups.holds_copy_of(self.path, reason):
            self._backups.take(self.path, reason, self.keep_count())
        write_json_atomic(self.path, migrated)
        self._cache = None

    # -- transactions ---------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._lock.acquire()
        try:
            yield
        finally:
            self._lock.release()

    def _load(self) -> dict[str, Any] | None:
        cached = self._load_cached()
        return cached.data if cached is not None else None

    def _load_cached(self) -> Cached | None:
        identity = file_identity(self.path)
        if identity is None:
            return None
        cached = self._cache
        if cached is not None and cached.identity == identity:
            return cached
        try:
            data = read_json(self.path)
        except UnreadableFile as exc:
            raise self._refuse(f"does not parse: {exc.reason}") from exc
        if data is None:
            return None
        try:
            schema.check_version(self.path, data)
        except BadData as exc:
            raise self._refuse(str(exc)) from exc
        cached = Cached(identity, data)
        self._cache = cached
        return cached

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Read-modify-write under the cross-process lock; commits once, durably."""
        if getattr(self._local, "in_tx", False):
            raise RuntimeError("transactions do not nest")
        self._local.in_tx = True
        try:
            with self._locked():
                cached = self._load_cached()
                if cached is None:
                    raise StoreError(f"no data file at {self.path}; open the store first")
                tx = Tx(cached.data, writable=True, cached=cached, history=self.history)
                try:
                    yield tx
                except BaseException:
                    self._cache = None  # the parsed copy may hold half a change
                    raise
                if tx.dirty:
                    self._commit(tx.data, tx.index_for_commit())
        finally:
            self._local.in_tx = False

    @contextmanager
    def snapshot(self, locked: bool = False) -> Iterator[Tx]:
        """A read-only view. ``locked=True`` when the read decides something."""
        if locked:
            with self._locked():
                cached = self._load_cached()
                yield self._read_tx(cached)
        else:
            yield self._read_tx(self._load_cached())

    def _read_tx(self, cached: Cached | None) -> Tx:
        if cached is None:
            return Tx({}, writable=False, history=self.history)
        return Tx(cached.data, writable=False, cached=cached, history=self.history)

    def _commit(self, data: dict[str, Any], index: HotIndex | None = None) -> None:
        """Write ``data`` as the new file (under the lock the caller holds), after the
        hourly backup, and keep it as the parsed copy for the next reader."""
        if not self._lock.still_held():
            # Someone removed the lock file: another process may have read and changed
            # the file meanwhile, and writing now would silently undo its change.
            self._cache = None
            raise LockLost(self._lock.path)
        self._maybe_backup()
        try:
            write_json_atomic(self.path, data)
        except BaseException:
            self._cache = None
            raise
        identity = file_identity(self.path)
        self._cache = Cached(identity, data, index) if identity else None

    def identity(self) -> tuple[int, int, int] | None:
        """(inode, size, mtime_ns) of the data file: changes with every commit."""
        return file_identity(self.path)

    # -- history ----------------------------------------------------------------------

    def archive_history(self, before: datetime | str) -> int:
        """Move closed bookings (done, no-show, cancelled) that started before ``before``
        from the hot file to the per-month archive. Returns how many moved.

        Crash-safe (see db/history.py): archive files are written durably first, the hot
        file is rewritten last; a move cut short is finished by the next ``open()`` and
        readers never see a booking twice or not at all. Run it with a cutoff older than
        the retention window so records are anonymised before they are archived (or
        anonymise archived ones with ``rewrite_archived``)."""
        cutoff = before if isinstance(before, datetime) else datetime.fromisoformat(before)
        if cutoff.tzinfo is None:
            raise ValueError("the archive cutoff needs a time zone")
        with self._locked():
            cached = self._load_cached()
            if cached is None:
                return 0
            hot = cached.data.get(BOOKINGS_TABLE) or {}
            moving = {
                doc_id: doc
                for doc_id, doc in hot.items()
                if doc.get("status") in CLOSED_STATUSES and _starts_before(doc, cutoff)
            }
            if not moving:
                self.history.clear_pending()
                return 0
            self.history.mark_pending(cutoff.isoformat())
            by_month = self.history.write_months(moving.values())
            self.history.write_index(by_month)
            self._drop_from_hot(cached, moving)
            self.history.clear_pending()
            return len(moving)

    def _drop_from_hot(self, cached: Cached, moving: dict[str, Doc]) -> None:
        """Last step of a move: rewrite the hot file without the archived bookings."""
        data = dict(cached.data)
        data[BOOKINGS_TABLE] = {
            k: v for k, v in (data.get(BOOKINGS_TABLE) or {}).items() if k not in moving
        }
        self._commit(data)

    def rewrite_archived(self, month: str, change: Callable[[Doc], Doc | None]) -> int:
        """Rewrite one archive month atomically, under the lock: ``change(doc)`` returns the
        new document, or None to keep it. Returns how many changed (e.g. retention purge
        of names in records archived before it ran)."""
        with self._locked():
            docs = self.history.read_month(month)
            changed = []
            for doc in docs.values():
                new = change(dict(doc))
                if new is not None and new != doc:
                    if new.get("id") != doc.get("id"):
                        raise ValueError("rewrite_archived cannot change a booking's id")
                    changed.append(new)
            if changed:
                by_month = self.history.write_months(changed)
                self.history.write_index(by_month)
            return len(changed)

    def iter_history(self, months: Iterable[str] | None = None) -> Iterator[Doc]:
        """Every booking ever kept, archived months first then the hot file (no duplicates).

        A consistent hot view is taken once; archive files are read one month at a time."""
        with self.snapshot() as tx:
            yield from tx.all_bookings(include_history=True, months=months)

    def archived_months(self) -> list[str]:
        return self.history.months()

    def rebuild_archive_index(self) -> int:
        """Rewrite the archive's code/token index from the month files."""
        with self._locked():
            return self.history.rebuild_index()

    # -- backups --------------------------------------------------------------------

    def backups(self) -> list[Path]:
        """Backups, newest first."""
        return self._backups.newest_first()

    def newest_backup(self) -> Path | None:
        return self._backups.newest()

    def newest_good_backup(self) -> Path | None:
        """The newest backup that would load cleanly (what to restore after a refusal)."""
        return self._backups.newest_good()

    def keep_count(self) -> int:
        """How many good backups rotation keeps (the library's setting when it is readable)."""
        keep = self.backups_keep
        if isinstance(keep, int):
            return max(keep, 1)
        try:
            with self.snapshot() as tx:
                return max(int(keep(tx)), 1)
        except (StoreError, TypeError, ValueError):
            return DEFAULT_BACKUPS_KEEP  # a file that cannot be read has no usable setting

    def backup(self, reason: str = "") -> Path | None:
        """Copy the current file to ``backups/`` (atomically) and rotate old copies."""
        with self._locked():
            target = self._backups.take(self.path, reason, self.keep_count())
        if target is not None:
            self._last_backup = time.time()
        return target

    def copy_off(self, folder: Path, keep: int, erasure: Erasure | None = None) -> Path | None:
        """Copy the newest backup (a fresh one if the data file changed since) and the
        archive mirror into ``folder``, off this PC (a USB stick, a mounted share).

        The copy keeps the backup's name, is written like every backup (temp file, fsync,
        rename, 0600) and ``folder`` rotates by itself: the newest ``keep`` copies that load
        cleanly stay. ``erasure`` (retention's) runs over the copies already there, so
        personal data past its time leaves every copy the kiosk can still reach.
        Returns the copy, None when there is no data file yet."""
        off = Backups(folder, self.history, self.problem_with)
        with self._locked():
            if not self.path.exists():
                return None
            source = self._backups.newest()
            if source is None or source.read_bytes() != self.path.read_bytes():
                source = self._backups.take(self.path, "manual", self.keep_count())
                self._last_backup = time.time()
            if source is None:
                return None
            target = folder / source.name
            # Only the kiosk's own leftovers (by name): the folder may hold anyone's files.
            for place in (folder, off.mirror):
                remove_temp_files(place)
            if not target.exists() or target.read_bytes() != source.read_bytes():
                copy_private(source, target)
            off.mirror_archive()
        if erasure is not None:
            off.erase(erasure)
        off.rotate(keep)
        fsync_dir(folder)
        return target

    def _maybe_backup(self) -> None:
        if self._last_backup is None:
            self._last_backup = self._backups.last_taken()
        if time.time() - self._last_backup >= BACKUP_INTERVAL_S:
            self.backup()

    def erase_in_backups(self, erasure: Erasure) -> list[str]:
        """Apply retention's ``erasure`` to the backups and the archive mirror, under the
        lock (``Backups.erase``). Returns the names of the files changed."""
        with self._locked():
            return self._backups.erase(erasure)

    # -- checking and restoring -------------------------------------------------------

    def read_checked(self, path: Path) -> dict[str, Any]:
        """``path`` parsed, structurally checked and migrated to the current schema.

        Raises BadData (or NewerSchema) naming the problem; the domain's row check is
        separate (``check_rows``) so a caller can word its own refusal."""
        try:
            data = read_json(path)
        except UnreadableFile as exc:
            raise BadData(f"it does not parse: {exc.reason}") from exc
        except OSError as exc:
            raise BadData(f"it cannot be read: {exc.strerror or exc}") from exc
        if data is None:
            raise BadData("the file does not exist")
        schema.check_structure(data)
        return schema.migrate(path, data)

    def problem_with(self, path: Path) -> str | None:
        """Why ``path`` would not load as the data file (None if it would)."""
        try:
            data = self.read_checked(path)
            if self.check_rows is not None:
                self.check_rows(data)
        except (ValueError, StoreError) as exc:
            return str(exc)
        return None

    def replace(self, data: dict[str, Any]) -> Path | None:
        """Make ``data`` (checked by the caller) the data file, after backing up the
        current one. Works on a data dir whose current file is unusable. Returns the
        before-restore backup."""
        schema.check_structure(data)
        private_dir(self.data_dir)
        with self._locked():
            saved = self._backups.take(self.path, "before-restore", self.keep_count())
            write_json_atomic(self.path, data)
            self._cache = None
        return saved

    def restore(self, backup: Path) -> Path | None:
        """Replace the data file with ``backup`` if it loads cleanly; StoreError if not."""
        try:
            data = self.read_checked(backup)
            if self.check_rows is not None:
                self.check_rows(data)
        except (ValueError, StoreError) as exc:
            raise StoreError(f"{backup} cannot be restored: {exc}; nothing was changed") from exc
        return self.replace(data)
