"""The kiosk's free times follow bookings made elsewhere (file events from another process)."""

from __future__ import annotations

from pathlib import Path

from kiosk.domain.clock import FixedClock
from kiosk.services import Services, build_services
from screens.visitor import TimeScreen
from tests.conftest import NOW
from tests.ui.conftest import click, make_app, settle, wait_until

BIG = (120, 40)


async def test_a_time_booked_elsewhere_leaves_the_kiosk_list(
    demo: Services, data_dir: Path
) -> None:
    other = build_services(data_dir, FixedClock(NOW))  # the desk, another kiosk, the CLI
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-smartphone")
        screen = app.screen
        assert isinstance(screen, TimeScreen)
        await wait_until(pilot, lambda: bool(screen.slots))
        first = screen.slots[0]
        other.booking.book("smartphone", first.start, "Aldona", scout=first.scout)
        await wait_until(pilot, lambda: bool(screen.slots) and screen.slots[0] != first, limit=5)
        assert first not in screen.slots
        assert app.screen is screen  # the visitor stays where she was
