"""The librarian PIN: a salted, peppered scrypt hash (never the PIN) and growing lock-outs,
per place and per account.

A place is where a PIN is typed: the visitor kiosk's hidden gesture ("kiosk"), the console
on one host ("console:<host>"), one browser client ("web:<address>" for the console,
"web-kiosk:<address>" for the kiosk served to a browser), the command line ("cli:<host>").

Two counters decide each try (the same for every e-scout's PIN, kiosk/domain/scout_access.py):

- the place's own: 5 free wrong tries there, then it waits 30 s, doubling to 15 min; so
  guesses at the public kiosk slow down the kiosk's prompt and no other;
- the account's, across all places: after 10 wrong tries anywhere, every place where this
  PIN was not typed right in the last 90 days waits 30 s, doubling to 1 h. Made-up
  addresses gain nothing, and the desk the librarian logs in from keeps only its own count.

Both forget a day after their last wrong try; a place is trusted for 90 days after its last
right PIN; an account keeps at most 50 places' counters and 20 trusted places.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from db import Store, Tx
from kiosk.domain.clock import Clock, as_local
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.pepper import Pepper, pepper_id
from kiosk.domain.service import StoreService

log = logging.getLogger(__name__)

AUTH = "auth"
PIN_KEY = "pin"
LOCKOUT_KEY = "lockout"
FREE_TRIES = 5  # per place
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
ACCOUNT_FREE_TRIES = 10  # across all places
ACCOUNT_MAX_LOCK_SECONDS = 60 * 60
# The account's own row among the places' (no place is named so: see check_place).
ACCOUNT = "*"
# A counter is forgotten a day after its last wrong PIN (consoles come and go).
FORGET_AFTER = timedelta(days=1)
# A place where the right PIN was typed is spared the account's lock for this long.
TRUST_FOR = timedelta(days=90)
PLACES_KEPT = 50  # per account: the newest counters of untrusted places
TRUSTED_KEPT = 20  # per account: the places with the latest right PINs
BURST = 5  # wrong tries of one account that every console's PIN prompt reports
LIBRARIAN_MIN_DIGITS = 6
PIN_MIN_DIGITS = 4  # an e-scout's, typed on the kiosk's pad after their card
PIN_MAX_DIGITS = 12
PLACE_MAX = 100
# scrypt cost: ~50 ms here, slow enough to make guessing a stolen hash expensive. The same
# cost for every place: a PIN typed at the kiosk is checked no faster than at a console.
_N, _R, _P = 2**14, 8, 1
# A peppered hash is "p1:<pepper id>:<hex>": scrypt over HMAC-SHA256(pepper, PIN). A bare
# hex hash is scrypt over the PIN alone, from before the pepper: it still works and is
# replaced by a peppered one at the next right PIN.
_SCHEME = "p1"


def _digest(pin: str, salt: bytes, pepper: bytes | None) -> str:
    secret = pin.encode("utf-8")
    if pepper is not None:
        secret = hmac.new(pepper, secret, hashlib.sha256).digest()
    return hashlib.scrypt(secret, salt=salt, n=_N, r=_R, p=_P, dklen=32).hex()


def _record(pin: str, pepper: bytes) -> dict[str, str]:
    salt = secrets.token_bytes(16)
    digest = _digest(pin, salt, pepper)
    return {"salt": salt.hex(), "hash": f"{_SCHEME}:{pepper_id(pepper)}:{digest}"}


def pin_record(pin: str, pepper: Pepper, *, min_digits: int = PIN_MIN_DIGITS) -> dict[str, str]:
    """A new salt and the peppered scrypt hash of a new PIN of the right format and not weak
    (what is stored). Makes the pepper file if there is none yet; KioskError if it cannot."""
    pin = check_new_pin(pin, min_digits=min_digits)
    key = pepper.key(create=True)
    assert key is not None  # create=True makes one or raises
    return _record(pin, key)


def _parts(record: dict[str, Any]) -> tuple[str | None, str]:
    """The pepper id (None: an unpeppered hash from before the pepper) and the hex digest."""
    text = str(record["hash"])
    if text.startswith(f"{_SCHEME}:"):
        _, ident, digest = text.split(":", 2)
        return ident, digest
    return None, text


def is_unpeppered(record: dict[str, Any]) -> bool:
    return _parts(record)[0] is None


def pepper_problem(record: dict[str, Any], pepper: Pepper) -> str | None:
    """Why this stored PIN cannot be checked here (its pepper file is missing, unreadable
    or another one), or None when it can."""
    ident, _ = _parts(record)
    if ident is None:
        return None
    try:
        key = pepper.key()
    except KioskError as exc:
        return exc.message
    if key is None:
        return f"the pepper file {pepper.path} is missing"
    if pepper_id(key) != ident:
        return f"the pepper file {pepper.path} is not the one this PIN was set with"
    return None


def pin_matches(pin: str, record: dict[str, Any], pepper: Pepper) -> bool:
    """Whether ``pin`` hashes to the stored ``record`` (constant-time compare). Call
    ``pepper_problem`` first: a peppered record needs its pepper."""
    ident, digest = _parts(record)
    key = pepper.key() if ident is not None else None
    if ident is not None and key is None:
        return False
    return hmac.compare_digest(_digest(pin, bytes.fromhex(record["salt"]), key), digest)


def peppered_again(pin: str, record: dict[str, Any], pepper: Pepper) -> dict[str, str] | None:
    """After a right ``pin``: a peppered record to store in place of an unpeppered one, or
    None (already peppered, or no pepper can be had here: the old hash keeps working)."""
    if not is_unpeppered(record):
        return None
    try:
        key = pepper.key(create=True)
    except KioskError as exc:
        log.warning("PIN left without pepper: %s", exc.message)
        return None
    return _record(pin, key) if key is not None else None


def check_pin_format(pin: str, *, min_digits: int = PIN_MIN_DIGITS) -> str:
    """The PIN, ``min_digits`` to 12 ASCII digits: the only keys the PIN prompt lets anyone
    type."""
    pin = pin.strip()
    if not (pin.isascii() and pin.isdigit()) or not min_digits <= len(pin) <= PIN_MAX_DIGITS:
        raise ValidationError(
            "pin_format", f"The PIN must be {min_digits} to {PIN_MAX_DIGITS} digits.", field="pin"
        )
    return pin


# The 4- and 6-digit PINs people choose most often, as counted in published studies of PIN
# frequencies (leaked PIN lists and surveys): tried first by anyone guessing. The repeated
# digits and straight runs among them are caught by the rules below as well.
COMMON_PINS = frozenset(
    {
        *("1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969"),
        *("9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010"),
        *("123456", "123123", "111111", "121212", "000000", "654321", "666666", "112233"),
        *("159753", "147258"),
    }
)


def weak_pin_reason(pin: str) -> str | None:
    """Why a PIN of the right format is too easy to guess, or None when it is not: all one
    digit repeated, a straight run up or down (no wrapping past 9 or 0), or a most common
    PIN."""
    if len(set(pin)) == 1:
        return "it is one digit repeated"
    steps = {int(b) - int(a) for a, b in pairwise(pin)}
    if steps in ({1}, {-1}):
        return "its digits run straight up or down"
    if pin in COMMON_PINS:
        return "it is one of the most common PINs"
    return None


def check_new_pin(pin: str, *, min_digits: int = PIN_MIN_DIGITS) -> str:
    """A PIN about to be set: the right format (``check_pin_format``) and not weak
    (``weak_pin_reason``). PINs already stored are never checked again: they keep working."""
    pin = check_pin_format(pin, min_digits=min_digits)
    reason = weak_pin_reason(pin)
    if reason is not None:
        raise ValidationError(
            "pin_weak", f"The PIN is too easy to guess: {reason}. Choose another.", field="pin"
        )
    return pin


def check_place(place: str) -> str:
    """A place name: printable, 1 to 100 characters, not the account's own row."""
    if (
        not isinstance(place, str)
        or not place.isprintable()
        or not 1 <= len(place) <= PLACE_MAX
        or place == ACCOUNT
    ):
        raise ValueError(f"not a place of entry: {str(place)[:PLACE_MAX]!r}")
    return place


# Set by ``kiosk serve`` for the App process of each browser tab: the client's address.
WEB_CLIENT_ENV = "KIOSK_WEB_CLIENT"


def place_for_mode(mode: str) -> str:
    """The place of the App's PIN prompt: the visitor kiosk, the console on this host, or
    the browser client this process serves (the kiosk's and the console's counted apart,
    so a guessing visitor never locks out a desk on the same address, e.g. behind one
    proxy). A console restarted is the same place: it starts with the count it left."""
    client = os.environ.get(WEB_CLIENT_ENV, "").strip()
    if client:
        prefix = "web-kiosk" if mode == "visitor" else "web"
        return check_place(f"{prefix}:{client}"[:PLACE_MAX])
    if mode == "visitor":
        return "kiosk"
    return check_place(f"console:{socket.gethostname()}"[:PLACE_MAX])


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    locked_until: datetime | None = None  # set when refused because of a lock-out
    tries_left: int | None = None
    no_pin_set: bool = False
    no_pepper: str | None = None  # why the stored PIN cannot be checked on this PC
    short_pin: bool = False  # right, but shorter than a new librarian PIN may be


@dataclass(frozen=True)
class FailureBurst:
    """Wrong PINs of one account across all places, still remembered: how many, since when
    and the last one."""

    count: int
    since: datetime
    last: datetime


def pin_refusal(result: LoginResult) -> str:
    """One English line saying why a PIN was refused (for the CLI and logs)."""
    if result.no_pin_set:
        return "no librarian PIN is set"
    if result.no_pepper is not None:
        return (
            f"{result.no_pepper}, so the PIN cannot be checked on this PC: restore that file "
            "(README: moving to a new PC) or replace the PIN with kiosk set-pin --reset"
        )
    if result.locked_until is not None:
        until = as_local(result.locked_until)
        return f"too many wrong PINs; try again after {until:%H:%M:%S}"
    return f"wrong PIN ({result.tries_left or 0} tries left before a lock-out)"


def _lock_seconds(failures: int, free: int, most: int) -> int:
    if failures < free:
        return 0
    # Capped exponent: the count may grow for ever, the power must not.
    return min(FIRST_LOCK_SECONDS * 2 ** min(failures - free, 16), most)


def _when(doc: dict[str, Any], name: str) -> datetime | None:
    text = doc.get(name)
    return as_local(datetime.fromisoformat(text)) if text else None


def _within(doc: dict[str, Any], name: str, now: datetime, span: timedelta) -> bool:
    when = _when(doc, name)
    return when is not None and now - when <= span


def _trusted(doc: dict[str, Any], now: datetime) -> bool:
    return _within(doc, "last_good", now, TRUST_FOR)


def _counters(tx: Tx, now: datetime, table: str, match: dict[str, Any]) -> dict[str, dict]:
    """The account's rows by place, after dropping what is forgotten: counters a day after
    their last wrong PIN, trust 90 days after the last right one, and the oldest beyond
    ``PLACES_KEPT`` untrusted and ``TRUSTED_KEPT`` trusted places (so made-up places can
    never grow the file)."""
    rows: dict[str, dict[str, Any]] = {}
    for doc in tx.find(table, **match):
        place = doc.get("place")
        failing = _within(doc, "last_failure", now, FORGET_AFTER)
        if not failing and (place == ACCOUNT or not _trusted(doc, now)):
            tx.remove(table, **match, place=place)
            continue
        rows[str(place)] = doc if failing else {**doc, "failures": 0, "locked_until": None}
    places = [p for p in rows if p != ACCOUNT]
    trusted = [p for p in places if _trusted(rows[p], now)]
    others = sorted(set(places) - set(trusted))
    for group, field, kept in (
        (trusted, "last_good", TRUSTED_KEPT),
        (others, "last_failure", PLACES_KEPT),
    ):
        group.sort(key=lambda p: _when(rows[p], field) or now)  # noqa: B023 - used at once
        for place in group[: max(len(group) - kept, 0)]:
            tx.remove(table, **match, place=place)
            del rows[place]
    return rows


def counted_try(
    tx: Tx,
    *,
    table: str,
    match: dict[str, Any],
    place: str,
    now: datetime,
    good: Callable[[], bool],
) -> LoginResult:
    """One PIN try at ``place``, counted in the rows of ``table`` that carry ``match``: the
    place's own counter and the account's (see the module's docstring). ``good`` is only
    called when neither lock holds."""
    place = check_place(place)
    rows = _counters(tx, now, table, match)
    here = rows.get(place, {})
    account = rows.get(ACCOUNT, {})
    trusted = _trusted(here, now)
    for doc, applies in ((here, True), (account, not trusted)):
        until = _when(doc, "locked_until")
        if applies and until is not None and now < until:
            return LoginResult(False, locked_until=until)
    if good():
        # Written only when something changes: most logins leave the file alone.
        if here.get("failures") or not _within(here, "last_good", now, FORGET_AFTER):
            fresh = {"failures": 0, "locked_until": None, "last_failure": None}
            doc = {**match, "place": place, **fresh, "last_good": now.isoformat()}
            tx.upsert(table, doc, **match, place=place)
        return LoginResult(True)
    failures, here_until = _count_failure(
        tx, table, match, place, here, now, FREE_TRIES, MAX_LOCK_SECONDS
    )
    first = {"first_failure": account.get("first_failure") or now.isoformat()}
    all_failures, all_until = _count_failure(
        tx, table, match, ACCOUNT, account, now, ACCOUNT_FREE_TRIES, ACCOUNT_MAX_LOCK_SECONDS, first
    )
    left = FREE_TRIES - failures
    locks = [here_until]
    if not trusted:
        left = min(left, ACCOUNT_FREE_TRIES - all_failures)
        locks.append(all_until)
    until = max((t for t in locks if t is not None), default=None)
    return LoginResult(False, locked_until=until, tries_left=max(left, 0))


def _count_failure(
    tx: Tx,
    table: str,
    match: dict[str, Any],
    place: str,
    row: dict[str, Any],
    now: datetime,
    free_tries: int,
    max_lock: int,
    extra: dict[str, Any] | None = None,
) -> tuple[int, datetime | None]:
    """One more wrong PIN on ``row`` (a place's counter or the account's): its count and
    the time it is locked until, if it is."""
    failures = int(row.get("failures", 0)) + 1
    lock = _lock_seconds(failures, free_tries, max_lock)
    until = now + timedelta(seconds=lock) if lock else None
    doc = {
        **match,
        "place": place,
        "failures": failures,
        "locked_until": until.isoformat() if until else None,
        **(extra or {}),
        "last_failure": now.isoformat(),
    }
    tx.upsert(table, doc, **match, place=place)
    return failures, until


def failure_burst(tx: Tx, now: datetime, table: str, match: dict[str, Any]) -> FailureBurst | None:
    """The account's remembered wrong PINs when there were at least ``BURST`` of them."""
    account = tx.get(table, **match, place=ACCOUNT)
    if account is None or not _within(account, "last_failure", now, FORGET_AFTER):
        return None
    count = int(account.get("failures", 0))
    since, last = _when(account, "first_failure"), _when(account, "last_failure")
    if count < BURST or last is None:
        return None
    return FailureBurst(count, since or last, last)


class PinService(StoreService):
    def __init__(self, store: Store, clock: Clock, pepper: Pepper | None = None) -> None:
        super().__init__(store, clock)
        # One pepper for the data dir, unless the composition root shares its own.
        self.pepper = pepper if pepper is not None else Pepper.for_data_dir(store.data_dir)

    def is_set(self) -> bool:
        with self.store.snapshot() as tx:
            return tx.get(AUTH, key=PIN_KEY) is not None

    def set_pin(self, pin: str) -> None:
        """Set or replace the PIN (6 to 12 digits, not weak); every lock-out starts afresh."""
        doc = {"key": PIN_KEY, **pin_record(pin, self.pepper, min_digits=LIBRARIAN_MIN_DIGITS)}
        with self.store.transaction() as tx:
            tx.remove(AUTH, key=PIN_KEY)  # also drops the single counter older files kept
            tx.insert(AUTH, doc)
            tx.remove(AUTH, key=LOCKOUT_KEY)

    def login(self, pin: str, *, place: str) -> LoginResult:
        """Check a PIN typed at ``place``, counted there and for the account (see the
        module's docstring). A right PIN stored without pepper is stored again with it."""
        place = check_place(place)
        now = self.now()
        with self.store.transaction() as tx:
            doc = tx.get(AUTH, key=PIN_KEY)
            if doc is None:
                return LoginResult(False, no_pin_set=True)
            problem = pepper_problem(doc, self.pepper)
            if problem is not None:
                return LoginResult(False, no_pepper=problem)
            result = counted_try(
                tx,
                table=AUTH,
                match={"key": LOCKOUT_KEY},
                place=place,
                now=now,
                good=lambda: pin_matches(pin, doc, self.pepper),
            )
            if not result.ok:
                return result
            again = peppered_again(pin, doc, self.pepper)
            if again is not None:
                tx.update(AUTH, again, key=PIN_KEY)
        return replace(result, short_pin=len(pin.strip()) < LIBRARIAN_MIN_DIGITS)

    def failure_burst(self) -> FailureBurst | None:
        """Wrong librarian PINs, across all places, when there were a burst of them."""
        with self.store.snapshot() as tx:
            return failure_burst(tx, self.now(), AUTH, {"key": LOCKOUT_KEY})
