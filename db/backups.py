"""``backups/``: rotating copies of the data file and a mirror of the archive month files.

A backup is named by one reading of the clock, ``kiosk-YYYYmmddTHHMMSS-NNNNNNNNN[-why].json``
(UTC, nanoseconds), so names sort by age. Rotation keeps the newest ``keep`` backups that
load cleanly: copies of a bad file (taken before a restore or a migration) never push the
last good ones out. Whether a backup loads is decided by the store (schema, structure and
the domain's row check) and remembered, in ``backups/checked.json``, while the file is
unchanged: each backup is read through once, not by every process that rotates.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.history import BOOKINGS_TABLE, History
from db.storage import (
    UnreadableFile,
    copy_private,
    file_identity,
    fsync_dir,
    private_dir,
    read_json,
    remove_temp_files,
    write_bytes_atomic,
    write_json_atomic,
)

PREFIX = "kiosk-"
MIRROR_DIR = "archive"
VERDICTS_FILE = "checked.json"

Doc = dict[str, Any]
# None if the file loads cleanly, else the reason it does not.
Checker = Callable[[Path], str | None]


@dataclass(frozen=True)
class Erasure:
    """What retention changes in the copies of the data (backups, their mirror, copies off
    the PC): ``booking(doc)`` returns a booking's new document or None to keep it;
    ``rows[table](doc)`` does the same for a row of another table (an e-scout made
    anonymous); ``drop[table](doc)`` says whether a row of that table is removed."""

    booking: Callable[[Doc], Doc | None]
    drop: Mapping[str, Callable[[Doc], bool]] = field(default_factory=dict)
    rows: Mapping[str, Callable[[Doc], Doc | None]] = field(default_factory=dict)


def backup_name(reason: str = "", now_ns: int | None = None) -> str:
    """The file name of a backup taken at ``now_ns`` (one clock reading for the whole name)."""
    ns = time.time_ns() if now_ns is None else now_ns
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(ns // 10**9))
    suffix = f"-{reason}" if reason else ""
    return f"{PREFIX}{stamp}-{ns % 10**9:09d}{suffix}.json"


class Backups:
    """The backups folder of one data dir. Writers hold the store's lock."""

    def __init__(self, folder: Path, history: History, check: Checker) -> None:
        self.dir = folder
        self.mirror = folder / MIRROR_DIR
        self._history = history
        self._check = check
        self._verdicts: dict[Path, tuple[tuple[int, ...], str | None]] = {}
        self._verdicts_read = False
        self._verdicts_new = False

    # -- reading ----------------------------------------------------------------------

    def newest_first(self) -> list[Path]:
        """Backups, newest first."""
        if not self.dir.is_dir():
            return []
        return sorted(self.dir.glob(f"{PREFIX}*.json"), reverse=True)

    def newest(self) -> Path | None:
        found = self.newest_first()
        return found[0] if found else None

    def problem(self, path: Path) -> str | None:
        """Why ``path`` would not load (None if it loads cleanly); remembered per file."""
        identity = file_identity(path)
        if identity is None:
            return "the file does not exist"
        if not self._verdicts_read:
            self._verdicts.update(self._read_verdicts())
            self._verdicts_read = True
        known = self._verdicts.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        verdict = self._check(path)
        self._verdicts[path] = (identity, verdict)
        self._verdicts_new = True
        return verdict

    def _read_verdicts(self) -> dict[Path, tuple[tuple[int, ...], str | None]]:
        try:
            data = read_json(self.dir / VERDICTS_FILE) or {}
        except UnreadableFile:
            return {}  # only a cache: rebuilt by reading the backups again
        found: dict[Path, tuple[tuple[int, ...], str | None]] = {}
        for name, entry in data.items():
            try:
                identity = tuple(int(n) for n in entry["identity"])
                verdict = entry["problem"]
            except (KeyError, TypeError, ValueError):
                continue
            if verdict is None or isinstance(verdict, str):
                found[self.dir / Path(name).name] = (identity, verdict)
        return found

    def _save_verdicts(self) -> None:
        """Share new verdicts with other processes (the caller holds the store's lock)."""
        if not self._verdicts_new or not self.dir.is_dir():
            return
        merged = {**self._read_verdicts(), **self._verdicts}
        write_json_atomic(
            self.dir / VERDICTS_FILE,
            {
                path.name: {"identity": list(identity), "problem": verdict}
                for path, (identity, verdict) in merged.items()
                if path.exists()
            },
        )
        self._verdicts_new = False

    def newest_good(self) -> Path | None:
        return next((p for p in self.newest_first() if self.problem(p) is None), None)

    def last_taken(self) -> float:
        """When the newest backup was written (0 if there is none)."""
        newest = self.newest()
        return newest.stat().st_mtime if newest else 0.0

    def holds_copy_of(self, source: Path, reason: str) -> bool:
        """A backup with this reason already holds exactly ``source``'s bytes."""
        payload = source.read_bytes()
        for path in self.newest_first():
            same_size = path.stat().st_size == len(payload)
            if path.name.endswith(f"-{reason}.json") and same_size and path.read_bytes() == payload:
                return True
        return False

    # -- writing ----------------------------------------------------------------------

    def take(self, source: Path, reason: str, keep: int) -> Path | None:
        """Copy ``source`` into the folder (durably, 0600), rotate, refresh the mirror."""
        if not source.exists():
            return None
        private_dir(self.dir)
        target = self.dir / backup_name(reason)
        while target.exists():  # two backups within one clock tick
            target = self.dir / backup_name(reason)
        try:
            write_bytes_atomic(target, source.read_bytes())
        finally:
            remove_temp_files(self.dir)
        self.rotate(keep)
        self.mirror_archive()
        return target

    def rotate(self, keep: int) -> None:
        """Keep the newest ``keep`` backups that load cleanly.

        A backup that does not load is kept only while it is among the newest ``keep``
        (it may be what someone needs to look at), never instead of a good one."""
        keep = max(keep, 1)
        paths = self.newest_first()
        if len(paths) <= keep:
            return  # nothing to drop: no need to read any of them
        good = 0
        for position, path in enumerate(paths):
            if good < keep:
                if self.problem(path) is None:
                    good += 1
                    continue
                if position < keep:
                    continue
            path.unlink(missing_ok=True)
            self._verdicts.pop(path, None)
        self._save_verdicts()

    def remove_temp_files(self) -> None:
        remove_temp_files(self.dir)
        remove_temp_files(self.mirror)

    def mirror_archive(self) -> None:
        """Keep ``backups/archive/`` a copy of the archive month files.

        Month files are written once (rewritten only by ``rewrite_archived``), so one
        mirror is their backup; only files whose size or mtime changed are copied. The
        index is not copied: ``rebuild_archive_index()`` makes it from the month files.
        """
        months = [self._history.month_path(m) for m in self._history.months()]
        if not months:
            return
        private_dir(self.mirror)
        copied = False
        try:
            for month in months:
                target = self.mirror / month.name
                st = month.stat()
                if target.exists():
                    tst = target.stat()
                    if (tst.st_size, tst.st_mtime_ns) == (st.st_size, st.st_mtime_ns):
                        continue
                copy_private(month, target)
                copied = True
        finally:
            remove_temp_files(self.mirror)
        if copied:
            fsync_dir(self.mirror)

    def erase(self, erasure: Erasure) -> list[str]:
        """Apply retention's ``erasure`` to every backup and mirrored month file.

        Bookings go through ``erasure.booking``, rows of the tables in ``erasure.rows``
        through theirs; rows of the tables in ``erasure.drop`` (a waiting list) are removed
        where their test says so. Nothing else in a file
        changes. Files keep their names and mtimes (rotation and the hourly schedule go by
        them); files that do not parse are left alone. Returns the names of the files that
        changed."""
        files = self.newest_first()
        if self.mirror.is_dir():
            files += sorted(self.mirror.glob("*.json"))
        changed_files = []
        for path in files:
            try:
                data = read_json(path)
            except UnreadableFile:
                continue
            if data is None or not _erase_in(data, erasure):
                continue
            st = path.stat()
            write_json_atomic(path, data)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            changed_files.append(path.name)
            if path.parent == self.dir:
                self.problem(path)  # judged here, not in a visitor's next commit
        self._save_verdicts()
        return changed_files


def _erase_in(data: Doc, erasure: Erasure) -> bool:
    """Apply ``erasure`` to one parsed file in place; did anything change?"""
    changed = False
    for name, change in ((BOOKINGS_TABLE, erasure.booking), *erasure.rows.items()):
        rows = data.get(name)
        if not isinstance(rows, dict):
            continue
        for doc_id, doc in rows.items():
            new = change(dict(doc)) if isinstance(doc, dict) else None
            if new is not None and new != doc:
                rows[doc_id] = new
                changed = True
    for name, due in erasure.drop.items():
        table = data.get(name)
        if not isinstance(table, dict):
            continue
        gone = [k for k, doc in table.items() if isinstance(doc, dict) and due(dict(doc))]
        for doc_id in gone:
            del table[doc_id]
        changed = changed or bool(gone)
    return changed
