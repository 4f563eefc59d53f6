"""Shared fixtures: a throwaway data dir and a fixed clock in every test."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.clock import TZ, FixedClock
from kiosk.seed import seed_demo
from kiosk.services import Services, build_services

# A Tuesday morning; the demo library has sessions that day and the days after.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(data_dir: Path, clock: FixedClock) -> Services:
    """An empty, opened data dir."""
    return build_services(data_dir, clock)


@pytest.fixture
def demo(services: Services) -> Services:
    """The demo library without demo bookings (tests add their own)."""
    seed_demo(services.store, services.clock, with_bookings=False)
    return services


@pytest.fixture(autouse=True)
def _no_user_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the real user's data dir or clock from a test."""
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.delenv("KIOSK_NOW", raising=False)
