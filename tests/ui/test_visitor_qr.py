"""The QR widget scans: rasterise what it draws and decode it back to the token."""

from __future__ import annotations

import zxingcpp
from PIL import Image
from rich.color import Color
from textual.app import App, ComposeResult

from kiosk.domain.tickets import QR_QUIET_ZONE, new_token, qr_matrix
from kiosk.services import Services
from screens.visitor import TicketScreen
from screens.widgets import QRCode
from screens.widgets.qr import UPPER_HALF
from tests.ui.conftest import BIG, click, make_app, press_text, settle

PIXELS = 6  # per module


def rasterise(widget: QRCode) -> Image.Image:
    """An image of exactly what the widget's strips draw: ▀ = top in fg, bottom in bg."""
    width, height = widget.cells
    image = Image.new("L", (width * PIXELS, height * 2 * PIXELS), 255)
    for y in range(height):
        x = 0
        for segment in widget.render_line(y):
            for _ in segment.text:
                assert segment.text.count(UPPER_HALF) == len(segment.text)
                style = segment.style
                assert style is not None and style.color and style.bgcolor
                for half, color in enumerate((style.color, style.bgcolor)):
                    value = _grey(color)
                    box = (
                        x * PIXELS,
                        (2 * y + half) * PIXELS,
                        (x + 1) * PIXELS,
                        (2 * y + half + 1) * PIXELS,
                    )
                    image.paste(value, box)
                x += 1
    return image


def _grey(color: Color) -> int:
    triplet = color.get_truecolor()
    assert (triplet.red, triplet.green, triplet.blue) in ((0, 0, 0), (255, 255, 255))
    return triplet.red


class QRApp(App[None]):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def compose(self) -> ComposeResult:
        yield QRCode(qr_matrix(self.token), id="qr")


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


async def test_the_drawn_qr_decodes_to_the_token() -> None:
    token = new_token()
    app = QRApp(token)
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        qr = app.query_one(QRCode)
        assert (qr.size.width, qr.size.height) == (33, 17)  # version 2 with the quiet zone
        image = rasterise(qr)
        assert decode(image) == [token]
        # The quiet zone is white all round.
        matrix = qr.matrix
        assert not any(matrix[0]) and not any(row[0] for row in matrix)
        assert len(matrix) == 25 + 2 * QR_QUIET_ZONE


async def test_the_ticket_screen_qr_decodes_to_the_booked_token(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-smartphone")
        await click(pilot, "#time-first")
        await press_text(pilot, "Ona")
        await click(pilot, "#details-next")
        await click(pilot, "#confirm-ok")
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        qr = screen.query_one(QRCode)
        assert decode(rasterise(qr)) == [screen.ticket.token]
        assert demo.arrivals.check_in(screen.ticket.token).ok
