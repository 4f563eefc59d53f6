"""An e-scout's sign-in card: their display name, the library and the QR of the card token.

One content model drawn as an SVG, an A6 PDF (fpdf2, the bundled font, like tickets) and on
the receipt printer. The token is shown only here, when the card is issued: the store keeps
its hash alone, so a lost card is replaced, never printed again.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.models import Settings
from kiosk.i18n import Translator
from kiosk.paper.printing import CODE_PAGE, configured_printer, print_job, wrapped
from kiosk.paper.ticket_render import BOLD, REGULAR, lines_and_qr_svg, qr_image

if TYPE_CHECKING:
    from escpos.escpos import Escpos


@dataclass(frozen=True)
class CardContent:
    library: str
    title: str  # "E. skauto kortelė"
    name: str  # the e-scout's display name
    token: str  # the QR's payload
    note: str  # what the card is for, and to keep it safe

    def plain_lines(self) -> list[str]:
        return [self.library, self.title, self.name, self.note]


def build_card_content(t: Translator, library: str, name: str, token: str) -> CardContent:
    return CardContent(
        library=library,
        title=t("lib.scouts.card.title"),
        name=name,
        token=token,
        note=t("lib.scouts.card.note"),
    )


def card_svg(card: CardContent, module: int = 6) -> str:
    """A printable SVG: the card's lines above its QR."""
    rows = [(card.library, "normal"), (card.title, "bold"), (card.name, "bold")]
    rows += [(w, "normal") for w in textwrap.wrap(card.note, 30)]
    return lines_and_qr_svg(rows, card.token, 60, module)


def card_pdf(card: CardContent) -> bytes:
    """An A6 PDF of the card: text in an embedded Unicode font, and the QR."""
    from fpdf import FPDF  # the console imports this module at start: fpdf2 only when used

    pdf = FPDF(format=(105, 148))
    pdf.set_margins(8, 8, 8)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("card", "", str(REGULAR))
    pdf.add_font("card", "B", str(BOLD))
    pdf.add_page()

    def say(text: str, size: float, bold: bool = False, gap: float = 1.0) -> None:
        pdf.set_font("card", "B" if bold else "", size)
        pdf.multi_cell(pdf.epw, size * 0.45, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    say(card.library, 8)
    say(card.title, 12, bold=True)
    say(card.name, 18, bold=True, gap=2)
    say(card.note, 9, gap=3)
    side = 50.0
    pdf.image(qr_image(card.token).convert("L"), x=(pdf.w - side) / 2, w=side, h=side)
    return bytes(pdf.output())


def print_card(card: CardContent, printer: Escpos) -> None:
    """Print the card and its QR, then cut. PrinterError on any failure."""
    with print_job(printer):
        printer.magic.force_encoding(CODE_PAGE)
        printer.set(align="left", normal_textsize=True)
        printer.text(wrapped(card.library))
        printer.set(bold=True)
        printer.text(wrapped(card.title))
        printer.set(align="center", bold=True, double_width=True, double_height=True)
        printer.text(card.name + "\n")
        printer.set(align="left", normal_textsize=True)
        printer.text(wrapped(card.note))
        printer.set(align="center")
        printer.qr(card.token, native=True, size=8)


def print_card_configured(card: CardContent, settings: Settings) -> None:
    """Print the card on the printer the settings name (PrinterError when it fails)."""
    with configured_printer(settings) as printer:
        print_card(card, printer)
