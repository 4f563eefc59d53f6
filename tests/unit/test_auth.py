"""The librarian PIN: hashed, never stored; lock-outs grow after 5 wrong tries, per place."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from datetime import timedelta

import pytest

from kiosk.domain import auth
from kiosk.domain.auth import AUTH, LOCKOUT_KEY, PinService, place_for_mode
from kiosk.domain.errors import ValidationError
from kiosk.services import Services

CONSOLE = "console:desk:4242"


def test_no_pin_then_set(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    assert not pins.is_set()
    assert pins.login("1234", place="kiosk").no_pin_set
    pins.set_pin("1234")
    assert pins.is_set() and pins.login("1234", place="kiosk").ok
    assert "1234" not in (services.data_dir / "kiosk.json").read_text()


# Arabic-Indic and full-width digits pass str.isdigit() but cannot be typed at the prompt.
@pytest.mark.parametrize("bad", ["12", "abcd", "1234567890123", "", "١٢٣٤", "１２３４", "12\x0034"])
def test_pin_format(services: Services, bad: str) -> None:
    with pytest.raises(ValidationError):
        PinService(services.store, services.clock).set_pin(bad)


def test_lockout_grows_and_expires(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    pins.set_pin("2468")
    for left in (4, 3, 2, 1):
        r = pins.login("0000", place=CONSOLE)
        assert not r.ok and r.tries_left == left and r.locked_until is None
    fifth = pins.login("0000", place=CONSOLE)
    assert fifth.locked_until is not None
    first_lock = (fifth.locked_until - services.clock.now()).total_seconds()
    assert (
        pins.login("2468", place=CONSOLE).locked_until == fifth.locked_until
    )  # even the right PIN waits
    services.clock.advance(seconds=first_lock)  # type: ignore[attr-defined]
    sixth = pins.login("0000", place=CONSOLE)
    assert (sixth.locked_until - services.clock.now()).total_seconds() == 2 * first_lock
    services.clock.advance(seconds=2 * first_lock)  # type: ignore[attr-defined]
    assert pins.login("2468", place=CONSOLE).ok
    assert pins.login("0000", place=CONSOLE).tries_left == 4  # a good login resets the count
    assert json.loads((services.data_dir / "kiosk.json").read_text())


def test_wrong_pins_at_the_kiosk_never_lock_a_console(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    pins.set_pin("2468")
    for _ in range(12):  # a visitor pressing F12 and guessing, over and over
        pins.login("0000", place="kiosk")
    assert pins.login("2468", place="kiosk").locked_until is not None  # the kiosk waits
    assert pins.login("2468", place=CONSOLE).ok  # the desk PC does not
    other = "console:desk:777"
    for _ in range(5):
        pins.login("0000", place=other)
    assert pins.login("2468", place=other).locked_until is not None
    assert pins.login("2468", place=CONSOLE).ok  # one console never locks another


def test_one_wrong_guess_per_lock_keeps_only_that_place_locked(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    pins.set_pin("2468")
    for _ in range(5):
        last = pins.login("0000", place="kiosk")
    for _ in range(8):  # wait out each lock, then guess once more: the lock grows to 15 min
        assert last.locked_until is not None
        services.clock.advance(seconds=(last.locked_until - services.clock.now()).total_seconds())  # type: ignore[attr-defined]
        last = pins.login("0000", place="kiosk")
    assert (last.locked_until - services.clock.now()) == timedelta(seconds=auth.MAX_LOCK_SECONDS)
    assert pins.login("2468", place=CONSOLE).ok


def test_a_pin_is_checked_at_the_same_cost_everywhere(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    pins = PinService(services.store, services.clock)
    pins.set_pin("2468")
    calls: list[tuple[int, int, int]] = []
    real = hashlib.scrypt

    def spy(password: bytes, **kw: int) -> bytes:
        calls.append((kw["n"], kw["r"], kw["p"]))
        return real(password, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(auth.hashlib, "scrypt", spy)
    for place in ("kiosk", CONSOLE, "10.0.0.7"):
        pins.login("0000", place=place)
        pins.login("2468", place=place)
    assert calls == [(2**14, 8, 1)] * 6  # one full scrypt per try, whatever the place


def test_places_are_kept_apart_and_forgotten(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    pins.set_pin("2468")
    pins.login("0000", place="kiosk")
    pins.login("0000", place=CONSOLE)
    with services.store.snapshot() as tx:
        assert {d["place"] for d in tx.find(AUTH, key=LOCKOUT_KEY)} == {"kiosk", CONSOLE}
    assert pins.login("2468", place=CONSOLE).ok  # a good PIN clears that place only
    with services.store.snapshot() as tx:
        assert [d["place"] for d in tx.find(AUTH, key=LOCKOUT_KEY)] == ["kiosk"]
    services.clock.advance(days=2)  # type: ignore[attr-defined]
    pins.login("2468", place=CONSOLE)
    with services.store.snapshot() as tx:
        assert tx.find(AUTH, key=LOCKOUT_KEY) == []  # a counter idle for a day is dropped


@pytest.mark.parametrize("bad", ["", "x" * 101, "kiosk\n", "a\x00b"])
def test_place_must_be_a_short_printable_name(services: Services, bad: str) -> None:
    pins = PinService(services.store, services.clock)
    pins.set_pin("2468")
    with pytest.raises(ValueError):
        pins.login("2468", place=bad)


def test_the_app_mode_names_the_place() -> None:
    assert place_for_mode("visitor") == "kiosk"
    assert place_for_mode("librarian") == f"console:{socket.gethostname()}:{os.getpid()}"
