"""Wrong PINs at the visitor kiosk lock only the kiosk's gesture, never a librarian console."""

from __future__ import annotations

from textual.widgets import Input

from kiosk.services import Services
from screens.librarian import ConsoleScreen, LoginScreen
from tests.conftest import set_pin
from tests.ui.conftest import login, make_app, make_console, settle, text_of

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
