"""An e-scout's day: their consultations (no phones), shifts, "I am here", missed shifts,
their own activity forms and their volunteer hours."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import Conflict, NotFound
from kiosk.domain.models import BookingStatus, Submitter
from kiosk.domain.scout_day import ScoutConsultation
from kiosk.services import Services
from tests.conftest import NOW, put_booking

TODAY = NOW.date()  # Tuesday: Lukas 15:00-18:00, Austėja 10:00-12:00


def at(hour: int, minute: int = 0, day: date = TODAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _move_to(clock: FixedClock, moment: datetime) -> None:
    clock.advance(seconds=(moment - clock.now()).total_seconds())


def test_my_day_shows_first_names_and_no_phones(demo: Services) -> None:
    put_booking(demo, code="AAAAA3", start=at(15), name="Ona Petraitienė", phone="+37060000001")
    put_booking(demo, code="AAAAA4", start=at(15, 30), status=BookingStatus.CANCELLED)
    put_booking(demo, code="AAAAA6", start=at(16), name="Jonas", status=BookingStatus.CHECKED_IN)
    put_booking(demo, code="AAAAA7", start=at(10), scout="austeja", name="Petras")
    day = demo.scout_day.my_day("lukas")
    assert [c.code for c in day] == ["AAAAA3", "AAAAA6"]
    assert day[0].visitor == "Ona" and day[1].visitor == "Jonas"
    assert "phone" not in {f.name for f in dataclasses.fields(ScoutConsultation)}
    assert not any("3706" in str(v) for c in day for v in dataclasses.astuple(c))
    assert day[1].arrived and not day[1].form_allowed  # checked in, but it has not started yet
    _move_to(demo.clock, at(16, 5))  # type: ignore[arg-type]
    later = demo.scout_day.my_day("lukas")
    assert later[1].form_allowed and not later[1].has_form and not later[0].form_allowed


def test_shifts_and_saying_here(demo: Services) -> None:
    (shift,) = demo.scout_day.shifts("lukas")
    assert (shift.start, shift.end, shift.place, shift.here_at) == (
        at(15),
        at(18),
        "Kompiuterių klasė",
        None,
    )
    assert demo.scout_day.shifts("lukas", TODAY + timedelta(days=1)) == []  # Wednesday
    _move_to(demo.clock, at(14, 45))  # type: ignore[arg-type]
    here = demo.scout_day.say_here("lukas")  # the next shift of today, its window open
    assert here.start == at(15) and here.here_at == at(14, 45)
    demo.clock.advance(minutes=5)  # type: ignore[attr-defined]
    assert demo.scout_day.say_here("lukas").here_at == at(14, 45)  # the first time is kept
    assert demo.scout_day.shifts("lukas")[0].here_at == at(14, 45)
    _move_to(demo.clock, at(18))  # type: ignore[arg-type]
    with pytest.raises(Conflict) as none_left:
        demo.scout_day.say_here("lukas")
    assert none_left.value.code == "no_shift_today"
    with pytest.raises(NotFound):
        demo.scout_day.shifts("nobody")


def test_missed_shift_after_ten_minutes_with_bookings(demo: Services) -> None:
    put_booking(demo, code="AAAAA3", start=at(15, 30), name="Ona P.", phone="+37060000001")
    put_booking(demo, code="AAAAA4", start=at(16), status=BookingStatus.CANCELLED)
    _move_to(demo.clock, at(15, 9))  # type: ignore[arg-type]
    assert demo.scout_day.missed_shifts() == []
    demo.clock.advance(minutes=1)  # type: ignore[attr-defined]
    (missed,) = demo.scout_day.missed_shifts()
    assert missed.scout.id == "lukas" and missed.shift.start == at(15)
    assert [(b.name, b.phone) for b in missed.bookings] == [("Ona P.", "+37060000001")]
    # Austėja's shift (10-12) had no bookings: nothing to call about.
    assert all(m.scout.id != "austeja" for m in demo.scout_day.missed_shifts())
    demo.scout_day.say_here("lukas")
    assert demo.scout_day.missed_shifts() == []


def test_the_librarian_dismisses_a_missed_shift(demo: Services) -> None:
    put_booking(demo, code="AAAAA3", start=at(10, 30), scout="austeja", place="Skaitykla")
    _move_to(demo.clock, at(10, 15))  # type: ignore[arg-type]
    (missed,) = demo.scout_day.missed_shifts()
    demo.scout_day.dismiss_missed("austeja", missed.shift.start)
    assert demo.scout_day.missed_shifts() == []
    with pytest.raises(NotFound):
        demo.scout_day.dismiss_missed("austeja", at(7))


def _took_place(demo: Services, code: str, scout: str = "lukas", hour: int = 15) -> str:
    booking = put_booking(
        demo, code=code, start=at(hour), scout=scout, status=BookingStatus.CHECKED_IN
    )
    return booking.id


def _fill(draft: object) -> object:
    return dataclasses.replace(draft, age_group="65_74", outcome="solved", note="Mokėmės")  # type: ignore[type-var]


def test_scout_fills_the_form_of_their_own_consultation(demo: Services) -> None:
    booking_id = _took_place(demo, "AAAAA3")
    _move_to(demo.clock, at(15, 40))  # type: ignore[arg-type]
    draft = demo.scout_day.form_draft("lukas", booking_id)
    assert (draft.scout, draft.minutes, draft.topics, draft.booking_id) == (
        "lukas",
        30,
        ["e-banking"],
        booking_id,
    )
    record = demo.scout_day.submit_form("lukas", _fill(draft))  # type: ignore[arg-type]
    assert record.submitted_by == Submitter.SCOUT and record.scout == "lukas"
    assert demo.activity.for_booking(booking_id) == record
    (consultation,) = demo.scout_day.my_day("lukas")
    assert consultation.has_form and not consultation.form_allowed
    with pytest.raises(Conflict) as again:
        demo.scout_day.submit_form("lukas", _fill(draft))  # type: ignore[arg-type]
    assert again.value.code == "has_activity_form"
    with pytest.raises(Conflict):
        demo.scout_day.form_draft("lukas", booking_id)


def test_scout_cannot_fill_anothers_or_one_that_did_not_take_place(demo: Services) -> None:
    theirs = _took_place(demo, "AAAAA3", scout="austeja", hour=10)
    booked = put_booking(demo, code="AAAAA4", start=at(15)).id
    later = _took_place(demo, "AAAAA6", hour=17)
    _move_to(demo.clock, at(16))  # type: ignore[arg-type]
    for booking_id, code in ((theirs, "not_your_booking"), (booked, "not_a_consultation")):
        with pytest.raises(Conflict) as refused:
            demo.scout_day.form_draft("lukas", booking_id)
        assert refused.value.code == code
    with pytest.raises(Conflict) as not_yet:
        demo.scout_day.form_draft("lukas", later)
    assert not_yet.value.code == "not_started"
    # A draft made up for another e-scout's booking is refused when it is submitted, too.
    forged = dataclasses.replace(demo.activity.blank(), booking_id=theirs, topics=["e-banking"])
    with pytest.raises(Conflict) as stolen:
        demo.scout_day.submit_form("lukas", _fill(forged))  # type: ignore[arg-type]
    assert stolen.value.code == "not_your_booking"
    no_booking = dataclasses.replace(demo.activity.blank(), topics=["e-banking"])
    with pytest.raises(NotFound):
        demo.scout_day.submit_form("lukas", _fill(no_booking))  # type: ignore[arg-type]
    assert demo.activity.records() == []


def test_the_librarian_corrects_a_scouts_form_and_it_is_recorded(demo: Services) -> None:
    booking_id = _took_place(demo, "AAAAA3")
    _move_to(demo.clock, at(15, 40))  # type: ignore[arg-type]
    draft = demo.scout_day.form_draft("lukas", booking_id)
    demo.scout_day.submit_form("lukas", _fill(draft))  # type: ignore[arg-type]
    demo.clock.advance(minutes=30)  # type: ignore[attr-defined]
    fix = demo.activity.prefill(demo.booking.lookup("AAAAA3"))
    fixed = demo.activity.record(dataclasses.replace(fix, minutes=45))
    assert fixed.minutes == 45 and fixed.submitted_by == "scout"
    assert fixed.corrections == [{"at": at(16, 10).isoformat(), "by": "librarian"}]
    assert len(demo.activity.records()) == 1


def test_old_forms_load_as_the_librarians(demo: Services) -> None:
    from kiosk.domain.models import ActivityRecord

    old = {
        "id": "x",
        "date": "2026-11-01",
        "scout": "lukas",
        "minutes": 30,
        "topics": ["e-banking"],
        "age_group": "65_74",
        "outcome": "solved",
    }
    record = ActivityRecord.from_dict(old)
    assert record.submitted_by == "librarian" and record.corrections == []


def test_volunteer_hours_add_up_the_forms(demo: Services) -> None:
    from kiosk.domain.activity import ActivityDraft

    for day, minutes, topics, scout in (
        (date(2026, 11, 3), 30, ["e-banking"], "lukas"),
        (date(2026, 11, 10), 45, ["e-banking", "smart-id"], "lukas"),
        (date(2026, 11, 17), 60, ["safety"], "lukas"),
        (date(2026, 10, 31), 90, ["safety"], "lukas"),  # before the period
        (date(2026, 11, 10), 30, ["email"], "ieva"),  # someone else
    ):
        demo.activity.record(
            ActivityDraft(day, scout, minutes, topics, "65_74", "solved", True, "")
        )
    hours = demo.scout_day.hours("lukas", date(2026, 11, 1), date(2026, 11, 30))
    assert (hours.consultations, hours.minutes, hours.hours) == (3, 135, 2.25)
    assert hours.by_topic == {"e-banking": 2, "safety": 1, "smart-id": 1}
    assert hours.scout.name == "Lukas P."
    with pytest.raises(Conflict):
        demo.scout_day.hours("lukas", date(2026, 11, 30), date(2026, 11, 1))


def test_a_form_without_booking_is_corrected_in_place(demo: Services) -> None:
    from kiosk.domain.activity import ActivityDraft

    record = demo.activity.record(
        ActivityDraft(TODAY, "lukas", 30, ["e-banking"], "65_74", "solved")
    )
    fixed = demo.activity.record(dataclasses.replace(demo.activity.draft_of(record), minutes=50))
    assert fixed.id == record.id and fixed.minutes == 50 and len(fixed.corrections) == 1
    assert len(demo.activity.records()) == 1


def test_an_escout_cannot_overwrite_a_form_through_its_id(demo: Services) -> None:
    from kiosk.domain.activity import ActivityDraft

    other = demo.activity.record(ActivityDraft(TODAY, "ieva", 30, ["email"], "65_74", "solved"))
    booking_id = _took_place(demo, "AAAAA3")
    _move_to(demo.clock, at(15, 40))  # type: ignore[arg-type]
    draft = dataclasses.replace(demo.scout_day.form_draft("lukas", booking_id), record_id=other.id)
    saved = demo.scout_day.submit_form("lukas", _fill(draft))  # type: ignore[arg-type]
    assert saved.id != other.id
    kept = next(r for r in demo.activity.records() if r.id == other.id)
    assert kept == other  # Ieva's form is untouched
    assert saved.scout == "lukas" and saved.corrections == []


@pytest.mark.parametrize(
    ("name", "public"),
    [("Ieva K.", "Ieva K."), ("Ieva Kazlauskaitė", "Ieva K."), ("Ieva", "Ieva"), ("", "")],
)
def test_visitors_see_first_name_and_initial(name: str, public: str) -> None:
    from kiosk.domain.models import Scout

    assert Scout("x", name).public_name == public


def test_the_visitor_lookup_names_the_escout_by_first_name_and_initial(demo: Services) -> None:
    from kiosk.domain.catalog import CatalogService
    from screens.visitor.lookup import booking_view

    catalog = CatalogService(demo.store, demo.clock)
    lukas = demo.booking.scout("lukas")
    catalog.save_scout(dataclasses.replace(lukas, name="Lukas Petrauskas"))
    booking = put_booking(demo, code="AAAAA3", start=at(15))
    assert booking_view(demo, booking).scout == "Lukas P."
