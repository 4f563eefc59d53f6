"""Browser tests: `kiosk serve` on a free loopback port, driven by Debian's chromium.

Playwright's sync API, one browser per test module (each pytest-xdist worker has its own);
nothing is downloaded: the browser is the system's /usr/bin/chromium. The page is read
and pressed with kiosk/web/drive.py, as the deploy smoke test does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.demo import seed_demo
from kiosk.domain.clock import FixedClock
from kiosk.services import Services, build_services
from kiosk.web.drive import TIMEOUT_MS, expose_terminal
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # One worker runs them all, so chromium starts once per module on one core
            # (unless a module names a group of its own).
            if item.get_closest_marker("xdist_group") is None:
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
def devtools_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def devtools(devtools_port: int) -> str:
    """The browser's DevTools address: a scan's burst of keys goes there (drive.scan)."""
    return f"http://127.0.0.1:{devtools_port}"


@pytest.fixture(scope="module")
def browser(devtools_port: int) -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"browser tests must run under CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        browser = play.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, f"--remote-debugging-port={devtools_port}"],
        )
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
    expose_terminal(page)
    page.goto(url)
    return page


def type_keys(page: Any, text: str) -> None:
    page.keyboard.type(text)
