"""A ticket's content drawn for paper: a Pillow image, an SVG and a PDF.

Lithuanian letters need a Unicode font that travels with the project (a fresh kiosk PC may
have no fonts at all): Source Sans Pro from the ``font-source-sans-pro`` package. The PDF
embeds it; the SVG draws its letters as the font's outlines, so no viewer needs the font.

Pillow, fpdf2 and fontTools are imported inside the functions that draw: the kiosk and the
console import this module (for the fonts, the SVG) at start, and must not pay for them there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
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
        rows.append((line.text, "normal"))
    rows.append((content.arrive, "normal"))
    return lines_and_qr_svg(rows, content.token, 92, module)


@dataclass
class _Outlines:
    """One weight of the font as SVG outlines: each glyph's path (font units, y up) and
    advance, made once and shared by every SVG drawn in this process."""

    cmap: dict[int, str]
    advances: dict[str, int]
    units_per_em: int
    glyph_set: Any  # fontTools' glyph set: each glyph draws itself onto a pen
    paths: dict[str, str] = field(default_factory=dict)

    def glyph(self, char: str) -> str:
        return self.cmap.get(ord(char), ".notdef")

    def path(self, name: str) -> str:
        if name not in self.paths:
            from fontTools.pens.svgPathPen import SVGPathPen

            pen = SVGPathPen(self.glyph_set)
            self.glyph_set[name].draw(pen)
            self.paths[name] = pen.getCommands()
        return self.paths[name]

    def width(self, text: str, size: float) -> float:
        return sum(self.advances[self.glyph(c)] for c in text) * size / self.units_per_em


@cache
def _outlines(bold: bool) -> _Outlines:
    from fontTools.ttLib import TTFont

    font = TTFont(str(BOLD if bold else REGULAR))
    return _Outlines(
        cmap=font.getBestCmap(),
        advances={name: metrics[0] for name, metrics in font["hmtx"].metrics.items()},
        units_per_em=font["head"].unitsPerEm,
        glyph_set=font.getGlyphSet(),
    )


def _wrap_to(text: str, outlines: _Outlines, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` at ``size`` (words kept whole where they fit)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and outlines.width(candidate, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def lines_and_qr_svg(rows: list[tuple[str, str]], token: str, columns: int, module: int) -> str:
    """An SVG ``columns`` modules wide: ``rows`` of (text, font weight), each wrapped to the
    width, above the QR of ``token`` (none when it is empty), centred; tickets and e-scouts'
    cards.

    The letters are the bundled font's outlines (each glyph defined once, then placed), not
    text in a font the viewer must have: ą, ž, Cyrillic and Polish letters print the same on a
    machine with no fonts. Each row keeps its words in ``aria-label`` (screen readers, search).
    """
    width = columns * module
    line_height = 3 * module
    size = 2 * module
    used: dict[str, str] = {}  # glyph id -> its path
    drawn: list[str] = []
    y = 0
    for text, weight in rows:
        bold = weight == "bold"
        outlines = _outlines(bold)
        scale = size / outlines.units_per_em
        for piece in _wrap_to(text, outlines, size, width - 4 * module):
            y += line_height
            x = 2.0 * module
            uses: list[str] = []
            for char in piece:
                name = outlines.glyph(char)
                if not char.isspace():
                    gid = f"{'b' if bold else 'r'}{len(used)}"
                    key = f"{'b' if bold else 'r'}:{name}"
                    gid = used.setdefault(key, gid)
                    uses.append(
                        f'<use href="#{gid}" xlink:href="#{gid}" '
                        f'transform="matrix({scale:g} 0 0 {-scale:g} {x:.2f} {y})"/>'
                    )
                x += outlines.advances[name] * scale
            drawn.append(
                f'<g aria-label="{escape(piece, {chr(34): "&quot;"})}">{"".join(uses)}</g>'
            )
    defs = "".join(
        f'<path id="{gid}" d="{_outlines(key[0] == "b").path(key[2:])}"/>'
        for key, gid in used.items()
    )
    top = y + line_height
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
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<defs>{defs}</defs>"
        f'<rect width="100%" height="100%" fill="#fff"/><g fill="#000">{"".join(drawn)}{rects}'
        "</g></svg>\n"
    )


# The PDF ticket: A6 (a quarter of an A4 sheet), in millimetres.
A6 = (105.0, 148.0)
PDF_MARGIN = 7.0
PDF_QR_SIDE = 34.0  # at full size; never under PDF_QR_MIN (a phone camera or desk scanner)
PDF_QR_MIN = 26.0
# Smaller and smaller type until the ticket fits its one page; at the smallest, the longest
# texts are cut (with "…") rather than ever starting a second page.
PDF_SCALES = tuple(s / 100 for s in range(100, 49, -5))


@dataclass(frozen=True)
class _Block:
    """One paragraph of the PDF ticket: its text, type size (pt), weight and the gap after it
    (mm); ``beside_qr``: in the column left of the QR (the code), not across the page."""

    text: str
    size: float
    bold: bool = False
    gap: float = 0.5
    beside_qr: bool = False


def _pdf_blocks(content: TicketContent) -> list[_Block]:
    blocks = [
        _Block(content.library, 8),
        _Block(content.title, 11, bold=True, gap=1.5),
        _Block(content.code_label, 9, bold=True, beside_qr=True),
        _Block(" ".join(content.code), 22, bold=True, gap=2, beside_qr=True),
    ]
    for line in content.lines:
        blocks.append(_Block(line.label, 9, bold=True, gap=0))
        blocks.append(_Block(line.text, 10, gap=1.5))
    blocks.append(_Block(content.arrive, 8, gap=0))
    return blocks


def ticket_pdf(content: TicketContent) -> bytes:
    """The ticket as one A6 PDF page: every line left-aligned, the code and the QR, selectable
    text in an embedded Unicode font. Long texts make the type smaller, then are cut; the
    ticket never runs onto a second page."""
    from fpdf import FPDF

    pdf = FPDF(format=A6)
    pdf.set_margins(PDF_MARGIN, PDF_MARGIN, PDF_MARGIN)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("ticket", "", str(REGULAR))
    pdf.add_font("ticket", "B", str(BOLD))
    pdf.add_page()
    blocks = _pdf_blocks(content)
    height = pdf.h - 2 * PDF_MARGIN

    def wrap(block: _Block, width: float, scale: float) -> list[str]:
        pdf.set_font("ticket", "B" if block.bold else "", block.size * scale)
        lines = pdf.multi_cell(width, 1, block.text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return [str(line) for line in lines] or [""]

    def layout(scale: float, keep: dict[int, int]) -> tuple[float, float, list[list[str]]]:
        """(total height, QR side, each block's lines) at ``scale``; ``keep`` caps the lines
        of some blocks."""
        qr = max(PDF_QR_MIN, PDF_QR_SIDE * scale) if content.token else 0.0
        column = pdf.epw - (qr + 3 if qr else 0)
        laid = []
        beside = across = 0.0
        for n, block in enumerate(blocks):
            lines = wrap(block, column if block.beside_qr else pdf.epw, scale)
            if n in keep and len(lines) > keep[n]:
                lines = _cut(lines[: keep[n]], block, scale, pdf)
            laid.append(lines)
            used = len(lines) * _leading(block, scale) + block.gap * scale
            if block.beside_qr:
                beside += used
            else:
                across += used
        return across + max(beside, qr + 2 if qr else 0.0), qr, laid

    keep: dict[int, int] = {}
    for scale in PDF_SCALES:
        total, qr, laid = layout(scale, keep)
        if total <= height:
            break
    # Still too long at the smallest type: cut the block with the most lines, one line at a
    # time (the code and its label are never cut).
    while total > height:
        counts = {n: len(lines) for n, lines in enumerate(laid) if not blocks[n].beside_qr}
        longest = max(counts, key=lambda n: counts[n])
        if counts[longest] <= 1:
            break
        keep[longest] = counts[longest] - 1
        total, qr, laid = layout(scale, keep)

    y = PDF_MARGIN
    column_y = None
    for block, lines in zip(blocks, laid, strict=True):
        pdf.set_font("ticket", "B" if block.bold else "", block.size * scale)
        leading = _leading(block, scale)
        if block.beside_qr and column_y is None:
            column_y = y
            if qr:
                image = qr_image(content.token).convert("L")
                pdf.image(image, x=pdf.w - PDF_MARGIN - qr, y=y, w=qr, h=qr)
        elif not block.beside_qr and column_y is not None:
            y = max(y, column_y + qr + 2)
            column_y = None
        for line in lines:
            pdf.set_xy(PDF_MARGIN, y)
            pdf.cell(text=line, h=leading, align="L")
            y += leading
        y += block.gap * scale
    return bytes(pdf.output())


def _leading(block: _Block, scale: float) -> float:
    """A line's height in mm for the block's type (about 1.3 times the type size)."""
    return block.size * scale * 0.45


def _cut(lines: list[str], block: _Block, scale: float, pdf: object) -> list[str]:
    """The kept ``lines`` with "…" at the end of the last, still within the page's width."""
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    pdf.set_font("ticket", "B" if block.bold else "", block.size * scale)
    last = lines[-1].rstrip()
    while last and pdf.get_string_width(last + " …") > pdf.epw:
        last = last[:-1].rstrip()
    return [*lines[:-1], f"{last} …" if last else "…"]
