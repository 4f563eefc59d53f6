"""The librarian PIN: a salted scrypt hash (never the PIN) and a growing lock-out."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from db import Store
from kiosk.clock import Clock, as_local
from kiosk.errors import ValidationError

AUTH = "auth"
FREE_TRIES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
# scrypt cost: ~50 ms here, slow enough to make guessing a stolen hash expensive.
_N, _R, _P = 2**14, 8, 1


def _hash(pin: str, salt: bytes) -> str:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32).hex()


def check_pin_format(pin: str) -> str:
    pin = pin.strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValidationError("pin_format", "The PIN must be 4 to 12 digits.", field="pin")
    return pin


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    locked_until: datetime | None = None  # set when refused because of the lock-out
    tries_left: int | None = None
    no_pin_set: bool = False


class PinService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def is_set(self) -> bool:
        with self.store.snapshot() as tx:
            return tx.get(AUTH, key="pin") is not None

    def set_pin(self, pin: str) -> None:
        pin = check_pin_format(pin)
        salt = secrets.token_bytes(16)
        doc = {
            "key": "pin",
            "salt": salt.hex(),
            "hash": _hash(pin, salt),
            "failures": 0,
            "locked_until": None,
        }
        with self.store.transaction() as tx:
            tx.upsert(AUTH, doc, key="pin")

    def login(self, pin: str) -> LoginResult:
        """Check a PIN. After 5 wrong tries each further wrong try locks for longer."""
        now = as_local(self.clock.now())
        with self.store.transaction() as tx:
            doc = tx.get(AUTH, key="pin")
            if doc is None:
                return LoginResult(False, no_pin_set=True)
            locked_until = (
                as_local(datetime.fromisoformat(doc["locked_until"]))
                if doc.get("locked_until")
                else None
            )
            if locked_until and now < locked_until:
                return LoginResult(False, locked_until=locked_until)
            good = hmac.compare_digest(_hash(pin, bytes.fromhex(doc["salt"])), doc["hash"])
            if good:
                tx.update(AUTH, {"failures": 0, "locked_until": None}, key="pin")
                return LoginResult(True)
            failures = int(doc.get("failures", 0)) + 1
            changes: dict[str, object] = {"failures": failures}
            lock = None
            if failures >= FREE_TRIES:
                seconds = min(FIRST_LOCK_SECONDS * 2 ** (failures - FREE_TRIES), MAX_LOCK_SECONDS)
                lock = now + timedelta(seconds=seconds)
                changes["locked_until"] = lock.isoformat()
            tx.update(AUTH, changes, key="pin")
            return LoginResult(False, locked_until=lock, tries_left=max(FREE_TRIES - failures, 0))
