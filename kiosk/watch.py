"""Learning that another process changed the data file: file-system events, else polling.

Every commit renames a new ``kiosk.json`` into the data dir, so its identity (inode, size,
mtime) changes. ``data_changes`` waits for that with the kernel's file events (inotify
through ``watchfiles``): nothing runs while nothing changes, and a change is seen within
tens of milliseconds. Where events are not to be had (no inotify watches left, a file
system without events) it falls back to comparing the identity every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from pathlib import Path

log = logging.getLogger("kiosk.watch")

DATA_FILE = "kiosk.json"
POLL_SECONDS = 2.0  # the fallback's period
# watchfiles gathers events until none came for STEP_MS (a commit is a few events: the
# temp file, its rename); a steady stream of changes is still reported every DEBOUNCE_MS.
STEP_MS = 30
DEBOUNCE_MS = 250
# How often the watching thread looks up from the kernel to see whether it should stop;
# it is asleep in between, so this costs nothing worth measuring.
WAKE_MS = 5_000

Identity = tuple[int, int, int] | None


class DataWatcher:
    """Yields once after each change of the data file; ``stop()`` ends it (any thread)."""

    def __init__(
        self,
        data_dir: Path,
        identity: Callable[[], Identity],
        *,
        poll_seconds: float = POLL_SECONDS,
        use_events: bool | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.identity = identity
        self.poll_seconds = poll_seconds
        if use_events is None:  # KIOSK_WATCH=poll: the fallback on purpose (benchmarks)
            use_events = os.environ.get("KIOSK_WATCH", "").strip().lower() != "poll"
        self.use_events = use_events
        self.mode = "events" if use_events else "polling"  # what it runs on now
        self.started = False  # True once changes are being watched for
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    async def changes(self) -> AsyncIterator[None]:
        """One item per change of the data file's identity, from whichever process."""
        last = await asyncio.to_thread(self.identity)
        if self.use_events:
            events = self._events()
            try:
                pending = asyncio.ensure_future(anext(events))
                await asyncio.sleep(0)  # the kernel's watch is set up from here on
                self.started = True
                while True:
                    now = await asyncio.to_thread(self.identity)
                    if now != last:  # the first time: a commit made before the watch began
                        last = now
                        yield None
                    try:
                        await pending
                    except StopAsyncIteration:
                        return  # stopped
                    pending = asyncio.ensure_future(anext(events))
            except Exception as error:  # noqa: BLE001 - the watcher failed: poll instead
                log.warning("no file events (%r); polling every %s s", error, self.poll_seconds)
            finally:
                if not pending.done():  # closed by the caller: end the watching thread first
                    self._stop.set()
                    pending.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await pending
                await events.aclose()
            self.mode = "polling"
        self.started = True
        while not self._stop.is_set():
            now = await asyncio.to_thread(self.identity)
            if now != last:
                last = now
                yield None
            await asyncio.sleep(self.poll_seconds)

    async def _events(self) -> AsyncGenerator[None, None]:
        from watchfiles import awatch

        def ours(_change: object, path: str) -> bool:
            return Path(path).name == DATA_FILE

        async for _ in awatch(
            self.data_dir,
            watch_filter=ours,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self._stop,
            rust_timeout=WAKE_MS,
            recursive=False,  # backups/, archive/ and exports/ never wake it
            force_polling=False,
        ):
            yield None
