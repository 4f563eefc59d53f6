"""Wrong PINs at the visitor kiosk lock only the kiosk's gesture, never a librarian console;
every console's PIN prompt tells of a burst of wrong PINs anywhere."""

from __future__ import annotations

from textual.widgets import Input

from kiosk.services import Services
from screens.librarian import ConsoleScreen, LoginScreen
from tests.conftest import set_pin, set_unpeppered_pin
from tests.ui.conftest import login, make_app, make_console, settle, text_of, wait_until

SIZE = (120, 40)


async def test_a_visitor_guessing_at_the_kiosk_cannot_lock_the_console(demo: Services) -> None:
    set_pin(demo)
    kiosk = make_app(demo)
    async with kiosk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(kiosk.screen, LoginScreen)
        for _ in range(6):
            await login(pilot, "1111")
        assert "Per daug" in text_of(kiosk, "#login-status")
        assert kiosk.screen.query_one("#login-pin", Input).disabled

    console = make_console(demo)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        assert isinstance(console.screen, ConsoleScreen)


async def test_the_prompt_tells_of_a_burst_and_asks_for_a_longer_pin(demo: Services) -> None:
    set_unpeppered_pin(demo, "2468")  # set before the 6-digit rule
    for n in range(7):  # someone guessing from made-up addresses, a minute apart
        demo.auth.login("0000", place=f"web:192.0.2.{n}")
        demo.clock.advance(minutes=1)  # type: ignore[attr-defined]
    console = make_console(demo)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: console.screen.query_one("#login-notice").display)
        notice = text_of(console, "#login-notice")
        assert "Neteisingų PIN: 7 nuo 09:00, paskutinis 09:06" in notice
        await login(pilot, "2468")
        assert isinstance(console.screen, ConsoleScreen)
        asked = [n.message for n in console._notifications]
        assert any("trumpesnis nei 6" in m and "kiosk set-pin" in m for m in asked)
