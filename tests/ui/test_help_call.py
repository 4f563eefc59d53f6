"""'Need help?' at the kiosk: every open console shows the call until a librarian answers."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from kiosk.services import Services, build_services
from screens.librarian import ConsoleScreen
from screens.visitor import DetailsScreen, WelcomeScreen
from screens.visitor.help import HelpCalledScreen
from tests.conftest import set_pin
from tests.ui.conftest import (
    BIG,
    click,
    login,
    make_app,
    make_console,
    settle,
    side_by_side,
    wait_until,
)


def _notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(w.render()) for w in app.screen.query(".lib-help-text")]


async def test_a_kiosk_call_shows_in_every_console_until_answered(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_NAME", "Prie įėjimo")
    set_pin(demo)
    # Three processes' worth of services on one data dir: a kiosk and two consoles.
    kiosk = make_app(demo)
    first = make_console(build_services(demo.data_dir, demo.clock))
    second = make_console(build_services(demo.data_dir, demo.clock))
    async with side_by_side(kiosk, first, second) as apps:
        kp, c1, c2 = apps.pilots
        for console in (c1, c2):
            await apps.on(console, settle(console))
            await apps.on(console, login(console))
            assert isinstance(console.app.screen, ConsoleScreen)
            assert _notices(console.app) == []
        await apps.on(kp, settle(kp))
        await apps.on(kp, click(kp, "#v-help"))
        await apps.on(kp, wait_until(kp, lambda: isinstance(kiosk.screen, HelpCalledScreen)))
        assert "Bibliotekininkas pakviestas" in "\n".join(
            str(w.render()) for w in kiosk.screen.query(".v-dialog-title")
        )
        [call] = demo.helpcalls.open_calls()
        assert call.kiosk == "Prie įėjimo" and call.library == demo.booking.settings().library_name

        for console in (c1, c2):
            await apps.on(
                console, wait_until(console, lambda app=console.app: len(_notices(app)) == 1)
            )
            assert "Prie įėjimo" in _notices(console.app)[0]

        await apps.on(c1, click(c1, f"#answer-{call.id}"))
        for console in (c1, c2):
            await apps.on(console, wait_until(console, lambda app=console.app: _notices(app) == []))
        assert demo.helpcalls.open_calls() == []

        await apps.on(kp, click(kp, "#help-called-ok"))
        assert isinstance(kiosk.screen, WelcomeScreen)


async def test_the_help_button_is_on_every_visitor_screen_and_keeps_the_visit(
    demo: Services,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-smartphone")
        await click(pilot, "#time-first")
        assert isinstance(app.screen, DetailsScreen)
        assert app.screen.query_one("#v-help", Button).outer_size.height >= 3
        await click(pilot, "#v-help")
        await click(pilot, "#help-called-ok")
        assert isinstance(app.screen, DetailsScreen)  # nothing typed is lost
        assert len(demo.helpcalls.open_calls()) == 1
