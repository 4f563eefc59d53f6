"""The desk's rules: the not-recorded list, absences over bookings, two e-scouts at one place."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.domain.catalog import absence_covers
from kiosk.domain.errors import Conflict, ErrorCode
from kiosk.domain.models import BookingStatus, DatedException, ExceptionKind, WeeklyTime
from kiosk.services import Services
from tests.conftest import NOW, put_booking

YESTERDAY = NOW - timedelta(days=1)


def test_a_cleared_booking_leaves_the_list_but_stays_unrecorded(demo: Services) -> None:
    put_booking(demo, code="PAST01", start=YESTERDAY.replace(hour=15))
    put_booking(demo, code="PAST02", start=YESTERDAY.replace(hour=16))
    assert [b.code for b in demo.desk.unrecorded()] == ["PAST01", "PAST02"]
    cleared = demo.desk.clear_unrecorded("PAST01")
    assert cleared.cleared_at and cleared.state is BookingStatus.BOOKED
    assert [b.code for b in demo.desk.unrecorded()] == ["PAST02"]
    assert [b.code for b in demo.desk.unrecorded(include_cleared=True)] == ["PAST01", "PAST02"]
    # A past one may still be marked (it started long ago).
    assert demo.desk.mark_no_show("PAST02").state is BookingStatus.NO_SHOW
    assert demo.desk.unrecorded() == []


def test_only_a_past_open_booking_can_be_cleared(demo: Services) -> None:
    put_booking(demo, code="TODAY1", start=NOW.replace(hour=15))
    put_booking(demo, code="OLDONE", start=YESTERDAY, status=BookingStatus.DONE)
    for code in ("TODAY1", "OLDONE"):
        with pytest.raises(Conflict) as info:
            demo.desk.clear_unrecorded(code)
        assert info.value.code == ErrorCode.NOT_UNRECORDED


@pytest.mark.parametrize(
    ("start", "end", "covers"),
    [(None, None, True), ("15:00", "16:00", True), ("16:00", "17:00", False)],
)
def test_absence_covers(demo: Services, start: str | None, end: str | None, covers: bool) -> None:
    booking = put_booking(demo, code="ABS001", start=NOW.replace(hour=15, minute=30))
    absence = DatedException("x", "lukas", NOW.date().isoformat(), ExceptionKind.ABSENT, start, end)
    assert absence_covers(absence, booking) is covers
    other_day = DatedException("y", "lukas", "2026-11-25", ExceptionKind.ABSENT)
    assert not absence_covers(other_day, booking)


def test_two_escouts_at_one_place_and_time_are_found(demo: Services) -> None:
    # Ieva works Mondays 14-17 at "Skaitykla, 2 stalas".
    clash = WeeklyTime("new", "lukas", 0, "16:30", "18:00", "skaitykla,  2 STALAS")
    (found,) = demo.catalog.place_clashes(clash)
    assert (found.scout_name, found.start, found.end) == ("Ieva K.", "14:00", "17:00")
    assert (
        demo.catalog.place_clashes(
            WeeklyTime("n", "lukas", 0, "17:00", "18:00", "Skaitykla, 2 stalas")
        )
        == []
    )
    assert demo.catalog.place_clashes(WeeklyTime("n", "lukas", 0, "15:00", "16:00", "Salė")) == []
    # Her own times never clash with themselves; an extra session on a Monday does clash.
    assert (
        demo.catalog.place_clashes(
            WeeklyTime("n", "ieva", 0, "15:00", "16:00", "Skaitykla, 2 stalas")
        )
        == []
    )
    extra = DatedException(
        "e", "lukas", "2026-11-30", ExceptionKind.EXTRA, "14:00", "15:00", "Skaitykla, 2 stalas"
    )
    assert [c.scout_name for c in demo.catalog.place_clashes(extra)] == ["Ieva K."]
