"""Browser tests: `kiosk serve` on a free loopback port, driven by Debian's chromium.

Playwright's sync API, one browser per test module (each pytest-xdist worker has its own);
nothing is downloaded: the browser is the system's /usr/bin/chromium. The page's terminal
is read from xterm.js's own buffer (textual-serve's script is served to the test browser
with one line added that makes its terminal reachable), and clicked by cell.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.app import TAP_GUARD_SECONDS
from kiosk.demo import seed_demo
from kiosk.domain.clock import FixedClock
from kiosk.services import Services, build_services
from tests.conftest import NOW, set_pin

CHROMIUM = os.environ.get("KIOSK_TEST_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium waits on a network that is not there.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
# Where textual.js makes its terminal object; the test's copy also keeps it on window.
EXPOSE = ("const t=new w(e,{ping:r});", "const t=new w(e,{ping:r});window.kioskTerminal=t;")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # One worker runs them all, so chromium starts once per module on one core.
            item.add_marker(pytest.mark.xdist_group("browser"))


def _browser_missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (make test installs it with apt-get as root)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"browser tests must run under CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """A `kiosk serve` process on a loopback port, and its data dir."""

    def __init__(self, data_dir: Path, *args: str, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.args = args
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KIOSK_NOW": NOW.isoformat()}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.log = data_dir.parent / f"serve-{self.port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "serve"]
            + ["--port", str(self.port), *args],
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its App processes end with it
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kiosk serve ended: {self.log.read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("kiosk serve did not start listening")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "KIOSK_NOW": NOW.isoformat()}
        return subprocess.run(
            [sys.executable, "-m", "kiosk", "--data-dir", str(self.data_dir), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def library(tmp_path: Path) -> Services:
    """Demo data with the PIN set, on the fixed test day."""
    services = build_services(tmp_path / "data", FixedClock(NOW))
    seed_demo(services.store, services.clock)
    set_pin(services)
    return services


@pytest.fixture
def serve(library: Services) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(library.data_dir, *args)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


# -- the page --------------------------------------------------------------------------


def open_page(browser: Any, url: str, **context: Any) -> Any:
    """A fresh browser context at ``url`` whose terminal the test can read."""
    context.setdefault("viewport", {"width": 1280, "height": 720})
    ctx = browser.new_context(**context)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()

    def expose(route: Any) -> None:
        response = route.fetch()
        body = response.text()
        assert EXPOSE[0] in body, "textual.js changed: update EXPOSE in tests/browser"
        route.fulfill(response=response, body=body.replace(*EXPOSE))

    page.route(re.compile(r".*/static/js/textual\.js$"), expose)
    page.goto(url)
    return page


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


def wait_for_text(page: Any, text: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until ``text`` is on the screen (the terminal redraws as the App does)."""
    script = f"() => ({SCREEN_JS})().some(row => row.includes({text!r}))"
    try:
        page.wait_for_function(script, timeout=timeout_ms)
    except Exception as error:
        raise AssertionError(f"{text!r} never showed:\n" + "\n".join(screen(page))) from error


Press = Callable[[Any, int, int], None]  # a click or a tap on a terminal cell (x, y)


def _cell_point(page: Any, x: int, y: int) -> tuple[float, float]:
    """The middle of cell (x, y) in page coordinates."""
    box = page.locator(".xterm-screen").bounding_box()
    cols, rows = page.evaluate(
        "() => [window.kioskTerminal.terminal.cols, window.kioskTerminal.terminal.rows]"
    )
    width, height = box["width"] / cols, box["height"] / rows
    return box["x"] + (x + 0.5) * width, box["y"] + (y + 0.5) * height


def click_cell(page: Any, x: int, y: int) -> None:
    page.mouse.click(*_cell_point(page, x, y))


def tap_cell(page: Any, x: int, y: int) -> None:
    """A finger on cell (x, y): touch events (the context needs ``has_touch=True``)."""
    page.touchscreen.tap(*_cell_point(page, x, y))


def _text_cell(page: Any, text: str, nth: int) -> tuple[int, int]:
    """The middle cell of the ``nth`` place ``text`` is shown, once the tap guard has passed.

    The kiosk ignores taps on a screen younger than its tap guard (a double tap must not
    reach the next screen), so, like a person, the press comes once that time has passed
    since the text showed: under load, a press at once could fall inside the guard."""
    wait_for_text(page, text)
    page.wait_for_timeout(TAP_GUARD_SECONDS * 1000)
    hits = [(y, row.index(text)) for y, row in enumerate(screen(page)) if text in row]
    y, x = hits[nth]
    return x + len(text) // 2, y


def click_text(page: Any, text: str, nth: int = 0) -> None:
    """Click the middle of the ``nth`` place ``text`` is shown, as a mouse would."""
    click_cell(page, *_text_cell(page, text, nth))


def tap_text(page: Any, text: str, nth: int = 0) -> None:
    """Tap the middle of the ``nth`` place ``text`` is shown, as a finger would."""
    tap_cell(page, *_text_cell(page, text, nth))


def press_until(page: Any, press: Press, text: str, shows: str, tries: int = 5) -> None:
    """Press ``text`` until ``shows`` appears: a press in a new screen's first moment is
    ignored on purpose (the double-tap guard), and a person simply presses again."""
    for _ in range(tries - 1):
        if any(shows in row for row in screen(page)):
            return  # the last press went through, only slowly
        press(page, *_text_cell(page, text, 0))
        try:
            wait_for_text(page, shows, timeout_ms=2_000)
            return
        except AssertionError:
            continue
    press(page, *_text_cell(page, text, 0))
    wait_for_text(page, shows)


def key_cell(page: Any, label: str) -> tuple[int, int]:
    """An on-screen keyboard key: its label alone in its outline, lowest on the screen."""
    rows = screen(page)
    for y in range(len(rows) - 1, -1, -1):
        match = re.search(rf"(?<![\w.]){re.escape(label)}(?![\w.])", rows[y])
        if match:
            return match.start(), y
    raise AssertionError(f"no key {label!r} on the screen:\n" + "\n".join(rows))


def type_on_the_keys(
    page: Any, press: Press, keys: str, shows: Callable[[str], str] = lambda typed: typed
) -> None:
    """Press ``keys`` one by one on the on-screen keyboard; each again until the field shows
    ``shows(typed so far)`` (a press the tap guard ate, as a person would press again)."""
    for n, key in enumerate(keys):
        for _ in range(5):
            press(page, *key_cell(page, key))
            try:
                wait_for_text(page, f"┃  {shows(keys[: n + 1])} ", timeout_ms=2_000)
                break
            except AssertionError:
                continue
    wait_for_text(page, f"┃  {shows(keys)} ")


def type_keys(page: Any, text: str) -> None:
    page.keyboard.type(text)
