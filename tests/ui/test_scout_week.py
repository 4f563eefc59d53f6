"""My day's own week at the kiosk: the coming shifts with places in the e-scout's language,
"can't come" with a reason, asking for cover and taking another's, the forms of the last
days, a half-filled form kept over the idle sign-out, PIN tries left; every button on screen
at 78x18; snapshots of My day with coming shifts and a cover request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Static

from kiosk.domain.clock import FixedClock
from kiosk.domain.covers import CoverStatus
from kiosk.domain.models import BookingStatus, CallReason
from kiosk.services import Services
from screens.librarian.calls import CallsScreen
from screens.librarian.covers import CoversScreen
from screens.scout.day import AbsenceScreen, MyDayScreen
from screens.scout.form import ScoutFormScreen
from screens.scout.signin import ScoutSignInScreen
from screens.visitor import MoreTimeScreen, WelcomeScreen
from screens.widgets import Pager
from tests.conftest import put_booking, set_pin
from tests.ui.conftest import BIG, click, login, make_app, make_console, settle, text_of, wait_until
from tests.ui.scout_helpers import SCOUT, SCOUT_PIN, SHIFT_START, Morning, scan, scout_morning
from tests.ui.snapshots import Screens
from tests.ui.test_scout_kiosk import KIOSK, signed_in, tap_pin

WEDNESDAY = SHIFT_START + timedelta(days=1)  # Ieva 14:00-17:00, Skaitykla, 2 stalas
FRIDAY = SHIFT_START + timedelta(days=3)  # Austėja 10:00-13:00


def week(demo: Services, clock: FixedClock) -> Morning:
    """Austėja's Tuesday morning; Ieva (who shares her topics) asks for cover on Wednesday;
    a consultation of last Friday still has no form."""
    morning = scout_morning(demo, clock)
    put_booking(
        demo, code="FRDAY3", start=FRIDAY - timedelta(days=7), name="Birutė", scout=SCOUT,
        topic="email", status=BookingStatus.CHECKED_IN,
    )  # fmt: skip
    demo.scout_day.covers.ask("ieva", WEDNESDAY.replace(hour=14))
    return morning


def all_on_screen(screen: Any) -> None:
    for button in screen.query("Button"):
        if not button.display or not button.visible:
            continue
        if any(not a.display for a in button.ancestors_with_self if hasattr(a, "display")):
            continue
        assert button.region.height >= 3, f"{button!r} is not a 3-row target"
        assert screen.region.contains_region(button.region), f"{button!r} lies off the screen"


async def page_to(pilot: Pilot[Any], screen: MyDayScreen, selector: str) -> Button:
    """Page My day's list until a button matching ``selector`` shows; every page fits."""
    pager = screen.query_one("#s-day-list", Pager)
    pager.page = 0
    await settle(pilot)
    for _ in range(pager.page_count):
        all_on_screen(screen)
        shown = [b for item in pager.page_items() for b in item.query(selector)]
        if shown:
            return shown[0]  # type: ignore[return-value]
        await click(pilot, pager.query_one(".pager-more", Button))
    raise AssertionError(f"no {selector} on any page")


async def test_my_week_at_78x18(demo: Services, clock: FixedClock) -> None:
    morning = week(demo, clock)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=KIOSK) as pilot:
        screen = await signed_in(pilot, morning.card)
        # Last Friday's consultation: not filled yet, with its own button.
        form = await page_to(pilot, screen, ".s-item-form")
        assert "Forma dar neužpildyta" in "\n".join(
            str(w.render()) for w in screen.query(".s-item-text")
        )
        assert form is not None
        # Ieva's Wednesday: "I'll cover" takes it; the librarian is to confirm.
        take = await page_to(pilot, screen, ".s-take")
        await click(pilot, take)
        await wait_until(pilot, lambda: "Pavaduosite" in text_of(app, "#s-shift"))  # type: ignore[arg-type]
        (request,) = demo.scout_day.covers.pending()
        assert request.status is CoverStatus.TAKEN and request.taker
        assert request.taker.id == SCOUT
        # Friday: "Can't come", a reason, and the visitor is on the list to call.
        put_booking(demo, code="FRI10A", start=FRIDAY, name="Petras", phone="+37060000009",
                    scout=SCOUT, place="Skaitykla, 1 stalas")  # fmt: skip
        screen.reload()
        await settle(pilot)
        absent = await page_to(pilot, screen, ".s-absent")
        await click(pilot, absent)
        await wait_until(pilot, lambda: isinstance(app.screen, AbsenceScreen))
        all_on_screen(app.screen)
        await click(pilot, "#s-absence-ill")
        await wait_until(pilot, lambda: "bibliotekininkė praneš" in text_of(app, "#s-shift"))  # type: ignore[arg-type]
        assert [(b.code, b.to_call) for b in demo.desk.to_call()] == [
            ("FRI10A", CallReason.ABSENCE)
        ]
        # Ask for cover on a shift ahead: its button becomes "withdraw".
        ask = await page_to(pilot, screen, ".s-ask-cover")
        await click(pilot, ask)
        await wait_until(pilot, lambda: bool(screen.query(".s-withdraw")))
        assert [s.cover for s in demo.scout_day.shifts_ahead(SCOUT)].count(CoverStatus.OPEN) == 1


async def test_places_in_the_scouts_language_and_tries_left(
    demo: Services, clock: FixedClock
) -> None:
    morning = scout_morning(demo, clock)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        scan(pilot, morning.card)
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
        await wait_until(pilot, lambda: "Austėja R." in text_of(app, "#s-signin-hello"))  # type: ignore[arg-type]
        await click(pilot, "#s-lang")
        await wait_until(pilot, lambda: bool(app.screen.query("#s-pin")))
        await settle(pilot)
        await tap_pin(pilot, "9999")
        await wait_until(pilot, lambda: "⚠" in text_of(app, "#s-signin-status"))  # type: ignore[arg-type]
        assert "left" not in text_of(app, "#s-signin-status")  # type: ignore[arg-type]
        await tap_pin(pilot, "9998")
        await wait_until(pilot, lambda: "3 tries left" in text_of(app, "#s-signin-status"))  # type: ignore[arg-type]
        await tap_pin(pilot, SCOUT_PIN)
        await wait_until(pilot, lambda: isinstance(app.screen, MyDayScreen))
        screen = app.screen
        await wait_until(pilot, lambda: bool(screen.query(".s-item")))
        words = "\n".join(str(w.render()) for w in screen.query(".s-item-text"))
        words += str(screen.query_one("#s-shift", Static).render())
        assert "Reading room, table 1" in words and "Skaitykla, 1 stalas" not in words


async def test_a_half_filled_form_survives_the_idle_sign_out(
    demo: Services, clock: FixedClock
) -> None:
    morning = scout_morning(demo, clock)
    demo.arrivals.check_in(morning.first, anytime=True)
    app = make_app(demo, scan_gap_seconds=0.05, countdown_seconds=0.3)
    async with app.run_test(size=BIG) as pilot:
        screen = await signed_in(pilot, morning.card)
        await click(pilot, screen.query(".s-item-form").first())
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutFormScreen))
        await click(pilot, "#s-min-45")
        await click(pilot, "#s-form-next")  # on to the topics
        app.idle_seconds = 0.3
        app.reset_idle()
        await wait_until(pilot, lambda: isinstance(app.screen, MoreTimeScreen))
        assert "Forma išsaugota" in text_of(app, "#more-countdown")  # type: ignore[arg-type]
        app.idle_seconds = 3600
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        # Signed in again the same day: the form is offered back, where it was left.
        screen = await signed_in(pilot, morning.card)
        assert "Forma išsaugota: Ona" in str(screen.query(".s-item-text").first().render())
        await click(pilot, screen.query(".s-item-form").first())
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutFormScreen))
        form = app.screen
        assert isinstance(form, ScoutFormScreen)
        assert (form.step, form.draft.minutes) == (1, 45)


async def _my_week(services: Services, card: str, screens: Screens, size: tuple[int, int]) -> None:
    app = make_app(services, scan_gap_seconds=0.05)
    async with app.run_test(size=size, tooltips=True, notifications=True) as pilot:
        screen = await signed_in(pilot, card)
        pager = screen.query_one("#s-day-list", Pager)
        await screens.check(pilot, "day")
        while not pager.query_one(".pager-more", Button).disabled:
            await click(pilot, pager.query_one(".pager-more", Button))
            await screens.check(pilot, f"day_page{pager.page + 1}")
    screens.assert_all_alike()


async def test_my_week_snapshots_at_78x18(
    demo: Services, clock: FixedClock, screens: Screens
) -> None:
    morning = week(demo, clock)
    await _my_week(demo, morning.card, screens, KIOSK)


async def test_my_week_snapshot_at_120x40(
    demo: Services, clock: FixedClock, screens: Screens
) -> None:
    morning = week(demo, clock)
    await _my_week(demo, morning.card, screens, (120, 40))


async def test_the_librarian_confirms_a_cover_at_the_console(
    demo: Services, clock: FixedClock
) -> None:
    thursday = SHIFT_START.replace(hour=15) + timedelta(days=2)  # Lukas 15:00-18:00
    put_booking(demo, code="COVER3", start=thursday, name="Ona", phone="+37060000001",
                topic="smart-id")  # fmt: skip
    covers = demo.scout_day.covers
    covers.ask("lukas", thursday)
    covers.take("gabija", "lukas", thursday)
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#scouts-table", DataTable).focus()  # in the E-scouts tab
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, CoversScreen))
        table = app.screen.query_one("#covers-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        assert "pavaduos Gabija M." in str(table.get_row_at(0)[-1])
        await click(pilot, "#covers-confirm")
        await wait_until(pilot, lambda: "1 lankytojas" in text_of(app, "#covers-message"))  # type: ignore[arg-type]
        await wait_until(pilot, lambda: table.row_count == 0)
        await pilot.press("escape")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#today-calls", Button).press()  # who to call, and what to say
        await wait_until(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen.query_one("#calls-table", DataTable)
        await wait_until(pilot, lambda: calls.row_count == 1)
        assert "perėmė Gabija M.: praneškite" in str(calls.get_row_at(0)[-1])
    assert demo.booking.lookup("COVER3").scout == "gabija"
    assert [(b.code, b.to_call) for b in demo.desk.to_call()] == [("COVER3", CallReason.COVER)]
