"""What a deleted lock file, a loose umask or a killed backup must not be able to do."""

from __future__ import annotations

import errno
import json
import os
import select
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import db.storage
from db import Store
from db.storage import TEMP_PREFIX
from kiosk.domain.clock import TZ
from kiosk.domain.models import BookingStatus
from kiosk.services import Services, build_services
from tests.conftest import NOW, put_booking, set_pin

ROOT = Path(__file__).resolve().parents[2]

# -- the lock file -----------------------------------------------------------------------

HOLDER = """
import fcntl, sys
from db import Store, StoreError

real_flock = fcntl.flock
told = []

def flock(fd, op):
    try:
        return real_flock(fd, op)
    except BlockingIOError:
        if not told:  # tell the test once that this process now waits for the lock
            told.append(True)
            print("blocked", flush=True)
        raise

fcntl.flock = flock
store = Store(sys.argv[1])
try:
    with store.transaction() as tx:
        tx.insert("notes", {"by": sys.argv[2]})
        print("holding", flush=True)
        sys.stdin.readline()
    print("committed", flush=True)
except StoreError as exc:
    print("refused", exc, flush=True)
"""


class Holder:
    """A separate process that takes the lock, writes one note, and commits when told."""

    def __init__(self, data_dir: Path, name: str) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data_dir), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def wait_for(self, *words: str) -> str:
        """The first line that starts with one of ``words`` (60 s at most: a busy machine)."""
        assert self.proc.stdout is not None
        while True:
            ready, _, _ = select.select([self.proc.stdout], [], [], 60)
            assert ready, f"{self.name} said nothing in 60 s"
            line = self.proc.stdout.readline()
            assert line, f"{self.name} ended without saying {words}"
            if line.startswith(words):
                return line.split()[0]

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def holders(tmp_path: Path) -> Iterator[list[Holder]]:
    made: list[Holder] = []
    yield made
    for holder in made:
        holder.close()


@pytest.mark.slow
def test_deleting_the_lock_file_while_held_loses_no_acknowledged_write(
    tmp_path: Path, holders: list[Holder]
) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir).open()

    first = Holder(data_dir, "first")
    holders.append(first)
    assert first.wait_for("holding") == "holding"
    waiter = Holder(data_dir, "waiter")  # waits on the lock file that is about to go
    holders.append(waiter)
    waiter.go()
    assert waiter.wait_for("blocked") == "blocked"

    (data_dir / "kiosk.lock").unlink()
    second = Holder(data_dir, "second")  # makes a new lock file and gets in at once
    holders.append(second)
    assert second.wait_for("holding") == "holding"

    first.go()
    outcome = {"first": first.wait_for("committed", "refused")}
    second.go()
    outcome["second"] = second.wait_for("committed", "refused")
    outcome["waiter"] = waiter.wait_for("committed", "refused")

    with store.snapshot() as tx:
        written = {d["by"] for d in tx.all("notes")}
    acknowledged = {name for name, said in outcome.items() if said == "committed"}
    assert acknowledged <= written  # nobody was told "saved" and then lost
    # The waiter noticed the lock file it got was no longer the data dir's and queued
    # behind the second process instead of running beside it; the first process, whose
    # lock stopped excluding anyone, was refused rather than overwriting the second.
    assert outcome == {"first": "refused", "second": "committed", "waiter": "committed"}


# -- file modes --------------------------------------------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_everything_in_the_data_dir_is_private_whatever_the_umask(
    loose_umask: None, tmp_path: Path, clock
) -> None:
    data_dir = tmp_path / "data"
    services = build_services(data_dir, clock)
    set_pin(services)
    old = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
    put_booking(services, code="OLD001", start=old, status=BookingStatus.DONE, erased=True)
    put_booking(services, code="NEW001", start=NOW, name="Ona", phone="+37060000000")
    assert services.store.archive_history(NOW - timedelta(days=100)) == 1
    services.maintenance.backup()
    services.maintenance.save_export("registracijos.csv", b"Ona,+37060000000\n")
    services.maintenance.restore(services.maintenance.backups()[0])

    seen = {p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*")}
    assert {"kiosk.json", "kiosk.lock", "exports/registracijos.csv"} <= seen
    assert any(s.startswith("backups/archive/") for s in seen)
    assert any(s.startswith("archive/index/") for s in seen)
    for path in [data_dir, *data_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        assert mode == want, f"{path} is {mode:o}"


def test_a_private_write_keeps_others_out_of_a_new_folder(
    loose_umask: None, tmp_path: Path
) -> None:
    target = tmp_path / "tickets" / "T1.svg"
    db.storage.write_bytes_private(target, b"<svg/>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


# -- temp files --------------------------------------------------------------------------


def test_a_failing_backup_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path).open()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(db.storage.os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.backup()
    monkeypatch.undo()
    assert list(store.backup_dir.iterdir()) == []


def test_stale_temp_files_are_swept_at_start(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    store.backup()
    stale = [
        store.backup_dir / f"{TEMP_PREFIX}kiosk-20261124T090000-000000002.json.x1y2.tmp",
        store.backup_dir / "archive" / f"{TEMP_PREFIX}bookings-2026-03.json.abc.tmp",
        tmp_path / f"{TEMP_PREFIX}kiosk.json.abc.tmp",
    ]
    for path in stale:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x" * 1000)
    Store(tmp_path).open()
    assert not any(p.exists() for p in stale)
    assert len(store.backups()) == 1


# -- retention reaches the copies --------------------------------------------------------


def test_purge_erases_names_in_backups_mirror_and_old_exports(demo: Services) -> None:
    old = datetime(2026, 9, 1, 10, 0, tzinfo=TZ)
    put_booking(demo, code="OLD001", start=old, name="Onutė", phone="+37061111111")
    put_booking(
        demo,
        code="ARCH01",
        start=old - timedelta(days=60),
        name="Petras",
        status=BookingStatus.DONE,
    )
    put_booking(demo, code="NEW001", start=NOW, name="Jonas", phone="+37062222222")
    # An archive month written before retention ran (a legacy file) and its mirror.
    assert demo.store.archive_history(old - timedelta(days=30)) == 1
    backup = demo.maintenance.backup()
    stale_export = demo.maintenance.save_export("old.csv", b"Onute,+37061111111\n")
    fresh_export = demo.maintenance.save_export("new.csv", b"Jonas,+37062222222\n")
    long_ago = (NOW - timedelta(days=45)).timestamp()
    os.utime(stale_export, (long_ago, long_ago))
    backup_mtime = backup.stat().st_mtime_ns

    result = demo.retention.purge()

    assert backup.name in result.copies_changed and result.exports_removed == ["old.csv"]
    copies = [backup, *(demo.store.backup_dir / "archive").glob("*.json")]
    copies += [demo.store.history.month_path(m) for m in demo.store.archived_months()]
    for copy in copies:
        text = copy.read_text(encoding="utf-8")
        assert "Onut" not in text and "61111111" not in text and "Petras" not in text
    assert "Jonas" in backup.read_text(encoding="utf-8")  # still within the period
    assert backup.stat().st_mtime_ns == backup_mtime  # rotation goes by age: keep it
    assert not stale_export.exists() and fresh_export.exists()
    assert json.loads(demo.store.path.read_text())  # the data file is still whole
