"""Welcome's idle poster: shown after a quiet spell, a tap or a key brings the buttons back
(pressing none of them), a scan while it shows still checks in, and it fits the kiosk panel.

Time is driven by calling the poster's timer callbacks (``show_poster``, ``next_turn``), never
by waiting for them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from textual.pilot import Pilot

import tests.ui.test_visitor_snapshots as base
from kiosk.app import KioskApp
from kiosk.domain.models import BookingStatus
from kiosk.services import Services
from screens.visitor import WelcomeScreen
from screens.visitor.poster import IdlePoster
from tests.ui.conftest import BIG, book_first_free, make_app, settle, text_of, wait_until
from tests.ui.snapshots import Screens
from tests.ui.test_visitor_scan_and_taps import answered, scan, terminal_tap

KIOSK = (78, 18)

fixed = base.fixed  # predictable codes and tokens, as in the other visitor snapshots


def set_settings(services: Services, **values: object) -> None:
    services.catalog.save_settings(dataclasses.replace(services.catalog.settings(), **values))


def welcome(app: KioskApp) -> WelcomeScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, WelcomeScreen)
    return screen


async def poster_up(pilot: Pilot[Any]) -> IdlePoster:
    """The quiet spell ends (its timer's callback), and the poster has drawn its first page."""
    await settle(pilot)
    welcome(pilot.app).show_poster()
    await settle(pilot)
    poster = pilot.app.screen.query_one(IdlePoster)
    await wait_until(pilot, lambda: poster.display and bool(text_of(pilot.app, "#poster-title")))
    await pilot.pause()
    return poster


async def test_the_poster_comes_after_the_quiet_spell_and_a_tap_only_hides_it(
    demo: Services,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        screen = welcome(app)
        # The library's setting (60 s by default) arms the poster's timer on Welcome.
        assert screen._poster_timer is not None
        poster = await poster_up(pilot)
        assert not screen.query_one("#welcome-body").display
        assert "Laisvas laikas šiandien ir rytoj" in text_of(app, "#poster-title")
        assert "Šiandien" in text_of(app, "#poster-times")
        assert "Išmanusis telefonas" in text_of(app, "#poster-times")
        assert "apmokyti jauni savanoriai" in text_of(app, "#poster-who")
        # The poster covers Welcome's buttons: the tap only takes it away.
        book = screen.query_one("#w-book")
        await terminal_tap(pilot, "#w-poster")
        assert app.screen is screen and not poster.display
        assert screen.query_one("#welcome-body").display and book.has_focus
        assert screen._poster_timer is not None  # the quiet spell counts afresh


async def test_a_key_on_the_poster_only_hides_it(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        poster = await poster_up(pilot)
        await pilot.press("1")  # Welcome's key for "book": not while the poster shows
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen) and not poster.display


async def test_the_poster_turns_through_the_offered_languages(demo: Services) -> None:
    set_settings(demo, languages=["lt", "pl"])
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        poster = await poster_up(pilot)
        assert poster.languages == ["lt", "pl"]
        seen = []
        for _ in range(3):
            seen.append(text_of(app, "#poster-title"))
            poster.next_turn()
            await pilot.pause()
        assert "Laisvas laikas" in seen[0]
        assert "Wolne terminy dziś i jutro" in seen[1]
        assert "Laisvas laikas" in seen[2]  # all topics fit one page here: back to the first


async def test_no_poster_when_the_setting_is_0(demo: Services) -> None:
    set_settings(demo, poster_after_seconds=0)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert welcome(app)._poster_timer is None


async def test_a_short_quiet_spell_shows_the_poster_by_itself(demo: Services) -> None:
    set_settings(demo, poster_after_seconds=1)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        poster = app.screen.query_one(IdlePoster)
        await wait_until(pilot, lambda: poster.display)


async def test_a_scan_while_the_poster_shows_checks_in(demo: Services) -> None:
    ticket = book_first_free(demo)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await poster_up(pilot)
        scan(pilot, ticket.token)
        await wait_until(pilot, lambda: answered(app))
        assert "Ona" in text_of(app, "#checkin-result")
        # Under the check-in answer Welcome has its buttons back, ready for the next person.
        assert not welcome(app).query_one(IdlePoster).display
    assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.CHECKED_IN


@pytest.mark.parametrize("size", [KIOSK, BIG], ids=["78x18", "120x40"])
async def test_poster_snapshots(fixed: Services, screens: Screens, size: tuple[int, int]) -> None:
    app = make_app(fixed)
    async with app.run_test(size=size) as pilot:
        poster = await poster_up(pilot)
        await screens.check(pilot, "lt")
        languages = poster.languages
        while poster.language == "lt":
            poster.next_turn()
        await screens.check(pilot, languages[1])
    screens.assert_all_alike()
