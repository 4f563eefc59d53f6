"""The ticket is one whole screen from 80x20 up to 200x60: the code, the QR and every line of
the ticket in sight at once, no page buttons, nothing cut, nothing scrolled, no scrollbar.
On the smallest grid (78x18) it takes at most two pages, the code, time and place on the first.

One app run per size books by taps (as a visitor does), then shows more tickets on the same
screen. Where the room is least (80x20, beside the bar; more rows or columns only add room)
and on the smallest grid: in each of the five languages, of every demo topic at every place
its e-scouts meet, the tickets with the longest of each line and the wordiest in all (the
ticket fits when its longest lines do: 28 of the 140; the rest added minutes, no proof).
At the kiosk's other grids: each language's wordiest ticket.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from kiosk.domain.booking import Ticket
from kiosk.services import Services
from screens.visitor import TicketScreen
from screens.visitor.common import Draft
from screens.widgets import Pager
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_ticket_flow import _book_by_taps
from tests.ui.test_visitor_fit import _shown, assert_fits, assert_on_screen, strict_click

LANGS = ["lt", "en", "ru", "uk", "pl"]
# What the ticket must show: code, QR, topic, time, place and directions, e-scout, what to
# bring and how to check in.
LINES = (
    "#ticket-code",
    "#ticket-qr",
    "#ticket-topic",
    "#ticket-when",
    "#ticket-where",
    "#ticket-directions",
    "#ticket-who",
    "#ticket-bring",
    "#ticket-arrive",
)
FIRST_PAGE = ("#ticket-code", "#ticket-qr", "#ticket-when", "#ticket-where")
# Each layout where it has least room (80x20 beside the bar, 80x30 under the title), the
# kiosk's real grids of the least rows (foot: 91x23, 92x32) and the largest.
ONE_SCREEN = [(80, 20), (91, 23), (80, 30), (92, 32), (200, 60)]
# Every ticket of the demo library where the one-screen layout has least room; elsewhere
# (the tall layout from 30 rows included) the wordiest ticket of each language.
LEAST_ROOM = {(80, 20)}
SMALLEST = (78, 18)


def _every_place_of_every_topic(services: Services) -> list[Ticket]:
    """One booking for each topic at each place where its e-scouts meet visitors."""
    tickets: list[Ticket] = []
    for topic in services.catalog.topics():
        places: set[str] = set()
        for slot in services.booking.free_slots(topic.slug):
            if slot.place not in places:
                places.add(slot.place)
                # A phone of their own each: a visitor may hold only two bookings.
                phone = f"+3706{len(tickets):07d}"
                booking = services.booking.book(
                    topic.slug, slot.start, "Ona", phone, scout=slot.scout
                )
                tickets.append(booking)
    return tickets


def _longest(services: Services, tickets: list[Ticket], lang: str) -> list[Ticket]:
    """The wordiest ticket in ``lang`` and, for each line, the ticket where it is longest."""
    contents = {
        t.booking.code: services.catalog.ticket_content(t.booking, t.token, lang) for t in tickets
    }
    chosen = [_wordiest(services, tickets, lang)]
    keys = {line.key for content in contents.values() for line in content.lines}
    for key in sorted(keys):

        def length(ticket: Ticket, key: str = key) -> int:
            line = contents[ticket.booking.code].line(key)
            return len(line.text) if line else 0

        longest = max(tickets, key=length)
        if longest not in chosen:
            chosen.append(longest)
    return chosen


def _wordiest(services: Services, tickets: list[Ticket], lang: str) -> Ticket:
    """The ticket with the most characters in ``lang``."""

    def length(ticket: Ticket) -> int:
        content = services.catalog.ticket_content(ticket.booking, ticket.token, lang)
        return sum(map(len, content.plain_lines()))

    return max(tickets, key=length)


async def _show(pilot: Pilot[Any], ticket: Ticket, lang: str) -> TicketScreen:
    app = pilot.app
    app.session.lang = lang  # type: ignore[attr-defined]
    topic = next(t for t in app.services.catalog.topics() if t.slug == ticket.booking.topic)  # type: ignore[attr-defined]
    screen = TicketScreen(ticket, Draft(topic=topic))
    await app.push_screen(screen)
    await wait_until(pilot, lambda: screen.content is not None)
    await settle(pilot)
    return screen


def _clear_of_the_bar(pilot: Pilot[Any], widget: Widget) -> None:
    """No part of ``widget`` lies under the bar (Done, Help), which may sit beside the QR."""
    screen = pilot.app.screen
    bar = screen.query_one("#v-bar").region.intersection(screen.region)
    assert not widget.region.overlaps(bar), f"{widget!r} at {widget.region} is under the bar"


def _unscrolled(widget: Widget) -> None:
    """Nothing above ``widget`` is scrolled or could scroll: what shows is all there is."""
    for ancestor in widget.ancestors_with_self:
        if isinstance(ancestor, Widget):
            assert ancestor.scroll_offset == (0, 0), f"{ancestor!r} is scrolled"
            assert ancestor.max_scroll_y == 0, f"{ancestor!r} would scroll"


def assert_one_screen(pilot: Pilot[Any], ticket: TicketScreen) -> None:
    where = f"{ticket.ticket.booking.topic} at {ticket.ticket.booking.place} in {ticket.t.lang}"
    assert ticket.page_count == 1, f"{where}: {ticket.page_count} pages"
    assert not ticket.query_one("#ticket-nav").display
    assert not [p for p in ticket.query(Pager) if _shown(p)]
    assert_fits(pilot)
    for selector in LINES:
        widget = ticket.query_one(selector)
        if selector == "#ticket-directions" and not ticket.ticket.booking.place:
            continue
        assert_on_screen(pilot, widget)
        _clear_of_the_bar(pilot, widget)
        _unscrolled(widget)
    for widget in ticket.walk_children(Widget):
        if _shown(widget):
            assert not widget.show_vertical_scrollbar, f"{where}: {widget!r} shows a scrollbar"
            assert not widget.show_horizontal_scrollbar, f"{where}: {widget!r} shows a scrollbar"


@pytest.mark.parametrize("size", ONE_SCREEN, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_ticket_is_one_screen(demo: Services, size: tuple[int, int]) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        booked = await _book_by_taps(pilot, "e-banking")
        assert_one_screen(pilot, booked)
        await strict_click(pilot, "#v-back")  # Done
        tickets = _every_place_of_every_topic(demo)
        for lang in LANGS:
            if size in LEAST_ROOM:
                walk = _longest(demo, tickets, lang)
            else:
                walk = [_wordiest(demo, tickets, lang)]
            for ticket in walk:
                screen = await _show(pilot, ticket, lang)
                assert screen.query_one("#ticket-directions").display
                assert_one_screen(pilot, screen)
                app.pop_screen()


async def test_on_the_smallest_grid_two_pages_at_most(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALLEST) as pilot:
        booked = await _book_by_taps(pilot, "e-banking")
        assert booked.page_count <= 2
        tickets = _every_place_of_every_topic(demo)
        for lang in LANGS:
            for ticket in _longest(demo, tickets, lang):
                screen = await _show(pilot, ticket, lang)
                assert screen.page_count <= 2, f"{ticket.booking.topic} in {lang}"
                assert_fits(pilot)
                for selector in FIRST_PAGE:
                    widget = screen.query_one(selector)
                    assert_on_screen(pilot, widget)
                    _clear_of_the_bar(pilot, widget)
                seen: set[str] = set()
                while True:
                    for selector in LINES:
                        widget = screen.query_one(selector)
                        if _shown(widget):
                            assert_on_screen(pilot, widget)
                            _clear_of_the_bar(pilot, widget)
                            seen.add(selector)
                    if screen.page >= screen.page_count - 1:
                        break
                    await strict_click(pilot, "#ticket-page-more")
                assert seen == set(LINES)
                app.pop_screen()
