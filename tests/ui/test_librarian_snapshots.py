"""Snapshots of every console pane at 80x24 and 120x40 in Lithuanian and English (one console
run per size and language), and of the dialogs.

Fixed clock, fixed booking codes (written straight into the store), no backups on show
(their file names carry the real time) and no cursor blink. The library is built once per
module and copied for each test: seeding it is most of a snapshot's cost.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from kiosk.demo import seed_demo
from kiosk.domain.activity import ActivityDraft, ActivityService
from kiosk.domain.clock import FixedClock
from kiosk.domain.models import BookingStatus
from kiosk.services import Services, build_services
from tests.conftest import NOW, PIN, put_booking, set_pin
from tests.ui.conftest import make_console, settle
from tests.ui.snapshots import Screens

BIG = (120, 40)
SMALL = (80, 24)


SIZES = {"80x24": SMALL, "120x40": BIG}
LANGS = ("lt", "en")
PANES = {  # pane -> its key
    "today": "f2",
    "scouts": "f3",
    "topics": "f4",
    "activity": "f5",
    "results": "f6",
    "settings": "f7",
    "privacy": "f8",
    "waitlist": "f9",
    "places": "f10",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library's data dir, built once for the module."""
    data_dir = tmp_path_factory.mktemp("library") / "data"
    demo = build_services(data_dir, FixedClock(NOW))
    seed_demo(demo.store, demo.clock, with_bookings=False)
    _fill(demo)
    for path in Path(data_dir, "backups").glob("*"):
        path.unlink()  # their names carry the real time
    return data_dir


@pytest.fixture
def library(template: Path, tmp_path: Path) -> Services:
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    return build_services(data_dir, FixedClock(NOW))


def _fill(demo: Services) -> None:
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
    demo.waitlist.add("smartphone", "Stasė", "861234567")
    demo.waitlist.add("e-health", "Anna", "+48601234567", language="en")
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


def _calm(pilot: Pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def steps(*actions: str | Callable[[Pilot], Awaitable[None] | None]):  # type: ignore[no-untyped-def]
    """run_before: log in, then keys (strings) or callables, settling after each."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        _calm(pilot)
        if actions and isinstance(actions[0], str) and actions[0].startswith("lang-"):
            pilot.app.screen.query_one(f"#login-{actions[0]}").press()
            await settle(pilot)
            actions_left = actions[1:]
        else:
            actions_left = actions
        if actions_left and actions_left[0] == "stay-at-login":
            return
        pilot.app.screen.query_one("#login-pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        for action in actions_left:
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


def test_login_without_pin(snap_compare, demo: Services) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_console(demo), terminal_size=SMALL, run_before=steps("stay-at-login"))


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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
async def test_console_panes(library: Services, screens: Screens, size: str, lang: str) -> None:
    """One console run per size and language: the PIN prompt, then every pane by its key."""
    app = make_console(library)
    async with app.run_test(size=SIZES[size], tooltips=True, notifications=True) as pilot:
        await settle(pilot)
        _calm(pilot)
        pilot.app.screen.query_one(f"#login-lang-{lang}").press()
        await settle(pilot)
        await screens.check(pilot, "login")
        pilot.app.screen.query_one("#login-pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        for pane, key in PANES.items():
            await pilot.press(key)
            await settle(pilot)
            if pane == "privacy":
                _wipe_backups(library)(pilot)
                await settle(pilot)
            await screens.check(pilot, pane)
    screens.assert_all_alike()


@pytest.mark.parametrize("view", ["months", "scouts"])
@pytest.mark.parametrize("size", SIZES)
def test_results_tables(snap_compare, library: Services, view: str, size: str) -> None:  # type: ignore[no-untyped-def]
    def show(pilot: Pilot) -> None:
        pilot.app.screen.query_one(f"#results-view-{view}").press()

    assert snap_compare(
        make_console(library), terminal_size=SIZES[size], run_before=steps("lang-en", "f6", show)
    )
