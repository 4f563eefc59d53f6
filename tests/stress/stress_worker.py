"""Subprocess used by the stress tests: books in a loop and acknowledges each code on stdout.

A line is printed only after ``book()`` returned, i.e. after the durable commit; the
parent treats every printed code as acknowledged and checks it survives SIGKILL.
"""

from __future__ import annotations

import string
import sys
from datetime import datetime
from itertools import product

from kiosk.clock import TZ, FixedClock
from kiosk.errors import Conflict
from kiosk.services import build_services

NOW = datetime(2026, 11, 24, 0, 0, tzinfo=TZ)


def names():
    for a, b, c in product(string.ascii_uppercase, string.ascii_lowercase, string.ascii_lowercase):
        yield f"{a}{b}{c}"


def main() -> None:
    data_dir, offset = sys.argv[1], int(sys.argv[2])
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
