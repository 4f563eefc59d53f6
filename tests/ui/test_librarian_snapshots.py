"""Snapshots of every console screen (120x40, the main ones also at 80x24).

Fixed clock, fixed booking codes (written straight into the store), no backups on show
(their file names carry the real time) and no cursor blink.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from kiosk.activity import ActivityDraft, ActivityService
from kiosk.models import BookingStatus
from kiosk.services import Services
from tests.conftest import NOW, PIN, put_booking, set_pin
from tests.ui.conftest import make_console, settle

BIG = (120, 40)
SMALL = (80, 24)


@pytest.fixture
def library(demo: Services) -> Services:
    set_pin(demo)
    put_booking(demo, code="TARDY3", start=NOW - timedelta(minutes=30), name="Ona")
    put_booking(
        demo,
        code="HERE46",
        start=NOW.replace(hour=10),
        name="Aldona",
        scout="austeja",
        topic="email",
        place="Skaitykla, 1 stalas",
        status=BookingStatus.CHECKED_IN,
    )
    put_booking(
        demo,
        code="MARKUP",
        start=NOW.replace(hour=11),
        name='Jonas, "[b]Jr[/b]"',
        scout="austeja",
        topic="smartphone",
        place="Skaitykla, 1 stalas",
    )
    put_booking(
        demo,
        code="GONE77",
        start=NOW.replace(hour=15),
        name="Petras",
        status=BookingStatus.CANCELLED,
    )
    put_booking(demo, code="LATER9", start=NOW.replace(hour=16), name="Birutė")
    forms = ActivityService(demo.store, demo.clock)
    for day, scout, minutes, topics, age, outcome, first in [
        (3, "lukas", 45, ["e-banking", "smart-id"], "65_74", "solved", True),
        (10, "ieva", 30, ["smartphone"], "75_plus", "partly", False),
        (17, "gabija", 60, ["e-health"], "50_64", "follow_up", True),
        (18, "lukas", 30, ["e-banking"], "65_74", "referred", True),
    ]:
        forms.record(
            ActivityDraft(
                NOW.date().replace(day=day),
                scout,
                minutes,
                topics,
                age,
                outcome,
                first,
                note="Banko programėlė" if day == 3 else "",
            )
        )
    for day, hour, status in [
        (3, 15, "done"),
        (10, 15, "no_show"),
        (17, 15, "done"),
        (18, 14, "done"),
    ]:
        put_booking(
            demo,
            code=f"OLD{day:02d}X",
            start=NOW.replace(day=day, hour=hour),
            status=BookingStatus(status),
        )
    return demo


def _calm(pilot: Pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def steps(*actions: str | Callable[[Pilot], Awaitable[None] | None]):  # type: ignore[no-untyped-def]
    """run_before: log in, then keys (strings) or callables, settling after each."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        _calm(pilot)
        if actions and actions[0] == "stay-at-login":
            return
        pilot.app.screen.query_one("#login-pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        for action in actions:
            if isinstance(action, str):
                await pilot.press(action)
            else:
                result = action(pilot)
                if result is not None:
                    await result
            await settle(pilot)
            _calm(pilot)

    return run


def _wipe_backups(services: Services) -> Callable[[Pilot], None]:
    def wipe(pilot: Pilot) -> None:
        for path in Path(services.data_dir, "backups").glob("*"):
            path.unlink()
        pilot.app.screen.query_one("#privacy-pane").reload()

    return wipe


def test_login(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("stay-at-login"))


def test_login_small(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_console(library), terminal_size=SMALL, run_before=steps("stay-at-login")
    )


def test_login_without_pin(snap_compare, demo: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(demo), terminal_size=SMALL, run_before=steps("stay-at-login"))


def test_today(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("down"))


def test_today_small(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=SMALL, run_before=steps())


def test_cancel_confirm(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_console(library), terminal_size=BIG, run_before=steps("down", "down", "x")
    )


async def _walk_in(pilot: Pilot) -> None:
    await pilot.press("w")
    await settle(pilot)
    pilot.app.screen.query_one("#walkin-topic", Select).value = "e-banking"
    await settle(pilot)
    pilot.app.screen.query_one("#walkin-name", Input).value = "Jo4nas"
    pilot.app.screen.query_one("#walkin-book").press()


def test_walk_in(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps(_walk_in))


def test_walk_in_small(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=SMALL, run_before=steps(_walk_in))


def test_activity_form_from_booking(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("down", "a"))


def test_activity_form_small(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=SMALL, run_before=steps("f5", "f"))


def test_scouts(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    def lukas(pilot: Pilot) -> None:
        table = pilot.app.screen.query_one("#scouts-table", DataTable)
        table.move_cursor(row=table.get_row_index("lukas"))

    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("f3", lukas))


def test_scouts_small(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=SMALL, run_before=steps("f3"))


def test_scout_form(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("f3", "e"))


def test_weekly_change_warns(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    def edit(pilot: Pilot) -> None:
        table = pilot.app.screen.query_one("#scouts-table", DataTable)
        table.move_cursor(row=table.get_row_index("lukas"))

    async def shorten(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#weekly-edit").press()
        await settle(pilot)
        pilot.app.screen.query_one("#weekly-end", Input).value = "15:30"
        pilot.app.screen.query_one(".lib-form-save").press()

    assert snap_compare(
        make_console(library), terminal_size=BIG, run_before=steps("f3", edit, shorten)
    )


def test_topics(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_console(library), terminal_size=BIG, run_before=steps("f4", "down", "space")
    )


def test_topic_form(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    def edit(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#topics-edit").press()

    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("f4", edit))


def test_activity_list(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("f5"))


def test_results(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("f6"))


def test_results_small(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=SMALL, run_before=steps("f6"))


def test_settings(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(library), terminal_size=BIG, run_before=steps("f7"))


def test_privacy(snap_compare, library: Services) -> None:  # type: ignore[no-untyped-def]
    put_booking(library, code="AUGUST", start=NOW.replace(month=8, day=3), name="Ona")
    assert snap_compare(
        make_console(library), terminal_size=BIG, run_before=steps("f8", _wipe_backups(library))
    )
