"""A real terminal the size of the kiosk panel (78x18): ``kiosk demo`` under tmux, by keys."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.ui.test_visitor_tmux as tmux
from kiosk.domain.clock import FixedClock
from kiosk.services import build_services
from tests.conftest import NOW

pytestmark = tmux.pytestmark


@pytest.fixture
def small_session(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name = f"kiosk-small-{uuid.uuid4().hex[:8]}"
    data = tmp_path / "kiosk-data"
    command = (
        f"env KIOSK_DATA_DIR={data} KIOSK_NOW={NOW.isoformat()} TERM=xterm-256color "
        f"{tmux.KIOSK} demo"
    )
    # COLUMNS/LINES (set by pytest-xdist's workers) would override the terminal's real size.
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
    assert tmux.TMUX is not None
    subprocess.run(
        [
            tmux.TMUX,
            "-L",
            tmux.SOCKET,
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "78",
            "-y",
            "18",
            command,
        ],
        check=True,
        env=env,
    )
    try:
        yield name, data
    finally:
        tmux._tmux("kill-session", "-t", name)


def test_book_by_keys_on_a_78x18_terminal(small_session: tuple[str, Path]) -> None:
    name, data = small_session
    shown = tmux._wait_for(name, "Atvykau į konsultaciją")  # the third choice is in view
    assert "Užsiregistruoti konsultacijai" in shown
    assert "English" in shown
    tmux._keys(name, "Enter")
    tmux._wait_for(name, "Išmanusis telefonas")
    shown = tmux._wait_for(name, "1 / 3")  # the pager's bar is drawn a moment after the tiles
    assert "Daugiau ▼" in shown  # more topics, and it says so
    tmux._keys(name, "PageDown")
    tmux._wait_for(name, "2 / 3")
    tmux._keys(name, "PageUp")
    tmux._wait_for(name, "1 / 3")
    tmux._keys(name, "Enter")  # the first topic has the focus again
    tmux._wait_for(name, "Pirmas laisvas laikas")
    tmux._keys(name, "Enter")
    shown = tmux._wait_for(name, "Tarpas")  # the last row of keys is in view
    assert "Vardas (būtina)" in shown and "Toliau" in shown
    tmux._keys(name, "-l", "Žygimantas")
    tmux._wait_for(name, "Žygimantas")
    tmux._keys(name, "Enter")  # Enter in the name goes on (no phone)
    shown = tmux._wait_for(name, "Patvirtinti")
    tmux._keys(name, "Enter")  # Confirm
    tmux._wait_for(name, "Registracija patvirtinta.")
    shown = tmux._wait_for(name, "▀")  # the QR code is drawn (in a worker)
    services = build_services(data, FixedClock(NOW))
    mine = [b for b in services.booking.bookings() if b.name == "Žygimantas"]
    assert len(mine) == 1
    assert " ".join(mine[0].code) in shown
    # The time and the place are in view beside the QR; the rest of the ticket too, or a
    # tap away on a second page.
    assert "Kada:" in shown and "Vieta:" in shown
    assert "Daugiau ▼" not in shown or "1 / 2" in shown
    assert "Baigti" in shown
    tmux._keys(name, "Escape")  # Done
    tmux._wait_for(name, "Užsiregistruoti konsultacijai")
