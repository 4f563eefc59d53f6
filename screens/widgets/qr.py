"""A QR code drawn from its module matrix with half blocks, black on white whatever the theme.

Each terminal cell shows two modules: the upper half block's foreground is the top module,
its background the bottom one. Colours are pure #000/#fff (never theme colours, never
glyph-only output, which inverts on dark terminals and then fails many scanners).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

BLACK = "#000000"
WHITE = "#ffffff"
UPPER_HALF = "\u2580"  # ▀

_STYLES = {
    (top, bottom): Style(color=BLACK if top else WHITE, bgcolor=BLACK if bottom else WHITE)
    for top in (False, True)
    for bottom in (False, True)
}


class QRCode(Widget):
    """Shows a module matrix (True = dark), quiet zone included in the matrix."""

    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(
        self,
        matrix: list[list[bool]] | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._matrix: list[list[bool]] = matrix or []

    @property
    def matrix(self) -> list[list[bool]]:
        return self._matrix

    def set_matrix(self, matrix: list[list[bool]]) -> None:
        self._matrix = matrix
        self.refresh(layout=True)

    @property
    def cells(self) -> Size:
        """Width and height in terminal cells."""
        if not self._matrix:
            return Size(0, 0)
        return Size(len(self._matrix[0]), (len(self._matrix) + 1) // 2)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.cells.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.cells.height

    def render_line(self, y: int) -> Strip:
        width, height = self.cells
        if y >= height:
            return Strip.blank(self.size.width)
        top = self._matrix[2 * y]
        # An odd last row gets white below it (it is quiet zone anyway).
        bottom = self._matrix[2 * y + 1] if 2 * y + 1 < len(self._matrix) else [False] * width
        segments = [Segment(UPPER_HALF, _STYLES[(t, b)]) for t, b in zip(top, bottom, strict=True)]
        return Strip(segments, width).adjust_cell_length(self.size.width)
