"""The browser kiosk on the touch panels libraries have: the page fits its cells to the window,
draws every letter and symbol whole, and a finger or a scanner is all it takes.

One server for the panel sizes (each test closes its page, so its session ends); the
reconnect test has its own, since it restarts it.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.demo import seed_demo
from kiosk.domain.clock import FixedClock
from kiosk.services import Services, build_services
from kiosk.web.drive import (
    CHECKED_IN,
    WELCOME,
    Finger,
    book,
    check_in,
    done_with_the_ticket,
    scan,
    wait_for_text,
)
from tests.browser.conftest import Served, open_page
from tests.conftest import NOW, set_pin

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PANELS = [(1024, 768), (1280, 720), (1366, 768), (1920, 1080)]
# Where the ticket's screenshots go (not part of the repository).
SHOTS = Path(os.environ.get("KIOSK_TICKET_SCREENSHOTS", "/tmp"))


@pytest.fixture(scope="module")
def panel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("panels") / "data"
    services = build_services(data_dir, FixedClock(NOW))
    seed_demo(services.store, services.clock)
    set_pin(services)
    served = Served(data_dir, "--kiosk")
    yield served
    served.stop()


def open_panel(browser: Any, url: str, width: int, height: int) -> Any:
    return open_page(browser, url, viewport={"width": width, "height": height}, has_touch=True)


GRID_JS = """() => {
  const t = window.kioskTerminal.terminal, fit = window.kioskFit;
  const size = Number(t.options.fontSize);
  return {size, cols: t.cols, rows: t.rows, fitted: fit.fitted,
          predicted: fit.grid(size), larger: fit.grid(size + 1),
          rowHeight: t._core._renderService.dimensions.css.cell.height};
}"""


# Every character the visitor's screens draw at one cell: each must be in the page's font
# at the cell's width, and lie within the row (no carons cut off, nothing over the next
# letter). Block and box-drawing characters xterm.js draws itself, at any size.
GLYPHS_JS = """([chars, size]) => {
  const family = "'Roboto Mono', Monaco, 'Courier New', monospace";
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = `${size}px ${family}`;
  const cell = ctx.measureText("W");
  const bad = [];
  for (const ch of chars) {
    const m = ctx.measureText(ch);
    const wide = Math.abs(m.width - cell.width) > Math.max(1, size * 0.02);
    const above = m.actualBoundingBoxAscent > cell.fontBoundingBoxAscent + 0.5;
    const below = m.actualBoundingBoxDescent > cell.fontBoundingBoxDescent + 0.5;
    if (wide || above || below) bad.push([ch, m.width, m.actualBoundingBoxAscent,
                                          m.actualBoundingBoxDescent]);
  }
  const faces = [...document.fonts].filter(f => f.family.includes("Roboto Mono"))
    .map(f => f.status);
  return {bad, faces, ascent: cell.fontBoundingBoxAscent, descent: cell.fontBoundingBoxDescent,
          cell: cell.width};
}"""


def drawn_characters() -> str:
    """The characters beyond ASCII in the visitor screens' code and every catalogue."""
    text = ""
    for path in [*ROOT.glob("screens/**/*.py"), *ROOT.glob("kiosk/locales/*/LC_MESSAGES/*.po")]:
        source = path.read_text(encoding="utf-8")
        text += source + "".join(
            chr(int(code, 16)) for code in re.findall(r"\\u([0-9a-fA-F]{4})", source)
        )
    chars = {
        c
        for c in text
        if ord(c) > 0x7F
        and not 0x2500 <= ord(c) <= 0x259F  # xterm.js's own box drawing and blocks
        and unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn")
        and c != "\ufeff"
    }
    return "".join(sorted(chars))


@pytest.mark.parametrize(("width", "height"), PANELS, ids=[f"{w}x{h}" for w, h in PANELS])
def test_a_panel_is_fitted_and_booked_and_checked_in_by_taps(
    browser: Any, panel_server: Served, width: int, height: int
) -> None:
    served = panel_server
    page = open_panel(browser, served.url, width, height)
    try:
        wait_for_text(page, WELCOME)
        grid = page.evaluate(GRID_JS)
        # At least 80x24 cells, and the largest font that gives them.
        assert grid["fitted"]
        assert grid["cols"] >= 80 and grid["rows"] >= 24, grid
        assert {"cols": grid["cols"], "rows": grid["rows"]} == grid["predicted"], grid
        assert grid["larger"]["cols"] < 80 or grid["larger"]["rows"] < 24, grid
        glyphs = page.evaluate(GLYPHS_JS, [drawn_characters(), grid["size"]])
        assert glyphs["faces"] == ["loaded", "loaded"], glyphs
        assert glyphs["bad"] == [], glyphs
        assert grid["rowHeight"] >= glyphs["ascent"] + glyphs["descent"], (grid, glyphs)

        finger = Finger(page)
        before = codes(served)
        book(page, finger, name="ONA")
        (code,) = codes(served) - before
        try:
            page.screenshot(path=str(SHOTS / f"kiosk-ticket-{width}x{height}.png"))
            done_with_the_ticket(page, finger)
            check_in(page, finger, code)
            assert status_of(served, code) == "checked_in"
        finally:
            release(served, code)
    finally:
        page.context.close()


def test_a_scan_checks_in_right_after_the_page_loads_and_after_a_restart(
    browser: Any, devtools: str, serve: Callable[..., Served], library: Services
) -> None:
    served = serve("--kiosk")
    code, token = book_at_desk(served)
    page = open_panel(browser, served.url, 1280, 720)
    try:
        wait_for_text(page, WELCOME)
        # The ticket's QR read by a USB scanner (a keyboard), straight on Welcome, with no tap
        # on the page first.
        assert page.evaluate("() => document.activeElement.className") == "xterm-helper-textarea"
        scan(page, devtools, token)
        wait_for_text(page, CHECKED_IN)
        assert status_of(served, code) == "checked_in"
        undone = served.cli("undo", code, "--reason", "the test scans it again")
        assert undone.returncode == 0, undone.stderr

        # The server restarts; the page waits until it answers, then starts on Welcome.
        served.stop()
        page.wait_for_function("() => document.body.classList.contains('-closed')")
        with page.expect_event("requestfailed"):  # it asked while the server was down
            pass
        restarted = Served(served.data_dir, *served.args, port=served.port)
        try:
            wait_for_text(page, WELCOME)
            scan(page, devtools, code)  # a code typed as fast as a scanner does works too
            wait_for_text(page, CHECKED_IN)
            assert status_of(restarted, code) == "checked_in"
        finally:
            restarted.stop()
    finally:
        page.context.close()


# -- the data, through the command line ------------------------------------------------------


def codes(served: Served) -> set[str]:
    return {b["code"] for b in json.loads(served.cli("bookings").stdout)}


def status_of(served: Served, code: str) -> str:
    (booking,) = [b for b in json.loads(served.cli("bookings").stdout) if b["code"] == code]
    return str(booking["status"])


def book_at_desk(served: Served) -> tuple[str, str]:
    """A booking for today's first free time (the only one that can check in an hour
    ahead, at the tests' fixed moment), made at the desk: its code and its QR's token."""
    slot = json.loads(served.cli("slots", "--topic", "smartphone").stdout)[0]
    made = served.cli("book", "--topic", "smartphone", "--start", slot["start"], "--name", "Rasa")
    assert made.returncode == 0, made.stderr
    ticket = json.loads(made.stdout)
    return str(ticket["code"]), str(ticket["token"])


def release(served: Served, code: str) -> None:
    """The check-in taken back and the booking cancelled: the next panel gets the same time
    (the only one open for check-in at the tests' fixed moment) and the same visitor."""
    if status_of(served, code) == "checked_in":
        undone = served.cli("undo", code, "--reason", "the next panel books it again")
        assert undone.returncode == 0, undone.stderr
    cancelled = served.cli("cancel", code)
    assert cancelled.returncode == 0, cancelled.stderr
