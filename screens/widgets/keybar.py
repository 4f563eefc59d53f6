"""A one-line bar at the bottom of a screen that names its keys ("F2 Today  F3 Scouts ...").

Textual's Footer composes one widget per key again at every bindings refresh (every focus
move), and each of them data-binds to the Footer. Textual keeps the watchers of a removed
widget on the object they watched (https://github.com/Textualize/textual/issues/6666), so
a console open all day gathered them by the thousand, with the widgets they hold: memory
and CPU grew with every tab switch and never came back. This bar has no children and binds
nothing: it draws one line, and draws it again only when what it names has changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widget import Widget


@dataclass(frozen=True)
class KeyEntry:
    """One entry of the bar: its keys, and its names from the longest to the shortest."""

    keys: tuple[tuple[str, str], ...]  # (as shown, the key a click presses): ("F2", "f2")
    names: tuple[str, ...]
    optional: bool = False  # left out first when the bar is too narrow for everything


@dataclass(frozen=True)
class Layout:
    """How the entries are drawn: which name, a padded key cap, the gap between entries."""

    level: int  # index into each entry's names (its last when it has fewer)
    padded: bool
    gap: int
    optional: bool  # whether the optional entries are drawn


# Most room first: with every entry, the longest names, padded key caps, wide gaps.
LAYOUTS = [
    Layout(level, padded, gap, optional)
    for optional in (True, False)
    for level in range(3)
    for padded, gap in ((True, 2), (True, 1), (False, 2), (False, 1))
]


def name_at(entry: KeyEntry, level: int) -> str:
    return entry.names[min(level, len(entry.names) - 1)]


def key_cap(entry: KeyEntry, padded: bool) -> str:
    shown = " ".join(label for label, _ in entry.keys)
    return f" {shown} " if padded else shown


def line_width(entries: Sequence[KeyEntry], layout: Layout) -> int:
    drawn = [e for e in entries if layout.optional or not e.optional]
    cells = sum(
        cell_len(key_cap(e, layout.padded)) + cell_len(name_at(e, layout.level)) for e in drawn
    )
    return cells + layout.gap * max(len(drawn) - 1, 0)


def choose_layout(entries: Sequence[KeyEntry], width: int) -> Layout:
    """The roomiest layout that fits ``width`` cells (the tightest when none does)."""
    for layout in LAYOUTS:
        if line_width(entries, layout) <= width:
            return layout
    return LAYOUTS[-1]


class KeyBar(Widget):
    """The keys of the screen it sits on, each with its name in the screen's words.

    ``entries`` is asked again when the screen's bindings change (a focus move); the bar
    draws again only when the answer differs. A click on a key presses it."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .keybar--key {
            color: $text;
            background: $primary;
            text-style: bold;
        }
        .keybar--name {
            color: $footer-description-foreground;
        }
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--name"}

    def __init__(self, entries: Callable[[], list[KeyEntry]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries_of = entries
        self.entries: list[KeyEntry] = []
        self._spans: list[tuple[int, int, str]] = []  # cells [start, end) and their key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.update_entries()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.update_entries()

    def update_entries(self) -> None:
        """Ask for the entries again; draw again only if they changed."""
        entries = self._entries_of()
        if entries != self.entries:
            self.entries = entries
            self.refresh()

    @property
    def text(self) -> str:
        """The line as drawn at the bar's width (for tests and the curious)."""
        return self._line(self.size.width).plain

    def _line(self, width: int) -> Content:
        layout = choose_layout(self.entries, width)
        key_style = self.get_visual_style("keybar--key")
        name_style = self.get_visual_style("keybar--name")
        parts: list[tuple[str, object] | str] = []
        spans: list[tuple[int, int, str]] = []
        x = 0
        drawn = [e for e in self.entries if layout.optional or not e.optional]
        for n, entry in enumerate(drawn):
            if n:
                parts.append(" " * layout.gap)
                x += layout.gap
            start = x
            if layout.padded:
                parts.append((" ", key_style))
                x += 1
            for k, (label, key) in enumerate(entry.keys):
                if k:
                    parts.append((" ", key_style))
                    x += 1
                parts.append((label, key_style))
                spans.append((x, x + cell_len(label), key))
                x += cell_len(label)
            if layout.padded:
                parts.append((" ", key_style))
                x += 1
            name = name_at(entry, layout.level)
            parts.append((name, name_style))
            x += cell_len(name)
            if len(entry.keys) == 1:  # the whole entry presses its one key
                spans[-1] = (start, x, entry.keys[0][1])
        self._spans = spans
        return Content.assemble(*parts)  # type: ignore[arg-type]

    def render(self) -> Content:
        return self._line(self.size.width)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
