"""The PIN pepper: a secret outside the data dir, so a copied backup cannot be guessed
offline; PINs stored before it keep working and take it at the next right PIN."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pwd
import secrets
import stat
import subprocess
from pathlib import Path

import pytest

from kiosk.domain import pepper as pepper_module
from kiosk.domain.auth import AUTH, PIN_KEY, PinService, pin_refusal
from kiosk.domain.errors import KioskError
from kiosk.domain.pepper import PEPPER_ENV, Pepper, pepper_path
from kiosk.services import Services, build_services
from tests.conftest import PIN, set_unpeppered_pin


def _stored(services: Services) -> dict:
    with services.store.snapshot() as tx:
        doc = tx.get(AUTH, key=PIN_KEY)
    assert doc is not None
    return doc


def _offline_guess(record: dict, pin: str) -> bool:
    """What a thief of kiosk.json (or any backup) tries: the stored salt, scrypt, compare."""
    salt = bytes.fromhex(record["salt"])
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()
    return record["hash"].rsplit(":", 1)[-1] == digest


def test_a_copied_data_file_cannot_be_guessed_offline(services: Services) -> None:
    """Before the pepper, scrypt over the stored salt found every 4-digit PIN in minutes."""
    PinService(services.store, services.clock).set_pin(PIN)
    record = json.loads((services.data_dir / "kiosk.json").read_text())[AUTH]
    stored = next(doc for doc in record.values() if doc.get("key") == PIN_KEY)
    assert not _offline_guess(stored, PIN)  # even the right PIN does not match without it
    # The same guess with the pepper file matches: the pepper is what is missing.
    key = bytes.fromhex(Path(os.environ[PEPPER_ENV]).read_text())
    secret = hmac.new(key, PIN.encode(), hashlib.sha256).digest()
    salt = bytes.fromhex(stored["salt"])
    digest = hashlib.scrypt(secret, salt=salt, n=2**14, r=8, p=1, dklen=32).hex()
    assert stored["hash"].endswith(":" + digest)


def test_the_pepper_lives_outside_the_data_dir_and_its_backups(services: Services) -> None:
    PinService(services.store, services.clock).set_pin(PIN)
    path = Path(os.environ[PEPPER_ENV])
    assert services.data_dir.resolve() not in path.resolve().parents
    assert stat.S_IMODE(path.stat().st_mode) == 0o400  # its owner reads it, nobody writes
    key = path.read_text().strip()
    assert len(bytes.fromhex(key)) == 32
    services.maintenance.backup()
    for file in services.data_dir.rglob("*"):
        if file.is_file():
            assert key not in file.read_text(errors="replace"), file


def test_a_pin_from_before_the_pepper_works_and_takes_it(services: Services) -> None:
    set_unpeppered_pin(services, "0042")  # a short PIN, set before the 6-digit rule
    pins = PinService(services.store, services.clock)
    assert _offline_guess(_stored(services), "0042")  # what a backup from then gives away
    assert not pins.login("0041", place="kiosk").ok
    first = pins.login("0042", place="kiosk")
    assert first.ok and first.short_pin  # the console asks for a longer one
    upgraded = _stored(services)
    assert upgraded["hash"].startswith("p1:") and not _offline_guess(upgraded, "0042")
    assert pins.login("0042", place="kiosk").ok  # and it keeps working
    pins.set_pin(PIN)
    assert not pins.login(PIN, place="kiosk").short_pin


def test_without_a_pepper_an_old_pin_still_opens_the_console(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade on a PC where no pepper can be made (the installer not run again) must
    not lock the library out: the old hash keeps working, unpeppered."""
    monkeypatch.setenv(PEPPER_ENV, str(tmp_path / "no such folder" / "pepper"))
    set_unpeppered_pin(services, "2468")
    pins = PinService(services.store, services.clock)
    assert pins.login("2468", place="kiosk").ok
    assert not _stored(services)["hash"].startswith("p1:")
    with pytest.raises(KioskError, match="cannot make the pepper file") as refused:
        pins.set_pin(PIN)  # a new PIN is never stored without pepper
    assert refused.value.code == "pepper_unavailable"
    assert pins.login("2468", place="kiosk").ok  # nothing was changed


def test_a_lost_pepper_is_named_not_counted(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    PinService(services.store, services.clock).set_pin(PIN)
    # A restored backup on a new PC, without the old PC's pepper file.
    monkeypatch.setenv(PEPPER_ENV, str(tmp_path / "new-pc.pepper"))
    pins = PinService(services.store, services.clock)
    missing = pins.login(PIN, place="kiosk")
    assert not missing.ok and missing.no_pepper and "missing" in missing.no_pepper
    line = pin_refusal(missing)
    assert "new-pc.pepper" in line and "set-pin --reset" in line and "\n" not in line
    Pepper(tmp_path / "new-pc.pepper").key(create=True)  # another pepper appears there
    other = PinService(services.store, services.clock).login(PIN, place="kiosk")
    assert other.no_pepper and "not the one" in other.no_pepper
    with services.store.snapshot() as tx:
        assert tx.find(AUTH, key="lockout") == []  # no wrong try was counted
    PinService(services.store, services.clock).set_pin("135791")  # kiosk set-pin --reset
    assert PinService(services.store, services.clock).login("135791", place="kiosk").ok


def test_where_the_pepper_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "library" / "data"
    monkeypatch.setenv(PEPPER_ENV, str(tmp_path / "given"))
    assert pepper_path(data) == tmp_path / "given"
    monkeypatch.delenv(PEPPER_ENV)
    system = tmp_path / "etc" / "pepper"
    monkeypatch.setattr(pepper_module, "SYSTEM_PEPPER", system)
    assert pepper_path(data) == tmp_path / "library" / "data.pepper"  # beside, never inside
    system.parent.mkdir()
    system.write_text(secrets.token_hex(32))
    assert pepper_path(data) == system  # installed PCs: deploy/install.sh made it


def test_the_demo_gets_a_pepper_beside_its_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PEPPER_ENV)
    monkeypatch.setattr(pepper_module, "SYSTEM_PEPPER", tmp_path / "etc" / "pepper")
    services = build_services(tmp_path / "demo-data")
    services.auth.set_pin(PIN)
    beside = tmp_path / "demo-data.pepper"
    assert beside.is_file() and stat.S_IMODE(beside.stat().st_mode) == 0o400
    # Another process on the same data dir finds the same pepper.
    assert build_services(tmp_path / "demo-data").auth.login(PIN, place="kiosk").ok


def test_a_pepper_inside_the_data_dir_is_refused(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PEPPER_ENV, str(services.data_dir / "pepper"))
    with pytest.raises(KioskError, match="inside the data dir"):
        PinService(services.store, services.clock).set_pin(PIN)


def test_a_pepper_that_exists_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "pepper"
    first = Pepper(path).key(create=True)
    assert Pepper(path).key(create=True) == first  # a second process reads, never remakes
    assert [p.name for p in tmp_path.iterdir()] == ["pepper"]  # no temporary file left
    path.chmod(0o600)
    path.write_text("not hex\n")
    with pytest.raises(KioskError, match="holds no pepper"):
        Pepper(path).key(create=True)
    assert path.read_text() == "not hex\n"


def test_an_e_scouts_old_pin_works_and_takes_the_pepper(demo: Services) -> None:
    access = demo.scout_access
    card = access.issue_card("lukas")
    access.set_pin("lukas", "1357")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(b"1357", salt=salt, n=2**14, r=8, p=1, dklen=32).hex()
    with demo.store.transaction() as tx:
        tx.update("scout_credentials", {"pin_salt": salt.hex(), "pin_hash": digest}, scout="lukas")
    assert access.sign_in(card, "1357", place="kiosk").ok
    creds = access.credentials()["lukas"]
    assert creds.pin_hash is not None and creds.pin_hash.startswith("p1:")
    assert access.sign_in(card, "1357", place="kiosk").ok


def test_the_installer_makes_the_pepper_once(tmp_path: Path) -> None:
    """deploy/make-pepper.sh, as install.sh runs it (here for this user, not kiosk)."""
    script = Path(__file__).resolve().parents[2] / "deploy" / "make-pepper.sh"
    path = tmp_path / "etc" / "escout-kiosk" / "pepper"
    owner = pwd.getpwuid(os.getuid()).pw_name

    def run() -> str:
        done = subprocess.run([str(script), str(path), owner], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "made" in run()
    assert stat.S_IMODE(path.stat().st_mode) == 0o400 and path.stat().st_uid == os.getuid()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o755  # the kiosk user reaches it
    key = Pepper(path).key()
    assert key is not None and len(key) == 32
    assert "kept" in run() and Pepper(path).key() == key  # running the installer again
    assert sorted(p.name for p in path.parent.iterdir()) == ["pepper"]
