"""Drive the kiosk page as a visitor does: read its terminal, tap its cells, scan a ticket.

For the browser tests (a chromium Playwright starts) and the deploy smoke test (the chromium
the kiosk's own unit starts under cage, reached on its DevTools port). Every function takes a
Playwright ``Page`` of the sync API; this module imports no Playwright itself (the kiosk
does not need it to run, only what drives it).

- The screen is read from xterm.js's own buffer: ``expose_terminal`` serves textual.js with
  one line added that keeps its terminal on ``window.kioskTerminal`` (call it before the page
  loads, or reload after).
- A press is a ``Press``: a mouse click (``click_cell``) or a finger (``Finger``: touch events
  through the browser's own input path, as a touch panel's).
- A scan is what a USB scanner sends: the ticket's keys and Enter within a few milliseconds
  (``scan``), which a key-by-key round trip cannot promise on a busy machine.

The flows speak the demo kiosk's first language, Lithuanian.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp

from kiosk.domain.scanner import TAP_GUARD_S

TIMEOUT_MS = 30_000
STILL_TRIES = 50  # tap guards to wait at most for a screen to stop moving
# Where textual.js makes its terminal object; the driven copy also keeps it on window.
EXPOSE = ("const t=new w(e,{ping:r});", "const t=new w(e,{ping:r});window.kioskTerminal=t;")
TEXTUAL_JS = re.compile(r".*/static/js/textual\.js$")

WELCOME = "Atvykau į konsultaciją"  # Welcome's "I have arrived"
CHECKED_IN = "Atvykimas"  # "Atvykimas pažymėtas", which may wrap
DONE = "Baigti"  # the ticket's Done

Press = Callable[[Any, int, int], None]  # a click or a tap on a terminal cell (x, y)


def expose_terminal(page: Any) -> None:
    """Serve this page textual.js with its terminal kept on ``window.kioskTerminal``."""

    def expose(route: Any) -> None:
        response = route.fetch()
        body = response.text()
        if EXPOSE[0] not in body:
            raise RuntimeError("textual.js changed: update EXPOSE in kiosk/web/drive.py")
        route.fulfill(response=response, body=body.replace(*EXPOSE))

    page.route(TEXTUAL_JS, expose)


# -- reading the screen -----------------------------------------------------------------

SCREEN_JS = """() => {
  const t = window.kioskTerminal && window.kioskTerminal.terminal;
  if (!t) return [];
  const buffer = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = buffer.getLine(y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows;
}"""


def screen(page: Any) -> list[str]:
    rows: list[str] = page.evaluate(SCREEN_JS)
    return rows


def shows(page: Any, text: str) -> bool:
    return any(text in row for row in screen(page))


def wait_for_text(page: Any, text: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until ``text`` is on the screen (the terminal redraws as the App does)."""
    script = f"() => ({SCREEN_JS})().some(row => row.includes({text!r}))"
    try:
        page.wait_for_function(script, timeout=timeout_ms)
    except Exception as error:
        raise AssertionError(f"{text!r} never showed:\n" + "\n".join(screen(page))) from error


def grid(page: Any) -> dict[str, Any]:
    """The terminal's cells and font size, and whether the page chose the size itself."""
    found: dict[str, Any] = page.evaluate(
        """() => { const t = window.kioskTerminal.terminal;
                   return {cols: t.cols, rows: t.rows, size: Number(t.options.fontSize),
                           fitted: window.kioskFit.fitted}; }"""
    )
    return found


# -- pressing ---------------------------------------------------------------------------


def cell_point(page: Any, x: int, y: int) -> tuple[float, float]:
    """The middle of cell (x, y) in page coordinates."""
    box = page.locator(".xterm-screen").bounding_box()
    cols, rows = page.evaluate(
        "() => [window.kioskTerminal.terminal.cols, window.kioskTerminal.terminal.rows]"
    )
    width, height = box["width"] / cols, box["height"] / rows
    return box["x"] + (x + 0.5) * width, box["y"] + (y + 0.5) * height


def click_cell(page: Any, x: int, y: int) -> None:
    page.mouse.click(*cell_point(page, x, y))


class Finger:
    """Taps by touch events, sent as the browser's input (DevTools' Input domain, as
    Playwright's touchscreen sends them) on a page told it has a touch screen: a page in a
    context made with ``has_touch`` is, the kiosk's own window under cage is not (there the
    panel tells it)."""

    def __init__(self, page: Any) -> None:
        self.session = page.context.new_cdp_session(page)
        self.session.send(
            "Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1}
        )

    def __call__(self, page: Any, x: int, y: int) -> None:
        px, py = cell_point(page, x, y)
        self.session.send(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": px, "y": py}]}
        )
        self.session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def text_cell(page: Any, text: str, nth: int = 0) -> tuple[int, int]:
    """The middle cell of the ``nth`` place ``text`` is shown, once the tap guard has passed.

    The kiosk ignores taps on a screen younger than its tap guard (a double tap must not
    reach the next screen), so, like a person, the press comes once that time has passed
    since the text showed: under load, a press at once could fall inside the guard."""
    wait_for_text(page, text)
    # A person also waits for a screen to stand still: right after a page load the App may
    # still be laying out at the terminal's first size, and a press read from that frame
    # lands on whatever the next size puts there.
    seen = _places(page, text)
    for _ in range(STILL_TRIES):
        page.wait_for_timeout(TAP_GUARD_S * 1000)
        now = _places(page, text)
        if now == seen and now[1]:
            break
        seen = now
    else:
        raise AssertionError(f"{text!r} never stood still:\n" + "\n".join(screen(page)))
    y, x = seen[1][nth]
    return x + len(text) // 2, y


def _places(page: Any, text: str) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """The grid's size and every (row, column) where ``text`` is shown."""
    size = grid(page)
    hits = [(y, row.index(text)) for y, row in enumerate(screen(page)) if text in row]
    return (size["cols"], size["rows"]), hits


def press_text(page: Any, press: Press, text: str, nth: int = 0) -> None:
    """Press the middle of the ``nth`` place ``text`` is shown."""
    press(page, *text_cell(page, text, nth))


def click_text(page: Any, text: str, nth: int = 0) -> None:
    press_text(page, click_cell, text, nth)


def press_until(page: Any, press: Press, text: str, then: str, tries: int = 5) -> None:
    """Press ``text`` until ``then`` appears: a press in a new screen's first moment is
    ignored on purpose (the double-tap guard), and a person simply presses again. Under
    load a press may go through only slowly: ``then`` showing at any point ends the presses."""
    either = (
        f"() => {{ const rows = ({SCREEN_JS})();"
        f" return rows.some(r => r.includes({text!r}) || r.includes({then!r})); }}"
    )
    for _ in range(tries):
        page.wait_for_function(either, timeout=TIMEOUT_MS)
        if shows(page, then):
            return  # the last press went through, only slowly
        try:
            press_text(page, press, text)
        except AssertionError:
            if shows(page, then):
                return  # the screen moved on while the press was being aimed
            raise
        try:
            wait_for_text(page, then, timeout_ms=2_000)
            return
        except AssertionError:
            continue
    wait_for_text(page, then)


def key_cell(page: Any, label: str) -> tuple[int, int]:
    """An on-screen keyboard key: its label alone in its outline, lowest on the screen."""
    rows = screen(page)
    for y in range(len(rows) - 1, -1, -1):
        match = re.search(rf"(?<![\w.]){re.escape(label)}(?![\w.])", rows[y])
        if match:
            return match.start(), y
    raise AssertionError(f"no key {label!r} on the screen:\n" + "\n".join(rows))


def type_on_the_keys(
    page: Any, press: Press, keys: str, field: Callable[[str], str] = lambda typed: typed
) -> None:
    """Press ``keys`` one by one on the on-screen keyboard; each again until the field shows
    ``field(typed so far)`` (a press the tap guard ate, as a person would press again)."""
    for n, key in enumerate(keys):
        for _ in range(5):
            press(page, *key_cell(page, key))
            try:
                wait_for_text(page, f"┃  {field(keys[: n + 1])} ", timeout_ms=2_000)
                break
            except AssertionError:
                continue
    wait_for_text(page, f"┃  {field(keys)} ")


# -- the visitor's flows ----------------------------------------------------------------


def book(page: Any, press: Press, name: str) -> None:
    """Welcome to the ticket by presses only: topic, the first free time, a name, confirm."""
    press_text(page, press, "Užsiregistruoti konsultacijai")
    press_text(page, press, "Išmanusis telefonas")
    press_text(page, press, "Pirmas laisvas laikas")
    wait_for_text(page, "Vardas (būtina)")
    page.wait_for_timeout(TAP_GUARD_S * 1000)
    type_on_the_keys(page, press, name, field=str.capitalize)
    press_text(page, press, "Toliau ▶")
    wait_for_text(page, "Ar viskas teisinga?")
    press_until(page, press, "Patvirtinti", "Registracija patvirtinta.")
    wait_for_text(page, "▀▀▀")  # the QR code is drawn


def done_with_the_ticket(page: Any, press: Press, tries: int = 5) -> None:
    """Press the ticket's Done until Welcome is back. (The ticket itself quotes Welcome's
    "I have arrived" button in its check-in sentence: Welcome is back when Done is gone.)"""
    back = (
        f"() => {{ const rows = ({SCREEN_JS})();"
        f" return rows.some(r => r.includes({WELCOME!r}))"
        f" && !rows.some(r => r.includes({DONE!r})); }}"
    )
    for _ in range(tries):
        press_text(page, press, DONE)
        try:
            page.wait_for_function(back, timeout=2_000)
            return
        except Exception:  # noqa: BLE001 - a press in the screen's first moment is ignored
            continue
    raise AssertionError("Done never led back to Welcome:\n" + "\n".join(screen(page)))


def check_in(page: Any, press: Press, code: str) -> None:
    """Welcome's "I have arrived", the code on the code keyboard, then the check-in button."""
    press_until(page, press, WELCOME, "Pažymėti atvykimą")
    page.wait_for_timeout(TAP_GUARD_S * 1000)
    type_on_the_keys(page, press, code)
    press_until(page, press, "Pažymėti atvykimą", CHECKED_IN)


# -- a scanner --------------------------------------------------------------------------


def _key(char: str) -> dict[str, Any]:
    """One key of a scanner's burst, as DevTools' Input.dispatchKeyEvent takes it."""
    if char == "\r":
        return {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}
    code = f"Digit{char}" if char.isdigit() else f"Key{char.upper()}"
    return {"key": char, "code": code, "windowsVirtualKeyCode": ord(char.upper()), "text": char}


async def _burst(websocket_url: str, text: str) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(websocket_url) as ws:
        messages = []
        for char in text:
            down = {"type": "keyDown", **_key(char)}
            up = {"type": "keyUp", **{k: v for k, v in _key(char).items() if k != "text"}}
            messages += [down, up]
        # Every key sent before any answer is awaited: one burst, as from the scanner.
        for n, params in enumerate(messages, start=1):
            await ws.send_json({"id": n, "method": "Input.dispatchKeyEvent", "params": params})
        answered = 0
        while answered < len(messages):
            reply = json.loads((await ws.receive(timeout=TIMEOUT_MS / 1000)).data)
            if "error" in reply:
                raise RuntimeError(f"DevTools refused a key: {reply['error']}")
            answered += "id" in reply


def scan(page: Any, devtools: str, ticket: str) -> None:
    """A USB scanner reads ``ticket``: its keys and Enter in one burst, into this page.

    ``devtools`` is the browser's DevTools address (``http://127.0.0.1:PORT``, chromium's
    ``--remote-debugging-port``): the keys go over a socket of their own, all at once."""
    target = page.context.new_cdp_session(page).send("Target.getTargetInfo")["targetInfo"]
    host = devtools.removeprefix("http://").rstrip("/")
    url = f"ws://{host}/devtools/page/{target['targetId']}"
    # Its own thread and loop: the sync API's loop is the caller's.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _burst(url, ticket + "\r")).result()
