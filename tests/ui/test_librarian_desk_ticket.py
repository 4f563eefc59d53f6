"""The desk's ticket dialog: a booking's QR, code, time, place and e-scout to show the visitor,
printed on a receipt printer (a network printer on a local socket) or saved as a PDF."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Select

from kiosk.domain.booking import Ticket
from kiosk.domain.models import BookingStatus
from kiosk.domain.tickets import qr_matrix
from kiosk.services import Services
from screens.librarian import ConsoleScreen
from screens.librarian.desk_ticket import DeskTicketScreen
from screens.widgets import QRCode
from tests.conftest import NOW, PIN, put_booking, set_pin
from tests.ui.conftest import SMALL, click, login, make_console, settle, text_of, wait_until
from tests.ui.test_visitor_qr import decode, rasterise

SIZE = (120, 40)
# A valid token (base32 letters and digits), so the snapshot's QR never changes.
FIXED_TOKEN = "DESKTICKETSNAPSHOTQRCODEAB"


class LocalPrinter:
    """A network receipt printer on a local socket: it keeps every byte a job sends."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self.received = bytearray()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                while chunk := conn.recv(4096):
                    self.received += chunk

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept (close alone does not)
        self._server.close()
        self._thread.join(timeout=5)


@pytest.fixture
def printer() -> Iterator[LocalPrinter]:
    local = LocalPrinter()
    yield local
    local.close()


def closed_port() -> int:
    """A local port nothing listens on: a printer that is switched off."""
    with contextlib.closing(socket.create_server(("127.0.0.1", 0))) as server:
        return int(server.getsockname()[1])


def use_printer(services: Services, port: int) -> None:
    settings = services.catalog.settings()
    services.catalog.save_settings(
        replace(settings, printer_kind="network", printer_host="127.0.0.1", printer_port=port)
    )


async def console(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await login(pilot)
    assert isinstance(pilot.app.screen, ConsoleScreen)


async def ticket_shown(pilot: Pilot[Any]) -> DeskTicketScreen:
    """The open ticket dialog once its QR is drawn."""
    screen = pilot.app.screen
    assert isinstance(screen, DeskTicketScreen)
    qr = screen.query_one("#deskticket-qr", QRCode)
    await wait_until(pilot, lambda: bool(qr.matrix))
    return screen


def scanned(screen: DeskTicketScreen) -> list[str]:
    """What a scanner reads off the dialog's QR, as drawn on the terminal."""
    return decode(rasterise(screen.query_one("#deskticket-qr", QRCode)))


async def test_today_shows_a_waiting_bookings_ticket_and_saves_it_as_a_pdf(
    demo: Services, data_dir: Path
) -> None:
    """No receipt printer: "Save as PDF" writes the A6 ticket among the exports, path shown;
    the QR on the screen is a new token that checks the visitor in."""
    set_pin(demo)
    put_booking(demo, code="LATER9", start=NOW.replace(hour=16), name="Birutė")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await click(pilot, "#today-ticket")
        screen = await ticket_shown(pilot)
        assert screen.ticket is not None
        token = screen.ticket.token
        assert scanned(screen) == [token]
        assert "L A T E R 9" in text_of(app, "#deskticket-code")
        assert "Kompiuterių klasė" in text_of(app, "#deskticket-place")
        assert "Lukas" in text_of(app, "#deskticket-scout")
        assert "16:00" in text_of(app, "#deskticket-when")
        assert "nebegalioja" in text_of(app, "#deskticket-note")  # the earlier QR stops
        button = screen.query_one("#deskticket-print", Button)
        assert str(button.label) == "Išsaugoti PDF"
        await click(pilot, button)
        status = screen.query_one("#deskticket-status")
        await wait_until(pilot, lambda: "exports" in text_of(app, "#deskticket-status"))
        (pdf,) = Path(data_dir, "exports").glob("ticket-LATER9-*.pdf")
        assert str(pdf) in str(status.render()).replace("\n", "")
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_mode & 0o077 == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
    assert demo.arrivals.check_in(token, anytime=True).ok


async def test_a_walk_in_booking_opens_its_ticket_and_prints_it(
    demo: Services, printer: LocalPrinter
) -> None:
    """Right after a walk-in, the dialog shows that booking's own token (nothing reissued);
    "Print" sends the kiosk's ticket with the QR to the network printer."""
    set_pin(demo)
    use_printer(demo, printer.port)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("w")
        await settle(pilot)
        app.screen.query_one("#walkin-topic", Select).value = "e-banking"
        await settle(pilot)
        app.screen.query_one("#walkin-name", Input).value = "Jonas"
        await click(pilot, "#walkin-book")
        screen = await ticket_shown(pilot)
        assert screen.ticket is not None
        (booking,) = demo.booking.bookings()
        assert screen.ticket.booking.code == booking.code
        token = screen.ticket.token
        assert scanned(screen) == [token]
        assert not screen.query_one("#deskticket-note").display  # no earlier QR to stop
        assert str(screen.query_one("#deskticket-print", Button).label) == "Spausdinti"
        await click(pilot, "#deskticket-print")
        await wait_until(pilot, lambda: "atspausdintas" in text_of(app, "#deskticket-status"))
        await wait_until(pilot, lambda: b"\x1dV" in printer.received)  # printed and cut
        assert token.encode("ascii") in printer.received  # the QR carries the token
        await click(pilot, "#deskticket-close")
        assert isinstance(app.screen, ConsoleScreen)
        assert booking.code in text_of(app, "#today-message")
    assert demo.arrivals.check_in(token, anytime=True).ok


async def test_a_printer_that_is_off_is_one_calm_line_and_the_ticket_stays(
    demo: Services,
) -> None:
    set_pin(demo)
    use_printer(demo, closed_port())
    put_booking(demo, code="LATER9", start=NOW.replace(hour=16), name="Birutė")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("t")
        screen = await ticket_shown(pilot)
        await click(pilot, "#deskticket-print")
        await wait_until(pilot, lambda: "neatsako" in text_of(app, "#deskticket-status"))
        assert "\n" not in text_of(app, "#deskticket-status").strip()
        assert app.screen is screen and not screen.query_one("#deskticket-print").disabled
        assert screen.ticket is not None and scanned(screen) == [screen.ticket.token]


async def test_a_booking_no_longer_waiting_has_no_ticket_and_says_why(demo: Services) -> None:
    set_pin(demo)
    # code -> (status, start, the words that say why)
    closed = {
        "HERE46": (BookingStatus.CHECKED_IN, NOW - timedelta(minutes=10), "Atvyko"),
        "DONE77": (BookingStatus.DONE, NOW - timedelta(hours=2), "Įvyko"),
        "GONE77": (BookingStatus.CANCELLED, NOW + timedelta(hours=2), "Atšaukta"),
        "PAST33": (BookingStatus.BOOKED, NOW - timedelta(hours=1), "praėjo"),  # time over
    }
    before = {
        code: put_booking(demo, code=code, start=start, status=status).token_hash
        for code, (status, start, _) in closed.items()
    }
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        table = app.screen.query_one("#today-table", DataTable)
        for code, (_, _, why) in closed.items():
            table.move_cursor(row=table.get_row_index(code))
            await click(pilot, "#today-ticket")
            assert isinstance(app.screen, ConsoleScreen)
            message = text_of(app, "#today-message")
            assert code in message and why in message
    after = {code: demo.booking.lookup(code).token_hash for code in closed}
    assert after == before  # nothing reissued


def test_the_ticket_dialog_at_80x24(snap_compare, demo: Services) -> None:  # type: ignore[no-untyped-def]
    set_pin(demo)
    booking = put_booking(demo, code="LATER9", start=NOW.replace(hour=16), name="Birutė")

    async def open_ticket(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#login-pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        await pilot.app.push_screen(DeskTicketScreen(booking, Ticket(booking, FIXED_TOKEN)))
        await settle(pilot)
        qr = pilot.app.screen.query_one("#deskticket-qr", QRCode)
        assert qr.matrix == qr_matrix(FIXED_TOKEN)

    assert snap_compare(make_console(demo), terminal_size=SMALL, run_before=open_ticket)
