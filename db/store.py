"""The data dir: one TinyDB JSON file shared by several processes.

Every change runs in ``Store.transaction()``: under a cross-process file lock the file is
read fresh (a parsed copy is reused only while its (inode, size, mtime_ns) is unchanged),
changed through a throwaway TinyDB instance (so no stale query cache or next-id survives
between processes) and committed once, durably and atomically.
``Store.snapshot()`` gives a consistent read without the lock, for display only: writes
replace the file by rename, so a reader sees a whole old or a whole new file.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.table import Table

from db.history import BOOKINGS_TABLE, CLOSED_STATUSES, History
from db.hot import HotIndex
from db.storage import (
    BufferStorage,
    StoreError,
    UnreadableFile,
    file_identity,
    fsync_dir,
    read_json,
    write_json_atomic,
)

DATA_FILE = "kiosk.json"
LOCK_FILE = "kiosk.lock"
BACKUP_DIR = "backups"
SCHEMA_VERSION = 1
META_TABLE = "meta"
LOCK_TIMEOUT_S = 30.0
BACKUP_INTERVAL_S = 3600.0

Doc = dict[str, Any]
Migration = Callable[[dict[str, Any]], dict[str, Any]]

# Version N -> N+1. Add one function per schema change; never edit an old one.
MIGRATIONS: dict[int, Migration] = {}


class CorruptDataFile(StoreError):
    def __init__(self, path: Path, reason: str, backup: Path | None) -> None:
        hint = f"newest backup: {backup}" if backup else "no backup exists yet"
        super().__init__(
            f"data file {path} does not parse ({reason}); it was left untouched; {hint}"
        )
        self.path = path
        self.backup = backup


class NewerSchema(StoreError):
    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"data file {path} has schema version {found}, newer than this program "
            f"understands ({SCHEMA_VERSION}); upgrade the kiosk software"
        )


class Busy(StoreError):
    def __init__(self, lock: Path) -> None:
        super().__init__(f"the data dir is busy (could not lock {lock} in {LOCK_TIMEOUT_S:.0f} s)")


def schema_version(data: dict[str, Any]) -> int:
    """The schema version a parsed data file declares (files before versioning: 1)."""
    return int(data.get(META_TABLE, {}).get("1", {}).get("schema", 1))


def _starts_before(doc: Doc, cutoff: datetime) -> bool:
    try:
        return datetime.fromisoformat(str(doc["start"])) < cutoff
    except (KeyError, TypeError, ValueError):
        return False  # a booking without a readable start stays in the hot file


def where_equal(fields: dict[str, Any]) -> Any:
    """A TinyDB condition: every given field equals its value."""
    q = Query()
    cond = None
    for key, value in fields.items():
        part = q[key] == value
        cond = part if cond is None else cond & part
    return cond


class Tx:
    """One consistent view of the data; changes are kept until the transaction commits.

    Documents are plain dicts. Treat what you read as read-only: replace a list, never
    append to it in place.

    The bookings table has fast paths: equality on ``id``, ``code`` or ``token_hash`` is
    answered from an in-memory index, inserts and updates by those keys replace documents
    (copy-on-write) instead of rebuilding the whole table through TinyDB. Everything else
    goes through TinyDB as before. ``find_booking`` and ``all_bookings`` also see the
    archived history.
    """

    def __init__(
        self,
        data: dict[str, Any],
        writable: bool,
        cached: _Cached | None = None,
        history: History | None = None,
    ) -> None:
        if writable:
            data = dict(data)  # TinyDB sets tables on this dict; keep the cached copy intact
        self._storage_data = data
        self._db = TinyDB(data, storage=BufferStorage)
        self.writable = writable
        self._cached = cached
        self._history = history
        self._own_index: HotIndex | None = None
        self._hot_touched = False  # the bookings table was copied or changed in this tx
        self._fast_dirty = False

    @property
    def dirty(self) -> bool:
        return self._fast_dirty or bool(self._db.storage.dirty)  # type: ignore[attr-defined]

    @property
    def data(self) -> dict[str, Any]:
        return self._db.storage.data  # type: ignore[attr-defined]

    def _table(self, name: str) -> Table:
        return self._db.table(name, cache_size=0)

    def _check_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("this is a read-only snapshot; use Store.transaction()")

    # -- the hot bookings index -----------------------------------------------------

    def _raw(self, table: str) -> dict[str, Doc]:
        return self.data.get(table) or {}

    def _index(self) -> HotIndex:
        if self._hot_touched:
            if self._own_index is None:
                self._own_index = HotIndex.build(self._raw(BOOKINGS_TABLE))
            return self._own_index
        cached = self._cached
        if cached is None:
            if self._own_index is None:
                self._own_index = HotIndex.build(self._raw(BOOKINGS_TABLE))
            return self._own_index
        if cached.index is None:
            cached.index = HotIndex.build(self._raw(BOOKINGS_TABLE))
        return cached.index

    def index_for_commit(self) -> HotIndex | None:
        """The index matching ``data`` after this tx, if it is known without rebuilding."""
        if self._hot_touched:
            return self._own_index
        return self._cached.index if self._cached is not None else None

    def _begin_hot_write(self) -> tuple[dict[str, Doc], HotIndex]:
        """Copy-on-write of the bookings table and its index, once per transaction."""
        self._check_writable()
        if not self._hot_touched:
            base = self._index()
            self._own_index = base.copy()
            self.data[BOOKINGS_TABLE] = dict(self._raw(BOOKINGS_TABLE))
            self._hot_touched = True
        elif self._own_index is None:
            self._own_index = HotIndex.build(self._raw(BOOKINGS_TABLE))
        if BOOKINGS_TABLE not in self.data:
            self.data[BOOKINGS_TABLE] = {}
        return self.data[BOOKINGS_TABLE], self._own_index  # type: ignore[return-value]

    def _generic_hot_write(self) -> None:
        """A TinyDB write on the bookings table: the index is rebuilt when next needed."""
        self._hot_touched = True
        self._own_index = None

    @staticmethod
    def _indexed(table: str, equals: dict[str, Any]) -> tuple[str, Any] | None:
        if table == BOOKINGS_TABLE and len(equals) == 1:
            ((key, value),) = equals.items()
            if key in HotIndex.FIELDS:
                return key, value
        return None

    # -- reading --------------------------------------------------------------------

    def all(self, table: str) -> list[Doc]:
        return [dict(d) for d in self._raw(table).values()]

    def find(self, table: str, **equals: Any) -> list[Doc]:
        if not equals:
            return self.all(table)
        if self._indexed(table, equals):
            found = self.get(table, **equals)
            return [found] if found is not None else []
        return [dict(d) for d in self._table(table).search(where_equal(equals))]

    def get(self, table: str, **equals: Any) -> Doc | None:
        keyed = self._indexed(table, equals)
        if keyed is not None:
            doc_id = self._index().lookup(*keyed)
            doc = self._raw(table).get(doc_id) if doc_id is not None else None
            return dict(doc) if doc is not None else None
        found = self._table(table).get(where_equal(equals))
        return dict(found) if found is not None else None  # type: ignore[arg-type]

    def find_booking(self, **equals: Any) -> Doc | None:
        """The booking with this ``code`` or ``token_hash`` (or ``id``), hot file first,
        then the archived history. Archived bookings are closed; change them only through
        ``Store.rewrite_archived``."""
        keyed = self._indexed(BOOKINGS_TABLE, equals)
        if keyed is None:
            raise ValueError("find_booking takes exactly one of id=, code=, token_hash=")
        found = self.get(BOOKINGS_TABLE, **equals)
        if found is not None or self._history is None or keyed[0] == "id":
            return found
        return self._history.find(*keyed)

    def bookings_ending_after(self, moment: datetime) -> list[Doc]:
        """Hot bookings whose end is later than ``moment`` (every status), soonest end first.

        Everything archived ended before the archive cutoff, so this is complete for any
        ``moment`` after it (the kiosk only ever asks about now and later). The documents
        are the stored ones, not copies (this is the hot path): never change them."""
        table = self._raw(BOOKINGS_TABLE)
        return [table[i] for i in self._index().ending_after(moment) if i in table]

    def all_bookings(
        self, include_history: bool = True, months: Iterable[str] | None = None
    ) -> Iterator[Doc]:
        """Every booking: the archived history (month by month) and then the hot file.

        ``months`` ('YYYY-MM') limits the archive part to those months. An archived copy of
        a booking that is still in the hot file (a move cut short) is skipped: the hot copy
        is the current one."""
        hot = self._raw(BOOKINGS_TABLE)
        if include_history and self._history is not None:
            hot_ids = self._index().by["id"]
            for doc in self._history.iter_all(months):
                if doc.get("id") not in hot_ids:
                    yield doc
        for doc in hot.values():
            yield dict(doc)

    # -- writing --------------------------------------------------------------------

    def insert(self, table: str, doc: Doc) -> None:
        self._check_writable()
        if table == BOOKINGS_TABLE:
            rows, index = self._begin_hot_write()
            doc_id = str(index.next_id)
            rows[doc_id] = dict(doc)
            index.add(doc_id, rows[doc_id])
            self._fast_dirty = True
            return
        self._table(table).insert(doc)

    def update(self, table: str, changes: Doc, **equals: Any) -> int:
        self._check_writable()
        keyed = self._indexed(table, equals)
        if keyed is not None:
            doc_id = self._index().lookup(*keyed)
            if doc_id is None or doc_id not in self._raw(table):
                return 0
            rows, index = self._begin_hot_write()
            old = rows[doc_id]
            new = {**old, **changes}
            rows[doc_id] = new
            index.replace(doc_id, old, new)
            self._fast_dirty = True
            return 1
        if table == BOOKINGS_TABLE:
            self._begin_hot_write()
            self._generic_hot_write()
        return len(self._table(table).update(changes, where_equal(equals)))

    def upsert(self, table: str, doc: Doc, **equals: Any) -> None:
        self._check_writable()
        if self.update(table, doc, **equals) == 0:
            self.insert(table, doc)

    def remove(self, table: str, **equals: Any) -> int:
        self._check_writable()
        if table == BOOKINGS_TABLE:
            self._begin_hot_write()
            self._generic_hot_write()
        return len(self._table(table).remove(where_equal(equals)))

    def replace_all(self, table: str, docs: list[Doc]) -> None:
        self._check_writable()
        if table == BOOKINGS_TABLE:
            self._begin_hot_write()
            self._generic_hot_write()
        t = self._table(table)
        t.truncate()
        if docs:
            t.insert_multiple(docs)

    def get_meta(self, key: str, default: Any = None) -> Any:
        doc = self._raw(META_TABLE).get("1")
        return default if doc is None else doc.get(key, default)

    def set_meta(self, key: str, value: Any) -> None:
        self._check_writable()
        table = self._table(META_TABLE)
        if table.get(doc_id=1) is None:
            table.insert({key: value})
        else:
            table.update({key: value}, doc_ids=[1])


@dataclass
class _Cached:
    identity: tuple[int, int, int]
    data: dict[str, Any]
    index: HotIndex | None = field(default=None)


class Store:
    """The data dir. Build one per process and share it between threads."""

    def __init__(self, data_dir: str | os.PathLike[str], backups_keep: int = 10) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DATA_FILE
        self.backup_dir = self.data_dir / BACKUP_DIR
        self.backups_keep = backups_keep
        self._lock = FileLock(self.data_dir / LOCK_FILE, timeout=LOCK_TIMEOUT_S)
        self.history = History(self.data_dir)
        self._cache: _Cached | None = None
        self._local = threading.local()
        self._last_backup: float | None = None

    # -- opening --------------------------------------------------------------------

    def open(self) -> Store:
        """Create the data dir and file if needed, migrate an older file, refuse a bad one."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._remove_orphaned_temp_files()
            data = self._load()
            if data is None:
                write_json_atomic(self.path, {META_TABLE: {"1": {"schema": SCHEMA_VERSION}}})
                self._cache = None
            else:
                self._migrate_if_needed(data)
            self.history.remove_orphaned_temp_files()
            interrupted = self.history.pending_cutoff()
        if interrupted:
            # A move to the archive was cut short: finish it (merging is idempotent).
            self.archive_history(interrupted)
        return self

    def _remove_orphaned_temp_files(self) -> None:
        """Temp files of writers killed mid-write (only written under the lock we hold)."""
        for orphan in self.data_dir.glob(f".{DATA_FILE}.*.tmp"):
            orphan.unlink(missing_ok=True)

    def is_empty(self) -> bool:
        with self.snapshot() as tx:
            return not any(name != META_TABLE and table for name, table in tx.data.items())

    def _migrate_if_needed(self, data: dict[str, Any]) -> None:
        version = schema_version(data)
        if version > SCHEMA_VERSION:
            raise NewerSchema(self.path, version)
        if version == SCHEMA_VERSION:
            return
        self.backup(reason=f"before-migration-v{version}")
        while version < SCHEMA_VERSION:
            data = MIGRATIONS[version](data)
            version += 1
        data.setdefault(META_TABLE, {}).setdefault("1", {})["schema"] = version
        write_json_atomic(self.path, data)
        self._cache = None

    # -- transactions ---------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise Busy(Path(self._lock.lock_file)) from exc
        try:
            yield
        finally:
            self._lock.release()

    def _load(self) -> dict[str, Any] | None:
        cached = self._load_cached()
        return cached.data if cached is not None else None

    def _load_cached(self) -> _Cached | None:
        identity = file_identity(self.path)
        if identity is None:
            return None
        cached = self._cache
        if cached is not None and cached.identity == identity:
            return cached
        try:
            data = read_json(self.path)
        except UnreadableFile as exc:
            raise CorruptDataFile(self.path, exc.reason, self.newest_backup()) from exc
        if data is None:
            return None
        version = schema_version(data)
        if version > SCHEMA_VERSION:
            raise NewerSchema(self.path, version)
        cached = _Cached(identity, data)
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

    def _read_tx(self, cached: _Cached | None) -> Tx:
        if cached is None:
            return Tx({}, writable=False, history=self.history)
        return Tx(cached.data, writable=False, cached=cached, history=self.history)

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

    def _drop_from_hot(self, cached: _Cached, moving: dict[str, Doc]) -> None:
        """Last step of a move: rewrite the hot file without the archived bookings."""
        data = dict(cached.data)
        data[BOOKINGS_TABLE] = {
            k: v for k, v in (data.get(BOOKINGS_TABLE) or {}).items() if k not in moving
        }
        self._commit(data)

    def _commit(self, data: dict[str, Any], index: HotIndex | None = None) -> None:
        """Write ``data`` as the new file (under the lock the caller holds), after the
        hourly backup, and keep it as the parsed copy for the next reader."""
        self._maybe_backup()
        try:
            write_json_atomic(self.path, data)
        except BaseException:
            self._cache = None
            raise
        identity = file_identity(self.path)
        self._cache = _Cached(identity, data, index) if identity else None

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

    def identity(self) -> tuple[int, int, int] | None:
        return file_identity(self.path)

    # -- backups --------------------------------------------------------------------

    def backups(self) -> list[Path]:
        """Backups, newest first."""
        if not self.backup_dir.is_dir():
            return []
        return sorted(self.backup_dir.glob("kiosk-*.json"), reverse=True)

    def newest_backup(self) -> Path | None:
        found = self.backups()
        return found[0] if found else None

    def backup(self, reason: str = "") -> Path | None:
        """Copy the current file to ``backups/`` (atomically) and rotate old copies."""
        if not self.path.exists():
            return None
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        suffix = f"-{reason}" if reason else ""
        target = self.backup_dir / f"kiosk-{stamp}-{time.time_ns() % 10**9:09d}{suffix}.json"
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(self.path, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(self.backup_dir)
        self._last_backup = time.time()
        for old in self.backups()[self.backups_keep :]:
            old.unlink(missing_ok=True)
        self._mirror_archive()
        return target

    def _mirror_archive(self) -> None:
        """Keep ``backups/archive/`` a copy of the archive month files.

        Month files are written once (rewritten only by ``rewrite_archived``), so one
        mirror is their backup; only files whose size or mtime changed are copied. The
        index is not copied: ``rebuild_archive_index()`` makes it from the month files.
        """
        months = [self.history.month_path(m) for m in self.history.months()]
        if not months:
            return
        mirror = self.backup_dir / "archive"
        mirror.mkdir(parents=True, exist_ok=True)
        copied = False
        for month in months:
            target = mirror / month.name
            st = month.stat()
            if target.exists():
                tst = target.stat()
                if (tst.st_size, tst.st_mtime_ns) == (st.st_size, st.st_mtime_ns):
                    continue
            tmp = target.with_suffix(".tmp")
            shutil.copy2(month, tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            copied = True
        if copied:
            fsync_dir(mirror)

    def _maybe_backup(self) -> None:
        if self._last_backup is None:
            newest = self.newest_backup()
            self._last_backup = newest.stat().st_mtime if newest else 0.0
        if time.time() - self._last_backup >= BACKUP_INTERVAL_S:
            self.backup()

    def restore(self, backup: Path) -> None:
        """Replace the data file with ``backup`` (after saving the current one)."""
        try:
            data = read_json(backup)
        except UnreadableFile as exc:
            raise StoreError(
                f"backup {backup} does not parse ({exc.reason}); nothing was restored"
            ) from exc
        if data is None:
            raise StoreError(f"backup {backup} does not exist")
        with self._locked():
            self.backup(reason="before-restore")
            write_json_atomic(self.path, data)
            self._cache = None
