"""A ticket's content drawn for paper: a Pillow image, an SVG and a PDF.

Lithuanian letters need a Unicode font that travels with the project (a fresh kiosk PC may
have no fonts at all): Source Sans Pro from the ``font-source-sans-pro`` package.

Pillow and fpdf2 are imported inside the functions that draw: the kiosk and the console
import this module (for the fonts, the SVG) at start, and must not pay for them there.
"""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import font_source_sans_pro

from kiosk.domain.ticket_content import TicketContent
from kiosk.domain.tickets import qr_matrix

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

_FONTS = Path(font_source_sans_pro.font_directory)
REGULAR = _FONTS / "SourceSansPro-Regular.ttf"
BOLD = _FONTS / "SourceSansPro-Bold.ttf"
# A receipt printer's 80 mm paper is 576 dots wide; 58 mm paper is 384.
PAPER_DOTS = 576


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def qr_image(token: str, module: int = 8) -> Image.Image:
    """The token's QR (with its quiet zone) as a black-and-white image."""
    from PIL import Image

    matrix = qr_matrix(token)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return image.resize((size * module, size * module), Image.Resampling.NEAREST)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    """``text`` in lines no wider than ``width`` pixels (words kept whole where they fit)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and draw.textlength(candidate, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def ticket_image(content: TicketContent, width: int = PAPER_DOTS) -> Image.Image:
    """The whole ticket, text and QR, as a black-and-white image ``width`` pixels wide."""
    from PIL import Image, ImageDraw

    margin = 16
    inner = width - 2 * margin
    body, small, big = _font(False, 26), _font(False, 22), _font(True, 56)
    label_font = _font(True, 24)
    scratch = ImageDraw.Draw(Image.new("1", (1, 1)))
    # (text, font, gap after)
    parts: list[tuple[str, ImageFont.FreeTypeFont, int]] = [
        (content.library, small, 4),
        (content.title, label_font, 12),
        (content.code_label, label_font, 0),
        (" ".join(content.code), big, 14),
    ]
    for line in content.lines:
        parts.append((line.label, label_font, 0))
        parts.append((line.text, body, 10))
    parts.append((content.arrive, small, 12))
    laid: list[tuple[str, ImageFont.FreeTypeFont, int]] = []
    for text, font, gap in parts:
        wrapped = _wrap(scratch, text, font, inner)
        height = int(font.size) + 6
        laid.extend((w, font, height) for w in wrapped[:-1])
        laid.append((wrapped[-1], font, height + gap))
    qr = qr_image(content.token, module=max(4, min(10, inner // 33))) if content.token else None
    text_height = sum(h for _, _, h in laid)
    total = margin + text_height + (qr.height if qr else 0) + margin
    image = Image.new("1", (width, total), 1)
    draw = ImageDraw.Draw(image)
    y = margin
    for text, font, height in laid:
        draw.text((margin, y), text, font=font, fill=0)
        y += height
    if qr is not None:
        image.paste(qr, ((width - qr.width) // 2, y))
    return image


def ticket_svg(content: TicketContent, module: int = 6) -> str:
    """A printable SVG: the ticket's lines above its QR."""
    rows: list[tuple[str, str]] = [
        (content.library, "normal"),
        (content.title, "bold"),
        (f"{content.code_label} {content.code}", "bold"),
    ]
    for line in content.lines:
        rows.append((line.label, "bold"))
        rows.extend((w, "normal") for w in textwrap.wrap(line.text, 48) or [""])
    rows.extend((w, "normal") for w in textwrap.wrap(content.arrive, 48))
    return lines_and_qr_svg(rows, content.token, 92, module)


def lines_and_qr_svg(rows: list[tuple[str, str]], token: str, columns: int, module: int) -> str:
    """An SVG ``columns`` modules wide: ``rows`` of (text, font weight) above the QR of
    ``token`` (none when it is empty), centred; tickets and e-scouts' cards."""
    width = columns * module
    line_height = 3 * module
    texts = "".join(
        f'<text x="{2 * module}" y="{(n + 1) * line_height}" font-family="sans-serif" '
        f'font-size="{2 * module}" font-weight="{weight}">{escape(text)}</text>'
        for n, (text, weight) in enumerate(rows)
    )
    top = (len(rows) + 1) * line_height
    rects = ""
    qr_height = 0
    if token:
        matrix = qr_matrix(token)
        qr_height = len(matrix) * module
        left = (width - qr_height) // 2
        rects = "".join(
            f'<rect x="{left + x * module}" y="{top + y * module}" width="{module}" '
            f'height="{module}"/>'
            for y, row in enumerate(matrix)
            for x, dark in enumerate(row)
            if dark
        )
    height = top + qr_height + line_height
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<rect width="100%" height="100%" fill="#fff"/><g fill="#000">{texts}{rects}</g></svg>\n'
    )


def ticket_pdf(content: TicketContent) -> bytes:
    """An A6 PDF of the ticket: selectable text in an embedded Unicode font, and the QR."""
    from fpdf import FPDF

    pdf = FPDF(format=(105, 148))  # A6, a quarter of a sheet of A4
    pdf.set_margins(8, 8, 8)
    pdf.set_auto_page_break(auto=True, margin=8)
    pdf.add_font("ticket", "", str(REGULAR))
    pdf.add_font("ticket", "B", str(BOLD))
    pdf.add_page()
    width = pdf.epw

    def say(text: str, size: float, bold: bool = False, gap: float = 0.5) -> None:
        pdf.set_font("ticket", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.45, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    say(content.library, 8)
    say(content.title, 11, bold=True, gap=1.5)
    say(content.code_label, 9, bold=True)
    say(" ".join(content.code), 22, bold=True, gap=2)
    for line in content.lines:
        say(line.label, 9, bold=True, gap=0)
        say(line.text, 10, gap=1.5)
    say(content.arrive, 8, gap=2)
    if content.token:
        side = 40.0
        if pdf.get_y() + side > pdf.h - 8:
            pdf.add_page()
        pdf.image(qr_image(content.token).convert("L"), x=(pdf.w - side) / 2, w=side, h=side)
    return bytes(pdf.output())
