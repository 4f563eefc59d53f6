"""E-scouts' cards and PINs: only hashes stored, old cards die, lock-outs per place."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.domain.catalog import CatalogService
from kiosk.domain.errors import Conflict, KioskError, NotFound, ValidationError
from kiosk.domain.scout_access import (
    CARD_LENGTH,
    SCOUT_CREDENTIALS,
    is_card_token,
    new_card_token,
)
from kiosk.domain.tickets import is_token, new_token
from kiosk.services import Services, build_services
from tests.conftest import PIN

SCOUT_PIN = "13579"
KIOSK = "kiosk"
OTHER_KIOSK = "web-kiosk:10.0.0.7"


def _deactivate(services: Services, scout_id: str) -> None:
    catalog = CatalogService(services.store, services.clock)
    scout = next(s for s in services.booking.scouts() if s.id == scout_id)
    scout.active = False
    catalog.save_scout(scout)


def test_card_tokens_are_told_apart_from_visitor_tokens() -> None:
    card = new_card_token()
    assert len(card) == CARD_LENGTH == 28 and card.startswith("SK")
    assert is_card_token(card) and not is_token(card)
    visitor = new_token()
    assert is_token(visitor) and not is_card_token(visitor)
    assert not is_card_token("SK" + visitor[:25]) and not is_card_token(card.lower())
    assert len({new_card_token() for _ in range(200)}) == 200


def test_only_the_cards_hash_is_stored(demo: Services) -> None:
    card = demo.scout_access.issue_card("lukas")
    text = (demo.data_dir / "kiosk.json").read_text()
    assert card not in text and card[2:] not in text
    assert hashlib.sha256(card.encode()).hexdigest() in text
    assert demo.scout_access.has_card("lukas") and not demo.scout_access.has_card("ieva")
    assert demo.scout_access.card_holder(card).id == "lukas"  # type: ignore[union-attr]
    assert demo.scout_access.card_holder(" " + card.lower() + "\n").id == "lukas"  # type: ignore[union-attr]


def test_reissue_kills_the_old_card_and_revoke_kills_the_new(demo: Services) -> None:
    access = demo.scout_access
    old = access.issue_card("lukas")
    new = access.issue_card("lukas")
    assert access.card_holder(old) is None and access.card_holder(new) is not None
    access.set_pin("lukas", SCOUT_PIN)
    assert access.sign_in(old, SCOUT_PIN, place=KIOSK).reason == "unknown_card"
    assert access.sign_in(new, SCOUT_PIN, place=KIOSK).ok
    access.revoke_card("lukas")
    assert not access.has_card("lukas") and access.card_holder(new) is None
    assert access.sign_in(new, SCOUT_PIN, place=KIOSK).reason == "unknown_card"
    access.revoke_card("lukas")  # twice is harmless


def test_saves_carry_a_version(demo: Services) -> None:
    access = demo.scout_access
    access.issue_card("lukas")
    access.set_pin("lukas", SCOUT_PIN)
    access.revoke_card("lukas")
    assert access.credentials()["lukas"].version == 3


def test_cards_and_pins_of_unknown_or_inactive_scouts(demo: Services) -> None:
    access = demo.scout_access
    with pytest.raises(NotFound) as unknown:
        access.issue_card("nobody")
    assert unknown.value.code == "unknown_scout"
    card = access.issue_card("ieva")
    access.set_pin("ieva", SCOUT_PIN)
    _deactivate(demo, "ieva")
    assert access.card_holder(card) is None  # an inactive e-scout's card opens nothing
    assert access.sign_in(card, SCOUT_PIN, place=KIOSK).reason == "unknown_card"
    with pytest.raises(Conflict) as inactive:
        access.issue_card("ieva")
    assert inactive.value.code == "scout_inactive"


@pytest.mark.parametrize("bad", ["12", "abcd", "1234567890123", "１２３４"])
def test_scout_pin_follows_the_librarians_rules(demo: Services, bad: str) -> None:
    with pytest.raises(ValidationError):
        demo.scout_access.set_pin("lukas", bad)


def test_sign_in_reasons(demo: Services) -> None:
    access = demo.scout_access
    card = access.issue_card("lukas")
    assert access.sign_in(card, SCOUT_PIN, place=KIOSK).reason == "no_pin"
    access.set_pin("lukas", SCOUT_PIN)
    assert SCOUT_PIN not in (demo.data_dir / "kiosk.json").read_text()
    wrong = access.sign_in(card, "0000", place=KIOSK)
    assert (wrong.ok, wrong.reason, wrong.tries_left) == (False, "wrong_pin", 4)
    good = access.sign_in(card, SCOUT_PIN, place=KIOSK)
    assert good.ok and good.reason == "ok" and good.scout is not None and good.scout.id == "lukas"
    assert access.sign_in(new_card_token(), SCOUT_PIN, place=KIOSK).reason == "unknown_card"
    assert access.sign_in("not a card", SCOUT_PIN, place=KIOSK).reason == "unknown_card"


def test_lockout_counts_per_place_and_per_scout(demo: Services) -> None:
    access = demo.scout_access
    lukas = access.issue_card("lukas")
    ieva = access.issue_card("ieva")
    access.set_pin("lukas", SCOUT_PIN)
    access.set_pin("ieva", SCOUT_PIN)
    for _ in range(5):
        last = access.sign_in(lukas, "0000", place=KIOSK)
    assert last.reason == "wrong_pin" and last.locked_until is not None
    first_lock = last.locked_until - demo.clock.now()
    assert first_lock == timedelta(seconds=30)  # the librarian's back-off
    locked = access.sign_in(lukas, SCOUT_PIN, place=KIOSK)
    assert locked.reason == "locked" and locked.locked_until == last.locked_until
    # Another kiosk, and another e-scout at the same kiosk, are not locked out.
    assert access.sign_in(lukas, SCOUT_PIN, place=OTHER_KIOSK).ok
    assert access.sign_in(ieva, SCOUT_PIN, place=KIOSK).ok
    demo.clock.advance(seconds=30)  # type: ignore[attr-defined]
    sixth = access.sign_in(lukas, "0000", place=KIOSK)
    assert sixth.locked_until is not None
    assert sixth.locked_until - demo.clock.now() == timedelta(seconds=60)  # doubling
    demo.clock.advance(seconds=60)  # type: ignore[attr-defined]
    assert access.sign_in(lukas, SCOUT_PIN, place=KIOSK).ok
    assert access.sign_in(lukas, "0000", place=KIOSK).tries_left == 4  # reset by a good PIN


def test_a_new_pin_clears_the_lockouts(demo: Services) -> None:
    access = demo.scout_access
    card = access.issue_card("lukas")
    access.set_pin("lukas", SCOUT_PIN)
    for _ in range(6):
        access.sign_in(card, "0000", place=KIOSK)
    assert access.sign_in(card, SCOUT_PIN, place=KIOSK).reason == "locked"
    access.set_pin("lukas", "97531")
    assert access.sign_in(card, "97531", place=KIOSK).ok


def test_librarian_pin_unaffected_by_scout_lockouts(demo: Services) -> None:
    demo.auth.set_pin(PIN)
    card = demo.scout_access.issue_card("lukas")
    demo.scout_access.set_pin("lukas", SCOUT_PIN)
    for n in range(30):
        demo.scout_access.sign_in(card, "0000", place=f"web-kiosk:10.0.0.{n}")
    assert demo.auth.login(PIN, place=KIOSK).ok


def test_rotating_places_gain_nothing_against_an_e_scouts_pin(demo: Services) -> None:
    """A found card and a new made-up place for every guess: 10 guesses, then the e-scout's
    account waits, everywhere but where they signed in before."""
    access = demo.scout_access
    card = access.issue_card("lukas")
    access.set_pin("lukas", "0042")
    assert access.sign_in(card, "0042", place=KIOSK).ok  # the e-scout's own kiosk
    results = [
        access.sign_in(card, f"{guess:04d}", place=f"web-kiosk:10.1.{guess // 250}.{guess % 250}")
        for guess in range(1000)
    ]
    assert not any(r.ok for r in results)
    assert sum(r.reason == "wrong_pin" for r in results) == 10
    assert results[42].reason == "locked"
    assert access.sign_in(card, "0042", place=KIOSK).ok
    ieva = access.issue_card("ieva")
    access.set_pin("ieva", SCOUT_PIN)
    assert access.sign_in(ieva, SCOUT_PIN, place="web-kiosk:10.1.0.1").ok  # her own count


def test_credentials_survive_a_reopen(demo: Services) -> None:
    card = demo.scout_access.issue_card("lukas")
    demo.scout_access.set_pin("lukas", SCOUT_PIN)
    again = build_services(demo.data_dir, demo.clock)
    assert again.scout_access.sign_in(card, SCOUT_PIN, place=KIOSK).ok
    with again.store.snapshot() as tx:
        (row,) = tx.all(SCOUT_CREDENTIALS)
    assert set(row) >= {"scout", "card_hash", "pin_salt", "pin_hash", "version"}


def test_refusals_are_kiosk_errors(demo: Services) -> None:
    with pytest.raises(KioskError):
        demo.scout_access.set_pin("nobody", SCOUT_PIN)


def test_a_version_2_file_is_migrated(tmp_path: Path) -> None:
    from db.schema import MIGRATIONS, SCHEMA_VERSION, migrate

    old = {
        "meta": {"1": {"schema": 2}},
        "activities": {"1": {"id": "a", "date": "2026-11-01", "scout": "lukas", "minutes": 30}},
    }
    new = migrate(tmp_path / "kiosk.json", old)
    assert SCHEMA_VERSION == 3 and 2 in MIGRATIONS
    assert new["activities"]["1"]["submitted_by"] == "librarian"
    assert {"scout_credentials", "scout_lockouts", "scout_presence"} <= set(new)
    assert "submitted_by" not in old["activities"]["1"]  # the original is left alone


def test_retention_erases_old_presence_and_inactive_scouts_credentials(demo: Services) -> None:
    from kiosk.domain.scout_day import SCOUT_PRESENCE

    days = demo.booking.settings().retention_days
    access = demo.scout_access
    access.issue_card("ieva")
    access.set_pin("ieva", SCOUT_PIN)
    lukas = access.issue_card("lukas")
    access.set_pin("lukas", SCOUT_PIN)
    demo.clock.advance(hours=5, minutes=45)  # type: ignore[attr-defined]
    demo.scout_day.say_here("lukas")  # 14:45, today's 15:00 shift
    _deactivate(demo, "ieva")
    first = demo.retention.purge()  # starts Ieva's count; nothing is old yet
    assert (first.presence_erased, first.credentials_erased) == (0, [])
    assert "ieva" in access.credentials()
    demo.clock.advance(days=days)  # type: ignore[attr-defined]
    assert demo.retention.purge().presence_erased == 0  # the shift ended at 18:00
    demo.clock.advance(hours=9)  # type: ignore[attr-defined]
    later = demo.retention.purge()
    assert later.presence_erased == 1 and later.credentials_erased == []  # erased before
    assert "ieva" not in access.credentials()
    assert set(access.credentials()) == {"lukas"}
    with demo.store.snapshot() as tx:
        assert tx.all(SCOUT_PRESENCE) == []
    assert access.sign_in(lukas, SCOUT_PIN, place=KIOSK).ok  # active e-scouts keep theirs
    # Ieva was erased whole with her card and PIN: the log names her by her anonymous id.
    (anonymous,) = demo.retention.log()[1].credentials_erased
    assert anonymous.startswith("anon-") and demo.retention.log()[1].scouts_erased == 1


def test_an_escout_made_active_again_starts_the_count_afresh(demo: Services) -> None:
    days = demo.booking.settings().retention_days
    demo.scout_access.issue_card("ieva")
    _deactivate(demo, "ieva")
    demo.retention.purge()
    catalog = CatalogService(demo.store, demo.clock)
    scout = next(s for s in demo.booking.scouts() if s.id == "ieva")
    catalog.save_scout(dataclasses.replace(scout, active=True))
    demo.retention.purge()
    assert demo.scout_access.credentials()["ieva"].inactive_since is None
    demo.clock.advance(days=days)  # type: ignore[attr-defined]
    assert demo.retention.purge().credentials_erased == []
