"""'Need help?' at the kiosk: every open console shows the call until a librarian answers."""

from __future__ import annotations

from typing import Any

import pytest
from textual._context import active_app
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.services import Services, build_services
from screens.librarian import ConsoleScreen
from screens.visitor import DetailsScreen, WelcomeScreen
from screens.visitor.help import HelpCalledScreen
from tests.conftest import set_pin
from tests.ui.conftest import BIG, click, login, make_app, make_console, settle, wait_until


def _notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(w.render()) for w in app.screen.query(".lib-help-text")]


def _on(pilot: Pilot[Any]) -> Pilot[Any]:
    """Talk to this app: widgets find their App through a context variable that the
    last ``run_test`` set, and here three apps run side by side."""
    active_app.set(pilot.app)
    return pilot


async def test_a_kiosk_call_shows_in_every_console_until_answered(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_NAME", "Prie įėjimo")
    set_pin(demo)
    # Three processes' worth of services on one data dir: a kiosk and two consoles.
    kiosk = make_app(demo)
    first = make_console(build_services(demo.data_dir, demo.clock))
    second = make_console(build_services(demo.data_dir, demo.clock))
    async with (
        kiosk.run_test(size=BIG) as kp,
        first.run_test(size=BIG) as c1,
        second.run_test(size=BIG) as c2,
    ):
        for console in (c1, c2):
            await settle(_on(console))
            await login(console)
            assert isinstance(console.app.screen, ConsoleScreen)
            assert _notices(console.app) == []
        await settle(_on(kp))
        await click(kp, "#v-help")
        await wait_until(kp, lambda: isinstance(kiosk.screen, HelpCalledScreen))
        assert "Bibliotekininkas pakviestas" in "\n".join(
            str(w.render()) for w in kiosk.screen.query(".v-dialog-title")
        )
        [call] = demo.helpcalls.open_calls()
        assert call.kiosk == "Prie įėjimo" and call.library == demo.booking.settings().library_name

        for console in (c1, c2):
            await wait_until(_on(console), lambda app=console.app: len(_notices(app)) == 1)
            assert "Prie įėjimo" in _notices(console.app)[0]

        await click(_on(c1), f"#answer-{call.id}")
        for console in (c1, c2):
            await wait_until(_on(console), lambda app=console.app: _notices(app) == [])
        assert demo.helpcalls.open_calls() == []

        await click(_on(kp), "#help-called-ok")
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
