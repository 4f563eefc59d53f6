"""Pilot tests of the booking rules at the kiosk: places left, the cut-off, the waiting list."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from kiosk.domain.models import BookingStatus
from kiosk.services import Services
from screens.visitor import DetailsScreen, TimeScreen, WelcomeScreen
from screens.visitor.remind import RemindScreen
from screens.visitor.times import SlotButton
from screens.visitor.waitlist import (
    WaitlistConfirmScreen,
    WaitlistDetailsScreen,
    WaitlistDoneScreen,
)
from screens.widgets import Pager
from tests.ui.conftest import (
    SMALL,
    book_first_free,
    click,
    make_app,
    press_text,
    screen_text,
    settle,
    tap_keys,
    text_of,
)
from tests.ui.test_visitor_fit import assert_fits, assert_on_screen, strict_click, tap_text

KIOSK = (78, 18)


async def _page_to(pilot: Pilot, tile: Widget, pager_id: str = "#time-days") -> None:  # type: ignore[type-arg]
    """Tap "More" until the tile's page shows (a visitor cannot scroll by dragging)."""
    pager = pilot.app.screen.query_one(pager_id, Pager)
    for _ in range(pager.page_count):
        if tile.region.height:
            return
        await click(pilot, pager.query_one(".pager-more"))
    assert tile.region.height, "the tile never showed"


async def _digits(pilot: Pilot, digits: str) -> None:  # type: ignore[type-arg]
    """Tap digits into the phone field: the keys open on their digits, even compact ones."""
    await tap_keys(pilot, digits)


async def test_places_left_of_the_group_session_show_at_80x24(demo: Services) -> None:
    group = next(s for s in demo.booking.free_slots("smart-id") if s.seats == 4)
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-smart-id")
        tile = next(b for b in app.screen.query(SlotButton) if b.slot.start == group.start)
        await _page_to(pilot, tile)
        assert "Grupė: 4 laisvos vietos" in str(tile.label)
        await click(pilot, tile)  # a seat of the group session is booked like any time
        assert isinstance(app.screen, DetailsScreen)


async def test_cut_off_refusal_at_look_up_at_80x24(demo: Services) -> None:
    ticket = book_first_free(demo)  # today at 10:00, within the 2-hour cut-off
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        await press_text(pilot, ticket.booking.code)
        await pilot.press("enter")
        await settle(pilot)
        # No Cancel within the cut-off: the look-up sends the visitor to the librarian.
        assert not app.screen.query_one("#lookup-cancel").display
        assert "bibliotekinink" in text_of(app, "#lookup-note")
        assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.BOOKED


@pytest.mark.parametrize("size", [SMALL, KIOSK], ids=["80x24", "78x18"])
async def test_join_the_waiting_list_by_taps(demo: Services, size: tuple[int, int]) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-smartphone")
        assert isinstance(app.screen, TimeScreen)
        await click(pilot, "#time-waitlist")
        assert isinstance(app.screen, WaitlistDetailsScreen)
        await tap_keys(pilot, "ona")
        await click(pilot, "#details-next")
        # No phone: the list cannot call back, and the visitor is told so.
        assert isinstance(app.screen, WaitlistDetailsScreen)
        assert "paskambinsime" in text_of(app, "#phone-error")
        await click(pilot, "#phone")
        await _digits(pilot, "861234567")
        await click(pilot, "#details-next")
        assert isinstance(app.screen, RemindScreen)  # one text when a time frees up?
        await click(pilot, "#remind-yes")
        assert isinstance(app.screen, WaitlistConfirmScreen)
        assert "+370 612 34567" in screen_text(app).replace("\xa0", " ")
        await click(pilot, "#waitlist-ok")
        assert isinstance(app.screen, WaitlistDoneScreen)
        assert "+370 612 34567" in text_of(app, "#waitlist-call").replace("\xa0", " ")
        [entry] = demo.waitlist.entries()
        assert (entry.topic, entry.name, entry.phone, entry.language) == (
            "smartphone",
            "Ona",
            "+37061234567",
            "lt",
        )
        assert entry.remind  # one text when a time frees up: the visitor said yes
        await click(pilot, "#v-back")  # Done
        assert isinstance(app.screen, WelcomeScreen)


async def test_no_free_time_at_all_offers_the_waiting_list(demo: Services) -> None:
    for scout in demo.catalog.scouts():  # nobody left to give the topic a time
        if "e-health" in scout.topics:
            demo.catalog.save_scout(replace(scout, active=False))
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await click(pilot, "#lang-en")
        await click(pilot, "#w-book")
        tile = app.screen.query_one("#topic-e-health")
        await _page_to(pilot, tile, "#topic-grid")
        await click(pilot, tile)
        assert "no free time" in text_of(app, "#time-status")
        assert "we will call you" in text_of(app, "#time-status")
        assert app.screen.focused is app.screen.query_one("#time-waitlist")
        await click(pilot, "#time-waitlist")
        assert "required" in str(app.screen.query_one("#phone").border_title)
        await tap_keys(pilot, "jonas")
        await click(pilot, "#phone")
        await _digits(pilot, "12")
        await click(pilot, "#details-next")
        assert "call you on it" in text_of(app, "#phone-error")  # never "may leave it empty"
        assert not demo.waitlist.entries()


@pytest.mark.parametrize("lang", ["lt", "en"])
async def test_waiting_list_fits_the_kiosk_panel_by_taps_alone(demo: Services, lang: str) -> None:
    """At 78x18 every step is tapped where it shows, with nothing scrolled and nothing cut."""
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, f"#lang-{lang}")
        await strict_click(pilot, "#w-book")
        await strict_click(pilot, "#topic-smartphone")
        assert_fits(pilot)
        await strict_click(pilot, "#time-waitlist")
        assert_fits(pilot)
        await tap_text(pilot, "ona")
        await strict_click(pilot, "#details-next")  # no phone: refused, the keys stay
        assert app.screen.query_one("#phone-error").display
        assert_fits(pilot)
        await strict_click(pilot, "#phone")
        await tap_text(pilot, "861234567")
        await strict_click(pilot, "#details-next")
        assert isinstance(app.screen, RemindScreen)
        assert_fits(pilot)
        await strict_click(pilot, "#remind-no")
        assert isinstance(app.screen, WaitlistConfirmScreen)
        assert_fits(pilot)
        await strict_click(pilot, "#waitlist-ok")
        assert isinstance(app.screen, WaitlistDoneScreen)
        assert_fits(pilot)
        assert_on_screen(pilot, app.screen.query_one("#waitlist-call"))
        await strict_click(pilot, "#v-back")
        assert isinstance(app.screen, WelcomeScreen)
        assert [e.language for e in demo.waitlist.entries()] == [lang]
