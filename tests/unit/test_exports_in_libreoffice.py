"""The librarian's exported files, and the programme's report CSV, as a spreadsheet reads
them: words in the librarian's language (never keys), phones and labels such as "75+" as
text, numbers as numbers and dates as dates. LibreOffice itself opens them (headless, one
start per file kind); openpyxl reads the XLSX cell types."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kiosk.domain.activity import ActivityDraft, ActivityService
from kiosk.domain.clock import TZ
from kiosk.domain.models import BookingStatus as S
from kiosk.programme import file as programme_file
from kiosk.programme.file import export_programme_results
from kiosk.programme.report import merge, programme_csv, report
from kiosk.results.reports import export_bookings, export_results, words
from kiosk.results.tables import export_rows
from kiosk.services import Services
from tests.conftest import put_booking

NOV = (date(2026, 11, 1), date(2026, 11, 30))
PHONE = "+37061234567"
# LibreOffice's Text Import dialog as it first opens (its registry's CSVImport defaults):
# separators , ; and tab, " around text, UTF-8, from line 1, Lithuanian numbers, quoted
# fields not forced to text, special numbers not detected, formulas not evaluated.
CSV_DEFAULTS = "CSV:44/59/9,34,76,1,,1063,false,false,false,false,false,-1,false"
# The same with "Detect special numbers" ticked, as a librarian may have left it.
CSV_SPECIAL = "CSV:44/59/9,34,76,1,,1063,false,true,false,false,false,-1,false"


@pytest.fixture
def library(demo: Services) -> Services:
    """A booking with a phone and a code a spreadsheet could take for a number, and forms
    for the 75+ age group and a walk-in."""
    done = put_booking(
        demo,
        code="6E3479",
        start=datetime(2026, 11, 23, 15, 0, tzinfo=TZ),
        phone=PHONE,
        topic="e-health",
        scout="gabija",
        status=S.DONE,
    )
    forms = ActivityService(demo.store, demo.clock)
    day = date(2026, 11, 23)
    forms.record(
        ActivityDraft(day, "gabija", 90, ["e-health"], "75_plus", "solved", booking_id=done.id)
    )
    forms.record(ActivityDraft(date(2026, 11, 24), "ieva", 30, ["email"], "50_64", "partly"))
    return demo


def csv_rows(payload: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("lt", ["Įvyko", "E. sveikata", "Gabija M.", "Kioskas"]),
        ("en", ["Done", "E-health", "Gabija M.", "Kiosk"]),
    ],
)
def test_bookings_csv_says_everything_in_words(
    library: Services, lang: str, expected: list[str]
) -> None:
    rows = csv_rows(export_bookings(library.booking, *NOV, lang=lang))
    status, topic, scout, source = (rows[1][i] for i in (3, 4, 5, 9))
    assert [status, topic.replace("\xa0", " "), scout, source] == expected
    assert not {"done", "e-health", "gabija", "kiosk"} & set(rows[1])  # no keys


def test_xlsx_cells_are_typed(library: Services) -> None:
    """Period dates are date cells, counts numbers, "75+" and words text cells."""
    book = load_workbook(
        io.BytesIO(export_results(library.booking, library.activity, *NOV, "xlsx"))
    )
    cells = {(r[0].value, r[1].value): r for r in book.active.iter_rows(min_row=2)}
    start = cells[("period", "from")][3]
    assert start.value == datetime(2026, 11, 1) and start.is_date
    assert start.number_format == "yyyy-mm-dd"
    assert cells[("period", "to")][3].value == datetime(2026, 11, 30)
    assert cells[("age", "75_plus")][2].value == "75+"
    assert cells[("age", "75_plus")][2].data_type == "s"
    assert cells[("age", "75_plus")][3].value == 1


def test_bookings_xlsx_cells_are_typed(library: Services) -> None:
    """The bookings as XLSX: the phone and the code are text cells exactly as written (no
    apostrophe, no invisible mark), the date and the time are typed cells, words in lt."""
    sheet = load_workbook(io.BytesIO(export_bookings(library.booking, *NOV, "xlsx"))).active
    assert sheet.title == "registracijos"
    assert [c.value for c in sheet[1]][:3] == ["Data", "Laikas", "Kodas"]
    day, at, code, status = sheet[2][:4]
    phone = sheet[2][8]
    assert (phone.value, phone.data_type) == (PHONE, "s")
    assert (code.value, code.data_type) == ("6E3479", "s")
    assert (day.value, day.is_date, day.number_format) == (
        datetime(2026, 11, 23),
        True,
        "yyyy-mm-dd",
    )
    assert (at.value, at.is_date, at.number_format) == (time(15, 0), True, "hh:mm")
    assert status.value == "Įvyko"


def programme_report_csv(library: Services, tmp_path: Path) -> bytes:
    """The programme's report CSV over this library's results file, merged into DuckDB
    (every count sent: the point here is how the cells read, not the rule of 3)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(programme_file, "MIN_COUNT", 1)
        export_programme_results(library, tmp_path / "library.parquet", *NOV)
    assert not merge([tmp_path / "library.parquet"], tmp_path / "programme.duckdb").refused
    return programme_csv(report(tmp_path / "programme.duckdb", *NOV))


# -- in LibreOffice -------------------------------------------------------------------


def soffice() -> str:
    """LibreOffice's command (Debian's libreoffice-calc-nogui; `make test` installs it)."""
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice (soffice) must be installed under CI")
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        )
    return found


def libreoffice_reads(files: list[Path], out: Path, infilter: str | None = None) -> list[Any]:
    """``files`` as LibreOffice reads them, saved again as XLSX by LibreOffice: one
    openpyxl sheet each, its cells carrying the types LibreOffice gave them."""
    out.mkdir()
    command = [
        soffice(),
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{out.parent / 'lo-profile'}",  # never the user's
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return [load_workbook(out / f"{f.stem}.xlsx").active for f in files]


def cell(sheet: Any, row: int, col: int) -> tuple[Any, str]:
    found = sheet.cell(row=row, column=col)
    return found.value, found.data_type


def find_row(sheet: Any, col: int, value: str) -> int:
    return next(r[0].row for r in sheet.iter_rows() if r[col - 1].value == value)


def test_csv_files_read_typed_in_libreoffice(library: Services, tmp_path: Path) -> None:
    """Each CSV the librarian exports, opened with the import dialog's defaults and again
    with "Detect special numbers": phones, booking codes and "75+" stay text as written,
    counts and shares are numbers, dates are dates, words are Lithuanian."""
    span = (library.booking, library.activity, *NOV)
    files = {
        "bookings": export_bookings(library.booking, *NOV),
        "results": export_results(*span, "csv"),
        "rows": export_rows(*span, lambda s: f"P-{s}", "csv"),
        "programme": programme_report_csv(library, tmp_path),
    }
    paths = []
    for stem, payload in files.items():
        paths.append(tmp_path / f"{stem}.csv")
        paths[-1].write_bytes(payload)
    for mode, infilter in (("defaults", CSV_DEFAULTS), ("special", CSV_SPECIAL)):
        bookings, results, rows, programme = libreoffice_reads(paths, tmp_path / mode, infilter)

        assert cell(bookings, 1, 9) == ("Telefonas", "s"), mode
        assert cell(bookings, 2, 9) == ("\u2060" + PHONE, "s"), mode  # "+", no apostrophe
        assert cell(bookings, 2, 3) == ("\u20606E3479", "s"), mode  # not 6×10³⁴⁷⁹
        assert cell(bookings, 2, 1) == (datetime(2026, 11, 23), "d"), mode
        assert [bookings.cell(row=2, column=c).value for c in (4, 6, 10)] == [
            "Įvyko",
            "Gabija M.",
            "Kioskas",
        ], mode
        assert bookings.cell(row=2, column=5).value.replace("\xa0", " ") == "E. sveikata"

        age = find_row(results, 2, "75_plus")
        assert cell(results, age, 3) == ("\u206075+", "s"), mode  # a label, not 75
        assert cell(results, age, 4) == (1, "n"), mode
        assert cell(results, age, 5) == (50, "n"), mode  # one of two forms, percent
        start = find_row(results, 2, "from")
        assert cell(results, start, 4) == (datetime(2026, 11, 1), "d"), mode

        assert cell(rows, 2, 1) == (datetime(2026, 11, 23), "d"), mode
        assert cell(rows, 2, 7) == (1.5, "n"), mode  # hours, decimal comma read as a number
        assert cell(rows, 2, 8) == ("\u206075+", "s"), mode
        assert rows.cell(row=3, column=11).value == "Atėjo be registracijos", mode

        values = {
            tuple(cell(programme, r, c)[0] for c in (1, 2, 4)): r
            for r in range(2, programme.max_row + 1)
        }
        # Table and measure are named in the report's language (Lithuanian by default).
        t = words("lt")
        by_age = t("lib.programme.table.by_age")
        age = values[(by_age, "75_plus", t("lib.programme.col.hours"))]
        assert cell(programme, age, 3) == ("\u206075+", "s"), mode  # a label, not 75
        assert cell(programme, age, 5) == (1.5, "n"), mode  # 90 minutes, a decimal
        consultations = values[(by_age, "75_plus", t("lib.programme.col.consultations"))]
        assert cell(programme, consultations, 5) == (1, "n")
        start = (t("lib.programme.period"), "from", t("lib.programme.col.date"))
        assert cell(programme, values[start], 5) == (
            datetime(2026, 11, 1),
            "d",
        ), mode


def test_xlsx_files_read_typed_in_libreoffice(library: Services, tmp_path: Path) -> None:
    """The XLSX files as LibreOffice reads them: text cells with no mark at all (a phone
    as written, with its "+"), dates and times as dates and times, numbers as numbers, words
    in English when asked."""
    span = (library.booking, library.activity, *NOV)
    files = {
        "bookings": export_bookings(library.booking, *NOV, "xlsx", "en"),
        "results": export_results(*span, "xlsx", "en"),
        "rows": export_rows(*span, lambda s: f"P-{s}", "xlsx", "en"),
    }
    paths = []
    for stem, payload in files.items():
        paths.append(tmp_path / f"{stem}.xlsx")
        paths[-1].write_bytes(payload)
    bookings, results, rows = libreoffice_reads(paths, tmp_path / "read")

    assert cell(bookings, 1, 9) == ("Phone", "s")
    assert cell(bookings, 2, 9) == (PHONE, "s")  # no apostrophe, no mark in front
    assert cell(bookings, 2, 3) == ("6E3479", "s")
    assert cell(bookings, 2, 1) == (datetime(2026, 11, 23), "d")
    assert cell(bookings, 2, 2)[1] == "d"
    assert bookings.cell(row=2, column=2).number_format.lower() == "hh:mm"
    assert cell(bookings, 2, 4) == ("Done", "s")

    start = find_row(results, 2, "from")
    assert cell(results, start, 3) == ("From", "s")
    assert cell(results, start, 4) == (datetime(2026, 11, 1), "d")
    assert cell(results, start + 1, 4) == (datetime(2026, 11, 30), "d")
    age = find_row(results, 2, "75_plus")
    assert cell(results, age, 3) == ("75+", "s")
    assert cell(results, age, 4) == (1, "n")

    assert cell(rows, 1, 1) == ("Date", "s")
    assert cell(rows, 2, 1) == (datetime(2026, 11, 23), "d")
    assert cell(rows, 2, 7) == (1.5, "n")
    assert cell(rows, 2, 8) == ("75+", "s")
    assert cell(rows, 2, 11) == ("Kiosk", "s")
    assert cell(rows, 3, 11) == ("Walk-in", "s")
