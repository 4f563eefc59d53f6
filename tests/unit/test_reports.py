"""Results and export checked against numbers worked out by hand on a seeded data set."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest

from kiosk.cli import main
from kiosk.domain.activity import ActivityDraft, ActivityService
from kiosk.domain.clock import TZ
from kiosk.domain.models import BookingStatus as S
from kiosk.results.reports import (
    BOOKING_COLUMNS,
    CSV_COLUMNS,
    compute_results,
    export_bookings,
    export_results,
)
from kiosk.results.spreadsheet import TEXT_MARK
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
    assert res.unrecorded == 1  # EEEEEE, checked in on the 17th and never closed
    assert res.to_dict()["unrecorded"] == 1
    assert res.no_show_rate == 25.0  # 1 no-show of 4 settled (checked in 1 + done 2 + no-show 1)
    assert counts(res.by_weekday) == {"0": 1, "1": 3, "2": 0, "3": 1, "4": 0, "5": 0, "6": 0}
    assert counts(res.by_hour) == {"10": 1, "15": 4}


def test_empty_period_has_no_rate(seeded: Services) -> None:
    res = compute_results(seeded.booking, seeded.activity, date(2027, 1, 1), date(2027, 1, 31))
    assert res.consultations == 0 and res.bookings == 0 and res.no_show_rate is None


def read_csv(payload: bytes) -> list[list[str]]:
    """Read a CSV as a Lithuanian-locale spreadsheet shows it: BOM, ``;`` between fields,
    text that looks like a number without its invisible mark (tests/unit/test_exports_in_
    libreoffice.py opens the files in LibreOffice itself)."""
    assert payload.startswith(b"\xef\xbb\xbf")
    table = csv.reader(io.StringIO(payload.decode("utf-8-sig")), delimiter=";")
    return [[cell.removeprefix(TEXT_MARK) for cell in row] for row in table]


def lt_number(text: str) -> float:
    """A cell as a Lithuanian spreadsheet reads a number: decimal comma, no dot."""
    assert "." not in text, text
    return float(text.replace(",", "."))


def test_csv_has_bom_columns_and_figures(seeded: Services) -> None:
    payload = export_results(seeded.booking, seeded.activity, *NOV, "csv")
    table = read_csv(payload)
    assert table[0] == ["Skyrius", "Raktas", "Pavadinimas", "Skaičius", "Procentai"]
    rows = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in table[1:]]
    by = {(r["section"], r["key"]): r for r in rows}
    assert by[("total", "consultations")]["count"] == "4"
    assert lt_number(by[("total", "no_show_rate")]["percent"]) == 25.0
    assert by[("total", "no_show_rate")]["percent"] == "25,0"
    assert by[("topic", "e-banking")]["count"] == "2"
    assert lt_number(by[("topic", "e-banking")]["percent"]) == 50.0  # 2 of 4 consultations
    assert by[("topic", "e-banking")]["label"] == "Elektroninė bankininkystė"  # Lithuanian intact
    assert lt_number(by[("age", "65_74")]["percent"]) == 50.0
    assert by[("status", "no_show")]["label"] == "Neatvyko"
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
    rows = read_csv(payload)
    assert rows[0][:3] == ["Data", "Laikas", "Kodas"]
    row = dict(zip(BOOKING_COLUMNS, rows[1], strict=True))
    assert row["name"] == odd and row["code"] == "QUOTE1" and row["phone"] == "+37061234567"
    # The phone stays text behind an invisible mark, never behind a visible apostrophe.
    assert ";\u2060+37061234567;".encode() in payload and b"'+370" not in payload


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(demo: Services) -> None:
    put_booking(demo, code="FORMU1", start=at(24, 15), name="Ona", place="=HYPERLINK(1)")
    rows = read_csv(export_bookings(demo.booking, *NOV))
    row = dict(zip(BOOKING_COLUMNS, rows[1], strict=True))
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


# -- in English, by source, visitors ---------------------------------------------------


def test_english_labels_and_headers(seeded: Services) -> None:
    res = compute_results(seeded.booking, seeded.activity, *NOV, lang="en")
    words = {r.key: r.label for r in res.by_status + res.by_outcome + res.by_weekday}
    assert words["no_show"] == "No-show" and words["follow_up"] == "Follow-up"
    assert words["1"] == "Tuesday"
    table = read_csv(export_results(seeded.booking, seeded.activity, *NOV, "csv", "en"))
    assert table[0] == ["Section", "Key", "Label", "Count", "Percent"]
    assert ["status", "no_show", "No-show", "1", "16,7"] in table  # 1 of 6 bookings
    bookings = read_csv(export_bookings(seeded.booking, *NOV, lang="en"))
    assert bookings[0][3] == "Status"
    assert "no_show" not in {row[3] for row in bookings[1:]}  # statuses in words
    assert "No-show" in {row[3] for row in bookings[1:]}


def test_forms_by_source_length_and_visitors(demo: Services) -> None:
    forms = ActivityService(demo.store, demo.clock)
    ona = put_booking(demo, code="ONA001", start=at(2, 10), phone="+37061234567", status=S.DONE)
    again = put_booking(
        demo, code="ONA002", start=at(9, 10), name=" ona ", phone="+37061234567", status=S.DONE
    )
    other = put_booking(demo, code="JON001", start=at(9, 11), name="Jonas", status=S.DONE)
    for booking, minutes in ((ona, 30), (again, 45), (other, 90)):
        forms.record(
            ActivityDraft(
                booking.starts.date(),
                "lukas",
                minutes,
                ["e-banking"],
                "65_74",
                "solved",
                booking_id=booking.id,
            )
        )
    forms.record(ActivityDraft(date(2026, 11, 9), "ieva", 20, ["email"], "50_64", "partly"))
    res = compute_results(demo.booking, demo.activity, *NOV)
    assert counts(res.by_source) == {"kiosk": 3, "librarian": 0, "walk_in": 1}
    assert counts(res.by_length) == {"upto_30": 2, "31_60": 1, "over_60": 1}
    assert (res.consultations, res.visitors, res.walk_ins) == (4, 2, 1)  # Ona twice, Jonas


def test_a_follow_up_is_its_first_visitors_even_once_erased() -> None:
    from dataclasses import replace

    from kiosk.domain.models import Booking
    from kiosk.results.reports import visitor_count

    def booking(code: str, name: str, phone: str | None = None, **more: str) -> Booking:
        return Booking(
            id=code,
            code=code,
            token_hash="",
            topic="t",
            scout="s",
            start="",
            end="",
            place="",
            name=name,
            phone=phone,
            **more,  # type: ignore[arg-type]
        )

    first = booking("A", "Ona", "+37060000001")
    assert visitor_count([first, booking("B", "ONA", "+37060000001")]) == 1
    assert visitor_count([first, booking("B", "Ona", "+37060000002")]) == 2
    erased = replace(first, name="", erased_at="2026-11-30")
    assert visitor_count([erased, booking("B", "", follows="A")]) == 1
    assert visitor_count([erased, booking("B", "")]) == 2


# -- month tables, e-scout hours, anonymous rows ------------------------------------------

OCT_NOV = (date(2026, 10, 1), date(2026, 11, 30))


def test_month_tables_count_each_month_and_the_trend(seeded: Services) -> None:
    from kiosk.results.tables import month_tables

    tables = month_tables(seeded.booking, seeded.activity, *OCT_NOV)
    assert tables.months == ["2026-10", "2026-11"]
    totals = {r.key: r.counts for r in tables.totals}
    assert totals["consultations"] == [1, 4]
    assert totals["minutes"] == [30, 165]
    assert totals["bookings"] == [1, 6] and totals["no_shows"] == [1, 1]
    assert tables.change == [None, 300.0]
    topics = {r.key: r.counts for r in tables.tables["topic"]}
    assert topics["e-banking"] == [0, 2] and topics["photos"] == [1, 0]
    assert {r.key: r.counts for r in tables.tables["scout"]}["ieva"] == [1, 1]
    assert {r.key: r.counts for r in tables.tables["age"]}["65_74"] == [0, 2]
    assert {r.key: r.counts for r in tables.tables["outcome"]}["solved"] == [1, 2]
    assert {r.key: r.counts for r in tables.tables["source"]}["walk_in"] == [1, 4]


def test_month_span_clips_to_the_period() -> None:
    from kiosk.results.tables import month_spans

    assert month_spans(date(2026, 11, 15), date(2027, 1, 10)) == [
        (date(2026, 11, 15), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 10)),
    ]


def test_months_csv_reads_back_as_numbers(seeded: Services) -> None:
    from kiosk.results.tables import export_months

    table = read_csv(export_months(seeded.booking, seeded.activity, *OCT_NOV, "csv", "en"))
    assert table[0] == ["Section", "Key", "Label", "2026-10", "2026-11", "Total"]
    rows = {(r[0], r[1]): r for r in table[1:]}
    assert rows[("total", "consultations")][3:] == ["1", "4", "5"]
    assert lt_number(rows[("total", "change")][4]) == 300.0
    assert rows[("outcome", "solved")][2] == "Solved"


def test_scout_hours(seeded: Services) -> None:
    from kiosk.results.tables import export_scouts, scout_hours

    hours = {
        r.key: (r.consultations, r.minutes, r.hours)
        for r in scout_hours(seeded.booking, seeded.activity, *NOV)
    }
    assert hours == {"lukas": (2, 75, 1.25), "gabija": (1, 60, 1.0), "ieva": (1, 30, 0.5)}
    table = read_csv(export_scouts(seeded.booking, seeded.activity, *NOV))
    assert table[0][0].replace("\xa0", " ") == "E. skautas"  # unbreakable in the sheet too
    assert [lt_number(v) for v in table[1][1:4]] == [2, 75, 1.25]


@pytest.fixture
def with_names(seeded: Services) -> Services:
    done = put_booking(
        seeded,
        code="SECRET",
        start=at(23, 10),
        name="Aldona",
        phone="+37069999999",
        status=S.DONE,
    )
    ActivityService(seeded.store, seeded.clock).record(
        ActivityDraft(
            date(2026, 11, 23),
            "ieva",
            90,
            ["email"],
            "75_plus",
            "referred",
            False,
            note="Aldona asked twice",
            booking_id=done.id,
        )
    )
    return seeded


def pseudo(scout: str) -> str:
    return f"P-{len(scout)}"


def test_rows_are_anonymous_in_every_format(with_names: Services) -> None:
    from openpyxl import load_workbook

    from kiosk.results.tables import export_rows

    for fmt in ("csv", "json", "xlsx"):
        payload = export_rows(with_names.booking, with_names.activity, *NOV, pseudo, fmt)
        if fmt == "xlsx":  # zipped: look at the cells
            cells = load_workbook(io.BytesIO(payload)).active.iter_rows(values_only=True)
            payload = repr(list(cells)).encode("utf-8")
        for secret in (b"Aldona", b"69999999", b"SECRET", b"ieva", b"lukas", b"twice"):
            assert secret not in payload, (fmt, secret)


def test_rows_csv_json_and_xlsx_read_back(with_names: Services) -> None:
    from openpyxl import load_workbook

    from kiosk.results.tables import ROW_COLUMNS, export_rows

    span = (with_names.booking, with_names.activity, *NOV)
    table = read_csv(export_rows(*span, pseudo, "csv"))
    assert table[0][0] == "Data" and len(table) == 1 + 5
    last = dict(zip(ROW_COLUMNS, table[-1], strict=True))
    assert last["date"] == "2026-11-23" and last["scout"] == "P-4"
    assert lt_number(last["minutes"]) == 90 and lt_number(last["hours"]) == 1.5
    assert last["hours"] == "1,5" and last["outcome"] == "Nukreipta"
    assert last["source"] == "Kioskas" and last["first_visit"] == "ne"

    docs = json.loads(export_rows(*span, pseudo, "json"))
    assert docs[-1] == {
        "date": "2026-11-23",
        "month": "2026-11",
        "weekday": 0,
        "scout": "P-4",
        "topics": ["email"],
        "minutes": 90,
        "hours": 1.5,
        "age_group": "75_plus",
        "outcome": "referred",
        "first_visit": False,
        "source": "kiosk",
    }
    assert docs[0]["source"] == "walk_in"

    book = load_workbook(io.BytesIO(export_rows(*span, pseudo, "xlsx", "en")))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Date", "Month")
    assert rows[-1][0] == datetime(2026, 11, 23)  # a date, not text
    assert rows[-1][5] == 90 and rows[-1][6] == 1.5  # numbers, not text
    assert rows[-1][8] == "Referred"


def test_xlsx_text_is_never_a_formula() -> None:
    from openpyxl import load_workbook

    from kiosk.results.spreadsheet import xlsx_bytes

    payload = xlsx_bytes([("t", ["a"], [["=HYPERLINK(1)"]])])
    cell = load_workbook(io.BytesIO(payload)).active["A2"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(1)"


def test_cli_exports_tables_in_english(with_names: Services, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    base = ["--data-dir", str(with_names.data_dir), "export", "--from", "2026-11-01"]
    base += ["--to", "2026-11-30"]
    out = tmp_path / "forms.xlsx"
    assert main([*base, "--format", "rows", "--out", str(out), "--lang", "en"]) == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Date" and len(rows) == 6
    capsys.readouterr()
    assert main([*base, "--format", "scouts", "--as", "json"]) == 0
    assert {d["scout"]: d["hours"] for d in json.loads(capsys.readouterr().out)}["ieva"] == 2.0
    assert main([*base, "--format", "months", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("\ufeffSection;Key;Label;\u20602026-11;Total")
    assert main([*base, "--lang", "en"]) == 0
    assert "No-show" in capsys.readouterr().out


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
    assert seeded.arrivals.check_in(ticket.booking.code).ok
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

    table = read_csv(export_results(seeded.booking, seeded.activity, *NOV))
    by = {(r[0], r[1]): r for r in table[1:]}
    assert by[("total", "repeat_visits")][3] == "2"
    assert by[("total", "repeat_visits")][4] == "40,0"  # 2 of 5 consultations
    assert by[("total", "first_visits")][3] == "3"
    assert by[("total", "follow_up_bookings")][3] == "1"
    data = json.loads(export_results(seeded.booking, seeded.activity, *NOV, "json"))
    assert (data["first_visits"], data["repeat_visits"], data["follow_up_bookings"]) == (3, 2, 1)


def test_the_form_for_a_next_session_starts_as_a_repeat_visit(demo: Services) -> None:
    put_booking(demo, code="FIRST1", start=at(24, 8), status=S.CHECKED_IN)
    slot = demo.booking.follow_up_slots("FIRST1")[0]
    ticket = demo.booking.book_follow_up("FIRST1", slot.start, scout=slot.scout)
    assert demo.activity.prefill(demo.booking.lookup("FIRST1")).first_visit is True
    assert demo.activity.prefill(ticket.booking).first_visit is False
