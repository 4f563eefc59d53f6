"""The CLI contract of DESIGN.md, end to end (in-process, plus real processes where it matters)."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from db import StoreError, store
from kiosk import cli as cli_module
from kiosk.cli import main
from kiosk.domain.auth import PinService
from kiosk.services import build_services
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "cli-data"))
    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())

    def run(*args: str) -> tuple[int, object, str]:
        rc = main(list(args))
        out, err = capsys.readouterr()
        try:
            parsed = json.loads(out) if out.strip() else None
        except json.JSONDecodeError:
            parsed = out
        return rc, parsed, err

    # Move the clock (check-in opens only shortly before a booking's start).
    run.at = lambda moment: monkeypatch.setenv("KIOSK_NOW", moment)  # type: ignore[attr-defined]
    return run


def test_seed_topics_slots_book_bookings_check_in_cancel(cli) -> None:
    rc, out, _ = cli("seed-demo")
    assert rc == 0 and out["seeded"] is True
    assert cli("seed-demo")[1]["seeded"] is False  # never over existing data

    rc, topics, _ = cli("topics")
    assert rc == 0 and 12 <= len(topics) <= 14
    assert {"slug", "name"} <= set(topics[0])
    assert cli("topics", "--lang", "en")[1][0]["name"] == "Smartphone basics"
    ukrainian = cli("topics", "--lang", "uk")[1][0]
    assert (ukrainian["name"], ukrainian["translated"]) == ("Смартфон", True)
    assert cli("topics", "--lang", "de")[1][0]["translated"] is False  # Lithuanian shown

    rc, slots, _ = cli("slots", "--topic", "e-health", "--date", "2026-11-30", "--days", "1")
    assert rc == 0 and slots
    assert {"start", "end", "scout", "place"} <= set(slots[0])
    assert slots[0]["start"].endswith("+02:00")

    rc, booked, _ = cli(
        "book",
        "--topic",
        "e-health",
        "--start",
        slots[0]["start"],
        "--name",
        "Aldona",
        "--phone",
        "861234567",
    )
    assert rc == 0
    assert {"code", "token", "start", "end", "scout", "place", "topic", "status"} <= set(booked)
    assert booked["status"] == "booked" and "token_hash" not in booked

    rc, listed, _ = cli("bookings", "--date", "2026-11-30")
    codes = [b["code"] for b in listed]
    assert rc == 0 and booked["code"] in codes
    assert {"code", "status", "start", "topic", "scout"} <= set(listed[0])

    rc, result, err = cli("check-in", booked["token"])
    assert rc != 0 and result["result"] == "not_today" and err.count("\n") == 1

    rc, cancelled, _ = cli("cancel", booked["code"])
    assert rc == 0 and cancelled["status"] == "cancelled"
    rc, result, _ = cli("check-in", booked["code"])
    assert rc != 0 and result["result"] == "cancelled"
    assert cli("bookings", "--status", "cancelled")[1][0]["code"] == booked["code"]


def test_check_in_today_exits_zero(cli) -> None:
    cli("seed-demo")
    slot = cli("slots", "--topic", "e-banking", "--days", "1")[1][0]
    booked = cli("book", "--topic", "e-banking", "--start", slot["start"], "--name", "Ona")[1]
    rc, result, err = cli("check-in", booked["token"])
    opens = datetime.fromisoformat(slot["start"]) - timedelta(minutes=60)
    assert rc != 0 and result["result"] == "too_early" and err.count("\n") == 1
    assert datetime.fromisoformat(result["opens_at"]) == opens
    cli.at(opens.isoformat())
    rc, result, _ = cli("check-in", booked["token"])
    assert rc == 0 and result["result"] == "ok" and result["checked_in_at"] == opens.isoformat()
    rc, result, _ = cli("check-in", booked["token"])
    assert rc != 0 and result["result"] == "already_checked_in"


def test_ticket_svg_and_backup(cli, tmp_path: Path) -> None:
    cli("seed-demo")
    slot = cli("slots", "--topic", "email")[1][0]
    booked = cli("book", "--topic", "email", "--start", slot["start"], "--name", "Ona")[1]
    svg = tmp_path / "ticket.svg"
    rc, out, _ = cli("ticket", booked["code"], "--svg", str(svg))
    assert rc == 0 and svg.read_text().startswith("<?xml") and booked["code"] in svg.read_text()
    assert out["token"] != booked["token"]  # a reissued ticket; the old QR is void
    assert cli("check-in", booked["token"])[1]["result"] == "forged"

    rc, out, _ = cli("backup")
    assert rc == 0 and Path(out["backup"]).is_file()


def _booked(cli) -> dict:  # type: ignore[no-untyped-def]
    cli("seed-demo")
    slot = cli("slots", "--topic", "e-banking", "--days", "1")[1][0]
    booked = cli("book", "--topic", "e-banking", "--start", slot["start"], "--name", "Ona")[1]
    cli.at(slot["start"])  # the check-ins below are on time
    return booked


def test_ticket_file_is_private_whatever_the_umask(cli, tmp_path: Path) -> None:
    booked = _booked(cli)
    svg = tmp_path / "ticket.svg"
    old = os.umask(0)
    try:
        rc, _, _ = cli("ticket", booked["code"], "--svg", str(svg))
    finally:
        os.umask(old)
    assert rc == 0 and stat.S_IMODE(svg.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("where", ["/dev/full", "folder", "missing/ticket.svg"])
def test_a_ticket_that_cannot_be_written_keeps_the_old_one(cli, tmp_path: Path, where: str) -> None:
    booked = _booked(cli)
    (tmp_path / "folder").mkdir()
    target = where if where.startswith("/") else str(tmp_path / where)
    rc, out, err = cli("ticket", booked["code"], "--svg", target)
    assert rc == 2 and out is None and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "missing").exists()
    assert cli("check-in", booked["token"])[1]["result"] == "ok"  # the visitor's QR still works


def test_a_failed_write_keeps_the_old_ticket(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = _booked(cli)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(cli_module.os, "fsync", disk_full)
        rc, _, err = cli("ticket", booked["code"], "--svg", str(tmp_path / "t.svg"))
    assert rc == 2 and "No space left" in err and err.count("\n") == 1
    assert list(tmp_path.glob("*t.svg*")) == []  # neither the file nor its temp file
    assert cli("check-in", booked["token"])[1]["result"] == "ok"


def test_a_failed_commit_removes_the_ticket_file(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = _booked(cli)
    svg = tmp_path / "t.svg"

    def broken(self, data, index=None) -> None:  # type: ignore[no-untyped-def]
        assert svg.is_file()  # the file is written before the token is committed
        raise StoreError("disk went away")

    with monkeypatch.context() as patch:
        patch.setattr(store.Store, "_commit", broken)
        rc, _, err = cli("ticket", booked["code"], "--svg", str(svg))
    assert rc == 3 and "disk went away" in err and not svg.exists()
    assert cli("check-in", booked["token"])[1]["result"] == "ok"


@pytest.mark.parametrize("dangling", [False, True])
def test_ticket_refuses_a_symlink(cli, tmp_path: Path, dangling: bool) -> None:
    booked = _booked(cli)
    real = tmp_path / "real.svg"
    if not dangling:
        real.write_text("keep me")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    rc, _, err = cli("ticket", booked["code"], "--svg", str(link))
    assert rc == 2 and "symbolic link" in err and err.count("\n") == 1
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "keep me" if not dangling else not real.exists()
    assert cli("check-in", booked["token"])[1]["result"] == "ok"


def test_export_out_is_private_and_refuses_a_symlink(cli, tmp_path: Path) -> None:
    cli("seed-demo")
    out = tmp_path / "results.csv"
    old = os.umask(0)
    try:
        rc, _, _ = cli("export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out))
    finally:
        os.umask(old)
    assert rc == 0 and stat.S_IMODE(out.stat().st_mode) == 0o600
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    rc, _, err = cli("export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(link))
    assert rc == 2 and "symbolic link" in err and not (tmp_path / "nowhere.csv").exists()


# -- set-pin ---------------------------------------------------------------------------


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Feed lines to ``kiosk set-pin`` as a script would (stdin not a tty)."""

    def feed(*lines: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))

    return feed


def _pin_works(tmp_path: Path, pin: str) -> bool:
    services = build_services(tmp_path / "cli-data")
    return PinService(services.store, services.clock).login(pin, place="test").ok


def test_set_pin_first_time_then_needs_the_current_pin(cli, stdin, tmp_path: Path) -> None:
    stdin("246813")
    assert cli("set-pin")[:2] == (0, {"pin_set": True})
    stdin("135791")  # no current PIN given: the new one is taken as a wrong current one
    rc, _, err = cli("set-pin")
    assert rc == 2 and "wrong PIN" in err and err.count("\n") == 1
    assert _pin_works(tmp_path, "246813")
    stdin("246813", "135791")
    assert cli("set-pin")[0] == 0
    assert _pin_works(tmp_path, "135791") and not _pin_works(tmp_path, "246813")


def test_set_pin_guessing_the_current_pin_is_locked_out(cli, stdin, tmp_path: Path) -> None:
    stdin("246813")
    cli("set-pin")
    for _ in range(5):
        stdin("000000", "111111")
        cli("set-pin")
    stdin("246813", "111111")  # even the right PIN waits now
    rc, _, err = cli("set-pin")
    assert rc == 2 and "try again after" in err
    assert _pin_works(tmp_path, "246813")


def test_set_pin_reset_needs_a_typed_confirmation(cli, stdin, tmp_path: Path) -> None:
    stdin("246813")
    cli("set-pin")
    stdin("yes", "135791")
    rc, _, err = cli("set-pin", "--reset")
    assert rc == 2 and "not confirmed" in err and _pin_works(tmp_path, "246813")
    stdin("RESET", "135791")
    assert cli("set-pin", "--reset")[0] == 0 and _pin_works(tmp_path, "135791")


def test_set_pin_refuses_fewer_than_six_digits_in_one_line(cli, stdin, tmp_path: Path) -> None:
    stdin("24681")
    rc, _, err = cli("set-pin")
    assert rc == 2 and "6 to 12 digits" in err and err.count("\n") == 1
    assert not build_services(tmp_path / "cli-data").auth.is_set()


def test_set_pin_never_takes_the_pin_from_the_command_line(cli, stdin) -> None:
    stdin("")
    rc, _, err = cli("set-pin", "--pin", "2468")
    assert rc == 2 and "unrecognized arguments" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("book", "--topic", "email", "--start", "soon", "--name", "Ona"), "not an ISO 8601 time"),
        (("book", "--topic", "email", "--start", "2026-11-25T14:00", "--name", "<b>"), "brackets"),
        (("book", "--topic", "nope", "--start", "2026-11-25T14:00", "--name", "Ona"), "no topic"),
        (("slots", "--topic", "email", "--date", "tomorrow"), "not a date"),
        (("cancel", "ZZZZZZ"), "no booking with code"),
        (("frobnicate",), "invalid choice"),
        (("book", "--topic", "email"), "required"),
    ],
)
def test_refusals_are_one_line_and_non_zero(cli, args: tuple[str, ...], needle: str) -> None:
    cli("seed-demo")
    rc, _, err = cli(*args)
    assert rc != 0 and needle in err and err.count("\n") == 1


def _run(
    data_dir: Path, *args: str, now: str | None = NOW.isoformat()
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["PYTHONPATH"] = str(ROOT)
    if now:
        env["KIOSK_NOW"] = now
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_kiosk_now_fixes_the_clock_for_every_command(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert _run(data, "seed-demo").returncode == 0
    early = json.loads(_run(data, "slots", "--topic", "e-banking", "--days", "1").stdout)
    late = json.loads(
        _run(
            data, "slots", "--topic", "e-banking", "--days", "1", now="2026-11-24T16:40:00+02:00"
        ).stdout
    )
    assert early[0]["start"].startswith("2026-11-24T15:00")
    assert late[0]["start"] >= "2026-11-24T17:"


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert _run(data, "seed-demo").returncode == 0
    backup = json.loads(_run(data, "backup").stdout)["backup"]
    target = data / "kiosk.json"
    broken = target.read_bytes()[:-40] + b'{"oops'
    target.write_bytes(broken)
    for args in (
        ("bookings",),
        ("book", "--topic", "email", "--start", "2026-11-25T14:00", "--name", "Ona"),
        ("seed-demo",),
    ):
        result = _run(data, *args)
        assert result.returncode == 3
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert str(target) in result.stderr and backup in result.stderr
        assert target.read_bytes() == broken


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert _run(data, "seed-demo").returncode == 0
    target = data / "kiosk.json"
    content = json.loads(target.read_text())
    content["meta"]["1"]["schema"] = 99
    target.write_text(json.dumps(content))
    result = _run(data, "topics")
    assert result.returncode == 3 and "schema version 99" in result.stderr
