"""Weak PINs (one digit repeated, a straight run, a most common PIN) are refused when set,
for the librarian and the e-scouts alike; PINs already stored keep working."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pytest

from kiosk.domain.auth import (
    LIBRARIAN_MIN_DIGITS,
    PinService,
    check_new_pin,
    weak_pin_reason,
)
from kiosk.domain.errors import LIBRARIAN_CODES, ErrorCode, ValidationError
from kiosk.i18n import Translator
from kiosk.services import Services, build_services
from tests.conftest import PIN, set_unpeppered_pin
from tests.unit.conftest import Cli

REPEATED = ["0000", "1111", "7777", "000000", "111111", "999999999999"]
RUNS = ["1234", "4321", "0123", "9876", "123456", "654321", "012345", "3456789", "0123456789"]
COMMON = ["1212", "1004", "2000", "6969", "1122", "2001", "1010", "123123", "121212", "112233"]
COMMON += ["159753", "147258"]
# Not weak by these rules: the tests' own PINs, steps of two, runs that wrap past 9.
STRONG = [PIN, "13579", "97531", "1357", "0042", "000042", "135791", "901234", "890123"]
STRONG += ["1233", "112234", "4322"]


@pytest.mark.parametrize("pin", REPEATED)
def test_one_digit_repeated_is_weak(pin: str) -> None:
    assert weak_pin_reason(pin) == "it is one digit repeated"


@pytest.mark.parametrize("pin", RUNS)
def test_a_straight_run_up_or_down_is_weak(pin: str) -> None:
    assert weak_pin_reason(pin) == "its digits run straight up or down"


@pytest.mark.parametrize("pin", COMMON)
def test_a_most_common_pin_is_weak(pin: str) -> None:
    assert weak_pin_reason(pin) == "it is one of the most common PINs"


@pytest.mark.parametrize("pin", STRONG)
def test_other_pins_are_not_weak(pin: str) -> None:
    assert weak_pin_reason(pin) is None
    assert check_new_pin(pin) == pin


def test_the_format_is_checked_before_the_weakness() -> None:
    with pytest.raises(ValidationError) as short:
        check_new_pin("1234", min_digits=LIBRARIAN_MIN_DIGITS)
    assert short.value.code == "pin_format"
    with pytest.raises(ValidationError) as weak:
        check_new_pin(" 123456 ", min_digits=LIBRARIAN_MIN_DIGITS)
    assert weak.value.code == ErrorCode.PIN_WEAK and weak.value.field == "pin"
    assert "straight up or down" in weak.value.message


@pytest.mark.parametrize("pin", ["111111", "654321", "159753"])
def test_the_librarian_pin_refuses_weak_pins(demo: Services, pin: str) -> None:
    pins = PinService(demo.store, demo.clock)
    with pytest.raises(ValidationError) as refused:
        pins.set_pin(pin)
    assert refused.value.code == "pin_weak" and "too easy to guess" in refused.value.message
    assert not pins.is_set()
    pins.set_pin(PIN)
    assert pins.login(PIN, place="test").ok


@pytest.mark.parametrize("pin", ["0000", "3456", "6969", "147258"])
def test_an_e_scouts_pin_refuses_weak_pins(demo: Services, pin: str) -> None:
    with pytest.raises(ValidationError) as refused:
        demo.scout_access.set_pin("lukas", pin)
    assert refused.value.code == "pin_weak"
    assert not demo.scout_access.has_pin("lukas")


def test_a_weak_librarian_pin_stored_before_the_rule_still_works(demo: Services) -> None:
    set_unpeppered_pin(demo, "123456")
    pins = PinService(demo.store, demo.clock)
    assert pins.login("123456", place="test").ok  # and takes the pepper: no new check
    assert pins.login("123456", place="test").ok


def test_a_weak_e_scout_pin_stored_before_the_rule_still_works(demo: Services) -> None:
    access = demo.scout_access
    card = access.issue_card("lukas")
    access.set_pin("lukas", "13579")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(b"1111", salt=salt, n=2**14, r=8, p=1, dklen=32).hex()
    with demo.store.transaction() as tx:
        tx.update("scout_credentials", {"pin_salt": salt.hex(), "pin_hash": digest}, scout="lukas")
    assert access.sign_in(card, "1111", place="kiosk").ok  # and takes the pepper
    assert access.sign_in(card, "1111", place="kiosk").ok


def test_the_console_says_why_in_both_languages() -> None:
    assert ErrorCode.PIN_WEAK in LIBRARIAN_CODES  # the e-scout access pane shows it
    for lang, needle in (("lt", "per lengva atspėti"), ("en", "too easy to guess")):
        assert needle in Translator(lang)("lib.err.pin_weak").replace("\u00a0", " ")


@pytest.fixture
def cli(cli: Cli) -> Cli:
    """The command line on the demo library."""
    assert cli("seed-demo")[0] == 0
    return cli


def test_set_pin_refuses_a_weak_pin_with_the_reason(cli, tmp_path: Path) -> None:
    rc, out, err = cli("set-pin", stdin="111111\n")
    assert (rc, out) == (2, None) and err.count("\n") == 1
    assert "too easy to guess: it is one digit repeated" in err
    assert not build_services(tmp_path / "cli-data").auth.is_set()
    assert cli("set-pin", stdin=f"{PIN}\n")[:2] == (0, {"pin_set": True})
    rc, _, err = cli("set-pin", stdin=f"{PIN}\n654321\n")  # a change, too
    assert rc == 2 and "run straight up or down" in err and err.count("\n") == 1
    assert build_services(tmp_path / "cli-data").auth.login(PIN, place="test").ok


def test_scout_pin_refuses_a_weak_pin_with_the_reason(cli, tmp_path: Path) -> None:
    rc, out, err = cli("scout-pin", "lukas", stdin="1004\n1004\n")
    assert (rc, out) == (2, None) and err.count("\n") == 1
    assert "too easy to guess: it is one of the most common PINs" in err
    assert not build_services(tmp_path / "cli-data").scout_access.has_pin("lukas")
    assert cli("scout-pin", "lukas", stdin="13579\n13579\n")[0] == 0
