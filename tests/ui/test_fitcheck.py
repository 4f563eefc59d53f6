"""``kiosk fitcheck``: the kiosk walks its own visitor screens and names what does not fit.

The checker's rules are proven first on a small app of its own, so they stay proven
whatever the kiosk's screens look like. Then one call with two sizes, an app run each:
60x14, where much is cut, and 92x32 (the terminal route's grid at 1024x768), where every
screen fits: rows enough for the tall layouts but not for the whole keyboard under the
details' fields, which hung 2 rows below the fold until the keys paged there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from kiosk.cli import main
from kiosk.fitcheck import screen_problems
from tests.ui.conftest import settle

# The visitor screens the walk reaches, in its order (DESIGN.md: every visitor screen).
WALKED = [
    "welcome",
    "topics",
    "times",
    "details",
    "details (typed)",
    "reminder?",
    "confirm",
    "ticket",
    "help called",
    "waiting list details",
    "more time?",
    "waiting list, a text?",
    "waiting list confirm",
    "waiting list done",
    "look-up",
    "look-up found",
    "cancel?",
    "check-in",
    "check-in refused",
    "check-in answer",
    "trouble",
]


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


def test_60x14_fails_naming_what_is_cut_and_92x32_fits(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Two sizes in one call: an app run each, a report each, exit 1 for the one that fails."""
    real = tmp_path / "env-data"  # KIOSK_DATA_DIR in every test (tests/conftest.py)
    rc = main(["fitcheck", "--size", "60x14", "--size", "92x32"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert err == "kiosk: fitcheck: screens do not fit at 60x14 lt\n"
    lines = out.splitlines()
    assert lines[-1] == f"fitcheck: 92x32 lt: {len(WALKED)} screens fit", out
    small = lines[:-1]
    assert all(line.startswith("fitcheck: 60x14 lt: ") for line in small)
    *problems, summary = (line.removeprefix("fitcheck: 60x14 lt: ") for line in small)
    assert re.fullmatch(r"\d+ screens do not fit: welcome, .*", summary)
    assert problems and not any("not reached" in p for p in problems)  # every screen walked
    found = [p.split(": ", 2) for p in problems]
    assert all(len(f) == 3 for f in found), "one line: screen, widget, what is wrong"
    assert {screen for screen, _, _ in found} <= set(WALKED)
    # The keyboard's rows are wider than 60 columns, the body scrolls, the ticket is in pages.
    assert any(
        s == "details" and "#details-keyboard" in w and what.startswith("cut: ")
        for s, w, what in found
    )
    assert ["details", "#v-body (Body)"] in [[s, w] for s, w, what in found if "scrolls" in what]
    assert any(s == "ticket" and what.startswith("paged: ") for s, w, what in found)
    assert not real.exists()  # a throwaway data dir: never the one the kiosk runs on
