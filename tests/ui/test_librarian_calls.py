"""Who to call at the console: the missed-shift notice leaves Today's table its rows at 80x24,
shows the current time after a move, and the list to call marks a visitor called."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.widgets import Button, DataTable

from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.models import CallReason
from kiosk.services import Services, build_services
from screens.librarian import ConsoleScreen
from screens.librarian.calls import CallsScreen, MissedShiftsBox
from tests.conftest import put_booking, set_pin
from tests.ui.conftest import (
    BIG,
    SMALL,
    click,
    login,
    make_console,
    settle,
    text_of,
    wait_until,
)

# Tuesday 15:10: Lukas's shift (15:00-18:00) began and he has not said "here".
MISSED_AT = datetime(2026, 11, 24, 15, 10, tzinfo=TZ)


def _at_missed_shift(demo: Services) -> Services:
    assert isinstance(demo.clock, FixedClock)
    demo.clock.current = MISSED_AT
    for n, (code, hour, minute) in enumerate(
        (("CAXXAA", 15, 30), ("CAXXBB", 16, 0), ("CAXXCC", 16, 30))
    ):
        put_booking(
            demo,
            code=code,
            start=MISSED_AT.replace(hour=hour, minute=minute),
            name=f"Ona{n}",
            phone=f"+3706123456{n}",
        )
    return build_services(demo.data_dir, demo.clock)


def _notice(app: Any) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(".lib-missed Static"))


def _shown_rows(app: Any) -> int:
    """How many of Today's table rows are on the screen (not clipped away)."""
    table = app.screen.query_one("#today-table", DataTable)
    visible = table.region.intersection(app.screen.region)
    return max(0, min(table.row_count, visible.height - 1))  # less the header line


async def test_at_80x24_a_notice_of_three_bookings_leaves_todays_rows_in_sight(
    demo: Services,
) -> None:
    set_pin(demo)
    app = make_console(_at_missed_shift(demo))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await login(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        await wait_until(pilot, lambda: "Lukas P." in _notice(app))
        await wait_until(pilot, lambda: app.screen.query_one("#today-table").row_count == 3)
        await settle(pilot)
        assert _shown_rows(app) == 3, app.screen.query_one("#today-table").region
        assert app.screen.query_one(MissedShiftsBox).region.height <= 2
        # The visitors are a tap away, with their phones; the summary counts them.
        assert "3" in str(app.screen.query_one("#today-calls", Button).label)
        await click(pilot, "#missed-calls-0")
        await settle(pilot)
        assert isinstance(app.screen, CallsScreen)
        table = app.screen.query_one("#calls-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 3)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[2] == "CAXXAA" and first[4] == "+370 612 34560"
        await click(pilot, "#calls-called")
        await wait_until(pilot, lambda: table.row_count == 2)
        await click(pilot, "#calls-close")
        await wait_until(
            pilot, lambda: "2" in str(app.screen.query_one("#today-calls", Button).label)
        )
    called = build_services(demo.data_dir, demo.clock).booking.lookup("CAXXAA")
    assert called.to_call is None and called.calls[-1]["by"] == "console"


async def test_a_move_redraws_the_notice_with_the_new_time(demo: Services) -> None:
    set_pin(demo)
    services = _at_missed_shift(demo)
    app = make_console(services)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        await wait_until(pilot, lambda: "15:30" in _notice(app))
        # Moved within the same shift (another desk): the same bookings, a new time.
        moved = demo.booking.move("CAXXAA", MISSED_AT.replace(hour=17, minute=0))
        assert moved.to_call == CallReason.MOVED
        await wait_until(pilot, lambda: "17:00" in _notice(app))
        assert "15:30" not in _notice(app)


async def test_one_key_queues_the_sorry_text_to_a_visitor_who_agreed(demo: Services) -> None:
    services = _at_missed_shift(demo)
    with services.store.transaction() as tx:  # Ona0 agreed to texts at the kiosk
        tx.update("bookings", {"remind": True}, code="CAXXAA")
    set_pin(services)
    app = make_console(services)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        await wait_until(pilot, lambda: "Lukas P." in _notice(app))
        await click(pilot, "#missed-calls-0")
        await settle(pilot)
        table = app.screen.query_one("#calls-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 3)
        table.move_cursor(row=1)  # Ona1 did not agree: refused, to be phoned
        await pilot.press("s")
        await wait_until(pilot, lambda: "nesutiko" in text_of(app, "#calls-message"))
        table.move_cursor(row=0)
        await pilot.press("s")
        await wait_until(pilot, lambda: "CAXXAA" in text_of(app, "#calls-message"))
        await wait_until(pilot, lambda: "SMS" in str(table.get_row_at(0)[5]))
        assert table.row_count == 3  # still to call until the text is sent
    [row] = build_services(demo.data_dir, demo.clock).remind.log()
    assert (row.kind, row.ref, row.status) == ("sorry", "CAXXAA", "queued")
