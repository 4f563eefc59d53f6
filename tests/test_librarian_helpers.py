"""Helpers for the librarian console tests (no tests here).

Until the visitor screens exist, ``kiosk.app`` cannot import ``screens.visitor``; a
minimal stand-in is installed then so the console can be tested on its own.
"""

from __future__ import annotations

import importlib
import sys
import types
from datetime import datetime, timedelta
from typing import Any

from textual.pilot import Pilot

from kiosk.auth import PinService
from kiosk.booking import BOOKINGS
from kiosk.clock import TZ
from kiosk.models import Booking, BookingStatus, Source
from kiosk.services import Services

PIN = "2468"


def _ensure_visitor_screens() -> None:
    try:
        module = importlib.import_module("screens.visitor")
        if hasattr(module, "WelcomeScreen") and hasattr(module, "MoreTimeScreen"):
            return
    except ImportError:
        pass
    from textual.screen import ModalScreen, Screen
    from textual.widgets import Static

    class WelcomeScreen(Screen[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("welcome")

        def refresh_texts(self) -> None:
            pass

    class MoreTimeScreen(ModalScreen[bool]):
        def __init__(self, seconds: float) -> None:
            super().__init__()

    stub = types.ModuleType("screens.visitor")
    stub.WelcomeScreen = WelcomeScreen  # type: ignore[attr-defined]
    stub.MoreTimeScreen = MoreTimeScreen  # type: ignore[attr-defined]
    sys.modules["screens.visitor"] = stub


_ensure_visitor_screens()

from kiosk.app import KioskApp  # noqa: E402

__all__ = ["KioskApp", "PIN", "settle", "make_app", "login", "put_booking", "set_pin"]


def set_pin(services: Services) -> None:
    PinService(services.store, services.clock).set_pin(PIN)


def make_app(services: Services, **kwargs: Any) -> KioskApp:
    app = KioskApp(services, mode="librarian", **kwargs)
    return app


async def settle(pilot: Pilot, rounds: int = 4) -> None:
    """Let workers finish and their messages land (no sleeps)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def login(pilot: Pilot, pin: str = PIN) -> None:
    screen = pilot.app.screen
    screen.query_one("#login-pin").value = pin
    await pilot.click("#login-ok")
    await settle(pilot)


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
