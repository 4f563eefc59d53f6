"""TinyDB storages: a crash-safe JSON file and an in-memory transaction buffer.

TinyDB's own ``JSONStorage`` rewrites the file in place (seek, write, truncate): a power
cut mid-write leaves half a file. ``AtomicJSONStorage`` writes a temp file, fsyncs it,
renames it over the old one and fsyncs the directory, so readers and crashes only ever
see a whole old file or a whole new one.

The codec is ``orjson``: the same compact UTF-8 JSON as ``json.dumps(ensure_ascii=False,
separators=(",", ":"))``, parsed and written several times faster, which is most of the
cost of a commit once the file is small.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage


class StoreError(Exception):
    """The data dir cannot be used; the message says what to do."""


class UnreadableFile(Exception):
    """The data file exists but does not parse."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def file_identity(path: Path) -> tuple[int, int, int] | None:
    """(inode, size, mtime_ns): changes whenever another process replaces the file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_json(path: Path) -> dict[str, Any] | None:
    """The parsed file, None if it does not exist; UnreadableFile if it does not parse."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = orjson.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:  # orjson.JSONDecodeError is a ValueError
        raise UnreadableFile(path, str(exc)) from exc
    if not isinstance(data, dict):
        raise UnreadableFile(path, "top level is not a JSON object")
    return data


def write_json_atomic(path: Path, data: dict[str, Any], sync_dir: bool = True) -> None:
    """Durably replace ``path`` with ``data``: temp file, fsync, rename, fsync dir.

    ``sync_dir=False`` for a batch of files in one directory: the caller fsyncs the
    directory once (``fsync_dir``) before it relies on any of them."""
    write_bytes_atomic(path, orjson.dumps(data), sync_dir)


def write_bytes_atomic(path: Path, payload: bytes, sync_dir: bool = True) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class AtomicJSONStorage(Storage):
    """A TinyDB storage whose every write is durable and atomic."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_json(self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_json_atomic(self.path, data)


class BufferStorage(Storage):
    """Holds one transaction's data in memory; the store commits it once at the end."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True
