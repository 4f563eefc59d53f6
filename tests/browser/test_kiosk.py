"""The visitor kiosk in a browser (`kiosk serve --kiosk`): booking by clicks, the lock-down."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import zxingcpp
from PIL import Image

from kiosk.services import Services
from tests.browser.conftest import (
    Served,
    click_cell,
    click_text,
    open_page,
    screen,
    wait_for_text,
)


def test_book_by_clicks_and_scan_the_ticket(
    browser: Any, serve: Callable[..., Served], library: Services
) -> None:
    served = serve("--kiosk")
    page = open_page(browser, served.url)
    click_text(page, "Užsiregistruoti konsultacijai")
    click_text(page, "Išmanusis telefonas")
    click_text(page, "Pirmas laisvas laikas")
    wait_for_text(page, "Vardas (būtina)")
    typed = ""
    for key in "ONA":  # the on-screen keyboard, tapped (again if the guard ate the first tap)
        typed = (typed + key).capitalize()
        for _ in range(5):
            click_key(page, key)
            try:
                wait_for_text(page, f"┃  {typed} ", timeout_ms=2_000)
                break
            except AssertionError:
                continue
    wait_for_text(page, "┃  Ona ")
    click_text(page, "Toliau ▶")
    wait_for_text(page, "Ar viskas teisinga?")
    tap_until(page, "Patvirtinti", "Registracija patvirtinta.")
    wait_for_text(page, "▀▀▀")  # the QR code is drawn

    shown = "".join(screen(page)).replace(" ", "")
    image = Image.open(io.BytesIO(page.screenshot()))
    tokens = [r.text for r in zxingcpp.read_barcodes(image)]
    assert len(tokens) == 1, tokens
    checked = json.loads(served.cli("check-in", tokens[0]).stdout)
    assert checked["result"] == "ok"
    assert checked["code"] in shown  # the QR carries the token of the ticket on the screen
    assert library.booking.lookup(checked["code"]).name == "Ona"


def tap_until(page: Any, text: str, shows: str, tries: int = 5) -> None:
    """Tap ``text`` until ``shows`` appears: a tap in a new screen's first moment is ignored
    on purpose (the double-tap guard), and a person simply taps again."""
    for _ in range(tries - 1):
        if any(shows in row for row in screen(page)):
            return  # the last tap went through, only slowly
        click_text(page, text)
        try:
            wait_for_text(page, shows, timeout_ms=2_000)
            return
        except AssertionError:
            continue
    click_text(page, text)
    wait_for_text(page, shows)


def click_key(page: Any, label: str) -> None:
    """Tap an on-screen keyboard key: its label alone in its outline, lowest on the screen."""
    rows = screen(page)
    for y in range(len(rows) - 1, -1, -1):
        match = re.search(rf"(?<![\w.]){re.escape(label)}(?![\w.])", rows[y])
        if match:
            click_cell(page, match.start(), y)
            return
    raise AssertionError(f"no key {label!r} on the screen")


def test_the_browser_kiosk_keeps_its_lock_down(
    browser: Any, serve: Callable[..., Served], library: Services
) -> None:
    served = serve("--kiosk")
    page = open_page(browser, served.url)
    click_text(page, "Užsiregistruoti konsultacijai")
    wait_for_text(page, "Kuo galime padėti?")
    # No context menu, no text selection, no ctrl+wheel zoom: the page eats them.
    eaten = page.evaluate(
        """() => ["contextmenu", "selectstart", "dragstart"].map(type => {
            const event = new MouseEvent(type, {bubbles: true, cancelable: true});
            return !document.querySelector(".xterm-screen").dispatchEvent(event);
        })"""
    )
    assert eaten == [True, True, True]
    # Keys that end or leave a terminal app do nothing here either.
    for key in ("Control+q", "Control+c", "Control+w", "Alt+F4", "Control+l"):
        page.keyboard.press(key)
    wait_for_text(page, "Kuo galime padėti?")
    assert served.process.poll() is None
    # The librarian's gesture still asks for the PIN.
    page.keyboard.press("F12")
    wait_for_text(page, "Bibliotekininko prisijungimas")
