"""Moving a booking (same code and ticket, the old time logged) and walk-ins' notice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.domain.clock import FixedClock
from kiosk.domain.errors import Conflict, ErrorCode
from kiosk.domain.models import BookingStatus
from kiosk.services import Services
from tests.conftest import NOW, put_booking

# Lukas: Tuesdays 15-18, Dominykas: Wednesdays 10-12; both cover e-banking.
TUE_15 = NOW.replace(hour=15)
WED_10 = (NOW + timedelta(days=1)).replace(hour=10)


def clock_at(services: Services, moment: datetime) -> None:
    assert isinstance(services.clock, FixedClock)
    services.clock.current = moment


def test_a_move_keeps_the_booking_and_logs_where_it_was(demo: Services) -> None:
    ticket = demo.booking.book("e-banking", TUE_15, "Ona", "861234567")
    before = ticket.booking
    moved = demo.booking.move(before.code, TUE_15 + timedelta(hours=1))
    assert (moved.id, moved.code, moved.token_hash) == (before.id, before.code, before.token_hash)
    assert moved.starts == TUE_15 + timedelta(hours=1) and moved.scout == "lukas"
    entry = moved.changes[-1]
    assert entry["move"] == "yes" and entry["was_start"] == before.start
    stored = demo.booking.lookup(before.code)
    assert stored.start == moved.start and len(demo.booking.bookings()) == 1
    starts = [s.start for s in demo.booking.free_slots("e-banking", days=1)]
    assert TUE_15 in starts and moved.starts not in starts  # the old time is free again
    # The visitor's QR still works: the token hash is the same.
    clock_at(demo, TUE_15 + timedelta(minutes=50))
    assert demo.arrivals.check_in(before.code).ok


def test_a_move_to_another_escout(demo: Services) -> None:
    code = demo.booking.book("e-banking", TUE_15, "Ona").booking.code
    moved = demo.booking.move(code, WED_10, scout="dominykas")
    assert (moved.scout, moved.place) == ("dominykas", "Kompiuterių klasė")
    assert moved.changes[-1]["was_scout"] == "lukas"


def test_a_time_taken_meanwhile_is_refused_under_the_lock(demo: Services) -> None:
    code = demo.booking.book("e-banking", TUE_15, "Ona").booking.code
    target = next(s for s in demo.booking.move_slots(code) if s.start == WED_10)
    demo.booking.book("e-banking", target.start, "Jonas", scout=target.scout)  # another desk
    with pytest.raises(Conflict) as info:
        demo.booking.move(code, target.start, scout=target.scout)
    assert info.value.code == ErrorCode.SLOT_TAKEN
    assert demo.booking.lookup(code).starts == TUE_15


def test_only_a_booked_time_moves(demo: Services) -> None:
    put_booking(demo, code="DONE22", start=NOW - timedelta(hours=2), status=BookingStatus.DONE)
    with pytest.raises(Conflict) as info:
        demo.booking.move("DONE22", TUE_15)
    assert info.value.code == ErrorCode.CANNOT_MOVE


def test_move_slots_leave_out_the_own_time(demo: Services) -> None:
    code = demo.booking.book("e-banking", TUE_15, "Ona").booking.code
    slots = demo.booking.move_slots(code)
    assert not any(s.start == TUE_15 and s.scout == "lukas" for s in slots)
    assert {s.scout for s in slots} == {"lukas", "dominykas"}


def test_walk_ins_ignore_the_minimum_notice(demo: Services) -> None:
    # 15:10, 30 minutes' notice: the kiosk's first time is 16:00; the desk offers 15:30.
    clock_at(demo, TUE_15 + timedelta(minutes=10))
    soon = TUE_15 + timedelta(minutes=30)
    kiosk = [s.start for s in demo.booking.free_slots("e-banking", days=1)]
    desk = [s.start for s in demo.booking.free_slots("e-banking", days=1, ignore_notice=True)]
    assert soon not in kiosk and soon in desk
    with pytest.raises(Conflict):
        demo.booking.book("e-banking", soon, "Ona")
    booked = demo.booking.book("e-banking", soon, "Ona", ignore_notice=True)
    assert booked.booking.starts == soon
    assert TUE_15 not in desk  # a time already begun is never offered


def test_cli_move(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed-demo")[0] == 0
    rc, booked, _ = cli(
        "book", "--topic", "e-banking", "--start", TUE_15.isoformat(), "--name", "Ona"
    )
    assert rc == 0
    rc, moved, _ = cli(
        "move", booked["code"], "--start", WED_10.isoformat(), "--scout", "dominykas"
    )
    assert rc == 0 and moved["code"] == booked["code"] and moved["scout"] == "dominykas"
    assert moved["start"] == WED_10.isoformat() and "token_hash" not in moved
    rc, listed, _ = cli("bookings", "--date", WED_10.date().isoformat())
    assert [b["code"] for b in listed] == [booked["code"]]
    # A taken or unknown time is refused with one line.
    cli("book", "--topic", "e-banking", "--start", TUE_15.isoformat(), "--name", "Jonas")
    rc, out, err = cli("move", booked["code"], "--start", TUE_15.isoformat())
    assert rc != 0 and out is None and err.count("\n") == 1 and "not free" in err
    rc, _, err = cli("move", booked["code"], "--start", "tomorrow")
    assert rc != 0 and "--start" in err
