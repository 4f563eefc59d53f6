"""Files the kiosk writes: durable, atomic and private (0600 files, 0700 folders).

A power cut mid-write never leaves half a file: every write goes to a temp file in the
same folder, is fsynced, renamed over the old one, and the folder is fsynced. Everything
the data dir holds (names, phones, the PIN hash) is private to the kiosk's user whatever
the umask, so modes are set explicitly where files and folders are made.

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

FILE_MODE = 0o600
DIR_MODE = 0o700
# Every temp file the kiosk makes is ``.kiosk-tmp.<target name>.<random>.tmp``: the prefix
# is how a sweep tells its own leftovers from other programs' files in a shared folder.
TEMP_PREFIX = ".kiosk-tmp."
TEMP_SUFFIX = ".tmp"
# A target's name is cut to this in its temp file's name, so the temp name stays within
# the file system's 255 bytes however long the target's name is.
TEMP_NAME_PART = 100


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


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) 0700 whatever the umask.

    Only folders this makes get that mode: a folder that exists is someone's choice (a
    shared ``1777`` folder keeps its sticky bit) and is left exactly as it is."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile: theirs to set
        os.chmod(folder, DIR_MODE)
    return path


def temp_pattern(name: str) -> str:
    """The glob for temp files written on the way to a file named ``name``."""
    return f"{TEMP_PREFIX}{name[:TEMP_NAME_PART]}.*{TEMP_SUFFIX}"


def write_json_atomic(path: Path, data: dict[str, Any], sync_dir: bool = True) -> None:
    """Durably replace ``path`` with ``data``: temp file, fsync, rename, fsync dir.

    ``sync_dir=False`` for a batch of files in one directory: the caller fsyncs the
    directory once (``fsync_dir``) before it relies on any of them."""
    write_bytes_atomic(path, orjson.dumps(data), sync_dir)


def write_bytes_atomic(path: Path, payload: bytes, sync_dir: bool = True) -> None:
    """Durably and atomically replace ``path`` with ``payload``, mode 0600.

    The temp file is removed if anything fails (a full disk keeps no partial copy)."""
    fd, tmp = tempfile.mkstemp(
        prefix=f"{TEMP_PREFIX}{path.name[:TEMP_NAME_PART]}.", suffix=TEMP_SUFFIX, dir=path.parent
    )
    try:
        os.fchmod(fd, FILE_MODE)
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


def write_bytes_private(path: Path, payload: bytes) -> Path:
    """Write an export, ticket or other file holding personal data: atomic and 0600.

    The folder is made (0700) if it does not exist; an existing folder is left as it is
    (it may be one a person chose, e.g. ``--out ~/Desktop/x.csv``)."""
    path = Path(path)
    if not path.parent.exists():
        private_dir(path.parent)
    write_bytes_atomic(path, payload)
    return path


def copy_private(source: Path, target: Path) -> None:
    """Durably copy ``source`` to ``target`` (0600), keeping the source's mtime."""
    st = source.stat()
    write_bytes_atomic(target, source.read_bytes())
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def remove_temp_files(folder: Path) -> int:
    """The kiosk's own temp files left by writers killed or failed mid-write (only those:
    the folder may hold other programs' ``*.tmp``). Returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for orphan in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        orphan.unlink(missing_ok=True)
        removed += 1
    return removed


def fsync_dir(directory: Path) -> None:
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


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
