"""The page half of the deploy smoke test (deploy/smoke-headless.sh starts the rest).

``python -m kiosk.web.smoke --devtools URL --page URL --data-dir DIR`` takes the chromium that
the kiosk's unit started (under cage, with a DevTools port) and, in its kiosk window:

1. reads the grid the page chose for the window and fails under 78x18 cells, or when the
   terminal draws without WebGL (the QR code's block characters then come apart);
2. runs ``kiosk fitcheck`` at that grid: every visitor screen, failing on anything cut,
   scrolled or paged where it must not be;
3. books by taps alone (touch events), sees the ticket's code and its Done, and saves a
   screenshot of it when given a command that takes one (grim, of the compositor's output);
4. checks the visitor in by taps, then, once the check-in is taken back and the page has
   reloaded, by a scanner's burst of keys with no tap first.

Each step prints a line; a failure prints ``smoke: FAIL: …`` and exits 1. The data dir is
the throwaway one the kiosk serves (the demo library); the command line reads it back.
Needs Playwright (``pip install 'escout-kiosk[smoke]'``), which the kiosk itself does not.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from kiosk.web.drive import (
    CHECKED_IN,
    DONE,
    WELCOME,
    Finger,
    book,
    check_in,
    done_with_the_ticket,
    expose_terminal,
    grid,
    scan,
    screen,
    wait_for_text,
)

LEAST = (78, 18)  # the smallest grid the visitor screens are made for
START_SECONDS = 60


class Failed(Exception):
    pass


def say(line: str) -> None:
    print(f"smoke: {line}", flush=True)


def fail(reason: str) -> NoReturn:
    raise Failed(reason)


class Library:
    """The served data dir, through the kiosk's command line."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk", "--data-dir", str(self.data_dir), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    def bookings(self) -> dict[str, str]:
        """Each booking's code and status."""
        done = self.run("bookings")
        if done.returncode:
            fail(f"kiosk bookings: {done.stderr.strip()}")
        return {b["code"]: b["status"] for b in json.loads(done.stdout)}


def kiosk_page(browser: Any, address: str) -> Any:
    """The kiosk's own tab (the unit's address), once chromium has opened it."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        for context in browser.contexts:
            for page in context.pages:
                if page.url.startswith(address):
                    return page
        time.sleep(0.5)
    fail(f"chromium opened no tab at {address} in {START_SECONDS}s")


def check_grid(page: Any) -> tuple[int, int]:
    cells = grid(page)
    window = page.evaluate("() => [window.innerWidth, window.innerHeight]")
    say(
        f"window {window[0]}x{window[1]} px: font size {cells['size']} px gives "
        f"{cells['cols']}x{cells['rows']} cells"
    )
    # xterm.js draws block characters itself (the QR code's halves meet) with WebGL only;
    # its DOM fallback takes them from the font, where they leave gaps.
    if page.evaluate("() => !!document.querySelector('.xterm-rows')"):
        fail("the terminal draws without WebGL: the QR code on the screen cannot be read")
    if not cells["fitted"]:
        fail("the page did not size its font itself (a ?fontsize= in the unit's address?)")
    if cells["cols"] < LEAST[0] or cells["rows"] < LEAST[1]:
        fail(f"{cells['cols']}x{cells['rows']} cells is under {LEAST[0]}x{LEAST[1]}: screens cut")
    return cells["cols"], cells["rows"]


def fit_check(size: tuple[int, int]) -> None:
    text = f"{size[0]}x{size[1]}"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "fitcheck", "--size", text],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        sys.stdout.write(done.stdout + done.stderr)
        fail(f"kiosk fitcheck found cut screens at {text}")
    say(f"kiosk fitcheck: every visitor screen fits {text}")


def screenshot(command: str | None, path: Path) -> None:
    """``command`` prints a PNG of the screen (``grim -``); it is saved to ``path``."""
    if not command:
        return
    done = subprocess.run(shlex.split(command), capture_output=True, timeout=60)
    if done.returncode or not done.stdout.startswith(b"\x89PNG"):
        fail(f"the screenshot failed: {done.stderr.decode(errors='replace').strip()}")
    path.write_bytes(done.stdout)
    say(f"screenshot of the ticket: {path}")


def walk(page: Any, library: Library, devtools: str, shot: Path, shoot: str | None) -> None:
    finger = Finger(page)
    before = library.bookings()
    book(page, finger, "ONA")
    made = set(library.bookings()) - set(before)
    if len(made) != 1:
        fail(f"the taps made {len(made)} bookings, not one")
    (code,) = made
    shown = "\n".join(screen(page))
    if code not in shown.replace(" ", "") or DONE not in shown:
        fail("the ticket's code or its Done is not on the screen:\n" + shown)
    screenshot(shoot, shot)
    say(f"booked by taps: {code}")

    done_with_the_ticket(page, finger)
    check_in(page, finger, code)
    if library.bookings()[code] != "checked_in":
        fail(f"{code} was not checked in by taps")
    say(f"checked in by taps: {code}")

    undone = library.run("undo", code, "--reason", "the smoke test scans it again")
    if undone.returncode:
        fail(f"kiosk undo: {undone.stderr.strip()}")
    reload(page)
    wait_for_text(page, WELCOME)
    scan(page, devtools, code)  # no tap first: the terminal has the keys from the start
    wait_for_text(page, CHECKED_IN)
    if library.bookings()[code] != "checked_in":
        fail(f"{code} was not checked in by a scan right after the page loaded")
    say(f"checked in by a scan right after a page load: {code}")


# The page starts over by itself when its window takes a size that wants another font
# size (cage sizes the window after chromium has started): half a second after the last
# resize. A reload asked for meanwhile is aborted by the page's own.
SETTLED_JS = """() => document.readyState === "complete" && !!window.kioskFit &&
  (!window.kioskFit.fitted ||
   String(window.kioskFit.bestSize()) === document.getElementById("terminal").dataset.fontSize)"""
RELOAD_TRIES = 5


def reload(page: Any) -> None:
    """Reload the page once it has settled on its size, again if its own reload cut in."""
    for attempt in range(RELOAD_TRIES):
        try:
            page.wait_for_function(SETTLED_JS, timeout=START_SECONDS * 1000)
            page.reload()
            return
        except Exception as error:  # Playwright's Error: net::ERR_ABORTED, frame detached
            if attempt == RELOAD_TRIES - 1:
                raise Failed(f"the page would not reload: {error}") from error
            page.wait_for_timeout(1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.web.smoke", description=__doc__)
    parser.add_argument("--devtools", required=True, help="chromium's DevTools address")
    parser.add_argument("--page", required=True, help="the kiosk page's address (the unit's)")
    parser.add_argument("--data-dir", type=Path, required=True, help="the served data dir")
    parser.add_argument("--shot", type=Path, default=Path("kiosk-ticket.png"))
    parser.add_argument("--screenshot-command", help="prints a PNG of the screen (grim -)")
    args = parser.parse_args(argv)
    os.environ["KIOSK_DATA_DIR"] = str(args.data_dir)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        try:
            browser = play.chromium.connect_over_cdp(args.devtools, timeout=START_SECONDS * 1000)
            page = kiosk_page(browser, args.page)
            expose_terminal(page)
            reload(page)  # with the terminal in reach
            wait_for_text(page, WELCOME, timeout_ms=START_SECONDS * 1000)
            fit_check(check_grid(page))
            walk(page, Library(args.data_dir), args.devtools, args.shot, args.screenshot_command)
        except (Failed, AssertionError) as problem:
            say(f"FAIL: {problem}")
            return 1
    say("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
