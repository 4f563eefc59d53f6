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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.table import Table

from db.storage import (
    BufferStorage,
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


class StoreError(Exception):
    """The data dir cannot be used; the message says what to do."""


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


def _where(fields: dict[str, Any]) -> Any:
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
    """

    def __init__(self, data: dict[str, Any], writable: bool) -> None:
        self._storage_data = data
        self._db = TinyDB(data, storage=BufferStorage)
        self.writable = writable

    @property
    def dirty(self) -> bool:
        return bool(self._db.storage.dirty)  # type: ignore[attr-defined]

    @property
    def data(self) -> dict[str, Any]:
        return self._db.storage.data  # type: ignore[attr-defined]

    def _table(self, name: str) -> Table:
        return self._db.table(name, cache_size=0)

    def _check_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("this is a read-only snapshot; use Store.transaction()")

    def all(self, table: str) -> list[Doc]:
        return [dict(d) for d in self._table(table).all()]

    def find(self, table: str, **equals: Any) -> list[Doc]:
        if not equals:
            return self.all(table)
        return [dict(d) for d in self._table(table).search(_where(equals))]

    def get(self, table: str, **equals: Any) -> Doc | None:
        found = self._table(table).get(_where(equals))
        return dict(found) if found is not None else None  # type: ignore[arg-type]

    def insert(self, table: str, doc: Doc) -> None:
        self._check_writable()
        self._table(table).insert(doc)

    def update(self, table: str, changes: Doc, **equals: Any) -> int:
        self._check_writable()
        return len(self._table(table).update(changes, _where(equals)))

    def upsert(self, table: str, doc: Doc, **equals: Any) -> None:
        self._check_writable()
        self._table(table).upsert(doc, _where(equals))

    def remove(self, table: str, **equals: Any) -> int:
        self._check_writable()
        return len(self._table(table).remove(_where(equals)))

    def replace_all(self, table: str, docs: list[Doc]) -> None:
        self._check_writable()
        t = self._table(table)
        t.truncate()
        if docs:
            t.insert_multiple(docs)

    def get_meta(self, key: str, default: Any = None) -> Any:
        doc = self._table(META_TABLE).get(doc_id=1)
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


class Store:
    """The data dir. Build one per process and share it between threads."""

    def __init__(self, data_dir: str | os.PathLike[str], backups_keep: int = 10) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DATA_FILE
        self.backup_dir = self.data_dir / BACKUP_DIR
        self.backups_keep = backups_keep
        self._lock = FileLock(self.data_dir / LOCK_FILE, timeout=LOCK_TIMEOUT_S)
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
        return self

    def _remove_orphaned_temp_files(self) -> None:
        """Temp files of writers killed mid-write (only written under the lock we hold)."""
        for orphan in self.data_dir.glob(f".{DATA_FILE}.*.tmp"):
            orphan.unlink(missing_ok=True)

    def is_empty(self) -> bool:
        with self.snapshot() as tx:
            return not any(
                name != META_TABLE and table for name, table in tx.data.items()
            )

    def _migrate_if_needed(self, data: dict[str, Any]) -> None:
        version = int(data.get(META_TABLE, {}).get("1", {}).get("schema", 1))
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
        identity = file_identity(self.path)
        if identity is None:
            return None
        cached = self._cache
        if cached is not None and cached.identity == identity:
            return cached.data
        try:
            data = read_json(self.path)
        except UnreadableFile as exc:
            raise CorruptDataFile(self.path, exc.reason, self.newest_backup()) from exc
        if data is None:
            return None
        version = int(data.get(META_TABLE, {}).get("1", {}).get("schema", 1))
        if version > SCHEMA_VERSION:
            raise NewerSchema(self.path, version)
        self._cache = _Cached(identity, data)
        return data

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Read-modify-write under the cross-process lock; commits once, durably."""
        if getattr(self._local, "in_tx", False):
            raise RuntimeError("transactions do not nest")
        self._local.in_tx = True
        try:
            with self._locked():
                data = self._load()
                if data is None:
                    raise StoreError(f"no data file at {self.path}; open the store first")
                tx = Tx(data, writable=True)
                try:
                    yield tx
                except BaseException:
                    self._cache = None  # the parsed copy may hold half a change
                    raise
                if tx.dirty:
                    self._maybe_backup()
                    try:
                        write_json_atomic(self.path, tx.data)
                    except BaseException:
                        self._cache = None
                        raise
                    identity = file_identity(self.path)
                    self._cache = _Cached(identity, tx.data) if identity else None
        finally:
            self._local.in_tx = False

    @contextmanager
    def snapshot(self, locked: bool = False) -> Iterator[Tx]:
        """A read-only view. ``locked=True`` when the read decides something."""
        if locked:
            with self._locked():
                data = self._load()
                yield Tx(data or {}, writable=False)
        else:
            data = self._load()
            yield Tx(data or {}, writable=False)

    def changed_since(self, identity: tuple[int, int, int] | None) -> bool:
        return file_identity(self.path) != identity

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
        return target

    def _maybe_backup(self) -> None:
        if self._last_backup is None:
            newest = self.newest_backup()
            self._last_backup = newest.stat().st_mtime if newest else 0.0
        if time.time() - self._last_backup >= BACKUP_INTERVAL_S:
            self.backup()

    def restore(self, backup: Path) -> None:
        """Replace the data file with ``backup`` (after saving the current one)."""
        data = read_json(backup)
        if data is None:
            raise StoreError(f"backup {backup} does not exist")
        with self._locked():
            self.backup(reason="before-restore")
            write_json_atomic(self.path, data)
            self._cache = None
