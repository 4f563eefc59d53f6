"""An e-scout's card and PIN in a real terminal the size of the kiosk panel (78x18)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.ui.test_visitor_tmux as tmux
from kiosk.domain.clock import FixedClock
from kiosk.services import build_services
from tests.conftest import NOW
from tests.ui.scout_helpers import SCOUT, SCOUT_PIN

pytestmark = tmux.pytestmark


@pytest.fixture
def panel(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name, data = tmux._start(tmp_path, (78, 18))
    try:
        yield name, data
    finally:
        tmux._tmux("kill-session", "-t", name)


def test_a_card_and_pin_open_my_day_at_78x18(panel: tuple[str, Path]) -> None:
    name, data = panel
    tmux._wait_for(name, "Atvykau į konsultaciją")
    services = build_services(data, FixedClock(NOW))
    card = services.scout_access.issue_card(SCOUT)
    services.scout_access.set_pin(SCOUT, SCOUT_PIN)
    tmux._keys(name, "-l", card + "\r")  # the scanner: the whole card and CR in one burst
    shown = tmux._wait_for(name, "Sveiki, Austėja R.!")
    assert "Prisijungti" in shown and "Atgal" in shown  # the pad and the bar are in view
    tmux._keys(name, "-l", SCOUT_PIN)
    tmux._keys(name, "Enter")
    tmux._wait_for(name, "Mano diena")
    shown = tmux._wait_for(name, "Mano valandos")  # the bar is drawn with the new screen
    assert "Aš čia" in shown and "Baigti" in shown and "Mano valandos" in shown
    tmux._keys(name, "Escape")  # Finish: Welcome again
    tmux._wait_for(name, "Atvykau į konsultaciją")
