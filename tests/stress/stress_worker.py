"""Subprocess used by the stress tests: books in a loop and acknowledges each code on stdout.

A line is printed only after ``book()`` returned, i.e. after the durable commit; the
parent treats every printed code as acknowledged and checks it survives SIGKILL.

The fsync of the data file's temp copy is slowed here, in this process only, so that a
good share of the parent's kills land inside a write (while the temp file exists) on any
disk, however fast its fsync.
"""

from __future__ import annotations

import os
import stat
import string
import sys
import time
from datetime import datetime
from itertools import product

from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import Conflict
from kiosk.services import build_services

NOW = datetime(2026, 11, 24, 0, 0, tzinfo=TZ)
WRITE_PAUSE_S = 0.01  # about the time the rest of a booking takes


def _slow_file_fsync(real_fsync):  # type: ignore[no-untyped-def]
    """``os.fsync`` that first pauses for regular files (the temp copy), not for folders."""

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            time.sleep(WRITE_PAUSE_S)
        real_fsync(fd)

    return fsync


def names():
    for a, b, c in product(string.ascii_uppercase, string.ascii_lowercase, string.ascii_lowercase):
        yield f"{a}{b}{c}"


def main() -> None:
    data_dir, offset = sys.argv[1], int(sys.argv[2])
    os.fsync = _slow_file_fsync(os.fsync)
    services = build_services(data_dir, FixedClock(NOW))
    slots = services.booking.free_slots("stress")
    gen = names()
    for _ in range(offset):
        next(gen)
    for slot in slots:
        try:
            ticket = services.booking.book("stress", slot.start, next(gen), scout=slot.scout)
        except Conflict:
            continue
        print(ticket.booking.code, flush=True)


if __name__ == "__main__":
    main()
