"""E-scouts' cards and PINs: how an e-scout signs in at the kiosk.

A card carries an unguessable token like a visitor's ticket (128 bits from ``secrets``,
upper-case base32) behind the prefix ``SK``, so a scan tells a card from a ticket by its
shape alone. Only the token's SHA-256 is stored: a copied data file or backup cannot mint a
card. A new card replaces the old one, whose token then matches nothing. The PIN is hashed
with the same pepper and its wrong tries counted exactly as the librarian's
(kiosk/domain/auth.py), per e-scout: per place, so guesses at one kiosk never lock the
e-scout out at another, and across all places, so made-up places gain nothing. Only a valid
card reaches the PIN at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from db import Store, Tx
from kiosk.domain.auth import (
    LoginResult,
    check_place,
    counted_try,
    pepper_problem,
    peppered_again,
    pin_matches,
    pin_record,
)
from kiosk.domain.clock import Clock
from kiosk.domain.errors import Conflict, ErrorCode, NotFound
from kiosk.domain.models import Scout, ScoutCredentials
from kiosk.domain.pepper import Pepper
from kiosk.domain.records import SCOUTS
from kiosk.domain.service import StoreService
from kiosk.domain.tickets import TOKEN_LENGTH, new_token, token_hash

log = logging.getLogger(__name__)

SCOUT_CREDENTIALS = "scout_credentials"
# Wrong-PIN counters: one row per e-scout and place, and one per e-scout for all places.
SCOUT_LOCKOUTS = "scout_lockouts"
CARD_PREFIX = "SK"
CARD_LENGTH = len(CARD_PREFIX) + TOKEN_LENGTH
_CARD_RE = re.compile(rf"{CARD_PREFIX}[A-Z2-7]{{{TOKEN_LENGTH}}}")


def new_card_token() -> str:
    """A new card token: ``SK`` and 26 upper-case base32 characters (QR alphanumeric)."""
    return CARD_PREFIX + new_token()


def is_card_token(text: str) -> bool:
    """Whether ``text`` has a card token's shape (a visitor's token is 26 characters, no
    prefix); says nothing about whether the card is valid."""
    return bool(_CARD_RE.fullmatch(text))


@dataclass(frozen=True)
class ScoutSignIn:
    ok: bool
    # "ok" | "unknown_card" (forged or revoked) | "wrong_pin" | "locked" | "no_pin" (none
    # set, or one set with a pepper file this PC lacks: either way the librarian sets one)
    reason: str
    scout: Scout | None = None
    locked_until: datetime | None = None
    tries_left: int | None = None  # after a wrong PIN: tries before this place is locked


def _credentials(tx: Tx, scout_id: str) -> ScoutCredentials:
    doc = tx.get(SCOUT_CREDENTIALS, scout=scout_id)
    return ScoutCredentials.from_dict(doc) if doc else ScoutCredentials(scout=scout_id)


def _save(tx: Tx, creds: ScoutCredentials) -> ScoutCredentials:
    creds = replace(creds, version=creds.version + 1)
    tx.upsert(SCOUT_CREDENTIALS, creds.to_dict(), scout=creds.scout)
    return creds


def _scout(tx: Tx, scout_id: str) -> Scout:
    doc = tx.get(SCOUTS, id=scout_id)
    if doc is None:
        raise NotFound(ErrorCode.UNKNOWN_SCOUT, f"no e-scout with id {scout_id!r}")
    return Scout.from_dict(doc)


def _active_scout(tx: Tx, scout_id: str) -> Scout:
    scout = _scout(tx, scout_id)
    if not scout.active:
        raise Conflict(ErrorCode.SCOUT_INACTIVE, f"e-scout {scout_id!r} is inactive")
    return scout


def _holder(tx: Tx, token: str) -> tuple[Scout, ScoutCredentials] | None:
    """The active e-scout whose current card this is. The lookup is by the token's hash, so
    no stored secret is ever compared character by character."""
    token = token.strip().upper()
    if not is_card_token(token):
        return None
    doc = tx.get(SCOUT_CREDENTIALS, card_hash=token_hash(token))
    if doc is None:
        return None
    creds = ScoutCredentials.from_dict(doc)
    scout_doc = tx.get(SCOUTS, id=creds.scout)
    if scout_doc is None:
        return None
    scout = Scout.from_dict(scout_doc)
    return (scout, creds) if scout.active else None


class ScoutAccessService(StoreService):
    def __init__(self, store: Store, clock: Clock, pepper: Pepper | None = None) -> None:
        super().__init__(store, clock)
        self.pepper = pepper if pepper is not None else Pepper.for_data_dir(store.data_dir)

    def issue_card(self, scout_id: str, deliver: Callable[[Scout, str], None] | None = None) -> str:
        """A new card for the e-scout; any older card stops working at once.

        ``deliver(scout, token)`` (print or write the card) runs before the new card is
        saved: if it fails, the old card still works and nothing changes."""
        token = new_card_token()
        with self.store.transaction() as tx:
            scout = _active_scout(tx, scout_id)
            creds = _credentials(tx, scout_id)
            if deliver is not None:
                deliver(scout, token)
            _save(
                tx,
                replace(creds, card_hash=token_hash(token), card_issued_at=self.now().isoformat()),
            )
        return token

    def revoke_card(self, scout_id: str) -> None:
        """The e-scout's card stops working (the PIN stays, for a new card)."""
        with self.store.transaction() as tx:
            _scout(tx, scout_id)
            creds = _credentials(tx, scout_id)
            if creds.card_hash is not None:
                _save(tx, replace(creds, card_hash=None, card_issued_at=None))

    def has_card(self, scout_id: str) -> bool:
        with self.store.snapshot() as tx:
            return _credentials(tx, scout_id).card_hash is not None

    def has_pin(self, scout_id: str) -> bool:
        with self.store.snapshot() as tx:
            return _credentials(tx, scout_id).pin_hash is not None

    def credentials(self) -> dict[str, ScoutCredentials]:
        """Every e-scout's credentials (hashes only) by e-scout id, for the console's marks."""
        with self.store.snapshot() as tx:
            docs = tx.all(SCOUT_CREDENTIALS)
        return {d["scout"]: ScoutCredentials.from_dict(d) for d in docs}

    def set_pin(self, scout_id: str, pin: str) -> None:
        """Set or replace the e-scout's PIN (4 to 12 digits, not weak); their lock-outs start
        afresh."""
        record = pin_record(pin, self.pepper)
        with self.store.transaction() as tx:
            _active_scout(tx, scout_id)
            creds = _credentials(tx, scout_id)
            _save(
                tx,
                replace(
                    creds,
                    pin_salt=record["salt"],
                    pin_hash=record["hash"],
                    pin_set_at=self.now().isoformat(),
                ),
            )
            tx.remove(SCOUT_LOCKOUTS, scout=scout_id)

    def card_holder(self, token: str) -> Scout | None:
        """The e-scout of a valid card (before the PIN), or None for a forged or revoked one."""
        with self.store.snapshot() as tx:
            found = _holder(tx, token)
        return found[0] if found else None

    def sign_in(self, token: str, pin: str, *, place: str) -> ScoutSignIn:
        """Check a card and its PIN typed at ``place``; never raises for a refusal."""
        place = check_place(place)
        now = self.now()
        with self.store.transaction() as tx:
            found = _holder(tx, token)
            if found is None:
                return ScoutSignIn(False, "unknown_card")
            scout, creds = found
            if creds.pin_hash is None or creds.pin_salt is None:
                return ScoutSignIn(False, "no_pin", scout=scout)
            stored = {"salt": creds.pin_salt, "hash": creds.pin_hash}
            problem = pepper_problem(stored, self.pepper)
            if problem is not None:
                log.warning("e-scout %s: %s", scout.id, problem)
                return ScoutSignIn(False, "no_pin", scout=scout)
            result = counted_try(
                tx,
                table=SCOUT_LOCKOUTS,
                match={"scout": scout.id},
                place=place,
                now=now,
                good=lambda: pin_matches(pin, stored, self.pepper),
            )
            again = peppered_again(pin, stored, self.pepper) if result.ok else None
            if again is not None:
                _save(tx, replace(creds, pin_salt=again["salt"], pin_hash=again["hash"]))
        return _sign_in_result(scout, result)


def _sign_in_result(scout: Scout, result: LoginResult) -> ScoutSignIn:
    if result.ok:
        return ScoutSignIn(True, "ok", scout=scout)
    if result.tries_left is None:  # refused before the PIN was even checked
        return ScoutSignIn(False, "locked", scout=scout, locked_until=result.locked_until)
    return ScoutSignIn(
        False,
        "wrong_pin",
        scout=scout,
        locked_until=result.locked_until,
        tries_left=result.tries_left,
    )
