"""The fit check's rules (kiosk/fitcheck.py), proven on a small app of its own, so they stay
proven whatever the kiosk's screens look like."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from kiosk.fitcheck import screen_problems
from tests.ui.conftest import settle


class _Cramped(App[None]):
    """A body that scrolls, a button past the right edge, one cut by its row, one hidden,
    and a bar whose blank padding runs off the edge (as the short ticket's does)."""

    CSS = """
    #body { height: 4; }
    #row { height: 3; width: 20; overflow: hidden; }
    #wide { width: 30; }
    #far { offset-x: 35; }
    #bar { width: 100%; height: 3; offset-x: 10; padding-right: 10; }
    #bar Button { width: 10; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="body"):
            for n in range(8):
                yield Static(f"line {n}")
        with Horizontal(id="row"):
            yield Button("wide", id="wide")
        yield Button("far", id="far")
        yield Button("hidden", id="hidden")
        with Horizontal(id="bar"):
            yield Button("ok", id="ok")

    def on_mount(self) -> None:
        self.query_one("#hidden").display = False


async def test_the_checker_names_what_is_cut_and_what_scrolls() -> None:
    app = _Cramped()
    async with app.run_test(size=(40, 16)) as pilot:
        await settle(pilot)
        lines = [p.line() for p in screen_problems(app.screen, "cramped")]
    assert lines == [
        "cramped: #wide (Button): cut: 30x3 at 0,4 is not inside #row (Horizontal) (20x3 at 0,4)",
        "cramped: #far (Button): cut: 16x3 at 35,7 is not inside the 40x16 screen",
        "cramped: #body (VerticalScroll): scrolls: 4 rows below the fold",
    ]
