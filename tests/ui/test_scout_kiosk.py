"""The e-scout's shift at the kiosk: card and PIN, My day, I am here, a live check-in, the
activity form by taps, Results counting it, the refusals, and the session's end."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from escpos.printer import Dummy
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from kiosk.domain.clock import FixedClock
from kiosk.domain.models import BookingStatus
from kiosk.results.reports import compute_results
from kiosk.services import Services, build_services
from screens.scout.day import MyDayScreen
from screens.scout.form import ScoutFormScreen
from screens.scout.hours import HoursScreen, period
from screens.scout.signin import ScoutSignInScreen
from screens.visitor import MoreTimeScreen, WelcomeScreen
from screens.widgets import Pager
from tests.conftest import PIN, put_booking, set_pin
from tests.ui.conftest import (
    BIG,
    click,
    login,
    make_app,
    make_console,
    press_text,
    screen_text,
    settle,
    tap_keys,
    text_of,
    wait_until,
)
from tests.ui.scout_helpers import SCOUT, SCOUT_PIN, SHIFT_START, scan, scout_morning

KIOSK = (78, 18)


async def tap_pin(pilot: Pilot[Any], pin: str) -> None:
    for digit in pin:
        await click(pilot, f"#s-pad-{digit}")
    await click(pilot, "#s-signin-ok")


async def signed_in(pilot: Pilot[Any], card: str, pin: str = SCOUT_PIN) -> MyDayScreen:
    """Scan the card on Welcome, tap the PIN: My day."""
    app = pilot.app
    await settle(pilot)
    scan(pilot, card)
    await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
    await wait_until(pilot, lambda: "Austėja R." in text_of(app, "#s-signin-hello"))  # type: ignore[arg-type]
    await tap_pin(pilot, pin)
    await wait_until(pilot, lambda: isinstance(app.screen, MyDayScreen))
    screen = app.screen
    assert isinstance(screen, MyDayScreen)
    await wait_until(pilot, lambda: bool(screen.query(".s-item")))
    return screen


def day_text(screen: MyDayScreen) -> str:
    return "\n".join(str(w.render()) for w in screen.query(".s-item-text"))


async def test_a_whole_shift_from_card_to_results(
    demo: Services, clock: FixedClock, data_dir: Path
) -> None:
    morning = scout_morning(demo, clock)
    desk = build_services(data_dir, clock)  # a second kiosk or the desk, its own instance
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        screen = await signed_in(pilot, morning.card)
        assert app.session.scout_id == SCOUT
        shown = day_text(screen)
        assert "Ona" in shown and "Jonas" in shown and "Aldona" in shown
        # Only first names, never phones, never another e-scout's visitor.
        assert "Petraitienė" not in shown and "+3706" not in shown and "Kazys" not in shown
        assert "Išmanusis telefonas" in shown  # the topic in the e-scout's language
        assert not screen.query(".s-item-form")  # nobody is here yet: no form to fill

        await click(pilot, "#s-here")
        await wait_until(pilot, lambda: "Pažymėta 10:05" in text_of(app, "#s-shift"))  # type: ignore[arg-type]
        assert demo.scout_day.shifts(SCOUT)[0].here_at is not None

        assert desk.arrivals.check_in(morning.first).booking is not None
        await wait_until(pilot, lambda: "✔ atvyko" in day_text(screen), limit=10)
        await wait_until(pilot, lambda: bool(screen.query(".s-item-form")))

        await click(pilot, screen.query_one(".s-item-form"))
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutFormScreen))
        form = app.screen
        assert "1 / 5" in text_of(app, "#v-title")  # type: ignore[arg-type]
        await click(pilot, "#s-min-45")
        await click(pilot, "#s-visit-repeat")
        await click(pilot, "#s-form-next")
        await click(pilot, "#s-form-next")  # the booked topic is chosen already
        await click(pilot, "#s-age-65_74")
        await click(pilot, "#s-form-next")
        await click(pilot, "#s-outcome-solved")
        await click(pilot, "#s-form-next")
        await tap_keys(pilot, "wifi")
        await click(pilot, "#s-form-next")  # Submit
        await wait_until(pilot, lambda: app.screen is screen)
        await wait_until(pilot, lambda: "forma užpildyta" in day_text(screen))
        assert form not in app.screen_stack

    record = demo.activity.for_booking(f"id-{morning.first}")
    assert record is not None
    assert (record.minutes, record.first_visit, record.age_group, record.outcome) == (
        45,
        False,
        "65_74",
        "solved",
    )
    assert record.topics == ["smartphone"] and record.note == "wifi"
    day = clock.now().date()
    results = compute_results(demo.booking, demo.activity, day, day)
    assert results.consultations == 1 and results.minutes == 45


async def test_a_wrong_pin_is_refused_in_plain_words(demo: Services, clock: FixedClock) -> None:
    morning = scout_morning(demo, clock)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        scan(pilot, morning.card)
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
        await wait_until(pilot, lambda: "Austėja" in text_of(app, "#s-signin-hello"))  # type: ignore[arg-type]
        await tap_pin(pilot, "9999")
        await wait_until(pilot, lambda: "neteisingas" in text_of(app, "#s-signin-status"))  # type: ignore[arg-type]
        assert isinstance(app.screen, ScoutSignInScreen) and app.session.scout_id is None


async def test_too_many_wrong_pins_lock_this_kiosk_until_a_time(
    demo: Services, clock: FixedClock
) -> None:
    morning = scout_morning(demo, clock)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        scan(pilot, morning.card)
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
        for _ in range(6):
            await tap_pin(pilot, "9999")
        await wait_until(pilot, lambda: "Per daug bandymų" in text_of(app, "#s-signin-status"))  # type: ignore[arg-type]
        assert "10:05" in text_of(app, "#s-signin-status")  # type: ignore[arg-type]
    # Counted at the kiosk's place only: a console can still sign her in.
    assert demo.scout_access.sign_in(morning.card, SCOUT_PIN, place="console:desk:1").ok


async def test_an_unknown_or_revoked_card_is_refused(demo: Services, clock: FixedClock) -> None:
    morning = scout_morning(demo, clock)
    demo.scout_access.revoke_card(SCOUT)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        scan(pilot, morning.card)
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
        await wait_until(pilot, lambda: "negalioja" in text_of(app, "#s-signin-status"))  # type: ignore[arg-type]
        assert app.screen.query_one("#s-signin-ok").disabled
        assert "Austėja" not in screen_text(app)  # a dead card names nobody
        await click(pilot, "#v-back")
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))


async def test_a_card_typed_into_the_check_in_field_opens_the_sign_in(
    demo: Services, clock: FixedClock
) -> None:
    morning = scout_morning(demo, clock)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-checkin")
        await press_text(pilot, morning.card)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
        await wait_until(pilot, lambda: "Austėja R." in text_of(app, "#s-signin-hello"))  # type: ignore[arg-type]
    # Not taken for a ticket: nobody was checked in.
    assert all(b.state is BookingStatus.BOOKED for b in demo.booking.bookings())


async def test_a_card_at_the_consoles_pin_prompt_opens_the_sign_in(
    demo: Services, clock: FixedClock
) -> None:
    morning = scout_morning(demo, clock)
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        app.screen.query_one("#login-pin", Input).value = morning.card
        await click(pilot, "#login-ok")
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
        await tap_pin(pilot, SCOUT_PIN)
        await wait_until(pilot, lambda: isinstance(app.screen, MyDayScreen))
        await click(pilot, "#v-back")  # Finish: the console's PIN prompt again
        await wait_until(pilot, lambda: app.screen.id == "login-screen")
        assert app.session.scout_id is None and not app.session.librarian
        await login(pilot, PIN)
        assert app.session.librarian


async def test_the_session_ends_by_itself_when_left_idle(demo: Services, clock: FixedClock) -> None:
    morning = scout_morning(demo, clock)
    app = make_app(demo, scan_gap_seconds=0.05, countdown_seconds=0.3)
    async with app.run_test(size=BIG) as pilot:
        screen = await signed_in(pilot, morning.card)
        assert screen.idle_limit == 45  # My day's own quiet spell (scout_idle_seconds)
        assert screen._view is not None
        screen._view = dataclasses.replace(screen._view, idle_seconds=0.3)
        app.reset_idle()
        await wait_until(pilot, lambda: isinstance(app.screen, MoreTimeScreen))
        app.idle_seconds = 3600
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        await settle(pilot)
        assert len(app.screen_stack) == 1 and app.session.scout_id is None


async def test_finish_signs_out_and_hours_show_the_forms(demo: Services, clock: FixedClock) -> None:
    morning = scout_morning(demo, clock)
    demo.arrivals.check_in(morning.first)
    draft = demo.scout_day.form_draft(SCOUT, f"id-{morning.first}")
    draft.age_group, draft.outcome, draft.minutes = "30_49", "solved", 40
    demo.scout_day.submit_form(SCOUT, draft)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await signed_in(pilot, morning.card)
        await click(pilot, "#s-hours")
        await wait_until(pilot, lambda: isinstance(app.screen, HoursScreen))
        await wait_until(pilot, lambda: "Konsultacijų: 1" in text_of(app, "#s-hours-card"))  # type: ignore[arg-type]
        card = text_of(app, "#s-hours-card")  # type: ignore[arg-type]
        assert "Laikas: 40\xa0min." in card and "Išmanusis telefonas (1)" in card
        await click(pilot, "#s-period-last_month")
        await wait_until(pilot, lambda: "Konsultacijų: 0" in text_of(app, "#s-hours-card"))  # type: ignore[arg-type]
        await click(pilot, "#s-print")
        await wait_until(pilot, lambda: "bibliotekininkas" in text_of(app, "#s-hours-status"))  # type: ignore[arg-type]
        await click(pilot, "#v-back")
        await wait_until(pilot, lambda: isinstance(app.screen, MyDayScreen))
        await click(pilot, "#v-back")  # Finish
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        assert app.session.scout_id is None


async def test_every_button_is_on_screen_at_78x18(demo: Services, clock: FixedClock) -> None:
    """Nothing to tap below the fold on the kiosk's panel, on every e-scout screen and step."""
    morning = scout_morning(demo, clock)
    for code in (morning.first, morning.second):
        demo.arrivals.check_in(code, anytime=True)
    app = make_app(demo, scan_gap_seconds=0.05)

    def all_on_screen() -> None:
        screen = app.screen
        for button in screen.query("Button"):
            if not button.display or not button.visible:
                continue
            if any(not a.display for a in button.ancestors_with_self if hasattr(a, "display")):
                continue
            region = button.region
            assert region.height >= 3, f"{button!r} is not a 3-row target"
            assert screen.region.contains_region(region), f"{button!r} lies off the screen"

    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        scan(pilot, morning.card)
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
        await settle(pilot)
        all_on_screen()
        await tap_pin(pilot, SCOUT_PIN)
        await wait_until(pilot, lambda: isinstance(app.screen, MyDayScreen))
        await wait_until(pilot, lambda: bool(app.screen.query(".s-item-form")))
        all_on_screen()
        await click(pilot, app.screen.query(".s-item-form").first())
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutFormScreen))
        for _ in range(5):
            await settle(pilot)
            all_on_screen()
            if "5 / 5" in text_of(app, "#v-title"):  # type: ignore[arg-type]
                break
            await click(pilot, "#s-form-next")
        await click(pilot, "#key-switch")
        all_on_screen()
        await click(pilot, "#v-back")  # step 4
        for _ in range(4):
            await click(pilot, "#v-back")
        await wait_until(pilot, lambda: isinstance(app.screen, MyDayScreen))
        await click(pilot, "#s-hours")
        await wait_until(pilot, lambda: isinstance(app.screen, HoursScreen))
        await settle(pilot)
        all_on_screen()


async def test_a_long_day_pages_with_big_buttons_at_78x18(
    demo: Services, clock: FixedClock
) -> None:
    """More consultations than fit: More / Previous reach every one, nothing below the fold."""
    morning = scout_morning(demo, clock)
    for n, code in enumerate(("ACDEFG", "HJKMNP", "QRTUVW")):
        start = SHIFT_START.replace(hour=11, minute=30) + timedelta(minutes=30 * n)
        put_booking(demo, code=code, start=start, name=f"Vardas{n}", scout=SCOUT)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=KIOSK) as pilot:
        screen = await signed_in(pilot, morning.card)
        pager = screen.query_one("#s-day-list", Pager)
        await wait_until(pilot, lambda: pager.page_count > 1)
        seen: set[str] = set()
        for page in range(pager.page_count):
            assert pager.page == page
            for item in pager.page_items():
                assert screen.region.contains_region(item.region)
                if item.has_class("s-week"):
                    continue  # her coming shifts follow the day's consultations
                seen.add(str(item.query_one(".s-item-text", Static).render()).split("\n")[1])
            more = pager.query_one(".pager-more", Button)
            assert screen.region.contains_region(more.region) and more.region.height >= 3
            if not more.disabled:
                await click(pilot, more)
        names = {line.split(" · ")[0] for line in seen}
        assert names == {"Ona", "Jonas", "Aldona", "Vardas0", "Vardas1", "Vardas2"}


async def test_the_certificate_prints_on_the_kiosks_receipt_printer(
    demo: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    morning = scout_morning(demo, clock)
    demo.arrivals.check_in(morning.first)
    draft = demo.scout_day.form_draft(SCOUT, f"id-{morning.first}")
    draft.age_group, draft.outcome, draft.minutes = "30_49", "solved", 90
    demo.scout_day.submit_form(SCOUT, draft)
    settings = demo.catalog.settings()
    demo.catalog.save_settings(
        dataclasses.replace(settings, printer_kind="network", printer_host="192.0.2.10")
    )
    printer = Dummy()
    monkeypatch.setattr("kiosk.paper.printing.open_printer", lambda _: printer)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await signed_in(pilot, morning.card)
        await click(pilot, "#s-hours")
        await wait_until(pilot, lambda: isinstance(app.screen, HoursScreen))
        await click(pilot, "#s-print")
        await wait_until(pilot, lambda: "atspausdinta" in text_of(app, "#s-hours-status"))  # type: ignore[arg-type]
    out = printer.output
    assert "Austėja R.".encode("cp775") in out and "1\xa0val. 30\xa0min.".encode("cp775") in out


def test_the_periods_of_my_hours() -> None:
    assert period("this_month", date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert period("last_month", date(2027, 1, 15)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period("this_year", date(2026, 11, 24)) == (date(2026, 1, 1), date(2026, 12, 31))


async def test_a_form_without_an_age_group_is_refused_on_its_step(
    demo: Services, clock: FixedClock
) -> None:
    morning = scout_morning(demo, clock)
    demo.arrivals.check_in(morning.first)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        screen = await signed_in(pilot, morning.card)
        await click(pilot, screen.query_one(".s-item-form"))
        await wait_until(pilot, lambda: isinstance(app.screen, ScoutFormScreen))
        for _ in range(5):  # Next through every step, Submit on the last
            await click(pilot, "#s-form-next")
        await wait_until(pilot, lambda: "amžiaus grupę" in text_of(app, "#s-form-prompt"))  # type: ignore[arg-type]
        assert "3 / 5" in text_of(app, "#v-title")  # type: ignore[arg-type]
        assert app.screen.query_one("#s-step-age").display
    assert demo.activity.for_booking(f"id-{morning.first}") is None
