"""The data watcher: a commit from another process is seen by file events, else by polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from kiosk.domain.clock import FixedClock
from kiosk.services import Services, build_services
from kiosk.watch import DataWatcher
from tests.conftest import NOW, put_booking


async def _next_change(watcher: DataWatcher, commit: Services, code: str) -> None:
    """Start watching, commit a booking from ``commit``, and wait for the change."""
    changes = watcher.changes()
    first = asyncio.ensure_future(anext(changes))
    await asyncio.sleep(0)  # let the watcher read the identity it starts from
    while not watcher.started:
        await asyncio.sleep(0.01)
    put_booking(commit, code=code, start=NOW + timedelta(hours=3))
    try:
        await asyncio.wait_for(first, timeout=10)
    finally:
        watcher.stop()
        await changes.aclose()


async def test_file_events_report_a_commit(services: Services, data_dir: Path) -> None:
    other = build_services(data_dir, FixedClock(NOW))
    watcher = DataWatcher(data_dir, services.maintenance.identity)
    await _next_change(watcher, other, "EVENT1")
    assert watcher.mode == "events"


async def test_a_failing_watcher_falls_back_to_polling(
    services: Services, data_dir: Path, monkeypatch
) -> None:
    async def broken(self: DataWatcher) -> AsyncIterator[None]:
        raise OSError(28, "inotify watch limit reached")
        yield None  # pragma: no cover - makes this an async generator

    monkeypatch.setattr(DataWatcher, "_events", broken)
    other = build_services(data_dir, FixedClock(NOW))
    watcher = DataWatcher(data_dir, services.maintenance.identity, poll_seconds=0.05)
    await _next_change(watcher, other, "POLL01")
    assert watcher.mode == "polling"


async def test_polling_alone_reports_a_commit(services: Services, data_dir: Path) -> None:
    other = build_services(data_dir, FixedClock(NOW))
    watcher = DataWatcher(
        data_dir, services.maintenance.identity, poll_seconds=0.05, use_events=False
    )
    await _next_change(watcher, other, "POLL02")
    assert watcher.mode == "polling"
