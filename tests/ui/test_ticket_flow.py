"""By taps alone: book, read the ticket's directions and what to bring, print it on paper.

The receipt printer is escpos's Dummy (it keeps the bytes it was sent); the kiosk opens it
through the settings as it would a real one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from escpos.printer import Dummy
from textual.pilot import Pilot
from textual.widgets import Static

from kiosk.paper.printing import CODE_PAGE
from kiosk.services import Services
from screens.visitor import TicketScreen, TopicScreen, WelcomeScreen
from screens.widgets import Pager
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_visitor_fit import (
    assert_fits,
    assert_on_screen,
    page_to,
    strict_click,
    tap_text,
    turn_to,
)


class _Jammed(Dummy):
    def _raw(self, msg: bytes) -> None:
        raise OSError(5, "Input/output error")


def _with_printer(services: Services, monkeypatch: pytest.MonkeyPatch, printer: Dummy) -> None:
    settings = services.catalog.settings()
    services.catalog.save_settings(
        replace(settings, printer_kind="network", printer_host="192.0.2.10")
    )
    monkeypatch.setattr("kiosk.paper.printing.open_printer", lambda settings: printer)


async def _book_by_taps(pilot: Pilot[Any], topic: str) -> TicketScreen:
    app = pilot.app
    await settle(pilot)
    await strict_click(pilot, "#w-book")
    assert isinstance(app.screen, TopicScreen)
    grid = app.screen.query_one("#topic-grid", Pager)
    button = app.screen.query_one(f"#topic-{topic}")
    await turn_to(pilot, grid, button)
    await strict_click(pilot, button)
    await strict_click(pilot, "#time-first")
    await tap_text(pilot, "ona")
    await strict_click(pilot, "#details-next")
    await strict_click(pilot, "#confirm-ok")
    ticket = app.screen
    assert isinstance(ticket, TicketScreen)
    await wait_until(pilot, lambda: ticket.content is not None)
    await settle(pilot)
    return ticket


async def _read_every_page(pilot: Pilot[Any], ticket: TicketScreen) -> set[str]:
    """Tap through the ticket's pages; the ids of the lines seen whole on the screen."""
    seen: set[str] = set()
    while True:
        assert_fits(pilot)
        for line in ticket.query(".v-line"):
            if line.display and line.parent is not None and line.parent.display:
                assert_on_screen(pilot, line)
                seen.add(line.id or "")
        more = ticket.query_one("#ticket-page-more")
        if not more.display or not ticket.query_one("#ticket-nav").display or more.disabled:
            return seen
        await strict_click(pilot, more)


@pytest.mark.parametrize("size", [(78, 18), (80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_book_read_and_print_the_ticket_by_taps(
    demo: Services, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    printer = Dummy()
    _with_printer(demo, monkeypatch, printer)
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        ticket = await _book_by_taps(pilot, "e-banking")
        content = ticket.content
        assert content is not None
        seen = await _read_every_page(pilot, ticket)
        assert {"ticket-when", "ticket-where", "ticket-directions", "ticket-bring"} <= seen
        assert {"ticket-who", "ticket-arrive"} <= seen
        directions = str(ticket.query_one("#ticket-directions", Static).render())
        bring = str(ticket.query_one("#ticket-bring", Static).render())
        assert content.text("directions") in directions.replace("\n", " ")
        assert "Smart-ID" in bring
        await strict_click(pilot, "#ticket-print")
        await wait_until(pilot, lambda: b"\x1dV" in printer.output)  # printed and cut
        assert content.token.encode("ascii") in printer.output
        assert "Elektroninė".encode(CODE_PAGE) in printer.output
        status = ticket.query_one("#ticket-print-status", Static)
        await wait_until(pilot, lambda: "atspausdintas" in str(status.render()))
        assert_on_screen(pilot, status)
        await strict_click(pilot, "#v-back")  # "Baigti"
        assert isinstance(app.screen, WelcomeScreen)


async def test_a_printer_that_fails_says_so_and_the_ticket_stays(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_printer(demo, monkeypatch, _Jammed())
    app = make_app(demo)
    async with app.run_test(size=(78, 18)) as pilot:
        ticket = await _book_by_taps(pilot, "smartphone")
        await page_to(pilot, "#ticket-print")  # with the arrival words, on the last page
        await strict_click(pilot, "#ticket-print")
        status = ticket.query_one("#ticket-print-status", Static)
        await wait_until(pilot, lambda: "Nepavyko atspausdinti" in str(status.render()))
        assert app.screen is ticket and "v-warn" in status.classes
        assert not ticket.query_one("#ticket-print").disabled  # may be tried again
        assert_fits(pilot)


async def test_without_a_printer_there_is_no_print_button(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=(78, 18)) as pilot:
        ticket = await _book_by_taps(pilot, "smartphone")
        assert not ticket.query_one("#ticket-print-row").display
