"""Free times: weekly times x exceptions x closures x holidays x bookings x notice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.clock import TZ
from kiosk.domain.models import Closure, DatedException, OpeningHours, Scout, Settings, WeeklyTime
from kiosk.domain.scheduling import (
    Availability,
    Busy,
    first_free,
    free_slots,
    group_seats,
    public_holiday,
)

MONDAY = date(2026, 11, 23)


def at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def availability(
    *,
    weekly: list[WeeklyTime] | None = None,
    exceptions: list[DatedException] | None = None,
    closures: list[Closure] | None = None,
    busy: list[Busy] | None = None,
    settings: Settings | None = None,
    scouts: list[Scout] | None = None,
) -> Availability:
    return Availability(
        settings=settings or Settings(min_notice_minutes=30, slot_minutes=30),
        scouts=scouts or [Scout("ieva", "Ieva K.", ["email"]), Scout("tom", "Tom A.", ["email"])],
        weekly=weekly
        if weekly is not None
        else [WeeklyTime("w1", "ieva", 0, "10:00", "11:30", "Skaitykla")],
        exceptions=exceptions or [],
        closures=closures or [],
        busy=busy or [],
    )


def starts(slots) -> list[str]:
    return [f"{s.start:%m-%d %H:%M}" for s in slots]


def test_weekly_time_splits_into_slots_with_place() -> None:
    slots = free_slots(availability(), "email", at(MONDAY, "08:00"), MONDAY, 1)
    assert starts(slots) == ["11-23 10:00", "11-23 10:30", "11-23 11:00"]
    assert {s.place for s in slots} == {"Skaitykla"}
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)


def test_only_scouts_covering_the_topic_and_active() -> None:
    scouts = [Scout("ieva", "Ieva K.", ["email"], active=False), Scout("tom", "Tom", ["photos"])]
    weekly = [
        WeeklyTime("w1", "ieva", 0, "10:00", "11:00", "A"),
        WeeklyTime("w2", "tom", 0, "10:00", "11:00", "B"),
    ]
    av = availability(scouts=scouts, weekly=weekly)
    assert free_slots(av, "email", at(MONDAY, "08:00"), MONDAY, 1) == []
    assert len(free_slots(av, "photos", at(MONDAY, "08:00"), MONDAY, 1)) == 2


def test_minimum_notice_removes_times_too_soon() -> None:
    slots = free_slots(availability(), "email", at(MONDAY, "10:01"), MONDAY, 1)
    # 10:30 is only 29 minutes away: too soon with 30 minutes' notice.
    assert starts(slots) == ["11-23 11:00"]
    slots = free_slots(availability(), "email", at(MONDAY, "10:00"), MONDAY, 1)
    assert starts(slots) == ["11-23 10:30", "11-23 11:00"]


def test_booked_times_are_not_free_and_only_for_that_scout() -> None:
    weekly = [
        WeeklyTime("w1", "ieva", 0, "10:00", "11:00", "A"),
        WeeklyTime("w2", "tom", 0, "10:00", "11:00", "B"),
    ]
    busy = [Busy("ieva", at(MONDAY, "10:00"), at(MONDAY, "10:30"))]
    slots = free_slots(
        availability(weekly=weekly, busy=busy), "email", at(MONDAY, "08:00"), MONDAY, 1
    )
    assert [(f"{s.start:%H:%M}", s.scout) for s in slots] == [
        ("10:00", "tom"),
        ("10:30", "ieva"),
        ("10:30", "tom"),
    ]


def test_whole_day_absence_and_partial_absence() -> None:
    absent_all = DatedException("x1", "ieva", MONDAY.isoformat(), "absent")
    av = availability(exceptions=[absent_all])
    assert free_slots(av, "email", at(MONDAY, "08:00"), MONDAY, 1) == []
    next_monday = MONDAY + timedelta(days=7)
    assert len(free_slots(av, "email", at(MONDAY, "08:00"), next_monday, 1)) == 3

    partial = DatedException("x2", "ieva", MONDAY.isoformat(), "absent", "10:15", "10:45")
    av = availability(exceptions=[partial])
    assert starts(free_slots(av, "email", at(MONDAY, "08:00"), MONDAY, 1)) == ["11-23 11:00"]


def test_extra_session_adds_times_on_its_date_only() -> None:
    tuesday = MONDAY + timedelta(days=1)
    extra = DatedException("x3", "tom", tuesday.isoformat(), "extra", "12:00", "13:00", "Salė")
    av = availability(exceptions=[extra])
    slots = free_slots(av, "email", at(MONDAY, "08:00"), tuesday, 7)
    assert [(f"{s.start:%m-%d %H:%M}", s.scout, s.place) for s in slots] == [
        ("11-24 12:00", "tom", "Salė"),
        ("11-24 12:30", "tom", "Salė"),
        ("11-30 10:00", "ieva", "Skaitykla"),
        ("11-30 10:30", "ieva", "Skaitykla"),
        ("11-30 11:00", "ieva", "Skaitykla"),
    ]


def test_sessions_are_clipped_to_opening_hours() -> None:
    settings = Settings(opening_hours=[OpeningHours(0, "10:30", "11:00")])
    av = availability(settings=settings)
    assert starts(free_slots(av, "email", at(MONDAY, "08:00"), MONDAY, 1)) == ["11-23 10:30"]


def test_library_closed_on_days_without_hours_and_closures() -> None:
    sunday = date(2026, 11, 29)
    weekly = [WeeklyTime("w1", "ieva", 6, "10:00", "11:00", "A")]
    assert free_slots(availability(weekly=weekly), "email", at(MONDAY, "08:00"), sunday, 1) == []
    closure = Closure("c1", "2026-11-23", "2026-11-27", "Inventorizacija")
    av = availability(closures=[closure])
    slots = free_slots(av, "email", at(MONDAY, "08:00"), MONDAY, 14)
    assert starts(slots)[0] == "11-30 10:00"


@pytest.mark.parametrize(
    ("day", "name_part"),
    [
        (date(2026, 12, 24), "Christmas"),
        (date(2026, 2, 16), "Restoration"),
        (date(2026, 3, 11), "Independence"),
        (date(2026, 4, 6), "Easter Monday"),  # moveable: from the holidays package
        (date(2027, 3, 29), "Easter Monday"),
        (date(2026, 7, 6), "Statehood"),
        (date(2026, 11, 2), "All Souls"),
    ],
)
def test_lithuanian_public_holidays_remove_times(day: date, name_part: str) -> None:
    assert name_part in (public_holiday(day) or "")
    weekly = [WeeklyTime("w", "ieva", day.weekday(), "10:00", "11:00", "A")]
    settings = Settings(opening_hours=[OpeningHours(d, "09:00", "18:00") for d in range(7)])
    av = availability(weekly=weekly, settings=settings)
    now = at(day - timedelta(days=1), "08:00")
    assert free_slots(av, "email", now, day, 1) == []
    assert len(free_slots(av, "email", now, day + timedelta(days=7), 1)) == 2


@pytest.mark.parametrize(
    ("monday", "offset_before", "offset_after"),
    [
        (date(2026, 3, 23), 2, 3),  # clocks go forward on Sunday 29 March 2026
        (date(2026, 10, 19), 3, 2),  # and back on Sunday 25 October 2026
    ],
)
def test_times_stay_at_wall_clock_across_dst(
    monday: date, offset_before: int, offset_after: int
) -> None:
    av = availability()
    slots = free_slots(av, "email", at(monday, "08:00"), monday, 14)
    assert [f"{s.start:%m-%d %H:%M}" for s in slots][::3] == [
        f"{monday:%m-%d} 10:00",
        f"{monday + timedelta(days=7):%m-%d} 10:00",
    ]
    before, after = slots[0], slots[3]
    assert before.start.utcoffset() == timedelta(hours=offset_before)
    assert after.start.utcoffset() == timedelta(hours=offset_after)
    # Every slot lasts exactly 30 real minutes on both sides of the change.
    assert all((s.end - s.start).total_seconds() == 1800 for s in slots)
    assert after.start.hour == 10


def test_first_free_is_the_soonest_or_none() -> None:
    av = availability()
    slot = first_free(av, "email", at(MONDAY, "10:40"), MONDAY, 14)
    assert slot is not None and f"{slot.start:%m-%d %H:%M}" == "11-30 10:00"
    assert first_free(av, "nothing", at(MONDAY, "08:00"), MONDAY, 14) is None


def test_a_group_session_is_offered_under_its_own_topic_only() -> None:
    scouts = [Scout("gabija", "Gabija M.", ["e-health", "smart-id"])]
    group = WeeklyTime("g1", "gabija", 0, "14:00", "14:30", "Salė", seats=4, topic="smart-id")
    one = WeeklyTime("w1", "gabija", 0, "10:00", "10:30", "Info")
    seats_taken = [Busy("gabija", at(MONDAY, "14:00"), at(MONDAY, "14:30"))]
    av = availability(scouts=scouts, weekly=[group, one], busy=seats_taken)
    now = at(MONDAY, "08:00")
    assert starts(free_slots(av, "e-health", now, MONDAY, 1)) == ["11-23 10:00"]
    smart = free_slots(av, "smart-id", now, MONDAY, 1)
    assert starts(smart) == ["11-23 10:00", "11-23 14:00"]
    assert (smart[1].seats, smart[1].seats_left) == (4, 3)  # its seats, counted per session
    assert group_seats(av, scouts[0], at(MONDAY, "14:00")) == (4, 3)
    assert group_seats(av, scouts[0], at(MONDAY, "10:00")) == (1, 0)  # not a group


def test_a_group_saved_before_it_had_a_topic_belongs_to_the_first_topic() -> None:
    scouts = [Scout("gabija", "Gabija M.", ["e-health", "smart-id"])]
    stored = WeeklyTime.from_dict(
        {
            "id": "g1",
            "scout": "gabija",
            "weekday": 0,
            "start": "14:00",
            "end": "14:30",
            "place": "Salė",
            "seats": 4,
        }
    )
    av = availability(scouts=scouts, weekly=[stored])
    now = at(MONDAY, "08:00")
    assert len(free_slots(av, "e-health", now, MONDAY, 1)) == 1
    assert free_slots(av, "smart-id", now, MONDAY, 1) == []
