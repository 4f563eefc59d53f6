"""Records that stay true: forms only for consultations that took place, no status before
its time, a same-day undo with its reason kept, and the bookings nobody closed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from kiosk.domain.activity import ActivityDraft, ActivityService
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import Conflict, ValidationError
from kiosk.domain.models import BookingStatus
from kiosk.services import Services
from tests.conftest import NOW, put_booking

AFTERNOON = datetime(2026, 11, 24, 15, 30, tzinfo=TZ)


def form_for(booking_id: str) -> ActivityDraft:
    return ActivityDraft(
        date=NOW.date(),
        scout="lukas",
        minutes=30,
        topics=["e-banking"],
        age_group="65_74",
        outcome="solved",
        booking_id=booking_id,
    )


@pytest.mark.parametrize(
    ("status", "start", "code"),
    [
        (BookingStatus.NO_SHOW, NOW - timedelta(hours=1), "not_a_consultation"),
        (BookingStatus.CANCELLED, NOW - timedelta(hours=1), "not_a_consultation"),
        (BookingStatus.BOOKED, NOW - timedelta(hours=1), "not_a_consultation"),
        (BookingStatus.CHECKED_IN, AFTERNOON, "not_started"),
    ],
)
def test_a_form_needs_a_consultation_that_took_place(
    demo: Services, status: BookingStatus, start: datetime, code: str
) -> None:
    booking = put_booking(demo, code="FRMAAA", start=start, status=status)
    with pytest.raises(Conflict) as err:
        ActivityService(demo.store, demo.clock).record(form_for(booking.id))
    assert err.value.code == code
    assert ActivityService(demo.store, demo.clock).records() == []
    assert demo.booking.lookup("FRMAAA").status == status  # the booking's past is untouched


@pytest.mark.parametrize("status", [BookingStatus.CHECKED_IN, BookingStatus.DONE])
def test_a_form_for_a_consultation_that_began_is_saved_and_changes_nothing(
    demo: Services, status: BookingStatus
) -> None:
    booking = put_booking(demo, code="FRMAAC", start=NOW - timedelta(minutes=10), status=status)
    record = ActivityService(demo.store, demo.clock).record(form_for(booking.id))
    assert record.booking_id == booking.id
    assert demo.booking.lookup("FRMAAC").status == status


@pytest.mark.parametrize("action", ["mark_done", "mark_no_show"])
def test_done_and_no_show_wait_for_the_start(demo: Services, action: str) -> None:
    put_booking(demo, code="LATERA", start=AFTERNOON)
    with pytest.raises(Conflict) as err:
        getattr(demo.desk, action)("LATERA")
    assert err.value.code == "not_started" and err.value.details["start"] == "15:30"
    assert demo.booking.lookup("LATERA").status == BookingStatus.BOOKED


def test_undo_takes_back_the_last_change_and_keeps_the_reason(demo: Services) -> None:
    put_booking(demo, code="UNDAAA", start=NOW - timedelta(minutes=20))
    demo.desk.mark_no_show("UNDAAA")
    back = demo.desk.undo("UNDAAA", "  She was in the reading room  ")
    assert back.status == BookingStatus.BOOKED and back.no_show_at is None
    assert [(c["from"], c["to"]) for c in back.changes] == [
        ("booked", "no_show"),
        ("no_show", "booked"),
    ]
    assert back.changes[-1]["reason"] == "She was in the reading room"
    stored = demo.booking.lookup("UNDAAA")
    assert stored.changes == back.changes
    with pytest.raises(Conflict) as err:
        demo.desk.undo("UNDAAA", "again")
    assert err.value.code == "nothing_to_undo"


def test_undo_of_done_goes_back_to_checked_in(demo: Services) -> None:
    put_booking(demo, code="UNDAAC", start=NOW - timedelta(minutes=20))
    demo.arrivals.check_in("UNDAAC")
    demo.desk.mark_done("UNDAAC")
    assert demo.desk.undo("UNDAAC", "wrong row").status == BookingStatus.CHECKED_IN


def test_undo_needs_a_reason(demo: Services) -> None:
    put_booking(demo, code="UNDAAD", start=NOW - timedelta(minutes=20))
    demo.desk.mark_no_show("UNDAAD")
    for reason in ("", "   ", "x" * 201):
        with pytest.raises(ValidationError):
            demo.desk.undo("UNDAAD", reason)


def test_undo_only_on_the_day_of_the_change(demo: Services, clock: FixedClock) -> None:
    put_booking(demo, code="UNDAAE", start=NOW - timedelta(minutes=20))
    demo.desk.mark_no_show("UNDAAE")
    clock.advance(days=1)
    with pytest.raises(Conflict) as err:
        demo.desk.undo("UNDAAE", "too late")
    assert err.value.code == "undo_not_today"


def test_a_cancellation_is_undone_only_while_the_time_is_free(demo: Services) -> None:
    slot = demo.booking.first_free("e-banking")
    assert slot is not None
    first = demo.booking.book("e-banking", slot.start, "Ona", scout=slot.scout).booking
    demo.booking.cancel(first.code)
    demo.booking.book("e-banking", slot.start, "Jonas", scout=slot.scout)
    with pytest.raises(Conflict) as err:
        demo.desk.undo(first.code, "cancelled by mistake")
    assert err.value.code == "time_taken_since"

    other = demo.booking.free_slots("e-banking")[1]
    second = demo.booking.book("e-banking", other.start, "Petras", scout=other.scout).booking
    demo.booking.cancel(second.code)
    assert demo.desk.undo(second.code, "cancelled by mistake").status == BookingStatus.BOOKED


def test_a_check_in_with_a_form_is_not_undone(demo: Services) -> None:
    booking = put_booking(demo, code="UNDAAF", start=NOW - timedelta(minutes=20))
    demo.arrivals.check_in("UNDAAF")
    ActivityService(demo.store, demo.clock).record(form_for(booking.id))
    with pytest.raises(Conflict) as err:
        demo.desk.undo("UNDAAF", "wrong visitor")
    assert err.value.code == "has_activity_form"


def test_bookings_nobody_closed_are_listed_after_their_day(demo: Services) -> None:
    yesterday = NOW - timedelta(days=1)
    put_booking(demo, code="PENAAA", start=yesterday)
    put_booking(demo, code="PENAAC", start=yesterday, status=BookingStatus.CHECKED_IN)
    put_booking(demo, code="DNEAAA", start=yesterday, status=BookingStatus.DONE)
    put_booking(demo, code="TDAYAA", start=NOW - timedelta(hours=2))  # today: not yet
    assert [b.code for b in demo.desk.unrecorded()] == ["PENAAA", "PENAAC"]
    demo.desk.mark_no_show("PENAAA")
    assert [b.code for b in demo.desk.unrecorded()] == ["PENAAC"]


def test_cli_refuses_early_done_undoes_with_a_reason_and_lists_the_unclosed(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main
    from kiosk.services import build_services

    data = tmp_path / "cli"
    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())
    services = build_services(data, FixedClock(NOW))
    put_booking(services, code="CLIAAA", start=AFTERNOON)
    put_booking(services, code="CLIAAC", start=NOW - timedelta(minutes=5))
    put_booking(services, code="CLIAAD", start=NOW - timedelta(days=2))

    assert main(["--data-dir", str(data), "done", "CLIAAA"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "15:30" in err

    assert main(["--data-dir", str(data), "no-show", "CLIAAC"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "undo", "CLIAAC", "--reason", "came late"]) == 0
    undone = json.loads(capsys.readouterr().out)
    assert undone["status"] == "booked" and undone["changes"][-1]["reason"] == "came late"

    assert main(["--data-dir", str(data), "unrecorded"]) == 0
    assert [b["code"] for b in json.loads(capsys.readouterr().out)] == ["CLIAAD"]
