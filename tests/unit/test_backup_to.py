"""``kiosk backup --to DIR``: the newest backup copied off the PC, DIR rotating by itself.

In tests DIR is on the same disk as the data dir, so the runs that copy pass --same-disk;
one test shows that without it such a DIR is refused (a stick that is not mounted).
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.domain.clock import FixedClock
from kiosk.services import build_services
from tests.conftest import NOW


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, data: Path, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())

    def run(*args: str) -> tuple[int, object, str]:
        rc = main(list(args))
        out, err = capsys.readouterr()
        return rc, (json.loads(out) if out.strip() else None), err

    run.at = lambda moment: monkeypatch.setenv("KIOSK_NOW", moment)  # type: ignore[attr-defined]
    run("seed-demo")
    return run


def _book(cli, name: str) -> dict:  # type: ignore[no-untyped-def]
    slot = cli("slots", "--topic", "email")[1][0]
    rc, booked, err = cli("book", "--topic", "email", "--start", slot["start"], "--name", name)
    assert rc == 0, err
    return booked


def _copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("kiosk-*.json"), reverse=True)


def test_the_newest_backup_is_copied_privately(cli, data: Path, usb: Path) -> None:
    rc, out, err = cli("backup", "--to", str(usb), "--same-disk")
    assert rc == 0, err
    copy = Path(out["backup"])
    assert copy.parent == usb and out["kept"] == [str(copy)]
    local = sorted((data / "backups").glob("kiosk-*.json"))[-1]
    assert copy.name == local.name and copy.read_bytes() == local.read_bytes()
    assert copy.read_bytes() == (data / "kiosk.json").read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not list(usb.glob(".*.tmp"))

    # Nothing changed since: the same backup, not a new one, and no second copy.
    made = len(list((data / "backups").glob("kiosk-*.json")))
    rc, again, _ = cli("backup", "--to", str(usb), "--same-disk")
    assert rc == 0 and again["backup"] == out["backup"] and _copies(usb) == [copy]
    assert len(list((data / "backups").glob("kiosk-*.json"))) == made

    # A change since the newest backup: a fresh one is made, and that is what is copied.
    _book(cli, "Ona")
    rc, fresh, _ = cli("backup", "--to", str(usb), "--same-disk")
    assert rc == 0 and fresh["backup"] != out["backup"]
    assert b"Ona" in Path(fresh["backup"]).read_bytes()
    assert Path(fresh["backup"]).read_bytes() == (data / "kiosk.json").read_bytes()


def test_the_folder_keeps_the_newest_n(cli, usb: Path) -> None:
    made = []
    for n in range(4):
        _book(cli, f"Ona{'a' * n}")
        rc, out, _ = cli("backup", "--to", str(usb), "--same-disk", "--keep", "2")
        assert rc == 0
        made.append(Path(out["backup"]).name)
    assert [p.name for p in _copies(usb)] == made[:-3:-1]  # the two newest
    assert cli("backup", "--to", str(usb), "--keep", "0")[0] == 2


def test_the_default_keep_is_the_librarys_backups_keep(cli, data: Path, usb: Path) -> None:
    services = build_services(data, FixedClock(NOW))
    catalog = services.catalog
    catalog.save_settings(dataclasses.replace(catalog.settings(), backups_keep=3))
    for n in range(5):
        _book(cli, f"Jonas{'a' * n}")
        assert cli("backup", "--to", str(usb), "--same-disk")[0] == 0
    assert len(_copies(usb)) == 3


def test_a_copy_restores(cli, tmp_path: Path, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    booked = _book(cli, "Ona")
    copy = cli("backup", "--to", str(usb), "--same-disk")[1]["backup"]
    before = cli("bookings")[1]
    assert booked["code"] in [b["code"] for b in before]

    # A new PC: an empty data dir, the copy brought back from the stick.
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "new-pc"))
    rc, out, err = cli("restore", copy, "--yes")
    assert rc == 0 and out["restored"] == copy, err
    rc, after, _ = cli("bookings")
    assert rc == 0 and after == before


def test_names_past_retention_leave_the_copies_too(cli, usb: Path) -> None:
    booked = _book(cli, "Ona")
    cli("backup", "--to", str(usb), "--same-disk")
    assert any(b"Ona" in p.read_bytes() for p in _copies(usb))

    # 30 days (the demo library's retention) after the consultation, the next copy run
    # erases the name in the copies already on the stick, and in the new one.
    cli.at((datetime.fromisoformat(booked["end"]) + timedelta(days=31)).isoformat())
    assert cli("backup", "--to", str(usb), "--same-disk")[0] == 0
    assert _copies(usb) and not any(b"Ona" in p.read_bytes() for p in _copies(usb))


def _refused(cli, *args: str) -> str:  # type: ignore[no-untyped-def]
    rc, out, err = cli("backup", *args)
    assert rc == 2 and out is None and err.count("\n") == 1 and err.startswith("kiosk: ")
    return err


def test_a_folder_that_cannot_take_the_copy_is_refused(
    cli, data: Path, usb: Path, tmp_path: Path
) -> None:
    assert "does not exist" in _refused(cli, "--to", str(tmp_path / "no-stick"), "--same-disk")
    assert not (tmp_path / "no-stick").exists()  # never made: it would be on this disk
    assert "same disk" in _refused(cli, "--to", str(usb))
    assert "empty" in _refused(cli, "--to", " ")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    assert "not a folder" in _refused(cli, "--to", str(a_file), "--same-disk")
    link = tmp_path / "link"
    link.symlink_to(usb)
    assert "symbolic link" in _refused(cli, "--to", str(link), "--same-disk")
    assert "inside the data dir" in _refused(cli, "--to", str(data / "backups"), "--same-disk")
    assert not _copies(usb)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_folder_this_user_cannot_write_is_refused(cli, usb: Path) -> None:
    usb.chmod(0o500)
    try:
        assert "cannot write" in _refused(cli, "--to", str(usb), "--same-disk")
    finally:
        usb.chmod(0o700)


def test_a_failed_copy_is_one_line_and_leaves_no_temp_file(
    cli, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db import storage

    real = storage.write_bytes_atomic

    def full_stick(path: Path, payload: bytes, sync_dir: bool = True) -> None:
        if path.parent == usb:
            raise OSError(28, "No space left on device")
        real(path, payload, sync_dir)

    monkeypatch.setattr(storage, "write_bytes_atomic", full_stick)
    assert "No space left" in _refused(cli, "--to", str(usb), "--same-disk")
    assert not list(usb.iterdir())
