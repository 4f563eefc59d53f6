"""A real terminal: the installed ``kiosk demo`` under tmux, booked by keys alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.domain.clock import FixedClock
from kiosk.services import build_services
from tests.conftest import NOW

TMUX = shutil.which("tmux")
# A tmux server of this test process's own, started with this test's environment.
SOCKET = f"kiosk-tests-{os.getpid()}"
KIOSK = Path(sys.executable).with_name("kiosk")

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
    pytest.mark.skipif(not KIOSK.exists(), reason="the kiosk script is not installed"),
]


def _tmux(*args: str) -> str:
    assert TMUX is not None
    done = subprocess.run([TMUX, "-L", SOCKET, *args], capture_output=True, text=True, check=False)
    return done.stdout


def _start(tmp_path: Path, size: tuple[int, int]) -> tuple[str, Path]:
    name = f"kiosk-test-{uuid.uuid4().hex[:8]}"
    data = tmp_path / "kiosk-data"
    command = (
        f"env KIOSK_DATA_DIR={data} KIOSK_NOW={NOW.isoformat()} TERM=xterm-256color {KIOSK} demo"
    )
    # COLUMNS/LINES (set by pytest-xdist's workers) would override the terminal's real size.
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
    width, height = size
    subprocess.run(
        [
            TMUX,
            "-L",
            SOCKET,
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(width),
            "-y",
            str(height),
            command,
        ],  # type: ignore[list-item]
        check=True,
        env=env,
    )
    return name, data


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name, data = _start(tmp_path, (120, 40))
    try:
        yield name, data
    finally:
        _tmux("kill-session", "-t", name)


@pytest.fixture
def small_session(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name, data = _start(tmp_path, (80, 24))
    try:
        yield name, data
    finally:
        _tmux("kill-session", "-t", name)


def _screen(name: str) -> str:
    return _tmux("capture-pane", "-p", "-t", name)


def _wait_for(name: str, text: str, limit: float = 30.0) -> str:
    """Poll the pane until ``text`` shows (the app renders asynchronously)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        shown = _screen(name)
        if text in shown:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{_screen(name)}")


def _keys(name: str, *keys: str) -> None:
    _tmux("send-keys", "-t", name, *keys)


def test_book_by_keys_in_a_real_terminal(session: tuple[str, Path]) -> None:
    name, data = session
    _wait_for(name, "Užsiregistruoti konsultacijai")
    _wait_for(name, "2026 m. lapkričio 24 d., antradienis")
    _keys(name, "Enter")  # the first choice has the focus
    _wait_for(name, "Kuo galime padėti?")
    _wait_for(name, "Išmanusis telefonas")
    _keys(name, "Enter")  # the first topic has the focus
    _wait_for(name, "Pirmas laisvas laikas")
    _keys(name, "Enter")
    _wait_for(name, "Vardas (būtina)")
    _keys(name, "-l", "Žygimantas")
    _wait_for(name, "Žygimantas")
    _keys(name, "C-j")  # no phone: continue (ctrl+j, the Enter a scanner may send, from any field)
    _wait_for(name, "Ar viskas teisinga?")
    _keys(name, "Enter")  # Confirm
    _wait_for(name, "Registracija patvirtinta.")
    shown = _wait_for(name, "▀")  # the QR code is drawn (in a worker)
    services = build_services(data, FixedClock(NOW))
    mine = [b for b in services.booking.bookings() if b.name == "Žygimantas"]
    assert len(mine) == 1
    assert " ".join(mine[0].code) in shown
    _keys(name, "Escape")  # Done
    _wait_for(name, "Užsiregistruoti konsultacijai")


def test_a_scan_on_welcome_checks_in_in_a_real_terminal(session: tuple[str, Path]) -> None:
    name, data = session
    _wait_for(name, "Užsiregistruoti konsultacijai")
    services = build_services(data, FixedClock(NOW))
    slot = services.booking.first_free("smartphone")
    assert slot is not None
    ticket = services.booking.book("smartphone", slot.start, "Rūta", scout=slot.scout)
    # A USB scanner: the token's characters and CR in one burst (digits such as 2 and 3 are
    # Welcome's shortcuts when a person presses them alone).
    _keys(name, "-l", ticket.token + "\r")
    _wait_for(name, "Rūta")  # the check-in answer names the visitor
    assert services.booking.lookup(ticket.booking.code).checked_in_at is not None


def test_book_by_keys_at_80x24(small_session: tuple[str, Path]) -> None:
    name, data = small_session
    _wait_for(name, "Užsiregistruoti konsultacijai")
    # The help button is on screen, not below it (beside five languages: "? Pagalba").
    _wait_for(name, "? Pagalba")
    _keys(name, "Enter")
    _wait_for(name, "Išmanusis telefonas")
    _keys(name, "Enter")
    _wait_for(name, "Pirmas laisvas laikas")
    _keys(name, "Enter")
    _wait_for(name, "Vardas (būtina)")
    _keys(name, "-l", "Vytautas")
    _wait_for(name, "Vytautas")
    _keys(name, "Enter")  # Enter in the name continues: the phone is optional
    _wait_for(name, "✔ Patvirtinti")  # at 80x24 the question line gives its row to the card
    _keys(name, "Enter")
    shown = _wait_for(name, "Registracija patvirtinta.")
    services = build_services(data, FixedClock(NOW))
    [mine] = [b for b in services.booking.bookings() if b.name == "Vytautas"]
    assert mine.code in shown.replace(" ", "")
