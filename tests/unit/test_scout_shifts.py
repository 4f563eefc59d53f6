"""Shifts on record: "I am here" only from a set time before a shift until its end; each
shift ends on time, late (by how many minutes) or missed, recorded once, whoever looks; the
missed-shift notice lasts until the shift's end. A week lived day by day on a moved clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import Conflict
from kiosk.domain.models import CallReason, ShiftOutcome
from kiosk.domain.scout_day import SCOUT_PRESENCE
from kiosk.results.tables import month_tables
from kiosk.services import Services
from tests.conftest import NOW, put_booking

TUESDAY = NOW.date()  # Lukas 15:00-18:00 (and Thursday), Austėja 10:00-12:00 (and Friday)
THURSDAY = TUESDAY + timedelta(days=2)
FRIDAY = TUESDAY + timedelta(days=3)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)


def _move_to(services: Services, moment: datetime) -> None:
    clock = services.clock
    assert isinstance(clock, FixedClock)
    clock.advance(seconds=(moment - clock.now()).total_seconds())


def _poll(services: Services) -> None:
    """What a console does every few seconds (and ``kiosk calls`` once)."""
    services.scout_day.mark_missed_calls()
    services.scout_day.missed_shifts()


def _refusal(services: Services, scout: str) -> Conflict:
    with pytest.raises(Conflict) as refused:
        services.scout_day.say_here(scout)
    return refused.value


def test_here_opens_a_set_time_before_the_shift_and_closes_at_its_end(demo: Services) -> None:
    # 09:00 for Lukas's 15:00 shift: refused, saying when it opens (30 minutes before).
    early = _refusal(demo, "lukas")
    assert early.code == "here_not_yet" and early.details["opens"] == "14:30"
    assert demo.scout_day.shifts("lukas")[0].here_at is None  # nothing was written
    _move_to(demo, at(TUESDAY, 14, 29))
    assert _refusal(demo, "lukas").code == "here_not_yet"
    demo.catalog.save_settings(replace(demo.catalog.settings(), here_before_minutes=60))
    assert demo.scout_day.say_here("lukas").here_at == at(TUESDAY, 14, 29)  # the setting moved
    # After the end there is no shift left to be here for.
    _move_to(demo, at(TUESDAY, 18))
    assert _refusal(demo, "lukas").code == "no_shift_today"


def test_a_week_of_shifts_on_time_late_and_missed_is_recorded_once(demo: Services) -> None:
    put_booking(demo, code="AAAAA3", start=at(THURSDAY, 16), name="Ona P.", phone="+37060000001")
    # Tuesday: Austėja comes 5 minutes late, Lukas early (on time).
    _move_to(demo, at(TUESDAY, 10, 5, 40))
    here = demo.scout_day.say_here("austeja")
    assert (here.outcome, here.start) == (ShiftOutcome.LATE, at(TUESDAY, 10))
    _poll(demo)
    _move_to(demo, at(TUESDAY, 14, 40))
    assert demo.scout_day.say_here("lukas").outcome is ShiftOutcome.ON_TIME
    _move_to(demo, at(TUESDAY, 20, 30))
    _poll(demo)
    # Wednesday nobody opens the console; Thursday Lukas does not come for a shift with a
    # visitor: the notice shows from 15:10 until the shift's end, with his phone to call.
    _move_to(demo, at(THURSDAY, 15, 10))
    _poll(demo)
    (missed,) = [m for m in demo.scout_day.missed_shifts() if m.scout.id == "lukas"]
    assert missed.scout.contact == "+37061200002"
    assert [b.to_call for b in missed.bookings] == [CallReason.MISSED_SHIFT]
    _move_to(demo, at(THURSDAY, 17, 59))
    assert any(m.scout.id == "lukas" for m in demo.scout_day.missed_shifts())
    _move_to(demo, at(THURSDAY, 18))
    assert demo.scout_day.missed_shifts() == []  # the notice ends with the shift...
    _poll(demo)
    (booking,) = demo.booking.bookings()
    assert booking.to_call == CallReason.MISSED_SHIFT  # ...the visitor stays to call
    _move_to(demo, at(THURSDAY, 20, 30))
    _poll(demo)
    assert demo.scout_day.missed_shifts() == []
    # Friday into Monday: Austėja's Friday shift ends unseen; it goes on record all the
    # same the next time anyone looks (Monday), once.
    _move_to(demo, at(FRIDAY + timedelta(days=3), 9))
    assert demo.scout_day.record_ended_shifts() > 0
    assert demo.scout_day.record_ended_shifts() == 0
    _poll(demo)

    lukas = demo.scout_day.month("lukas", *NOVEMBER)
    assert [(r.start, r.outcome, r.late_minutes) for r in lukas.records] == [
        (at(TUESDAY, 15), ShiftOutcome.ON_TIME, 0),
        (at(THURSDAY, 15), ShiftOutcome.MISSED, 0),
    ]
    austeja = demo.scout_day.month("austeja", *NOVEMBER)
    assert [(r.start, r.outcome, r.late_minutes) for r in austeja.records] == [
        (at(TUESDAY, 10), ShiftOutcome.LATE, 5),
        (at(FRIDAY, 10), ShiftOutcome.MISSED, 0),
    ]
    assert (austeja.held, len(austeja.late), austeja.late_minutes, len(austeja.missed)) == (
        1,
        1,
        5,
        1,
    )
    # One record per shift, whoever looked and however often.
    with demo.store.snapshot() as tx:
        starts = [(d["scout"], d["shift_start"]) for d in tx.all(SCOUT_PRESENCE)]
    assert len(starts) == len(set(starts))
    # The library's results count shifts held and missed per month.
    totals = {
        r.key: r.counts
        for r in month_tables(
            demo.booking, demo.activity, date(2026, 11, 1), date(2026, 12, 31)
        ).totals
    }
    everyone = [
        r for s in demo.catalog.scouts() for r in demo.scout_day.month(s.id, *NOVEMBER).records
    ]
    assert totals["shifts_held"] == [sum(r.held for r in everyone), 0]
    assert totals["shifts_missed"] == [sum(not r.held for r in everyone), 0]
    assert totals["shifts_held"][0] == 2  # Austėja and Lukas on Tuesday
