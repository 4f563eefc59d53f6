"""An e-scout's own week, lived day by day on a moved clock: shifts two weeks ahead, on time,
late and missed on record; an absence said at the kiosk lists the visitors to call; a cover
taken by another e-scout and confirmed by the librarian moves the shift and its bookings; a
form filled two days later counts; a half-filled form is kept for the day."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.covers import AbsenceReason, CoverStatus
from kiosk.domain.errors import Conflict
from kiosk.domain.models import BookingStatus, CallReason, DatedException, ShiftOutcome
from kiosk.services import Services
from tests.conftest import NOW, put_booking

TUESDAY = NOW.date()  # Lukas Tue/Thu 15-18; Gabija Thu 10-12; Matas Wed 16-19, Fri 13-16
THURSDAY = TUESDAY + timedelta(days=2)
FRIDAY = TUESDAY + timedelta(days=3)
NEXT_TUESDAY = TUESDAY + timedelta(days=7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _move_to(services: Services, moment: datetime) -> None:
    clock = services.clock
    assert isinstance(clock, FixedClock)
    clock.advance(seconds=(moment - clock.now()).total_seconds())


def _refused(call: object, *args: object) -> str:
    with pytest.raises(Conflict) as refused:
        call(*args)  # type: ignore[operator]
    return refused.value.code


def test_a_week_at_the_kiosk(demo: Services) -> None:
    day, covers = demo.scout_day, demo.scout_day.covers
    consulted = put_booking(
        demo, code="AAAAA3", start=at(TUESDAY, 15), status=BookingStatus.CHECKED_IN
    )
    put_booking(
        demo, code="AAAAA4", start=at(THURSDAY, 16), name="Ona P.", phone="+37060000001",
        topic="smart-id",
    )  # fmt: skip
    put_booking(
        demo, code="AAAAA6", start=at(NEXT_TUESDAY, 15, 30), name="Petras", phone="+37060000002"
    )

    # Tuesday morning: Lukas's next shifts, two weeks ahead.
    starts = [s.start for s in day.shifts_ahead("lukas")]
    assert starts == [at(TUESDAY + timedelta(days=n), 15) for n in (0, 2, 7, 9)]

    # He will be ill next Tuesday: the same absence as the librarian's, its visitor to call.
    assert covers.report_absence("lukas", at(NEXT_TUESDAY, 15), AbsenceReason.ILL) == 1
    (absence,) = [e for e in demo.catalog.exceptions("lukas") if e.kind == "absent"]
    assert (absence.date, absence.start, absence.end) == (str(NEXT_TUESDAY), "15:00", "18:00")
    assert [(b.code, b.to_call) for b in demo.desk.to_call()] == [("AAAAA6", CallReason.ABSENCE)]
    assert at(NEXT_TUESDAY, 15) not in [s.start for s in day.shifts_ahead("lukas")]
    assert _refused(covers.report_absence, "lukas", at(NEXT_TUESDAY, 15), "ill") == (
        "no_such_shift"
    )

    # He asks for cover on Thursday; Matas does not cover Smart-ID, Gabija does.
    covers.ask("lukas", at(THURSDAY, 15))
    assert _refused(covers.ask, "lukas", at(THURSDAY, 15)) == "shift_spoken_for"
    assert covers.open_to("matas") == []
    (offered,) = covers.open_to("gabija")
    assert (offered.scout.id, offered.topics, offered.bookings) == ("lukas", ("smart-id",), 1)
    assert _refused(covers.take, "matas", "lukas", at(THURSDAY, 15)) == "cover_topics"
    assert _refused(covers.take, "lukas", "lukas", at(THURSDAY, 15)) == "cover_own"
    # Gabija has a consultation at 16:00 that day: busy, until it is cancelled.
    busy = put_booking(demo, code="AAAAA7", start=at(THURSDAY, 16), scout="gabija")
    assert _refused(covers.take, "gabija", "lukas", at(THURSDAY, 15)) == "cover_busy"
    with demo.store.transaction() as tx:
        tx.update("bookings", {"status": "cancelled"}, id=busy.id)
    taken = covers.take("gabija", "lukas", at(THURSDAY, 15))
    assert taken.status is CoverStatus.TAKEN and taken.taker and taken.taker.id == "gabija"
    assert _refused(covers.take, "ieva", "lukas", at(THURSDAY, 15)) == "cover_gone"
    assert covers.open_to("ieva") == []

    # Tuesday: Lukas is here on time and meets his visitor.
    _move_to(demo, at(TUESDAY, 14, 40))
    assert day.say_here("lukas").outcome is ShiftOutcome.ON_TIME
    _move_to(demo, at(TUESDAY, 16))
    # He starts the form and is signed out by the idle prompt: the draft waits for him.
    draft = day.form_draft("lukas", consulted.id)
    day.keep_draft("lukas", dataclasses.replace(draft, age_group="65_74"), step=2)
    kept = day.kept_draft("lukas")
    assert kept is not None and kept[0].age_group == "65_74" and kept[1] == 2

    # Wednesday: the kept draft is gone with the day; the form is still to be filled.
    _move_to(demo, at(TUESDAY + timedelta(days=1), 9))
    assert day.kept_draft("lukas") is None
    assert [c.code for c in day.forms_due("lukas")] == ["AAAAA3"]

    # The librarian confirms the cover: the shift and its visitor go to Gabija.
    (pending,) = covers.pending()
    assert pending.status is CoverStatus.TAKEN
    (moved,) = covers.confirm("lukas", at(THURSDAY, 15))
    assert (moved.code, moved.scout, moved.to_call) == ("AAAAA4", "gabija", CallReason.COVER)
    assert demo.booking.lookup("AAAAA4").scout == "gabija"
    assert [b.code for b in demo.desk.to_call() if b.to_call == CallReason.COVER] == ["AAAAA4"]
    assert covers.pending() == []
    assert [s.start for s in day.shifts("lukas", THURSDAY)] == []
    assert [(s.start, s.place) for s in day.shifts("gabija", THURSDAY)] == [
        (at(THURSDAY, 10), "Informacijos centras"),
        (at(THURSDAY, 15), "Kompiuterių klasė"),
    ]

    # Thursday: the form of Tuesday is filled two days later and counts in his hours.
    _move_to(demo, at(THURSDAY, 9, 30))
    draft = dataclasses.replace(
        day.form_draft("lukas", consulted.id), age_group="65_74", outcome="solved"
    )
    day.submit_form("lukas", draft)
    assert day.forms_due("lukas") == []
    assert day.hours("lukas", TUESDAY, THURSDAY).consultations == 1
    _move_to(demo, at(THURSDAY, 10))
    assert day.say_here("gabija").outcome is ShiftOutcome.ON_TIME
    _move_to(demo, at(THURSDAY, 15, 7))
    assert day.say_here("gabija").outcome is ShiftOutcome.LATE

    # Saturday: Matas never came on Friday; every shift of the week is on record.
    _move_to(demo, at(FRIDAY + timedelta(days=1), 9))
    records = {(r.scout, r.start): r for r in day.months(TUESDAY, FRIDAY)["lukas"].records}
    assert [r.outcome for r in records.values()] == [ShiftOutcome.ON_TIME]  # Thursday covered
    gabija = day.month("gabija", TUESDAY, FRIDAY).records
    assert [(r.start, r.outcome, r.late_minutes) for r in gabija] == [
        (at(THURSDAY, 10), ShiftOutcome.ON_TIME, 0),
        (at(THURSDAY, 15), ShiftOutcome.LATE, 7),
        (at(FRIDAY, 14), ShiftOutcome.MISSED, 0),  # her group session: nobody came
    ]
    matas = day.month("matas", TUESDAY, FRIDAY).records
    assert [(r.start, r.outcome) for r in matas][-1] == (at(FRIDAY, 13), ShiftOutcome.MISSED)


def test_a_cover_withdrawn_or_declined_and_an_absence_that_withdraws_it(demo: Services) -> None:
    covers = demo.scout_day.covers
    covers.ask("lukas", at(THURSDAY, 15))
    covers.withdraw("lukas", at(THURSDAY, 15))
    assert covers.open_to("gabija") == []
    assert _refused(covers.take, "gabija", "lukas", at(THURSDAY, 15)) == "cover_gone"
    covers.ask("lukas", at(THURSDAY, 15))
    covers.take("gabija", "lukas", at(THURSDAY, 15))
    covers.decline("lukas", at(THURSDAY, 15))  # the librarian: not Gabija, open again
    assert [r.scout.id for r in covers.open_to("gabija")] == ["lukas"]
    covers.report_absence("lukas", at(THURSDAY, 15), AbsenceReason.SCHOOL)
    assert covers.pending() == []
    assert _refused(covers.confirm, "lukas", at(THURSDAY, 15)) == "cover_gone"
    # A shift begun (or not his) is no coming shift.
    _move_to(demo, at(TUESDAY, 15, 1))
    assert _refused(covers.ask, "lukas", at(TUESDAY, 15)) == "no_such_shift"
    assert _refused(covers.ask, "lukas", at(TUESDAY, 11)) == "no_such_shift"


def test_a_librarians_absence_over_a_shift_is_no_missed_shift(demo: Services) -> None:
    demo.catalog.save_exception(
        DatedException("x1", "lukas", str(TUESDAY), "absent", "15:00", "18:00")
    )
    _move_to(demo, at(TUESDAY, 19))
    demo.scout_day.record_ended_shifts()
    assert "lukas" not in demo.scout_day.months(TUESDAY, TUESDAY)
