"""The cross-process lock on the data dir: ``flock`` on a separate, private lock file.

If someone deletes (or replaces) the lock file while it is held, a process that opens
the path afterwards locks a different file and would run alongside the holder. So after
taking the lock a process checks that the path still names the file it locked (same
device and inode) and starts again on the new file if not; and a holder checks the same
before it commits (``still_held``), so a change made while another process may have
been inside is refused instead of overwriting that process's acknowledged change.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from db.storage import FILE_MODE, StoreError

LOCK_FLAGS = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
POLL_S = 0.005
POLL_MAX_S = 0.05


class StoreBusy(StoreError):
    """Another process held the data dir longer than the timeout."""

    def __init__(self, lock: Path, timeout: float) -> None:
        super().__init__(f"the data dir is busy (could not lock {lock} in {timeout:.0f} s)")


class LockLost(StoreError):
    """The lock file was removed or replaced while this process held the lock."""

    def __init__(self, lock: Path) -> None:
        super().__init__(
            f"the lock file {lock} was removed while a change was being made; "
            "the change was not saved, try again"
        )


def _same_file(fd: int, path: Path) -> bool:
    held = os.fstat(fd)
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


class DataDirLock:
    """Reentrant within a thread, exclusive across threads and processes."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise StoreBusy(self.path, self.timeout)
        if self._depth:
            self._depth += 1
            return
        try:
            self._fd = self._lock_file(deadline)
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth = 1

    def _lock_file(self, deadline: float) -> int:
        while True:
            # Never through a link: its target (anyone's file) would be chmodded below.
            fd = os.open(self.path, LOCK_FLAGS, FILE_MODE)
            try:
                os.fchmod(fd, FILE_MODE)
                self._flock(fd, deadline)
                if _same_file(fd, self.path):
                    return fd
            except BaseException:
                os.close(fd)
                raise
            # The path now names another file (ours was deleted while we waited): the
            # lock we hold excludes nobody. Start again on whatever the path names now.
            os.close(fd)

    def _flock(self, fd: int, deadline: float) -> None:
        pause = POLL_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(self.path, self.timeout) from None
                time.sleep(pause)
                pause = min(pause * 2, POLL_MAX_S)

    def still_held(self) -> bool:
        """True if this thread holds the lock and the path still names the locked file."""
        return self._fd is not None and self._depth > 0 and _same_file(self._fd, self.path)

    def release(self) -> None:
        if self._depth == 0:
            raise RuntimeError("release of a lock that is not held")
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        self._thread_lock.release()
