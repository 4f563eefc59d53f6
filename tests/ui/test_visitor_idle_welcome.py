"""Pilot tests of the Welcome screen (language, hidden librarian gesture) and the idle reset."""

from __future__ import annotations

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


async def _details_with_name(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await click(pilot, "#w-book")
    await click(pilot, "#topic-email")
    await click(pilot, "#time-first")
    await press_text(pilot, "Ona")


def _more_time_shown(app: KioskApp) -> bool:
    """The prompt is up and its buttons are there (pushed is not yet composed)."""
    return isinstance(app.screen, MoreTimeScreen) and bool(app.screen.query("#more-no"))


def _quiet_soon(app: KioskApp, idle: float, countdown: float) -> None:
    """Short idle times only from here: a busy machine may take long to reach this step."""
    app.idle_seconds = idle
    app.countdown_seconds = countdown
    app.reset_idle()


async def test_idle_asks_then_wipes_everything_and_returns_to_welcome(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#lang-en")
        await _details_with_name(pilot)
        assert isinstance(app.screen, DetailsScreen)
        _quiet_soon(app, 1.5, 0.5)
        await wait_until(pilot, lambda: _more_time_shown(app))
        assert "Do you need more time?" in "\n".join(
            str(w.render()) for w in app.screen.query(".v-dialog-title")
        )
        assert "s everything will be cleared" in text_of(app, "#more-countdown")
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        await settle(pilot)
        assert len(app.screen_stack) == 1  # Welcome, the default screen, alone
        assert app.lang == "lt"
        assert str(app.screen.query_one("#w-book", Button).label).startswith("Užsiregistruoti")


async def test_more_time_keeps_what_was_typed(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _details_with_name(pilot)
        _quiet_soon(app, 1.5, 30)
        await wait_until(pilot, lambda: _more_time_shown(app))
        assert "30 s" in text_of(app, "#more-countdown")
        await click(pilot, "#more-yes")
        assert isinstance(app.screen, DetailsScreen)
        assert value_of(app, "#name") == "Ona"


async def test_no_on_the_more_time_prompt_starts_over(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _details_with_name(pilot)
        _quiet_soon(app, 1.5, 30)
        await wait_until(pilot, lambda: _more_time_shown(app))
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
