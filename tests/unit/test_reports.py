"""Results and export checked against numbers worked out by hand on a seeded data set."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest

from kiosk.activity import ActivityDraft, ActivityService
from kiosk.cli import main
from kiosk.clock import TZ
from kiosk.models import BookingStatus as S
from kiosk.reports import (
    BOOKING_COLUMNS,
    CSV_COLUMNS,
    compute_results,
    export_bookings,
    export_results,
)
from kiosk.services import Services
from tests.conftest import put_booking

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def seeded(demo: Services) -> Services:
    forms = ActivityService(demo.store, demo.clock)
    for d, scout, minutes, topics, age, outcome, first in [
        (date(2026, 11, 2), "ieva", 30, ["smartphone", "email"], "65_74", "solved", True),
        (date(2026, 11, 3), "lukas", 45, ["e-banking"], "75_plus", "partly", False),
        (date(2026, 11, 10), "lukas", 30, ["e-banking", "smart-id"], "65_74", "solved", True),
        (date(2026, 11, 17), "gabija", 60, ["e-health"], "50_64", "follow_up", True),
        (date(2026, 10, 30), "ieva", 30, ["photos"], "under_30", "solved", True),  # outside
    ]:
        forms.record(ActivityDraft(d, scout, minutes, topics, age, outcome, first))
    for code, start, status in [
        ("AAAAAA", at(2, 10), S.DONE),  # Monday
        ("BBBBBB", at(3, 15), S.DONE),  # Tuesday
        ("CCCCCC", at(10, 15, 30), S.NO_SHOW),  # Tuesday
        ("DDDDDD", at(11, 14), S.CANCELLED),  # Wednesday, not counted for busy times
        ("EEEEEE", at(17, 15), S.CHECKED_IN),  # Tuesday
        ("FFFFFF", at(26, 15), S.BOOKED),  # Thursday
        ("GGGGGG", at(31, 15, month=10), S.NO_SHOW),  # October: outside
    ]:
        put_booking(demo, code=code, start=start, status=status)
    return demo


def counts(rows: list) -> dict[str, int]:  # type: ignore[type-arg]
    return {r.key: r.count for r in rows}


def test_results_match_hand_counts(seeded: Services) -> None:
    res = compute_results(seeded.booking, seeded.activity, *NOV)
    assert res.consultations == 4
    assert res.minutes == 30 + 45 + 30 + 60
    assert counts(res.by_topic) == {
        "e-banking": 2,
        "smartphone": 1,
        "email": 1,
        "smart-id": 1,
        "e-health": 1,
    }
    assert res.by_topic[0].key == "e-banking"  # busiest first
    assert counts(res.by_scout) == {"lukas": 2, "ieva": 1, "gabija": 1}
    assert counts(res.by_age) == {"under_30": 0, "30_49": 0, "50_64": 1, "65_74": 2, "75_plus": 1}
    assert counts(res.by_outcome) == {"solved": 2, "partly": 1, "referred": 0, "follow_up": 1}
    assert counts(res.by_visit) == {"first": 3, "repeat": 1}
    assert res.bookings == 6
    assert counts(res.by_status) == {
        "booked": 1,
        "checked_in": 1,
        "done": 2,
        "no_show": 1,
        "cancelled": 1,
    }
    assert res.no_show_rate == 25.0  # 1 no-show of 4 settled (checked in 1 + done 2 + no-show 1)
    assert counts(res.by_weekday) == {"0": 1, "1": 3, "2": 0, "3": 1, "4": 0, "5": 0, "6": 0}
    assert counts(res.by_hour) == {"10": 1, "15": 4}


def test_empty_period_has_no_rate(seeded: Services) -> None:
    res = compute_results(seeded.booking, seeded.activity, date(2027, 1, 1), date(2027, 1, 31))
    assert res.consultations == 0 and res.bookings == 0 and res.no_show_rate is None


def test_csv_has_bom_columns_and_figures(seeded: Services) -> None:
    payload = export_results(seeded.booking, seeded.activity, *NOV, "csv")
    assert payload.startswith(b"\xef\xbb\xbf")
    text = payload.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == CSV_COLUMNS
    by = {(r["section"], r["key"]): r for r in rows}
    assert by[("total", "consultations")]["count"] == "4"
    assert by[("total", "no_show_rate")]["percent"] == "25.0"
    assert by[("topic", "e-banking")]["count"] == "2"
    assert by[("topic", "e-banking")]["percent"] == "50.0"  # 2 of 4 consultations
    assert by[("topic", "e-banking")]["label"] == "Elektroninė bankininkystė"  # Lithuanian intact
    assert by[("age", "65_74")]["percent"] == "50.0"
    assert by[("status", "no_show")]["count"] == "1"
    assert by[("weekday", "1")]["count"] == "3"
    assert by[("hour", "15")]["count"] == "4"


def test_json_export_matches(seeded: Services) -> None:
    data = json.loads(export_results(seeded.booking, seeded.activity, *NOV, "json"))
    assert data["consultations"] == 4 and data["no_show_rate"] == 25.0
    assert {r["key"]: r["count"] for r in data["by_scout"]} == {"lukas": 2, "ieva": 1, "gabija": 1}


def test_name_with_commas_and_quotes_round_trips(demo: Services) -> None:
    odd = 'O\'Brien, "Ona" [b]Jr[/b]; =1+1'
    put_booking(demo, code="QUOTE1", start=at(24, 15), name=odd, phone="+37061234567")
    payload = export_bookings(demo.booking, *NOV)
    assert payload.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert rows[0] == BOOKING_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    # The phone stays text in a spreadsheet: a leading + would be read as a formula.
    assert row["name"] == odd and row["code"] == "QUOTE1" and row["phone"] == "'+37061234567"


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(demo: Services) -> None:
    put_booking(demo, code="FORMU1", start=at(24, 15), name="Ona", place="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(export_bookings(demo.booking, *NOV).decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["place"] == "'=HYPERLINK(1)"
    docs = json.loads(export_bookings(demo.booking, *NOV, "json"))
    assert docs[0]["place"] == "=HYPERLINK(1)"  # JSON keeps the value as it is


def test_cli_export_writes_the_same(seeded: Services, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "nov.csv"
    args = [
        "--data-dir",
        str(seeded.data_dir),
        "export",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert out.read_bytes() == export_results(seeded.booking, seeded.activity, *NOV, "csv")
    capsys.readouterr()
    assert main([*args[:-2], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["consultations"] == 4


def test_first_and_repeat_visits_count_apart(seeded: Services) -> None:
    """A form marked repeat, or one for a next session booked at the desk, is a repeat visit."""
    res = compute_results(seeded.booking, seeded.activity, *NOV)
    assert (res.first_visits, res.repeat_visits, res.follow_up_bookings) == (3, 1, 0)

    # A next session for the visitor of EEEEEE (checked in on the 17th), then its form left
    # at the default "first visit": the booking knows better, so it counts as a repeat.
    slot = seeded.booking.follow_up_slots("EEEEEE")[0]
    ticket = seeded.booking.book_follow_up("EEEEEE", slot.start, scout=slot.scout)
    wait = ticket.booking.starts - seeded.booking.now()
    seeded.clock.advance(seconds=wait.total_seconds() + 300)  # type: ignore[attr-defined]
    assert seeded.booking.check_in(ticket.booking.code).ok
    forms = ActivityService(seeded.store, seeded.clock)
    forms.record(
        ActivityDraft(
            ticket.booking.starts.date(),
            "lukas",
            30,
            ["e-banking"],
            "65_74",
            "solved",
            True,
            booking_id=ticket.booking.id,
        )
    )
    res = compute_results(seeded.booking, seeded.activity, *NOV)
    assert (res.consultations, res.first_visits, res.repeat_visits) == (5, 3, 2)
    assert res.follow_up_bookings == 1
    assert counts(res.by_visit) == {"first": 3, "repeat": 2}

    by = {
        (r["section"], r["key"]): r
        for r in csv.DictReader(
            io.StringIO(export_results(seeded.booking, seeded.activity, *NOV).decode("utf-8-sig"))
        )
    }
    assert by[("total", "repeat_visits")]["count"] == "2"
    assert by[("total", "repeat_visits")]["percent"] == "40.0"  # 2 of 5 consultations
    assert by[("total", "first_visits")]["count"] == "3"
    assert by[("total", "follow_up_bookings")]["count"] == "1"
    data = json.loads(export_results(seeded.booking, seeded.activity, *NOV, "json"))
    assert (data["first_visits"], data["repeat_visits"], data["follow_up_bookings"]) == (3, 2, 1)


def test_the_form_for_a_next_session_starts_as_a_repeat_visit(demo: Services) -> None:
    put_booking(demo, code="FIRST1", start=at(24, 8), status=S.CHECKED_IN)
    slot = demo.booking.follow_up_slots("FIRST1")[0]
    ticket = demo.booking.book_follow_up("FIRST1", slot.start, scout=slot.scout)
    assert demo.activity.prefill(demo.booking.lookup("FIRST1")).first_visit is True
    assert demo.activity.prefill(ticket.booking).first_visit is False
