"""Shifts on record on screen: "I am here" says when it opens and refuses until then; a late
"here" shows its minutes in My day and counts in My hours; the console's missed-shift notice
names the e-scout's phone and ends with the shift, and the E-scouts tab shows the month."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from kiosk.domain.clock import TZ, FixedClock
from kiosk.services import Services, build_services
from screens.librarian import ConsoleScreen
from screens.scout.day import MyDayScreen
from screens.scout.hours import HoursScreen
from tests.conftest import put_booking, set_pin
from tests.ui.conftest import BIG, click, login, make_app, make_console, settle, text_of, wait_until
from tests.ui.scout_helpers import SHIFT_START, scout_morning
from tests.ui.test_scout_kiosk import signed_in


def _label(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).label)


def _text(app: Any, selector: str) -> str:
    """A widget's words with the catalogue's no-break spaces read as spaces."""
    return text_of(app, selector).replace("\xa0", " ")


async def test_here_waits_for_its_window_and_a_late_shift_counts_in_my_hours(
    demo: Services, clock: FixedClock
) -> None:
    morning = scout_morning(demo, clock)
    clock.current = SHIFT_START - timedelta(hours=1)  # 09:00: "here" opens at 09:30
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        screen = await signed_in(pilot, morning.card)
        await wait_until(pilot, lambda: _label(app, "#s-here") == "Aš čia – nuo 09:30")
        await settle(pilot)
        here = app.screen.query_one("#s-here")
        assert here.region.width >= len("Aš čia – nuo 09:30") + 2  # the whole label on show
        await click(pilot, "#s-here")
        await wait_until(pilot, lambda: "galima spausti nuo 09:30" in _text(app, "#s-shift"))
        assert demo.scout_day.shifts("austeja")[0].here_at is None  # refused, nothing kept
        clock.current = SHIFT_START + timedelta(minutes=7)
        screen.reload()
        await wait_until(pilot, lambda: _label(app, "#s-here") == "Aš čia")
        await click(pilot, "#s-here")
        await wait_until(pilot, lambda: "vėluota 7 min." in _text(app, "#s-shift"))
        await click(pilot, "#s-hours")
        await wait_until(pilot, lambda: isinstance(app.screen, HoursScreen))
        await wait_until(
            pilot,
            lambda: (
                "Budėjimai: įvyko 1 iš 1 (vėluota 1, praleista 0)" in text_of(app, "#s-hours-card")
            ),  # type: ignore[arg-type]
        )
        await click(pilot, "#v-back")
        await wait_until(pilot, lambda: isinstance(app.screen, MyDayScreen))
        clock.current = SHIFT_START + timedelta(hours=2)  # 12:00: the shift has ended
        screen.reload()
        await wait_until(pilot, lambda: _label(app, "#s-here") == "Budėjimo dabar nėra")
        assert app.screen.query_one("#s-here").disabled


def _missed(app: Any) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(".lib-missed Static"))


async def _move(pilot: Pilot[Any], clock: FixedClock, moment: datetime) -> None:
    clock.current = moment
    screen = pilot.app.screen
    assert isinstance(screen, ConsoleScreen)
    screen.check_for_changes()  # what the console's poll does
    await settle(pilot)


async def test_the_notice_names_the_escouts_phone_ends_with_the_shift_and_the_month_shows(
    demo: Services,
) -> None:
    set_pin(demo)
    clock = demo.clock
    assert isinstance(clock, FixedClock)
    thursday = datetime(2026, 11, 26, 15, 10, tzinfo=TZ)  # Lukas 15:00-18:00
    # Tuesday Lukas said "here" 12 minutes late; Thursday he does not come.
    clock.current = datetime(2026, 11, 24, 15, 12, tzinfo=TZ)
    demo.scout_day.say_here("lukas")
    put_booking(demo, code="CALLME", start=thursday + timedelta(minutes=50), name="Ona")
    clock.current = thursday
    app = make_console(build_services(demo.data_dir, clock))
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        await wait_until(pilot, lambda: "Lukas P. (☎ +370 612 00002)" in _missed(app))
        await _move(pilot, clock, thursday.replace(hour=17, minute=59))
        assert "Lukas P." in _missed(app)
        await _move(pilot, clock, thursday.replace(hour=18))
        await wait_until(pilot, lambda: _missed(app) == "")
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#scouts-table", DataTable)
        table.move_cursor(row=table.get_row_index("lukas"))
        await wait_until(pilot, lambda: "Budėjimai 2026-11: 2" in _text(app, "#scouts-shifts"))
        text = _text(app, "#scouts-shifts")
        assert "laiku 0 · vėluota 1 (12 min.) · praleista 1" in text
        assert "Vėluota: 11-24 (+12 min)" in text and "Praleista: 11-26 15:00" in text
    assert [c.code for c in demo.desk.to_call()] == ["CALLME"]  # still to call
