"""Shared fixtures and helpers: a throwaway data dir and a fixed clock in every test.

Helpers that several test folders use live here too (``from tests.conftest import ...``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.demo import seed_demo
from kiosk.domain.auth import AUTH, PIN_KEY, PinService
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.models import Booking, BookingStatus, Source
from kiosk.domain.records import BOOKINGS, SETTINGS
from kiosk.services import Services, build_services

# A Tuesday morning; the demo library has sessions that day and the days after.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
PIN = "246813"


@pytest.hookimpl(trylast=True)  # after the folders' conftests have marked their groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that run other processes (each xdist group: "processes", "browser") start
    first: they are the longest, and on two cores a long test started last finishes alone."""

    def slow_first(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("xdist_group") is not None else 1

    items.sort(key=slow_first)  # stable: the rest keep their order


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


@pytest.fixture(scope="session", autouse=True)
def _pepper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One PIN pepper for the session, never this machine's /etc/escout-kiosk/pepper: a data
    dir built once and copied into many tests, and the processes a test starts, find the
    pepper its PIN was set with (as on one kiosk PC). Outside every test's tmp_path, which
    some tests use as a data dir."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KIOSK_PEPPER_FILE", str(tmp_path_factory.mktemp("pepper") / "pepper"))
        yield


@pytest.fixture(autouse=True)
def _no_user_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the real user's data dir or clock from a test: whatever builds its services
    from the environment (the CLI, a subprocess that inherits it) runs at ``NOW``, so the suite
    passes on any date. A test about another moment sets ``KIOSK_NOW`` itself."""
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())


def set_pin(services: Services) -> None:
    PinService(services.store, services.clock).set_pin(PIN)


def set_unpeppered_pin(services: Services, pin: str) -> None:
    """A librarian PIN as the kiosk stored it before the pepper and the 6-digit rule: scrypt
    over the PIN alone, any 4 to 12 digits."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()
    with services.store.transaction() as tx:
        tx.remove(AUTH, key=PIN_KEY)
        tx.insert(AUTH, {"key": PIN_KEY, "salt": salt.hex(), "hash": digest})


def put_booking(
    services: Services,
    *,
    code: str,
    start: datetime,
    name: str = "Ona",
    phone: str | None = None,
    topic: str = "e-banking",
    scout: str = "lukas",
    place: str = "Kompiuterių klasė",
    status: BookingStatus = BookingStatus.BOOKED,
    minutes: int = 30,
    erased: bool = False,
) -> Booking:
    """A booking written straight into the store (any day, any name: for seeding tests)."""
    start = start.astimezone(TZ)
    booking = Booking(
        id=f"id-{code}",
        code=code,
        token_hash=f"hash-{code}",
        topic=topic,
        scout=scout,
        start=start.isoformat(),
        end=(start + timedelta(minutes=minutes)).isoformat(),
        place=place,
        name="" if erased else name,
        phone=phone,
        status=str(status),
        source=str(Source.KIOSK),
        created_at=start.isoformat(),
    )
    with services.store.transaction() as tx:
        tx.insert(BOOKINGS, booking.to_dict())
    return booking


def put_settings(services: Services, **values: object) -> None:
    """Settings written straight into the store, past the ranges a save checks: a test's
    spells of a second or less. Only for an App already built on these services (a start
    would refuse the file, as it refuses any hand-edited value out of range)."""
    with services.store.transaction() as tx:
        stored = tx.get(SETTINGS, key="library") or {"key": "library"}
        tx.upsert(SETTINGS, {**stored, **values}, key="library")
