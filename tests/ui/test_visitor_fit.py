"""The visitor side on the real kiosk panel (78x18 cells): every tap target above the fold.

A terminal does not scroll by dragging, so these flows tap only what is on the screen as it
is: ``strict_click`` never scrolls, and fails if the target lies outside the screen or if
anything scrolled. Where content does not fit, the screens page it (the Pager).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import ScrollableContainer
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input

from kiosk.services import Services
from screens.visitor import (
    CheckInScreen,
    ConfirmBookingScreen,
    DetailsScreen,
    LookupScreen,
    MoreTimeScreen,
    TicketScreen,
    TimeScreen,
    TopicScreen,
    WelcomeScreen,
)
from screens.visitor.remind import RemindScreen
from screens.visitor.times import SlotButton
from screens.visitor.topics import TopicButton
from screens.widgets import OnScreenKeyboard, Pager
from screens.widgets.keyboard import KeyButton
from tests.ui.conftest import (
    book_cancellable,
    book_first_free,
    make_app,
    press_text,
    settle,
    wait_until,
)

KIOSK = (78, 18)  # the least grid the visitor side supports (a panel too small for 80x24)
ROOMY = (120, 29)


def _scroll_state(pilot: Pilot[Any]) -> list[tuple[Widget, float, float]]:
    return [(w, w.scroll_x, w.scroll_y) for w in pilot.app.screen.query(ScrollableContainer)]


def _shown(widget: Widget) -> bool:
    """Displayed, with every ancestor displayed."""
    node: Any = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        node = node.parent
    return True


def assert_on_screen(pilot: Pilot[Any], widget: Widget) -> None:
    """The whole widget lies inside the screen and inside every container that clips it."""
    screen = pilot.app.screen
    region = widget.region
    assert _shown(widget), f"{widget!r} is hidden"
    assert region.area, f"{widget!r} has no size"
    assert screen.region.contains_region(region), f"{widget!r} at {region} is off the screen"
    assert widget.content_region.area, f"{widget!r} shows nothing"
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Widget) and ancestor is not screen:
            clip = ancestor.region
            assert clip.contains_region(region), f"{widget!r} at {region} is cut by {ancestor!r}"


async def strict_click(pilot: Pilot[Any], target: str | Widget) -> None:
    """Tap a widget exactly where the screen shows it now: no scrolling, and none may happen."""
    widget = pilot.app.screen.query_one(target) if isinstance(target, str) else target
    assert_on_screen(pilot, widget)
    before = _scroll_state(pilot)
    assert all(x == 0 and y == 0 for _, x, y in before), "something is scrolled"
    middle = (widget.size.width // 2, widget.size.height // 2)
    assert await pilot.click(widget, offset=middle), f"the tap on {widget!r} hit something else"
    await settle(pilot)


def assert_fits(pilot: Pilot[Any]) -> None:
    """No part of the screen can scroll, and every button and field shown is fully on it."""
    screen = pilot.app.screen
    for container in screen.query(ScrollableContainer):
        if _shown(container):
            assert container.max_scroll_y == 0, f"{container!r} would need scrolling"
            assert container.max_scroll_x == 0, f"{container!r} would need scrolling"
    for widget in [*screen.query(Button), *screen.query(Input)]:
        if _shown(widget):
            assert_on_screen(pilot, widget)


async def tap_text(pilot: Pilot[Any], text: str) -> None:
    """Type on the on-screen keyboard by taps only, switching key pages where needed."""
    for char in text:
        keyboard = pilot.app.screen.query_one(OnScreenKeyboard)
        while keyboard.page_of(char.lower()) != keyboard.key_page:
            await strict_click(pilot, keyboard.query_one("#key-switch"))
            keyboard = pilot.app.screen.query_one(OnScreenKeyboard)
        await strict_click(pilot, keyboard.key_button(char.lower()))


async def turn_to(pilot: Pilot[Any], pager: Pager, item: Widget) -> None:
    """Tap "More ▼" until ``item`` is on the page shown."""
    while item not in pager.page_items():
        await strict_click(pilot, pager.query_one(".pager-more"))


async def page_to(pilot: Pilot[Any], selector: str) -> None:
    """Tap the ticket's "More" button until the line ``selector`` shows."""
    line = pilot.app.screen.query_one(selector)
    while not _shown(line):
        await strict_click(pilot, "#ticket-page-more")


async def test_welcome_shows_all_three_choices_and_both_languages(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        assert_fits(pilot)
        for selector in ("#w-book", "#w-lookup", "#w-checkin", "#lang-lt", "#lang-en", "#v-help"):
            assert_on_screen(pilot, app.screen.query_one(selector))


async def test_book_by_taps_on_the_kiosk_panel(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        help_label = str(app.screen.query_one("#v-help", Button).label)
        await strict_click(pilot, "#w-book")
        assert isinstance(app.screen, TopicScreen)
        assert_fits(pilot)
        # The help button says the same beside Welcome's five languages as everywhere else.
        assert str(app.screen.query_one("#v-help", Button).label) == help_label
        topics = app.screen.query_one("#topic-grid", Pager)
        assert topics.page_count > 1, "14 topics cannot fit on one 78x18 page"
        assert str(topics.query_one(".pager-count").render()) == f"1 / {topics.page_count}"
        # A topic on a later page: "More ▼" brings it up, nothing scrolls.
        jobs = app.screen.query_one("#topic-jobs", TopicButton)
        assert not jobs.display
        await turn_to(pilot, topics, jobs)
        assert topics.page > 0
        assert_fits(pilot)
        await strict_click(pilot, jobs)
        assert isinstance(app.screen, TimeScreen)
        assert_fits(pilot)
        times = app.screen.query_one("#time-days", Pager)
        assert times.page_count > 1
        await strict_click(pilot, times.query_one(".pager-more"))
        assert str(times.query_one(".pager-count").render()).startswith("2 / ")
        assert_fits(pilot)
        chosen = times.page_items()[1]
        assert isinstance(chosen, SlotButton)
        await strict_click(pilot, chosen)
        assert isinstance(app.screen, DetailsScreen)
        assert_fits(pilot)
        await tap_text(pilot, "rūta")
        assert app.screen.query_one("#name", Input).value == "Rūta"
        await strict_click(pilot, "#phone")
        # A phone field opens the keys on their digits: no page to turn first.
        shown = {key.key_value for key in app.screen.query_one(OnScreenKeyboard).query(KeyButton)}
        assert set("0123456789") <= shown
        await tap_text(pilot, "861234567")
        assert app.screen.query_one("#phone", Input).value == "861234567"
        assert_fits(pilot)
        await strict_click(pilot, "#details-next")
        assert isinstance(app.screen, RemindScreen)
        assert_fits(pilot)
        await strict_click(pilot, "#remind-no")
        assert isinstance(app.screen, ConfirmBookingScreen)
        assert_fits(pilot)
        await strict_click(pilot, "#confirm-ok")
        assert isinstance(app.screen, TicketScreen)
        await wait_until(pilot, lambda: bool(app.screen.query_one("#ticket-qr").size.height))
        assert_fits(pilot)
        booking = app.screen.ticket.booking
        assert booking.start == chosen.slot.start.isoformat()
        # The whole QR with its quiet zone, the code and the time are in view at once; the
        # arrival text is a tap away on the ticket's last page, beside the same QR.
        for selector in ("#ticket-qr", "#ticket-code", "#ticket-when"):
            assert_on_screen(pilot, app.screen.query_one(selector))
        await page_to(pilot, "#ticket-arrive")
        for selector in ("#ticket-qr", "#ticket-arrive"):
            assert_on_screen(pilot, app.screen.query_one(selector))
        await strict_click(pilot, "#v-back")  # Done
        assert isinstance(app.screen, WelcomeScreen)


async def test_look_up_and_cancel_on_the_kiosk_panel(demo: Services) -> None:
    ticket = book_cancellable(demo)  # far enough ahead to cancel at the kiosk
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, "#w-lookup")
        assert isinstance(app.screen, LookupScreen)
        assert_fits(pilot)
        await tap_text(pilot, ticket.booking.code)
        await strict_click(pilot, "#lookup-find")
        await wait_until(pilot, lambda: app.screen.query_one("#lookup-result").display)
        assert_fits(pilot)
        await strict_click(pilot, "#lookup-cancel")
        await strict_click(pilot, "#cancel-yes")
        await wait_until(
            pilot, lambda: demo.booking.lookup(ticket.booking.code).state.value == "cancelled"
        )
        assert isinstance(app.screen, LookupScreen)
        assert_fits(pilot)
        await strict_click(pilot, "#v-back")
        assert isinstance(app.screen, WelcomeScreen)


async def test_check_in_on_the_kiosk_panel(demo: Services) -> None:
    ticket = book_first_free(demo)
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, "#w-checkin")
        assert isinstance(app.screen, CheckInScreen)
        assert_fits(pilot)
        await tap_text(pilot, "ACDEFG")  # a wrong code first: the answer and the keys both show
        await strict_click(pilot, "#checkin-go")
        await wait_until(pilot, lambda: app.screen.query_one("#checkin-result").display)
        assert_fits(pilot)
        assert_on_screen(pilot, app.screen.query_one("#checkin-result"))
        await tap_text(pilot, ticket.booking.code)
        await strict_click(pilot, "#checkin-go")
        await wait_until(
            pilot, lambda: "Ona" in str(app.screen.query_one("#checkin-result").render())
        )
        assert_fits(pilot)
        assert demo.booking.lookup(ticket.booking.code).state.value == "checked_in"


async def test_idle_prompt_on_the_kiosk_panel(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, "#w-book")
        await strict_click(pilot, "#topic-smartphone")
        await strict_click(pilot, "#time-first")
        await press_text(pilot, "Ona")
        app.idle_seconds = 0.3  # the visitor walks away from the details
        app.reset_idle()
        await wait_until(pilot, lambda: isinstance(app.screen, MoreTimeScreen))
        await settle(pilot)
        assert_fits(pilot)
        app.idle_seconds = 3600  # back at the kiosk: no second prompt during the test
        await strict_click(pilot, "#more-yes")
        assert isinstance(app.screen, DetailsScreen)
        assert app.screen.query_one("#name", Input).value == "Ona"


@pytest.mark.parametrize("lang", ["lt", "en"])
async def test_every_visitor_screen_fits_in_both_languages(demo: Services, lang: str) -> None:
    ticket = book_first_free(demo)
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, f"#lang-{lang}")
        assert_fits(pilot)
        await strict_click(pilot, "#w-book")
        assert_fits(pilot)
        await strict_click(pilot, "#topic-smartphone")
        assert_fits(pilot)
        await strict_click(pilot, "#time-first")
        assert_fits(pilot)
        await strict_click(pilot, "#details-next")  # no name: the error shows, keys stay
        assert app.screen.query_one("#name-error").display
        assert_fits(pilot)
        for key in app.screen.query_one(OnScreenKeyboard).query(Button):
            assert_on_screen(pilot, key)
        await press_text(pilot, "Ona")
        await strict_click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)
        assert_fits(pilot)
        await strict_click(pilot, "#confirm-ok")
        assert isinstance(app.screen, TicketScreen)
        await wait_until(pilot, lambda: bool(app.screen.query_one("#ticket-qr").size.height))
        assert_fits(pilot)
        # The code takes the row under the QR (the arrival words say what the QR is for).
        for selector in ("#ticket-qr", "#ticket-code", "#ticket-when", "#ticket-where"):
            assert_on_screen(pilot, app.screen.query_one(selector))
        await page_to(pilot, "#ticket-arrive")
        assert_fits(pilot)
        assert_on_screen(pilot, app.screen.query_one("#ticket-arrive"))
        await strict_click(pilot, "#v-back")
        await strict_click(pilot, f"#lang-{lang}")
        await strict_click(pilot, "#w-lookup")
        await press_text(pilot, ticket.booking.code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.query_one("#lookup-result").display)
        assert_fits(pilot)
        # Too soon to cancel here: the note to ask the librarian and "Show the ticket" fit.
        assert app.screen.query_one("#lookup-note").display
        assert_on_screen(pilot, app.screen.query_one("#lookup-ticket"))
        await strict_click(pilot, "#lookup-ticket")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await wait_until(pilot, lambda: bool(app.screen.query_one("#ticket-qr").size.height))
        assert_fits(pilot)
        await page_to(pilot, "#ticket-reissued")
        assert_on_screen(pilot, app.screen.query_one("#ticket-reissued"))


async def test_the_pager_uses_the_room_it_has_and_repages_on_resize(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, "#w-book")
        topics = app.screen.query_one("#topic-grid", Pager)
        small = topics.per_page
        assert 4 <= small < len(topics.items)
        # The visitor's topic stays in view when the terminal grows and shrinks.
        last = topics.items[-1]
        await turn_to(pilot, topics, last)
        last.focus()
        await pilot.resize_terminal(*ROOMY)
        await settle(pilot)
        assert topics.per_page > small
        assert topics.page_count == 1  # all 14 topics at once: no page buttons
        assert not topics.query_one(".pager-nav").display
        assert_fits(pilot)
        await pilot.resize_terminal(*KIOSK)
        await settle(pilot)
        assert topics.per_page == small
        assert last in topics.page_items()
        assert_fits(pilot)
        # Back on page 1, "▲" is disabled and "More ▼" is not; on the last page the reverse.
        while topics.page:
            await strict_click(pilot, topics.query_one(".pager-back"))
        assert topics.query_one(".pager-back", Button).disabled
        assert not topics.query_one(".pager-more", Button).disabled


async def test_times_per_page_grow_with_the_screen(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, "#w-book")
        await strict_click(pilot, "#topic-smartphone")
        times = app.screen.query_one("#time-days", Pager)
        small = times.per_page
        assert small >= 4
        await pilot.resize_terminal(*ROOMY)
        await settle(pilot)
        assert times.per_page >= 2 * small
        assert_fits(pilot)
        # Each time says its day and place, so a page needs no headings.
        slot = times.page_items()[0]
        assert isinstance(slot, SlotButton)
        assert slot.slot.place in str(slot.label)


class _PagerApp(App[None]):
    """Only a pager of numbered buttons: its arithmetic without the kiosk around it."""

    def compose(self) -> ComposeResult:
        yield Pager(item_height=3, min_column_width=20, id="pager")

    async def on_mount(self) -> None:
        await self.query_one(Pager).set_items(Button(str(n), id=f"b{n}") for n in range(10))


async def test_the_pager_counts_cells_from_its_own_size() -> None:
    app = _PagerApp()
    async with app.run_test(size=(42, 12)) as pilot:
        await settle(pilot)
        pager = app.query_one(Pager)
        # 42 wide: two 20-cell columns and a 2-cell gap; 12 high less 3 for the page
        # buttons: two rows of 3 and a 1-row gap. Four a page, so 1 / 3.
        assert (pager.columns, pager.rows, pager.page_count) == (2, 2, 3)
        assert [b.id for b in pager.page_items()] == ["b0", "b1", "b2", "b3"]
        assert all(b.display for b in pager.page_items())
        assert not app.query_one("#b4").display
        assert str(pager.query_one(".pager-count").render()) == "1 / 3"
        await pilot.click(pager.query_one(".pager-more"))
        await settle(pilot)
        assert [b.id for b in pager.page_items()] == ["b4", "b5", "b6", "b7"]
        assert app.query_one("#b4").region.y == 0  # page 2 starts at the top
        await pilot.resize_terminal(64, 30)
        await settle(pilot)
        # Three columns, and all ten fit: the page buttons go away.
        assert (pager.columns, pager.page_count) == (3, 1)
        assert not pager.query_one(".pager-nav").display
        assert all(b.display for b in pager.items)
