"""Pages of big items with "More ▼" / "▲ Previous" buttons, for a screen that cannot scroll.

A terminal does not scroll by dragging, so a touch kiosk must never hide a tap target below
the fold. The pager measures its own size, lays out as many equal cells as fit (columns from
the width, rows from the height) and pages the rest. It re-pages on every resize.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Static

from screens.widgets.words import Words

NAV_HEIGHT = 3  # the row of page buttons: a 3-row touch target


class PagerButton(Button, can_focus=False):
    """A page button: never takes the focus from the item the visitor is on."""


class Pager(Widget):
    """Items in a grid of equal cells, page by page; fills the height its parent gives it."""

    DEFAULT_CSS = """
    Pager {
        height: 1fr;
        width: 1fr;
    }
    Pager > Grid {
        height: 1fr;
        grid-gutter: 1 2;
    }
    Pager > Grid > * {
        width: 100%;
        height: 100%;
    }
    Pager > .pager-nav {
        height: 3;
        width: 100%;
        align-horizontal: center;
    }
    Pager > .pager-nav PagerButton {
        height: 3;
        min-width: 18;
        text-style: bold;
    }
    Pager > .pager-nav .pager-count {
        width: auto;
        min-width: 9;
        height: 3;
        content-align: center middle;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("pagedown", "next_page", "Next page", id="pager-next", show=False),
        Binding("pageup", "previous_page", "Previous page", id="pager-previous", show=False),
    ]

    page: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        *,
        item_height: int = 3,
        min_column_width: int = 30,
        max_columns: int = 4,
        cell_gap: tuple[int, int] = (1, 2),
        more_label: str = "More \u25bc",
        back_label: str = "\u25b2 Previous",
        count_format: str = "{page} / {pages}",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.item_height = item_height
        self.min_column_width = min_column_width
        self.max_columns = max_columns
        self.cell_gap = cell_gap
        self.more_label = more_label
        self.back_label = back_label
        self.count_format = count_format
        self._items: list[Widget] = []
        self.columns = 1
        self.rows = 1

    def compose(self) -> ComposeResult:
        yield Grid(classes="pager-grid")
        with Horizontal(classes="pager-nav"):
            yield PagerButton(Content(self.back_label), classes="pager-back")
            yield Words(classes="pager-count")
            yield PagerButton(Content(self.more_label), classes="pager-more")

    @property
    def items(self) -> list[Widget]:
        return list(self._items)

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self._items) // self.per_page))

    def page_items(self) -> list[Widget]:
        """The items on the page shown now."""
        start = self.page * self.per_page
        return self._items[start : start + self.per_page]

    def page_of(self, item: Widget) -> int:
        return self._items.index(item) // self.per_page

    async def set_items(self, items: Iterable[Widget]) -> None:
        """Replace every item and show the first page."""
        grid = self.query_one(Grid)
        await grid.remove_children()
        self._items = list(items)
        for item in self._items:
            item.display = False
        await grid.mount_all(self._items)
        self._fit()
        self.page = 0
        self._show()

    def _fit(self) -> None:
        """How many columns and rows of cells fit in this pager's size."""
        width, height = self.size
        if not width or not height:
            return
        gap_y, gap_x = self.cell_gap
        cell = self.min_column_width
        self.columns = max(1, min(self.max_columns, (width + gap_x) // (cell + gap_x)))
        rows_needed = -(-len(self._items) // self.columns) if self._items else 1
        rows_all = (height + gap_y) // (self.item_height + gap_y)
        if rows_all >= rows_needed:
            self.rows = max(1, rows_needed)  # everything fits: no page buttons at all
        else:
            self.rows = max(1, (height - NAV_HEIGHT + gap_y) // (self.item_height + gap_y))
        grid = self.query_one(Grid)
        grid.styles.grid_size_columns = self.columns
        grid.styles.grid_size_rows = self.rows
        grid.styles.grid_rows = str(self.item_height)
        # Textual names the gutters by the lines they draw: "horizontal" lies between rows.
        grid.styles.grid_gutter_horizontal = gap_y
        grid.styles.grid_gutter_vertical = gap_x

    def validate_page(self, page: int) -> int:
        return max(0, min(page, self.page_count - 1))

    def _show(self) -> None:
        if self.page >= self.page_count:  # fewer pages after a resize
            self.page = self.page_count - 1
            return  # the watcher shows it
        shown = set(map(id, self.page_items()))
        for item in self._items:
            item.display = id(item) in shown
        paged = self.page_count > 1
        nav = self.query_one(".pager-nav")
        nav.display = paged
        self.query_one(".pager-count", Static).update(
            Content(self.count_format.format(page=self.page + 1, pages=self.page_count))
        )
        self.query_one(".pager-back", Button).disabled = self.page == 0
        self.query_one(".pager-more", Button).disabled = self.page >= self.page_count - 1

    def watch_page(self) -> None:
        focused = self.screen.focused if self.is_mounted else None
        was_on_item = focused in self._items
        self._show()
        if was_on_item and focused is not None and not focused.display:
            items = self.page_items()
            if items:
                items[0].focus()

    def on_resize(self, event: events.Resize) -> None:
        focused = self.screen.focused
        self._fit()
        if focused in self._items:
            assert focused is not None
            self.page = self.page_of(focused)  # keep the visitor's item in view
        self._show()

    @on(Button.Pressed, ".pager-more")
    def _more(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_next_page()

    @on(Button.Pressed, ".pager-back")
    def _back(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_previous_page()

    def action_next_page(self) -> None:
        if self.page < self.page_count - 1:
            self.page += 1

    def action_previous_page(self) -> None:
        if self.page > 0:
            self.page -= 1
