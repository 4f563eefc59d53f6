"""Who to call: every change under a visitor's feet marks their booking "to call", the mark is
kept in the data file until a librarian says the visitor was told, and ``kiosk calls`` /
``kiosk called`` list and clear it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import Conflict, ErrorCode
from kiosk.domain.models import (
    BookingStatus,
    CallOutcome,
    CallReason,
    Closure,
    DatedException,
    ExceptionKind,
)
from kiosk.services import Services, build_services
from tests.conftest import NOW, put_booking
from tests.unit.conftest import Cli

# Lukas: Tuesdays 15-18 at "Kompiuterių klasė"; NOW is a Tuesday morning.
TUE_15 = NOW.replace(hour=15)
WED_10 = (NOW + timedelta(days=1)).replace(hour=10)


def clock_at(services: Services, moment: datetime) -> None:
    assert isinstance(services.clock, FixedClock)
    services.clock.current = moment


def marks(services: Services) -> dict[str, str | None]:
    return {b.code: b.to_call for b in services.desk.to_call()}


def lukas_tuesday(services: Services):  # type: ignore[no-untyped-def]
    return next(w for w in services.catalog.weekly_times("lukas") if w.weekday == 1)


def test_a_move_by_the_desk_marks_the_visitor_to_call(demo: Services) -> None:
    ticket = demo.booking.book("e-banking", TUE_15, "Ona", "861234567")
    assert marks(demo) == {}
    moved = demo.booking.move(ticket.booking.code, WED_10)
    assert moved.to_call == CallReason.MOVED and moved.to_call_at == NOW.isoformat()
    [listed] = demo.desk.to_call()
    assert (listed.code, listed.starts, listed.phone) == (moved.code, WED_10, moved.phone)


def test_a_closure_marks_the_bookings_of_its_days_only(demo: Services) -> None:
    put_booking(demo, code="CLOSED", start=TUE_15)
    put_booking(demo, code="OTHERD", start=WED_10, scout="dominykas")
    put_booking(demo, code="GONE01", start=TUE_15.replace(hour=16), status=BookingStatus.DONE)
    today = NOW.date().isoformat()
    demo.catalog.save_closure(Closure("c1", today, today, "Inventorizacija"))
    assert marks(demo) == {"CLOSED": CallReason.CLOSURE}


def test_a_weekly_time_cut_short_or_removed_marks_what_it_no_longer_covers(
    demo: Services,
) -> None:
    put_booking(demo, code="KEPT01", start=TUE_15)
    put_booking(demo, code="LOST01", start=TUE_15.replace(hour=17))
    weekly = lukas_tuesday(demo)
    demo.catalog.save_weekly_time(replace(weekly, end="16:00"))
    assert marks(demo) == {"LOST01": CallReason.WEEKLY_TIME}
    demo.catalog.remove_weekly_time(weekly.id)
    assert marks(demo) == {"KEPT01": CallReason.WEEKLY_TIME, "LOST01": CallReason.WEEKLY_TIME}


def test_a_weekly_time_moved_to_another_place_marks_its_bookings_for_the_place(
    demo: Services,
) -> None:
    put_booking(demo, code="PLACE1", start=TUE_15)
    weekly = lukas_tuesday(demo)
    demo.catalog.save_weekly_time(replace(weekly, place="Skaitykla, 2 stalas"))
    assert marks(demo) == {"PLACE1": CallReason.PLACE}


def test_an_absence_and_an_inactive_escout_mark_their_bookings(demo: Services) -> None:
    put_booking(demo, code="ABSENT", start=TUE_15)
    put_booking(demo, code="LATER1", start=TUE_15 + timedelta(days=2))  # Thursday
    put_booking(demo, code="OTHER1", start=WED_10, scout="dominykas")
    day = NOW.date().isoformat()
    demo.catalog.save_exception(DatedException("a1", "lukas", day, ExceptionKind.ABSENT))
    assert marks(demo) == {"ABSENT": CallReason.ABSENCE}
    dominykas = next(s for s in demo.catalog.scouts() if s.id == "dominykas")
    demo.catalog.save_scout(replace(dominykas, active=False))
    assert marks(demo) == {"ABSENT": CallReason.ABSENCE, "OTHER1": CallReason.SCOUT_INACTIVE}


def test_an_extra_session_cut_short_moved_or_removed_marks_the_bookings_it_held(
    demo: Services,
) -> None:
    thursday = (NOW + timedelta(days=2)).date().isoformat()
    extra = DatedException(
        "x1", "lukas", thursday, ExceptionKind.EXTRA, "10:00", "12:00", "Skaitykla, 1 stalas"
    )
    demo.catalog.save_exception(extra)
    at_ten = NOW.replace(hour=10) + timedelta(days=2)
    put_booking(demo, code="EXTRA1", start=at_ten, place=extra.place)
    put_booking(demo, code="EXTRA2", start=at_ten + timedelta(hours=1), place=extra.place)
    demo.catalog.save_exception(replace(extra, end="11:00"))
    assert marks(demo) == {"EXTRA2": CallReason.EXTRA_SESSION}
    demo.catalog.save_exception(replace(extra, end="11:00", place="Skaitykla, 2 stalas"))
    assert marks(demo) == {"EXTRA1": CallReason.PLACE, "EXTRA2": CallReason.EXTRA_SESSION}
    for booking in demo.desk.to_call():
        demo.desk.mark_called(booking.code)
    demo.catalog.remove_exception(extra.id)
    assert marks(demo) == {"EXTRA1": CallReason.EXTRA_SESSION}


def test_a_missed_shift_marks_its_bookings_once_and_saying_here_clears_them(
    demo: Services,
) -> None:
    put_booking(demo, code="MISS01", start=TUE_15.replace(minute=30), phone="+37061234567")
    put_booking(demo, code="MISS02", start=TUE_15.replace(hour=16))
    clock_at(demo, TUE_15 + timedelta(minutes=5))
    assert demo.scout_day.mark_missed_calls() == 0  # not 10 minutes yet
    clock_at(demo, TUE_15 + timedelta(minutes=10))
    assert demo.scout_day.mark_missed_calls() == 2
    assert marks(demo) == {"MISS01": CallReason.MISSED_SHIFT, "MISS02": CallReason.MISSED_SHIFT}
    notice = demo.scout_day.missed_shifts()[0]
    assert all(b.to_call == CallReason.MISSED_SHIFT for b in notice.bookings)
    # Called: the next poll does not mark the same visitor again for the same time.
    demo.desk.mark_called("MISS01")
    assert demo.scout_day.mark_missed_calls() == 0
    assert marks(demo) == {"MISS02": CallReason.MISSED_SHIFT}
    # Lukas comes late after all: nobody needs a call about a missing e-scout.
    demo.scout_day.say_here("lukas")
    assert marks(demo) == {}
    [entry] = demo.booking.lookup("MISS02").calls
    assert entry["how"] == CallOutcome.SCOUT_HERE


def test_marking_called_is_recorded_and_refused_when_nobody_is_to_call(demo: Services) -> None:
    ticket = demo.booking.book("e-banking", TUE_15, "Ona", "861234567")
    code = ticket.booking.code
    with pytest.raises(Conflict) as refused:
        demo.desk.mark_called(code)
    assert refused.value.code == ErrorCode.NOTHING_TO_CALL
    demo.booking.move(code, WED_10)
    clock_at(demo, NOW + timedelta(minutes=20))
    done = demo.desk.mark_called(code, CallOutcome.OTHER_WAY, by="cli")
    assert done.to_call is None and marks(demo) == {}
    assert done.calls == [
        {
            "reason": "moved",
            "marked_at": NOW.isoformat(),
            "start": WED_10.isoformat(),
            "at": (NOW + timedelta(minutes=20)).isoformat(),
            "how": "other_way",
            "by": "cli",
        }
    ]
    # A later change marks the booking again: the old call stays in the record.
    demo.booking.move(code, WED_10 + timedelta(minutes=30))
    again = demo.booking.lookup(code)
    assert again.to_call == CallReason.MOVED and len(again.calls) == 1


def test_the_mark_survives_a_restart(demo: Services) -> None:
    ticket = demo.booking.book("e-banking", TUE_15, "Ona", "861234567")
    demo.booking.move(ticket.booking.code, WED_10)
    restarted = build_services(demo.data_dir, demo.clock)
    assert marks(restarted) == {ticket.booking.code: CallReason.MOVED}
    restarted.desk.mark_called(ticket.booking.code)
    assert marks(build_services(demo.data_dir, demo.clock)) == {}


def test_visitors_who_came_or_were_erased_leave_the_list(demo: Services) -> None:
    put_booking(demo, code="HEREXY", start=TUE_15)
    put_booking(demo, code="ERASED", start=TUE_15.replace(hour=16), erased=True)
    today = NOW.date().isoformat()
    demo.catalog.save_closure(Closure("c1", today, today))
    assert set(marks(demo)) == {"HEREXY"}
    clock_at(demo, TUE_15 - timedelta(minutes=5))
    assert demo.arrivals.check_in("HEREXY", anytime=True).ok
    assert marks(demo) == {}


def test_cli_lists_bookings_to_call_and_marks_one_called(demo: Services, cli: Cli) -> None:
    data = ["--data-dir", str(demo.data_dir)]
    ticket = demo.booking.book("e-banking", TUE_15, "Ona", "861234567")
    code = ticket.booking.code
    demo.booking.move(code, WED_10)
    status, out, _ = cli(*data, "calls")
    assert status == 0 and isinstance(out, list)
    [row] = out
    assert (row["code"], row["to_call"], row["phone"]) == (code, "moved", "+37061234567")
    assert "token_hash" not in row
    status, out, _ = cli(*data, "called", code.lower(), "--how", "other_way")
    assert status == 0 and isinstance(out, dict)
    assert out["to_call"] is None and out["calls"][-1]["by"] == "cli"
    assert cli(*data, "calls")[1] == []
    status, _, err = cli(*data, "called", code)
    assert status == 2 and err.count("\n") == 1 and "nobody to call" in err


def test_cli_calls_marks_a_missed_shift_without_a_console(
    demo: Services, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_booking(demo, code="MISS01", start=datetime(2026, 11, 24, 15, 30, tzinfo=TZ))
    monkeypatch.setenv("KIOSK_NOW", "2026-11-24T15:10:00+02:00")
    status, out, _ = cli("--data-dir", str(demo.data_dir), "calls")
    assert status == 0 and [r["to_call"] for r in out] == ["missed_shift"]  # type: ignore[union-attr]
