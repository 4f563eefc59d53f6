"""Text that wraps as Lithuanian typography expects: never at a no-break space.

The catalogues' words carry U+00A0 inside "30 d.", "e. paslaugos" and "el. paštas"
(``kiosk.i18n.no_break``), so that a line never ends between the two halves. Textual (like
Rich) breaks lines at any whitespace, the no-break space too. ``Words`` and ``WordsLabel``
therefore break their text into lines here first, at ordinary spaces only, and hand Textual
lines that already fit: Textual then draws them as they are (alignment, padding, styles).
"""

from __future__ import annotations

import re

from rich.cells import cell_len, chop_cells
from textual.app import RenderResult
from textual.content import Content
from textual.css.types import TextWrap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RulesMap, Visual
from textual.widgets import Label, Static

NBSP = "\u00a0"
# A word: what no line may break inside (any non-space, and the no-break space), after the
# spaces before it; the spaces after it stay on its line.
_WORD = re.compile(r"([^\S\u00a0]*[\S\u00a0]+)([^\S\u00a0]*)")


def line_breaks(text: str, width: int) -> list[int]:
    """The offsets in ``text`` (one line, no newline) where its lines start after the first,
    so that each fits ``width`` cells: at ordinary spaces only. A word wider than a whole
    line is folded, as Textual folds it."""
    breaks: list[int] = []
    used = 0  # cells taken on the current line
    for match in _WORD.finditer(text):
        start = match.start()
        length = cell_len(match.group(1))
        if width - used >= length:
            used += cell_len(match.group())
        elif length > width:
            pieces = chop_cells(match.group(), width)
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            used = cell_len(pieces[-1])
        elif used and start:
            breaks.append(start)
            used = cell_len(match.group())
    return breaks


def wrapped(content: Content, width: int) -> Content:
    """``content`` with a newline wherever a line must break to fit ``width`` cells."""
    lines: list[Content] = []
    for line in content.split(allow_blank=True):
        pieces = line.divide(line_breaks(line.plain, width))
        lines.extend(piece.rstrip() for piece in pieces[:-1])
        lines.append(pieces[-1])
    return Content("\n").join(lines)


def _wraps(rules: RulesMap) -> bool:
    no_wrap: TextWrap = rules.get("text_wrap", "wrap")
    return no_wrap != "nowrap"


class KeptWords(Visual):
    """A ``Content`` that Textual draws line by line as ``wrapped`` broke it."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._lines: tuple[int, Content] | None = None  # the last width and its lines

    def __str__(self) -> str:
        return str(self.content)

    def _at(self, rules: RulesMap, width: int) -> Content:
        if not _wraps(rules):
            return self.content
        width -= 2 * rules.get("line_pad", 0)
        if self._lines is None or self._lines[0] != width:
            self._lines = (width, wrapped(self.content, max(width, 1)))
        return self._lines[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._at(options.rules, width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.content.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at(rules, width).get_height(rules, width)


class _KeepsWords:
    """What Words and WordsLabel share: their text's ``KeptWords``, made once per text (a
    widget renders on every refresh; its lines are broken again only for a new width)."""

    _kept: KeptWords | None = None

    def _kept_words(self, visual: RenderResult) -> RenderResult:
        if not isinstance(visual, Content):
            return visual
        if self._kept is None or self._kept.content is not visual:
            self._kept = KeptWords(visual)
        return self._kept


class Words(Static, _KeepsWords):
    """A ``Static`` whose lines never break at a no-break space."""

    def render(self) -> RenderResult:
        return self._kept_words(super().render())


class WordsLabel(Label, _KeepsWords):
    """A ``Label`` whose lines never break at a no-break space."""

    def render(self) -> RenderResult:
        return self._kept_words(super().render())
