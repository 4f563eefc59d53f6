"""The librarian PIN: hashed, never stored; lock-outs grow per place and per account."""

from __future__ import annotations

import hashlib
import json
import socket
from datetime import timedelta

import pytest

from kiosk.domain import auth
from kiosk.domain.auth import (
    ACCOUNT,
    AUTH,
    LOCKOUT_KEY,
    PinService,
    pin_refusal,
    place_for_mode,
)
from kiosk.domain.errors import ValidationError
from kiosk.services import Services
from tests.conftest import PIN

CONSOLE = "console:desk"
WRONG = "000000"


def _pins(services: Services) -> PinService:
    pins = PinService(services.store, services.clock)
    pins.set_pin(PIN)
    return pins


def _places(services: Services) -> dict[str, dict]:
    with services.store.snapshot() as tx:
        return {d["place"]: d for d in tx.find(AUTH, key=LOCKOUT_KEY)}


def test_no_pin_then_set(services: Services) -> None:
    pins = PinService(services.store, services.clock)
    assert not pins.is_set()
    assert pins.login(PIN, place="kiosk").no_pin_set
    pins.set_pin(PIN)
    assert pins.is_set() and pins.login(PIN, place="kiosk").ok
    assert PIN not in (services.data_dir / "kiosk.json").read_text()


# Arabic-Indic and full-width digits pass str.isdigit() but cannot be typed at the prompt.
@pytest.mark.parametrize(
    "bad",
    ["12", "1234", "12345", "abcdef", "1234567890123", "", "١٢٣٤٥٦", "１２３４５６", "123\x00456"],
)
def test_pin_format(services: Services, bad: str) -> None:
    with pytest.raises(ValidationError, match="6 to 12 digits"):
        PinService(services.store, services.clock).set_pin(bad)


def test_lockout_grows_and_expires(services: Services) -> None:
    pins = _pins(services)
    for left in (4, 3, 2, 1):
        r = pins.login(WRONG, place=CONSOLE)
        assert not r.ok and r.tries_left == left and r.locked_until is None
    fifth = pins.login(WRONG, place=CONSOLE)
    assert fifth.locked_until is not None
    first_lock = (fifth.locked_until - services.clock.now()).total_seconds()
    # Even the right PIN waits.
    assert pins.login(PIN, place=CONSOLE).locked_until == fifth.locked_until
    services.clock.advance(seconds=first_lock)  # type: ignore[attr-defined]
    sixth = pins.login(WRONG, place=CONSOLE)
    assert (sixth.locked_until - services.clock.now()).total_seconds() == 2 * first_lock
    services.clock.advance(seconds=2 * first_lock)  # type: ignore[attr-defined]
    assert pins.login(PIN, place=CONSOLE).ok
    assert pins.login(WRONG, place=CONSOLE).tries_left == 4  # a good login resets the count
    assert json.loads((services.data_dir / "kiosk.json").read_text())


def test_wrong_pins_at_the_kiosk_never_lock_a_console(services: Services) -> None:
    pins = _pins(services)
    for _ in range(12):  # a visitor pressing F12 and guessing, over and over
        pins.login(WRONG, place="kiosk")
    assert pins.login(PIN, place="kiosk").locked_until is not None  # the kiosk waits
    assert pins.login(PIN, place=CONSOLE).ok  # the desk PC does not
    other = "console:other-desk"
    for _ in range(5):
        pins.login(WRONG, place=other)
    assert pins.login(PIN, place=other).locked_until is not None
    assert pins.login(PIN, place=CONSOLE).ok  # one console never locks another


def test_rotating_places_gain_nothing(services: Services) -> None:
    """An attacker making up a new client address for every guess, at the pace measured
    (43 guesses in 14 s), guessing the PIN in order: without an account-wide count each
    address got 5 fresh tries and the PIN fell after 43 guesses."""
    pins = PinService(services.store, services.clock)
    pins.set_pin("000042")
    checked, found = 0, False
    for guess in range(1000):
        place = f"web:10.{guess // 250}.{guess % 250}.1"
        result = pins.login(f"{guess:06d}", place=place)
        found = found or result.ok
        checked += result.tries_left is not None  # the PIN was compared (not refused unseen)
        services.clock.advance(seconds=1 / 3)  # type: ignore[attr-defined]
    assert not found
    # 10 wrong tries anywhere, then one more each time the account's lock runs out: 30 s,
    # 60 s, 120 s within the attack's 5.5 min.
    assert checked == auth.ACCOUNT_FREE_TRIES + 3
    assert len(_places(services)) == checked + 1  # one row per place compared, and the account


def test_rotating_places_without_waiting_get_ten_guesses(services: Services) -> None:
    pins = _pins(services)
    results = [pins.login(WRONG, place=f"web:192.0.2.{n % 250}:{n}") for n in range(1000)]
    assert sum(r.tries_left is not None for r in results) == auth.ACCOUNT_FREE_TRIES
    assert [r.tries_left for r in results[:10]] == [4, 4, 4, 4, 4, 4, 3, 2, 1, 0]
    assert all(r.locked_until is not None for r in results[9:])


def test_the_desk_that_logged_in_keeps_working_while_the_account_is_locked(
    services: Services,
) -> None:
    pins = _pins(services)
    assert pins.login(PIN, place=CONSOLE).ok  # the librarian's desk, some day before
    services.clock.advance(days=30)  # type: ignore[attr-defined]
    for n in range(40):
        pins.login(WRONG, place=f"web:198.51.100.{n}")
    assert pins.login(PIN, place="web:198.51.100.200").locked_until is not None
    assert pins.login(PIN, place=CONSOLE).ok
    # The trusted desk still has its own count: 5 wrong tries there lock it too.
    for _ in range(5):
        last = pins.login(WRONG, place=CONSOLE)
    assert last.locked_until is not None and pins.login(PIN, place=CONSOLE).locked_until
    # Trust ends 90 days after the last right PIN: the row goes with it.
    services.clock.advance(days=91)  # type: ignore[attr-defined]
    pins.login(WRONG, place="kiosk")
    assert set(_places(services)) == {"kiosk", ACCOUNT}


def test_the_accounts_lock_grows_to_an_hour(services: Services) -> None:
    pins = _pins(services)
    waits = []
    for n in range(30):  # a patient attacker waits out every lock, from a new address each time
        result = pins.login(WRONG, place=f"web:203.0.113.{n}")
        if result.locked_until is not None:
            wait = result.locked_until - services.clock.now()
            waits.append(int(wait.total_seconds()))
            services.clock.advance(seconds=wait.total_seconds())  # type: ignore[attr-defined]
    assert waits[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert set(waits[8:]) == {3600}


def test_one_wrong_guess_per_lock_keeps_the_kiosk_slow(services: Services) -> None:
    pins = _pins(services)
    assert pins.login(PIN, place=CONSOLE).ok
    for _ in range(5):
        last = pins.login(WRONG, place="kiosk")
    for _ in range(8):  # wait out each lock, then guess once more: the lock grows to 15 min
        assert last.locked_until is not None
        services.clock.advance(seconds=(last.locked_until - services.clock.now()).total_seconds())  # type: ignore[attr-defined]
        last = pins.login(WRONG, place="kiosk")
    assert (last.locked_until - services.clock.now()) == timedelta(seconds=auth.MAX_LOCK_SECONDS)
    assert pins.login(PIN, place=CONSOLE).ok  # a desk that logged in before
    # A place never seen waits for the account, locked by the kiosk's 13 wrong tries.
    assert pins.login(PIN, place="console:new-desk").locked_until is not None


def test_a_pin_is_checked_at_the_same_cost_everywhere(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    pins = _pins(services)
    calls: list[tuple[int, int, int]] = []
    real = hashlib.scrypt

    def spy(password: bytes, **kw: int) -> bytes:
        calls.append((kw["n"], kw["r"], kw["p"]))
        return real(password, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(auth.hashlib, "scrypt", spy)
    for place in ("kiosk", CONSOLE, "10.0.0.7"):
        pins.login(WRONG, place=place)
        pins.login(PIN, place=place)
    assert calls == [(2**14, 8, 1)] * 6  # one full scrypt per try, whatever the place


def test_places_are_kept_apart_and_forgotten(services: Services) -> None:
    pins = _pins(services)
    pins.login(WRONG, place="kiosk")
    pins.login(WRONG, place=CONSOLE)
    assert set(_places(services)) == {"kiosk", CONSOLE, ACCOUNT}
    assert pins.login(PIN, place=CONSOLE).ok  # a good PIN clears that place's count only
    places = _places(services)
    assert places["kiosk"]["failures"] == 1 and places[CONSOLE]["failures"] == 0
    assert places[ACCOUNT]["failures"] == 2  # the account's count is kept (the notice)
    services.clock.advance(days=2)  # type: ignore[attr-defined]
    pins.login(PIN, place=CONSOLE)
    assert set(_places(services)) == {CONSOLE}  # counters idle for a day are dropped
    services.clock.advance(days=91)  # type: ignore[attr-defined]
    pins.login(WRONG, place="kiosk")
    assert set(_places(services)) == {"kiosk", ACCOUNT}  # and trust after 90 days


def test_rows_are_capped_whatever_an_older_file_holds(services: Services) -> None:
    """The version before kept one row per made-up address for a day: 1,000 of them."""
    pins = _pins(services)
    now = services.clock.now()
    with services.store.transaction() as tx:
        for n in range(1000):
            when = (now - timedelta(seconds=n)).isoformat()
            row = {"failures": 1, "locked_until": None, "last_failure": when}
            tx.insert(AUTH, {"key": LOCKOUT_KEY, "place": f"web:10.9.{n // 250}.{n % 250}", **row})
        for n in range(30):
            good = (now - timedelta(days=1, minutes=n)).isoformat()
            tx.insert(AUTH, {"key": LOCKOUT_KEY, "place": f"console:desk{n}", "last_good": good})
    pins.login(WRONG, place="kiosk")
    places = _places(services)
    trusted = [p for p in places if p.startswith("console:")]
    assert len(trusted) == auth.TRUSTED_KEPT and "console:desk0" in trusted  # the latest kept
    made_up = [p for p in places if p.startswith("web:")]
    assert len(made_up) == auth.PLACES_KEPT and "web:10.9.0.0" in made_up  # the newest kept
    assert {"kiosk", ACCOUNT} <= set(places)
    assert len(places) == auth.PLACES_KEPT + auth.TRUSTED_KEPT + 2


def test_every_console_hears_of_a_burst_of_wrong_pins(services: Services) -> None:
    pins = _pins(services)
    assert pins.failure_burst() is None
    first = services.clock.now()
    for n in range(auth.BURST):
        assert pins.failure_burst() is None
        pins.login(WRONG, place=f"web:192.0.2.{n}")
        services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    burst = pins.failure_burst()
    assert burst is not None and burst.count == auth.BURST
    assert burst.since == first and burst.last == first + timedelta(minutes=auth.BURST - 1)
    assert pins.login(PIN, place=CONSOLE).ok
    assert pins.failure_burst() == burst  # a right PIN does not hide it
    services.clock.advance(days=1, minutes=1)  # type: ignore[attr-defined]
    assert pins.failure_burst() is None  # a quiet day forgets it


@pytest.mark.parametrize("bad", ["", "x" * 101, "kiosk\n", "a\x00b", ACCOUNT])
def test_place_must_be_a_short_printable_name(services: Services, bad: str) -> None:
    pins = _pins(services)
    with pytest.raises(ValueError):
        pins.login(PIN, place=bad)


def test_the_console_is_one_place_per_host_whatever_its_process() -> None:
    """A restarted console (another pid) must not start with 5 fresh tries."""
    assert place_for_mode("visitor") == "kiosk"
    assert place_for_mode("librarian") == f"console:{socket.gethostname()}"


def test_refusals_in_one_line(services: Services) -> None:
    pins = _pins(services)
    assert "4 tries left" in pin_refusal(pins.login(WRONG, place=CONSOLE))
    for _ in range(4):
        last = pins.login(WRONG, place=CONSOLE)
    assert "try again after" in pin_refusal(last)
