"""Pilot tests of the Welcome screen (language, hidden librarian gesture) and the idle reset."""

from __future__ import annotations

import re

from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.services import Services
from screens.librarian import LoginScreen
from screens.visitor import DetailsScreen, MoreTimeScreen, WelcomeScreen
from tests.ui.conftest import (
    BIG,
    click,
    make_app,
    press_text,
    settle,
    text_of,
    value_of,
    wait_until,
)


async def test_welcome_shows_library_date_and_switches_language(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert "Adomo Mickevičiaus" in text_of(app, "#w-library")
        assert text_of(app, "#w-date") == "2026 m. lapkričio 24 d., antradienis"
        assert "● Lietuvių" in str(app.screen.query_one("#lang-lt", Button).label)
        await click(pilot, "#lang-en")
        assert text_of(app, "#w-date") == "Tuesday, 24 November 2026"
        assert str(app.screen.query_one("#w-checkin", Button).label) == "I have arrived"
        assert "● English" in str(app.screen.query_one("#lang-en", Button).label)
        await click(pilot, "#lang-lt")
        assert str(app.screen.query_one("#w-checkin", Button).label) == "Atvykau į konsultaciją"


async def test_five_taps_on_the_library_name_open_the_librarian_login(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        for _ in range(4):
            await click(pilot, "#w-library")
        assert isinstance(app.screen, WelcomeScreen)
        await click(pilot, "#w-library")
        assert isinstance(app.screen, LoginScreen)


async def _details_with_name(pilot, by_key: bool = False) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    if by_key:
        await pilot.press("1")  # Welcome's key for its first choice: the focus stays put
        await settle(pilot)
    else:
        await click(pilot, "#w-book")
    await click(pilot, "#topic-email")
    await click(pilot, "#time-first")
    await press_text(pilot, "Ona")


def _top(app: KioskApp) -> object:
    """The screen on top, or None while a push or pop is under way."""
    return app.screen_stack[-1] if app.screen_stack else None


async def _prompt_shown(pilot: Pilot[None], app: KioskApp) -> None:
    """Wait until the "More time?" prompt is up with its buttons built (not just pushed)."""

    def built() -> bool:
        top = _top(app)
        return isinstance(top, MoreTimeScreen) and bool(top.query("#more-no"))

    await wait_until(pilot, built)
    await pilot.pause()


def _go_quiet(app: KioskApp) -> None:
    """A short idle limit from now on: the taps before it can never meet the prompt."""
    app.idle_seconds = 0.3
    app.reset_idle()


async def test_idle_prompt_speaks_the_visitors_language(demo: Services) -> None:
    app = make_app(demo, countdown_seconds=3600)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#lang-en")
        await _details_with_name(pilot)
        _go_quiet(app)
        await _prompt_shown(pilot, app)
        assert "Do you need more time?" in "\n".join(
            str(w.render()) for w in app.screen.query(".v-dialog-title")
        )
        assert re.search(
            r"everything will be cleared and we start over\. \d+ seconds left\.",
            text_of(app, "#more-countdown"),
        )


async def test_idle_countdown_wipes_everything_and_returns_to_welcome(demo: Services) -> None:
    app = make_app(demo, countdown_seconds=0.3)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#lang-en")
        await _details_with_name(pilot, by_key=True)
        assert isinstance(app.screen, DetailsScreen)
        _go_quiet(app)
        await wait_until(pilot, lambda: isinstance(_top(app), MoreTimeScreen))
        app.idle_seconds = 3600  # back on Welcome, stay there while the test looks
        await wait_until(pilot, lambda: isinstance(_top(app), WelcomeScreen))
        await settle(pilot)
        assert len(app.screen_stack) == 1  # Welcome, the default screen, alone
        assert app.session.lang == "lt"
        assert str(app.screen.query_one("#w-book", Button).label).startswith("Užsiregistruoti")
        # The next visitor finds the focus on the first big choice, not on "English".
        assert app.focused is app.screen.query_one("#w-book")


async def test_more_time_keeps_what_was_typed(demo: Services) -> None:
    app = make_app(demo, countdown_seconds=30)
    async with app.run_test(size=BIG) as pilot:
        await _details_with_name(pilot)
        _go_quiet(app)
        await _prompt_shown(pilot, app)
        app.idle_seconds = 3600  # "yes" restarts the idle timer: not a second prompt
        assert re.search(r"Liko (29 sekundės|30 sekundžių)\.", text_of(app, "#more-countdown"))
        await click(pilot, "#more-yes")
        assert isinstance(app.screen, DetailsScreen)
        assert value_of(app, "#name") == "Ona"


async def test_no_on_the_more_time_prompt_starts_over(demo: Services) -> None:
    app = make_app(demo, countdown_seconds=30)
    async with app.run_test(size=BIG) as pilot:
        await _details_with_name(pilot)
        _go_quiet(app)
        await _prompt_shown(pilot, app)
        app.idle_seconds = 3600
        await click(pilot, "#more-no")
        assert isinstance(app.screen, WelcomeScreen)


async def test_welcome_never_asks_for_more_time(demo: Services) -> None:
    app = make_app(demo, idle_seconds=0.05, countdown_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        timer = app._idle_timer
        await wait_until(pilot, lambda: app._idle_timer is not timer)  # the timer ran out once
        assert isinstance(app.screen, WelcomeScreen)


async def test_kiosk_keys_do_not_quit(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q", "ctrl+c", "ctrl+z", "ctrl+p")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, WelcomeScreen)
