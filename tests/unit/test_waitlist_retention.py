"""Retention reaches the waiting list: `kiosk purge` erases entries past their time."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import json
import lzma
import zipfile
from pathlib import Path

from kiosk.domain.clock import FixedClock
from kiosk.services import Services
from tests.conftest import put_settings

PHONE = "+37061234567"
KEPT_PHONE = "+37069876543"


def data_file(services: Services) -> str:
    return (services.data_dir / "kiosk.json").read_text(encoding="utf-8")


def test_purge_erases_an_expired_entry_nobody_listed(demo: Services, clock: FixedClock) -> None:
    entry = demo.waitlist.add("smart-id", "Ona", PHONE)
    clock.advance(days=demo.booking.settings().waitlist_days, seconds=-1)
    demo.retention.purge()
    assert PHONE in data_file(demo)  # still waiting: kept
    clock.advance(seconds=1)
    result = demo.retention.purge()  # no read of the list in between: the purge itself erases
    raw = data_file(demo)
    assert entry.id not in raw and PHONE not in raw and "Ona" not in raw
    assert result.waitlist_erased == 1
    assert demo.retention.log()[0].waitlist_erased == 1  # logged (a count, no names)


def test_no_entry_outlives_the_retention_period(demo: Services, clock: FixedClock) -> None:
    put_settings(demo, retention_days=10, waitlist_days=60)
    demo.waitlist.add("smart-id", "Ona", PHONE)
    clock.advance(days=10, seconds=-1)
    assert demo.retention.purge().waitlist_erased == 0
    assert len(demo.waitlist.entries()) == 1
    clock.advance(seconds=1)
    assert demo.retention.purge().waitlist_erased == 1
    assert PHONE not in data_file(demo)
    assert demo.waitlist.entries() == []


def every_byte_in(folder: Path) -> bytes:
    """Every file under ``folder``, as stored and, where it is compressed, unpacked too."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        found.append(raw)
        for unpack in (gzip.decompress, bz2.decompress, lzma.decompress):
            with contextlib.suppress(Exception):
                found.append(unpack(raw))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                found.extend(archive.read(name) for name in archive.namelist())
    return b"\n".join(found)


def test_an_expired_entry_leaves_the_backups_too(demo: Services, clock: FixedClock) -> None:
    """A backup taken while the entry waited keeps its phone only until the entry expires:
    the purge removes it there as it does in the data file, and changes nothing else."""
    entry = demo.waitlist.add("smart-id", "Ona", PHONE)
    clock.advance(days=1)
    demo.waitlist.add("email", "Jonas", KEPT_PHONE)  # made a day later: still waiting
    taken = demo.maintenance.backup()
    assert taken is not None and PHONE.encode() in taken.read_bytes()
    before = json.loads(taken.read_bytes())
    mtime = taken.stat().st_mtime_ns
    clock.advance(days=demo.booking.settings().waitlist_days - 1)  # Ona's entry expired
    result = demo.retention.purge()
    assert taken.name in result.copies_changed
    assert result.waitlist_erased == 1
    everything = every_byte_in(demo.data_dir)
    assert PHONE.encode() not in everything and KEPT_PHONE.encode() in everything
    after = json.loads(taken.read_bytes())
    # Only the due entries left the backup: the rest of it is as it was taken.
    del before["waitlist"][next(k for k, d in before["waitlist"].items() if d["id"] == entry.id)]
    assert after == before
    assert taken.stat().st_mtime_ns == mtime  # rotation still sees when it was taken


def test_an_entry_still_waiting_stays_in_the_backups(demo: Services, clock: FixedClock) -> None:
    demo.waitlist.add("smart-id", "Ona", PHONE)
    taken = demo.maintenance.backup()
    assert taken is not None
    clock.advance(days=demo.booking.settings().waitlist_days, seconds=-1)
    assert demo.retention.purge().copies_changed == []
    assert PHONE.encode() in taken.read_bytes()


def test_an_expired_entry_leaves_the_copies_off_the_pc(
    demo: Services, clock: FixedClock, tmp_path: Path
) -> None:
    """``kiosk backup --to DIR`` runs the same erasure over the copies already in DIR."""
    usb = tmp_path / "usb"
    usb.mkdir()
    demo.waitlist.add("smart-id", "Ona", PHONE)
    demo.maintenance.backup_to(usb, 3, demo.retention.eraser())
    assert PHONE.encode() in every_byte_in(usb)
    clock.advance(days=demo.booking.settings().waitlist_days)
    demo.retention.purge()
    demo.maintenance.backup_to(usb, 3, demo.retention.eraser())
    assert PHONE.encode() not in every_byte_in(usb)
    assert PHONE.encode() not in every_byte_in(demo.data_dir)
