"""The librarian PIN: a salted scrypt hash (never the PIN) and growing lock-outs per place.

A place is where a PIN is typed: the visitor kiosk's hidden gesture ("kiosk"), one
console ("console:<host>:<pid>"), one browser client ("web:<address>" for the console,
"web-kiosk:<address>" for the kiosk served to a browser), the command line
("cli:<host>"). Each place has its own counter, so wrong guesses at the public kiosk
can never lock the librarian out of a console elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from db import Tx
from kiosk.domain.clock import as_local
from kiosk.domain.errors import ValidationError
from kiosk.domain.service import StoreService

AUTH = "auth"
PIN_KEY = "pin"
LOCKOUT_KEY = "lockout"
FREE_TRIES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
PLACE_MAX = 100
# A place's counter is forgotten a day after its last wrong PIN (consoles come and go).
FORGET_AFTER = timedelta(days=1)
# scrypt cost: ~50 ms here, slow enough to make guessing a stolen hash expensive. The same
# cost for every place: a PIN typed at the kiosk is checked no faster than at a console.
_N, _R, _P = 2**14, 8, 1


def _hash(pin: str, salt: bytes) -> str:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32).hex()


def pin_record(pin: str) -> dict[str, str]:
    """A new salt and the scrypt hash of a PIN of the right format (what is stored)."""
    salt = secrets.token_bytes(16)
    return {"salt": salt.hex(), "hash": _hash(check_pin_format(pin), salt)}


def pin_matches(pin: str, record: dict[str, Any]) -> bool:
    """Whether ``pin`` hashes to the stored ``record`` (constant-time compare)."""
    return hmac.compare_digest(_hash(pin, bytes.fromhex(record["salt"])), record["hash"])


def check_pin_format(pin: str) -> str:
    """The PIN, 4 to 12 ASCII digits: the only keys the PIN prompt lets anyone type."""
    pin = pin.strip()
    if not (pin.isascii() and pin.isdigit()) or not 4 <= len(pin) <= 12:
        raise ValidationError("pin_format", "The PIN must be 4 to 12 digits.", field="pin")
    return pin


def check_place(place: str) -> str:
    """A place name: printable, 1 to 100 characters."""
    if not isinstance(place, str) or not place.isprintable() or not 1 <= len(place) <= PLACE_MAX:
        raise ValueError(f"not a place of entry: {str(place)[:PLACE_MAX]!r}")
    return place


# Set by ``kiosk serve`` for the App process of each browser tab: the client's address.
WEB_CLIENT_ENV = "KIOSK_WEB_CLIENT"


def place_for_mode(mode: str) -> str:
    """The place of the App's PIN prompt: the visitor kiosk, this console process, or the
    browser client this process serves (the kiosk's and the console's counted apart, so a
    guessing visitor never locks out a desk on the same address, e.g. behind one proxy)."""
    client = os.environ.get(WEB_CLIENT_ENV, "").strip()
    if client:
        prefix = "web-kiosk" if mode == "visitor" else "web"
        return check_place(f"{prefix}:{client}"[:PLACE_MAX])
    if mode == "visitor":
        return "kiosk"
    return f"console:{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    locked_until: datetime | None = None  # set when refused because of the lock-out
    tries_left: int | None = None
    no_pin_set: bool = False


def pin_refusal(result: LoginResult) -> str:
    """One English line saying why a PIN was refused (for the CLI and logs)."""
    if result.no_pin_set:
        return "no librarian PIN is set"
    if result.locked_until is not None:
        until = as_local(result.locked_until)
        return f"too many wrong PINs here; try again after {until:%H:%M:%S}"
    return f"wrong PIN ({result.tries_left or 0} tries left before a lock-out)"


def _lock_seconds(failures: int) -> int:
    if failures < FREE_TRIES:
        return 0
    # Capped exponent: the count may grow for ever, the power must not.
    return min(FIRST_LOCK_SECONDS * 2 ** min(failures - FREE_TRIES, 16), MAX_LOCK_SECONDS)


def _forget_stale(tx: Tx, now: datetime, table: str, match: dict[str, Any]) -> None:
    """Drop counters of places not seen for a day (a console's pid never comes back)."""
    for doc in tx.find(table, **match):
        last = doc.get("last_failure")
        if last is None or now - as_local(datetime.fromisoformat(last)) > FORGET_AFTER:
            tx.remove(table, **match, place=doc["place"])


def counted_try(
    tx: Tx,
    *,
    table: str,
    match: dict[str, Any],
    place: str,
    now: datetime,
    good: Callable[[], bool],
) -> LoginResult:
    """One PIN try at ``place``, counted in the rows of ``table`` that carry ``match``.

    After 5 wrong tries there, each further wrong try locks that place (and only that
    place) for longer: 30 s doubling to 15 min. ``good`` is only called when not locked."""
    place = check_place(place)
    _forget_stale(tx, now, table, match)
    counter = tx.get(table, **match, place=place) or {}
    locked_until = (
        as_local(datetime.fromisoformat(counter["locked_until"]))
        if counter.get("locked_until")
        else None
    )
    if locked_until and now < locked_until:
        return LoginResult(False, locked_until=locked_until)
    if good():
        if counter:  # a remove always rewrites the file: only when there is one
            tx.remove(table, **match, place=place)
        return LoginResult(True)
    failures = int(counter.get("failures", 0)) + 1
    seconds = _lock_seconds(failures)
    lock = now + timedelta(seconds=seconds) if seconds else None
    tx.upsert(
        table,
        {
            **match,
            "place": place,
            "failures": failures,
            "locked_until": lock.isoformat() if lock else None,
            "last_failure": now.isoformat(),
        },
        **match,
        place=place,
    )
    return LoginResult(False, locked_until=lock, tries_left=max(FREE_TRIES - failures, 0))


class PinService(StoreService):
    def is_set(self) -> bool:
        with self.store.snapshot() as tx:
            return tx.get(AUTH, key=PIN_KEY) is not None

    def set_pin(self, pin: str) -> None:
        """Set or replace the PIN; every place's lock-out starts afresh."""
        doc = {"key": PIN_KEY, **pin_record(pin)}
        with self.store.transaction() as tx:
            tx.remove(AUTH, key=PIN_KEY)  # also drops the single counter older files kept
            tx.insert(AUTH, doc)
            tx.remove(AUTH, key=LOCKOUT_KEY)

    def login(self, pin: str, *, place: str) -> LoginResult:
        """Check a PIN typed at ``place``. After 5 wrong tries there, each further wrong
        try locks that place (and only that place) for longer: 30 s doubling to 15 min."""
        place = check_place(place)
        now = self.now()
        with self.store.transaction() as tx:
            doc = tx.get(AUTH, key=PIN_KEY)
            if doc is None:
                return LoginResult(False, no_pin_set=True)
            return counted_try(
                tx,
                table=AUTH,
                match={"key": LOCKOUT_KEY},
                place=place,
                now=now,
                good=lambda: pin_matches(pin, doc),
            )
