"""The programme's report from three demo libraries' exports: HTML with inline charts and
nothing loaded from the network; CSV and JSON with the same figures."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.demo import seed_demo
from kiosk.domain.activity import ActivityService
from kiosk.domain.clock import FixedClock
from kiosk.domain.records import SETTINGS
from kiosk.programme import file as programme_file
from kiosk.services import Services, build_services
from tests.conftest import NOW

LIBRARIES = [
    ("LT-VAMB", "Vilniaus m. sav."),
    ("LT-KKVB", "Kauno m. sav."),
    ("LT-UTVB", "Utenos r. sav."),
]


def demo_library(root: Path, n: int) -> Services:
    """The demo library with its demo bookings: one no-show, 2 + n done and described."""
    library_id, municipality = LIBRARIES[n]
    clock = FixedClock(NOW)
    lib = build_services(root / library_id, clock)
    seed_demo(lib.store, lib.clock, with_bookings=True)
    with lib.store.transaction() as tx:
        tx.update(SETTINGS, {"library_id": library_id, "municipality": municipality}, key="library")
    bookings = lib.booking.bookings()
    assert len(bookings) >= 3 + n
    clock.current = max(b.ends for b in bookings)  # they have taken place (or not) by now
    lib.desk.mark_no_show(bookings[0].code)
    forms = ActivityService(lib.store, lib.clock)
    for k, booking in enumerate(bookings[1 : 3 + n], start=1):
        lib.desk.mark_done(booking.code)
        draft = forms.prefill(booking)
        draft.age_group, draft.outcome, draft.first_visit = "65_74", "solved", k % 2 == 1
        forms.record(draft)
    return lib


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("programme")
    mp = pytest.MonkeyPatch()
    mp.setenv("KIOSK_NOW", NOW.isoformat())
    # The point here is the report's forms: every count of a few demo visits is sent.
    mp.setattr(programme_file, "MIN_COUNT", 1)
    (root / "inbox").mkdir()  # an export makes no folder
    try:
        for n in range(len(LIBRARIES)):
            lib = demo_library(root, n)
            out = root / "inbox" / f"{n}.parquet"
            args = ["--data-dir", str(lib.data_dir), "export", "--format", "results"]
            assert (
                main([*args, "--from", "2026-11-01", "--to", "2026-12-31", "--out", str(out)]) == 0
            )
        db = root / "programme.duckdb"
        assert main(["results", "merge", str(root / "inbox"), "--out", str(db)]) == 0
    finally:
        mp.undo()
    return db


def test_html_report_has_inline_charts_and_loads_nothing(merged: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["results", "report", str(merged), "--format", "html", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 8  # a chart per table, drawn inline
    assert "<rect" in page or "<path" in page  # the bars themselves
    for name, _ in LIBRARIES:
        assert name in page
    # Nothing that would fetch: no script, no external stylesheet, image, frame or font.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\b(src|href|xlink:href)\s*=\s*[\"']?\s*(https?:)?//", page, re.I)
    assert not re.search(r"url\((?!#)|@import", page, re.I)  # url(#id): a clip in the page
    # The only http(s) strings left are XML namespace names, which nothing loads.
    urls = re.findall(r"(\S*)(https?://[^\s\"'<>)]+)", page)
    assert urls and all(prefix.startswith("xmlns") for prefix, _ in urls), urls


def test_json_report_tables(merged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", "report", str(merged)]) == 0
    prog = json.loads(capsys.readouterr().out)
    totals = prog["totals"]
    # Library n described 2 + n consultations and marked one no-show.
    assert totals["consultations"] == 2 + 3 + 4
    assert totals["libraries"] == totals["municipalities"] == 3
    assert totals["no_shows"] == 3
    assert totals["people"] + totals["repeat_visits"] == totals["consultations"]
    assert {r["key"] for r in prog["by_municipality"]} == {m for _, m in LIBRARIES}
    assert {r["key"]: r["consultations"] for r in prog["by_library"]} == {
        "LT-VAMB": 2,
        "LT-KKVB": 3,
        "LT-UTVB": 4,
    }
    assert sum(r["consultations"] for r in prog["by_month"]) == totals["consultations"]
    assert max(r["scouts_active"] for r in prog["by_month"]) <= totals["scouts_active"]
    assert totals["scouts_active"] > 0
    for table in ("by_topic", "by_age", "by_outcome", "by_language", "by_visit"):
        assert sum(r["consultations"] for r in prog[table]) >= totals["consultations"], table
    assert sum(r["count"] for r in prog["by_status"]) == totals["bookings"]
    # An empty period: zeros and no rate, not an error.
    assert main(["results", "report", str(merged), "--to", "2020-01-01"]) == 0
    empty = json.loads(capsys.readouterr().out)["totals"]
    assert (empty["consultations"], empty["no_show_rate"]) == (0, None)


def test_csv_report_is_one_long_table(merged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", "report", str(merged), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["table", "key", "label", "measure", "value"]
    cells = {(r[0], r[1], r[3]): r[4] for r in rows[1:]}
    assert cells[("total", "consultations", "consultations")] == "9"
    assert cells[("by_library", "LT-UTVB", "consultations")] == "4"
