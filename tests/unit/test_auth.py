"""The librarian PIN: hashed, never stored; lock-out grows after 5 wrong tries."""

from __future__ import annotations

import json

import pytest

from kiosk.auth import PinService
from kiosk.errors import ValidationError
from kiosk.services import Services


def test_no_pin_then_set(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    assert not pins.is_set()
    assert pins.login("1234").no_pin_set
    pins.set_pin("1234")
    assert pins.is_set() and pins.login("1234").ok
    assert "1234" not in (services.data_dir / "kiosk.json").read_text()


@pytest.mark.parametrize("bad", ["12", "abcd", "1234567890123", ""])
def test_pin_format(services: Services, bad: str) -> None:
    with pytest.raises(ValidationError):
        PinService(services.store, services.clock).set_pin(bad)


def test_lockout_grows_and_expires(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    pins.set_pin("2468")
    for left in (4, 3, 2, 1):
        r = pins.login("0000")
        assert not r.ok and r.tries_left == left and r.locked_until is None
    fifth = pins.login("0000")
    assert fifth.locked_until is not None
    first_lock = (fifth.locked_until - services.clock.now()).total_seconds()
    assert pins.login("2468").locked_until == fifth.locked_until  # even the right PIN waits
    services.clock.advance(seconds=first_lock)  # type: ignore[attr-defined]
    sixth = pins.login("0000")
    assert (sixth.locked_until - services.clock.now()).total_seconds() == 2 * first_lock
    services.clock.advance(seconds=2 * first_lock)  # type: ignore[attr-defined]
    assert pins.login("2468").ok
    assert pins.login("0000").tries_left == 4  # a good login resets the count
    assert json.loads((services.data_dir / "kiosk.json").read_text())
