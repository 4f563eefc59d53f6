"""The visitor kiosk in a browser (`kiosk serve --kiosk`): booking by clicks, the lock-down."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import zxingcpp
from PIL import Image

from kiosk.services import Services
from kiosk.web.drive import (
    click_cell,
    click_text,
    press_until,
    screen,
    type_on_the_keys,
    wait_for_text,
)
from tests.browser.conftest import Served, open_page


def test_book_by_clicks_and_scan_the_ticket(
    browser: Any, serve: Callable[..., Served], library: Services
) -> None:
    served = serve("--kiosk")
    page = open_page(browser, served.url)
    click_text(page, "Užsiregistruoti konsultacijai")
    click_text(page, "Išmanusis telefonas")
    click_text(page, "Pirmas laisvas laikas")
    wait_for_text(page, "Vardas (būtina)")
    type_on_the_keys(page, click_cell, "ONA", field=str.capitalize)  # the field shows "Ona"
    click_text(page, "Toliau ▶")
    wait_for_text(page, "Ar viskas teisinga?")
    press_until(page, click_cell, "Patvirtinti", "Registracija patvirtinta.")
    wait_for_text(page, "▀▀▀")  # the QR code is drawn

    shown = "".join(screen(page)).replace(" ", "")
    image = Image.open(io.BytesIO(page.screenshot()))
    tokens = [r.text for r in zxingcpp.read_barcodes(image)]
    assert len(tokens) == 1, tokens
    checked = json.loads(served.cli("check-in", tokens[0]).stdout)
    assert checked["result"] == "ok"
    assert checked["code"] in shown  # the QR carries the token of the ticket on the screen
    assert library.booking.lookup(checked["code"]).name == "Ona"


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
