"""A calm kiosk on any failure: a failing worker never ends the App, hostile data never
reaches the terminal as control codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import Input

from kiosk.services import Services
from screens.librarian import ConsoleScreen
from screens.visitor import LookupScreen, TopicScreen, TroubleScreen, WelcomeScreen
from tests.conftest import NOW, put_booking, set_pin
from tests.ui.conftest import BIG, click, login, make_app, make_console, press_text, settle

# A restored or hand-edited data file can hold anything: a screen wipe, a title change
# and a right-to-left override that would reorder what the librarian reads.
HOSTILE_NAME = "\x1b[2J\x1b[HOna\u202eanO"
HOSTILE_PLACE = "Skaitykla\x1b]0;pwned\x07 \u202e2 stalas\x9b"
FORBIDDEN = ("\x1b", "\u202e", "\x07", "\x9b")


def _fail(*_: Any, **__: Any) -> Any:
    raise OSError(28, "No space left on device")


async def test_a_failing_worker_shows_help_and_never_ends_the_kiosk(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo.booking, "topics", _fail)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        assert isinstance(app.screen, TroubleScreen)
        assert app.is_running and app.return_code is None
        assert "bibliotekinink" in "\n".join(
            str(w.render()) for w in app.screen.query("#trouble-body")
        )
        monkeypatch.undo()
        await click(pilot, "#trouble-ok")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert len(app.screen_stack) == 1
        # Healed: the same tap works once the store does.
        await click(pilot, "#w-book")
        assert isinstance(app.screen, TopicScreen)


async def test_a_failing_store_write_in_the_console_keeps_it_open(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_pin(demo)
    put_booking(demo, code="ABC234", start=NOW + timedelta(hours=1))
    app = make_console(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        monkeypatch.setattr(demo.arrivals, "check_in", _fail)
        await click(pilot, "#today-check-in")
        assert isinstance(app.screen, TroubleScreen)
        assert app.is_running
        await click(pilot, "#trouble-ok")
        assert isinstance(app.screen, ConsoleScreen)


def _svg(app: Any) -> str:
    return str(app.export_screenshot())


async def test_control_codes_in_stored_names_never_reach_the_visitor_screen(
    demo: Services,
) -> None:
    put_booking(
        demo,
        code="ABC234",
        start=NOW + timedelta(hours=2),
        name=HOSTILE_NAME,
        place=HOSTILE_PLACE,
    )
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        assert isinstance(app.screen, LookupScreen)
        await press_text(pilot, "ABC234")
        await pilot.press("enter")
        await settle(pilot)
        shown = _svg(app)
        assert "ABC234" in shown and "Skaitykla" in shown
        for char in FORBIDDEN:
            assert char not in shown, repr(char)


async def test_control_codes_in_stored_names_never_reach_the_console_today(
    demo: Services,
) -> None:
    set_pin(demo)
    put_booking(
        demo,
        code="ABC234",
        start=NOW + timedelta(hours=2),
        name=HOSTILE_NAME,
        place=HOSTILE_PLACE,
    )
    app = make_console(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        await settle(pilot)
        shown = _svg(app)
        assert "ABC234" in shown
        for char in FORBIDDEN:
            assert char not in shown, repr(char)
        assert app.screen.query_one("#today-day", Input).value == NOW.date().isoformat()
