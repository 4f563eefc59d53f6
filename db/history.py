"""Booking history: closed bookings moved out of the hot file into per-month archive files.

Why: TinyDB rewrites the whole file on every commit and parses the whole file after every
other process's commit. With years of bookings in ``kiosk.json`` a visitor's *Confirm* would
wait for history. So the hot file keeps only what everyday work touches (the future, today,
anything still open and the recent past) and ``Store.archive_history(before)`` moves closed
bookings (done / no-show / cancelled) that started before ``before`` to

    archive/bookings-YYYY-MM.json        one per month of the booking's (local) start;
                                         TinyDB's own file layout, usually written once
    archive/index/code-XY.json           code -> month, sharded by the code's first 2 characters
    archive/index/token-HH.json          token hash -> month, sharded by its first 2 hex digits

The move is crash-safe without a second copy of the truth:
1. write ``archive/pending.json`` (the cutoff being applied), durably;
2. merge the bookings into their month files (by booking id, so running it twice is
   harmless), each written atomically (temp, fsync, rename, fsync dir);
3. merge the index shards the same way;
4. rewrite the hot file without the moved bookings, atomically; 5. drop pending.json.
Killed anywhere, a booking is in the hot file, or in the archive, or in both; readers look in
the hot file first and skip archived copies of ids still hot, so nothing is lost or counted
twice, and ``Store.open()`` finishes a move that ``pending.json`` says was interrupted.

An archive file that does not parse is refused with a message naming it, never overwritten.
The index shards are derived data: ``Store.rebuild_archive_index()`` rewrites them from the
month files.

This module stores plain dicts. It knows the few booking fields it files by (``id``, ``code``,
``token_hash``, ``start``, ``status``) and nothing else of the domain.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from db.storage import (
    StoreError,
    UnreadableFile,
    file_identity,
    fsync_dir,
    private_dir,
    read_json,
    remove_temp_files,
    write_json_atomic,
)

# The bookings table: its closed history moves from the hot file to the archive.
BOOKINGS_TABLE = "bookings"
CLOSED_STATUSES = frozenset({"done", "no_show", "cancelled"})
ARCHIVE_DIR = "archive"
INDEX_DIR = "index"
PENDING_FILE = "pending.json"
MONTH_PREFIX = "bookings-"
ARCHIVE_SCHEMA = 1
INDEXED_FIELDS = ("code", "token_hash")

Doc = dict[str, Any]


class CorruptArchiveFile(StoreError):
    """An archive file does not parse; it is left untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"archive file {path} does not parse ({reason}); it was left untouched; "
            "restore it from a backup copy of the data dir"
        )
        self.path = path
        self.reason = reason


def month_of(doc: Doc) -> str:
    """'YYYY-MM' of the booking's start as written (local time with offset)."""
    return str(doc["start"])[:7]


def shard_of(field: str, key: str) -> str:
    """Small shards (a few hundred entries at a million bookings): a look-up parses one."""
    if field == "code":
        return f"code-{key[:2].upper() or '_'}"
    return f"token-{key[:2].lower() or '_'}"


class History:
    """The archive directory of one data dir. Safe to share between threads."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / ARCHIVE_DIR
        self.index_dir = self.dir / INDEX_DIR
        self.pending = self.dir / PENDING_FILE
        self._lock = threading.Lock()
        # Parsed files reused while their (inode, size, mtime_ns) is unchanged.
        self._months: OrderedDict[Path, tuple[Any, dict[str, Doc]]] = OrderedDict()
        self._shards: OrderedDict[Path, tuple[Any, dict[str, str]]] = OrderedDict()

    # -- paths ------------------------------------------------------------------------

    def month_path(self, month: str) -> Path:
        return self.dir / f"{MONTH_PREFIX}{month}.json"

    def shard_path(self, shard: str) -> Path:
        return self.index_dir / f"{shard}.json"

    def months(self) -> list[str]:
        """Archived months, oldest first."""
        if not self.dir.is_dir():
            return []
        found = [p.stem[len(MONTH_PREFIX) :] for p in self.dir.glob(f"{MONTH_PREFIX}*.json")]
        return sorted(found)

    # -- reading ----------------------------------------------------------------------

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            return read_json(path)
        except UnreadableFile as exc:
            raise CorruptArchiveFile(path, exc.reason) from exc

    def read_month(self, month: str) -> dict[str, Doc]:
        """The month's bookings by booking id (empty if the month has no file)."""
        path = self.month_path(month)
        identity = file_identity(path)
        if identity is None:
            return {}
        with self._lock:
            hit = self._months.get(path)
            if hit is not None and hit[0] == identity:
                self._months.move_to_end(path)
                return hit[1]
        data = self._read(path)
        if data is None:
            return {}
        table = data.get(BOOKINGS_TABLE)
        if not isinstance(table, dict):
            raise CorruptArchiveFile(path, f"no {BOOKINGS_TABLE!r} table")
        by_id = {str(doc["id"]): doc for doc in table.values()}
        with self._lock:
            self._months[path] = (identity, by_id)
            while len(self._months) > 4:  # a month is a few thousand bookings at most
                self._months.popitem(last=False)
        return by_id

    def read_shard(self, shard: str) -> dict[str, str]:
        path = self.shard_path(shard)
        identity = file_identity(path)
        if identity is None:
            return {}
        with self._lock:
            hit = self._shards.get(path)
            if hit is not None and hit[0] == identity:
                self._shards.move_to_end(path)
                return hit[1]
        data = self._read(path)
        entries = (data or {}).get("entries", {})
        if not isinstance(entries, dict):
            raise CorruptArchiveFile(path, "no 'entries' object")
        with self._lock:
            self._shards[path] = (identity, entries)
            while len(self._shards) > 32:
                self._shards.popitem(last=False)
        return entries

    def find(self, field: str, value: str) -> Doc | None:
        """The archived booking whose ``field`` (code or token_hash) equals ``value``."""
        if field not in INDEXED_FIELDS or not value or not self.dir.is_dir():
            return None
        month = self.read_shard(shard_of(field, value)).get(value)
        if month is None:
            return None
        for doc in self.read_month(month).values():
            if doc.get(field) == value:
                return dict(doc)
        return None

    def iter_all(self, months: Iterable[str] | None = None) -> Iterator[Doc]:
        """Archived bookings, month by month (oldest first unless ``months`` says otherwise).

        Reads one month file at a time, so memory stays at one month however long the
        history is; the parsed copy is not kept in the small month cache.
        """
        wanted = self.months() if months is None else list(months)
        for month in wanted:
            path = self.month_path(month)
            with self._lock:
                hit = self._months.get(path)
            if hit is not None and hit[0] == file_identity(path):
                docs: Iterable[Doc] = hit[1].values()
            else:
                data = self._read(path)
                if data is None:
                    continue
                table = data.get(BOOKINGS_TABLE)
                if not isinstance(table, dict):
                    raise CorruptArchiveFile(path, f"no {BOOKINGS_TABLE!r} table")
                docs = table.values()
            for doc in docs:
                yield dict(doc)

    # -- writing (callers hold the store's cross-process lock) -------------------------

    def write_months(self, docs: Iterable[Doc]) -> dict[str, list[Doc]]:
        """Merge ``docs`` into their month files (by id; the new copy wins). Durable."""
        by_month: dict[str, list[Doc]] = {}
        for doc in docs:
            by_month.setdefault(month_of(doc), []).append(doc)
        if not by_month:
            return by_month
        private_dir(self.dir)
        for month, moved in sorted(by_month.items()):
            path = self.month_path(month)
            merged = dict(self.read_month(month))  # refuses a corrupt file before writing
            for doc in moved:
                merged[str(doc["id"])] = doc
            table = {str(n): doc for n, doc in enumerate(merged.values(), start=1)}
            write_json_atomic(
                path,
                {
                    "meta": {"1": {"schema": ARCHIVE_SCHEMA, "month": month}},
                    BOOKINGS_TABLE: table,
                },
                sync_dir=False,
            )
        fsync_dir(self.dir)  # every month file is durable before the index or hot file changes
        return by_month

    def write_index(self, by_month: dict[str, list[Doc]]) -> None:
        """Merge code/token -> month entries into their shards. Durable."""
        updates: dict[str, dict[str, str]] = {}
        for month, docs in by_month.items():
            for doc in docs:
                for field in INDEXED_FIELDS:
                    value = doc.get(field)
                    if value:
                        updates.setdefault(shard_of(field, value), {})[value] = month
        if not updates:
            return
        private_dir(self.index_dir)
        for shard, entries in sorted(updates.items()):
            merged = dict(self.read_shard(shard))
            merged.update(entries)
            write_json_atomic(self.shard_path(shard), {"entries": merged}, sync_dir=False)
        fsync_dir(self.index_dir)

    def rebuild_index(self) -> int:
        """Rewrite every index shard from the month files (after a shard was lost or damaged)."""
        by_month = {m: list(self.read_month(m).values()) for m in self.months()}
        if self.index_dir.is_dir():
            for old in self.index_dir.glob("*.json"):
                old.replace(old.with_suffix(".old"))
        with self._lock:
            self._shards.clear()
        self.write_index(by_month)
        for old in self.index_dir.glob("*.old"):
            old.unlink(missing_ok=True)
        return sum(len(d) for d in by_month.values())

    def mark_pending(self, before: str) -> None:
        private_dir(self.dir)
        write_json_atomic(self.pending, {"before": before})

    def pending_cutoff(self) -> str | None:
        try:
            data = self._read(self.pending)
        except CorruptArchiveFile:
            return None  # a torn marker cannot exist (atomic write); treat as none
        return None if data is None else str(data.get("before") or "") or None

    def clear_pending(self) -> None:
        if self.pending.exists():
            self.pending.unlink()
            fsync_dir(self.dir)

    def remove_orphaned_temp_files(self) -> None:
        for folder in (self.dir, self.index_dir):
            remove_temp_files(folder)

    def size_bytes(self) -> int:
        if not self.dir.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.dir.rglob("*.json"))
