"""Booking rules beyond free times: the visitor's language, a buffer after each consultation,
and the kiosk's cancellation cut-off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.domain.errors import Conflict
from kiosk.domain.models import BookingStatus, Scout, WeeklyTime
from kiosk.domain.scheduling import Busy, free_slots
from kiosk.services import Services
from tests.conftest import NOW, put_booking
from tests.unit.test_scheduling import MONDAY, at, availability

# The Monday after the clocks go back (25 October 2026) and a plain November Monday.
AFTER_DST = date(2026, 10, 26)

SCOUTS = [
    Scout("ieva", "Ieva K.", ["email"], languages=["lt"]),
    Scout("tom", "Tom A.", ["email"], languages=["lt", "en"]),
]
WEEKLY = [
    WeeklyTime("w1", "ieva", 0, "10:00", "11:00", "Skaitykla"),
    WeeklyTime("w2", "tom", 0, "12:00", "13:00", "Salė"),
]


@pytest.mark.parametrize("day", [MONDAY, AFTER_DST])
@pytest.mark.parametrize(
    ("language", "expected", "in_language"),
    [
        (None, ["10:00", "10:30", "12:00", "12:30"], True),
        ("lt", ["10:00", "10:30", "12:00", "12:30"], True),
        ("en", ["12:00", "12:30"], True),  # only the e-scout who speaks English
        ("uk", ["10:00", "10:30", "12:00", "12:30"], False),  # nobody does: all, marked
    ],
)
def test_free_times_follow_the_visitors_language(
    day: date, language: str | None, expected: list[str], in_language: bool
) -> None:
    av = availability(scouts=SCOUTS, weekly=WEEKLY)
    slots = free_slots(av, "email", at(day, "08:00"), day, 1, language=language)
    assert [f"{s.start:%H:%M}" for s in slots] == expected
    assert {s.in_language for s in slots} == {in_language}
    by_scout = {s.scout: s.languages for s in slots}
    assert by_scout.get("tom", ("lt", "en")) == ("lt", "en")
    assert all(s.start.utcoffset() == timedelta(hours=2) for s in slots)  # wall clock, EET


@pytest.mark.parametrize(
    ("buffer", "busy", "expected"),
    [
        (0, [], ["10:00", "10:30", "11:00", "11:30"]),
        (10, [], ["10:00", "10:40", "11:20"]),  # 30 min + 10 min after each
        (0, [("10:30", "11:00")], ["10:00", "11:00", "11:30"]),
        # Off the grid (booked before the buffer was set): 10 min stay free on each side.
        (10, [("10:45", "11:15")], ["10:00"]),
        (10, [("10:40", "11:10")], ["10:00", "11:20"]),
        (15, [("11:00", "11:30")], ["10:00"]),
    ],
)
def test_buffer_after_each_consultation(
    buffer: int, busy: list[tuple[str, str]], expected: list[str]
) -> None:
    scouts = [Scout("ieva", "Ieva K.", ["email"], buffer_minutes=buffer)]
    weekly = [WeeklyTime("w1", "ieva", 0, "10:00", "12:00", "Skaitykla")]
    taken = [Busy("ieva", at(MONDAY, a), at(MONDAY, b)) for a, b in busy]
    av = availability(scouts=scouts, weekly=weekly, busy=taken)
    slots = free_slots(av, "email", at(MONDAY, "08:00"), MONDAY, 1)
    assert [f"{s.start:%H:%M}" for s in slots] == expected


def test_buffer_in_the_service_keeps_a_booked_neighbour_apart(demo: Services) -> None:
    slot = demo.booking.first_free("e-banking")
    assert slot is not None
    scout = demo.booking.scout(slot.scout)
    demo.catalog.save_scout(Scout(**{**scout.to_dict(), "buffer_minutes": 10}))
    demo.booking.book("e-banking", slot.start, "Ona", scout=slot.scout)
    later = [s for s in demo.booking.free_slots("e-banking", scout=slot.scout)]
    assert later and all(
        s.start >= slot.end + timedelta(minutes=10) or s.end <= slot.start for s in later
    )


def test_slots_list_languages_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from kiosk.cli import main

    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "seed-demo"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "slots", "--topic", "e-banking", "--lang", "en"]) == 0
    slots = json.loads(capsys.readouterr().out)
    assert slots and all("en" in s["languages"] for s in slots if s["in_language"])


def test_a_visitor_cancels_until_the_cut_off_then_asks_the_librarian(demo: Services) -> None:
    put_booking(demo, code="CUTAAC", start=NOW + timedelta(hours=1, minutes=59))
    with pytest.raises(Conflict) as err:
        demo.booking.cancel_by_visitor("CUTAAC")
    assert err.value.code == "cancel_too_late" and err.value.details["start"] == "10:59"
    assert demo.booking.cancel("CUTAAC").status == BookingStatus.CANCELLED  # the librarian can

    later = next(
        s for s in demo.booking.free_slots("e-banking") if s.start >= NOW + timedelta(hours=3)
    )
    ticket = demo.booking.book("e-banking", later.start, "Ona", scout=later.scout)
    assert later not in demo.booking.free_slots("e-banking")
    cancelled = demo.booking.cancel_by_visitor(ticket.booking.code)
    assert cancelled.status == BookingStatus.CANCELLED
    assert later in demo.booking.free_slots("e-banking")  # free again at once


@pytest.mark.parametrize(
    ("seats", "busy", "expected"),
    [
        (4, [], [("10:00", 4), ("10:30", 4)]),
        (4, [("10:00", "10:30")] * 3, [("10:00", 1), ("10:30", 4)]),
        (4, [("10:00", "10:30")] * 4, [("10:30", 4)]),  # full: gone from the list
        (4, [("10:15", "10:45")], []),  # a booking off this time takes the whole time
        (1, [("10:00", "10:30")], [("10:30", 1)]),
    ],
)
def test_group_sessions_count_seats(
    seats: int, busy: list[tuple[str, str]], expected: list[tuple[str, int]]
) -> None:
    weekly = [WeeklyTime("g1", "ieva", 0, "10:00", "11:00", "Salė", seats)]
    taken = [Busy("ieva", at(MONDAY, a), at(MONDAY, b)) for a, b in busy]
    av = availability(scouts=[SCOUTS[0]], weekly=weekly, busy=taken)
    slots = free_slots(av, "email", at(MONDAY, "08:00"), MONDAY, 1)
    assert [(f"{s.start:%H:%M}", s.seats_left) for s in slots] == expected
    assert all(s.seats == seats for s in slots)


def test_each_visitor_books_one_seat_with_their_own_ticket(demo: Services) -> None:
    group = next(s for s in demo.booking.free_slots("smart-id") if s.seats == 4)
    tickets = [
        demo.booking.book("smart-id", group.start, name, scout=group.scout)
        for name in ("Ona", "Jonas", "Aldona")
    ]
    assert len({t.booking.code for t in tickets}) == 3
    assert len({t.token for t in tickets}) == 3
    left = next(s for s in demo.booking.free_slots("smart-id") if s.start == group.start)
    assert left.seats_left == 1
    with pytest.raises(Conflict) as err:
        demo.booking.book("smart-id", group.start, "ona", scout=group.scout)
    assert err.value.code == "already_booked_then"
    demo.booking.book("smart-id", group.start, "Petras", scout=group.scout)
    assert all(s.start != group.start for s in demo.booking.free_slots("smart-id"))
    with pytest.raises(Conflict) as err:
        demo.booking.book("smart-id", group.start, "Rūta", scout=group.scout)
    assert err.value.code == "slot_taken"


def test_a_follow_up_keeps_visitor_topic_and_e_scout_first(demo: Services) -> None:
    slot = demo.booking.first_free("e-banking")
    assert slot is not None
    earlier = demo.booking.book(
        "e-banking", slot.start, "Ona", "+37061234567", scout=slot.scout, language="en"
    ).booking
    offered = demo.booking.follow_up_slots(earlier.code)
    same = [s for s in offered if s.scout == earlier.scout]
    assert same and offered[: len(same)] == same  # the same e-scout's times come first
    ticket = demo.booking.book_follow_up(earlier.code, offered[0].start, offered[0].scout)
    again = ticket.booking
    assert (again.name, again.phone, again.topic, again.language) == (
        "Ona",
        "+37061234567",
        "e-banking",
        "en",
    )
    assert again.follows == earlier.id and again.code != earlier.code and ticket.token
    assert again.source == "librarian"
