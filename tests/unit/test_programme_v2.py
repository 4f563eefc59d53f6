"""The results file of schema version 2: counts only, no row under 3, no e-scout ids; a
version 1 file still merges; people reached mean what they mean in the kiosk."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from kiosk.domain.activity import ActivityService
from kiosk.domain.clock import TZ
from kiosk.domain.models import BookingStatus
from kiosk.domain.records import BOOKINGS
from kiosk.programme.file import (
    MIN_COUNT,
    UnknownResultsFile,
    export_programme_results,
    pseudonym,
    read_checked,
    results_salt,
)
from kiosk.programme.report import merge, report, writing
from kiosk.results.reports import compute_results
from kiosk.services import Services
from tests.conftest import put_booking
from tests.unit.programme_helpers import NOV, add_forms, make_library, v1_file

SCOUTS = ["ieva", "lukas", "gabija"]


def busy_library(root: Path, library_id: str = "LT-V2") -> Services:
    """November: many forms in big and small cells, bookings, a follow-up left at "first"."""
    lib = make_library(root, library_id, "Vilniaus m. sav.")
    forms = [
        {"date": date(2026, 11, 2 + i % 20), "id": f"big-{i}", "scout": SCOUTS[i % 3]}
        for i in range(12)
    ]
    forms += [
        {
            "date": date(2026, 11, 4),
            "id": "rare-1",
            "topics": ["e-health"],
            "age_group": "under_30",
        },
        {"date": date(2026, 11, 6), "id": "rare-2", "outcome": "referred", "scout": "lukas"},
    ]
    put_booking(lib, code="KXPTRM", start=datetime(2026, 11, 2, 10, tzinfo=TZ),
                status=BookingStatus.DONE, scout="ieva", topic="email")  # fmt: skip
    put_booking(lib, code="HWQZNV", start=datetime(2026, 11, 9, 10, tzinfo=TZ),
                status=BookingStatus.DONE, scout="ieva", topic="email")  # fmt: skip
    with lib.store.transaction() as tx:  # booked at the desk as the next session
        tx.update(BOOKINGS, {"follows": "id-KXPTRM"}, id="id-HWQZNV")
    # The follow-up's form was left at its default "first visit": the kiosk counts a repeat.
    forms += [
        {"date": date(2026, 11, 2), "id": "booked-1", "booking_id": "id-KXPTRM"},
        {"date": date(2026, 11, 9), "id": "booked-2", "booking_id": "id-HWQZNV"},
    ]
    add_forms(lib, forms)
    return lib


def test_no_row_describes_fewer_than_three_and_the_rest_is_counted(tmp_path: Path) -> None:
    lib = busy_library(tmp_path / "lib")
    path = tmp_path / "v2.parquet"
    header = export_programme_results(lib, path, *NOV)
    _, table = read_checked(path)
    for kind, measure in (("consultations", "consultations"), ("bookings", "bookings"),
                          ("booking_hours", "bookings")):  # fmt: skip
        rows = table.filter(pc.equal(table.column("kind"), kind))
        assert all(n >= MIN_COUNT for n in rows.column(measure).to_pylist()), kind
    forms = table.filter(pc.equal(table.column("kind"), "consultations"))
    assert pc.sum(forms.column("consultations")).as_py() + header.suppressed_consultations == 16
    assert "other" in forms.column("topic").to_pylist()  # the rare ones were folded
    assert header.suppressed_bookings == 2  # two bookings: no row may describe them


def test_no_e_scout_identifier_is_in_the_file(tmp_path: Path) -> None:
    lib = busy_library(tmp_path / "lib")
    path = tmp_path / "v2.parquet"
    export_programme_results(lib, path, *NOV)
    salt = results_salt(lib)
    raw = path.read_bytes()
    _, table = read_checked(path)
    text = json.dumps(table.to_pylist(), default=str)
    for scout in SCOUTS:
        for secret in (scout, pseudonym(salt, scout)):
            assert secret not in text and secret.encode() not in raw, secret
    assert "scout" not in table.column_names
    months = table.filter(pc.equal(table.column("kind"), "scout_months")).to_pylist()
    assert [(r["date"], r["scouts_active"]) for r in months] == [(date(2026, 11, 1), 3)]


def test_people_reached_equal_the_kiosks_own_count(tmp_path: Path) -> None:
    lib = busy_library(tmp_path / "lib")
    own = compute_results(lib.booking, ActivityService(lib.store, lib.clock), *NOV)
    export_programme_results(lib, tmp_path / "in" / "v2.parquet", *NOV)
    db = tmp_path / "p.duckdb"
    assert merge([tmp_path / "in"], db).refused == []
    totals = report(db).totals
    assert totals["suppressed_consultations"] == 0  # 16 forms in one month: all counted
    assert (totals["consultations"], totals["people"]) == (own.consultations, own.first_visits)
    assert own.repeat_visits == 1  # the follow-up left at "first visit"


def test_a_version_1_file_still_merges_into_the_same_tables(tmp_path: Path) -> None:
    old = busy_library(tmp_path / "old", "LT-OLD")
    v1_file(old, tmp_path / "in" / "old.parquet", date(2026, 11, 1), date(2026, 11, 15))
    new = busy_library(tmp_path / "new", "LT-NEW")
    export_programme_results(new, tmp_path / "in" / "new.parquet", *NOV)
    db = tmp_path / "p.duckdb"
    result = merge([tmp_path / "in"], db)
    assert (result.refused, len(result.merged)) == ([], 2)
    prog = report(db)
    libraries = {r["key"]: r["consultations"] for r in prog.tables["by_library"]}
    assert libraries == {"LT-OLD": 16, "LT-NEW": 16}
    # LT-OLD's two bookings come as rows of version 1; LT-NEW's two are under 3: left out.
    assert sum(r["count"] for r in prog.tables["by_status"]) == 2


def test_a_report_started_in_another_process_while_a_merge_runs_succeeds(
    tmp_path: Path,
) -> None:
    lib = busy_library(tmp_path / "lib")
    export_programme_results(lib, tmp_path / "a.parquet", *NOV)
    db = tmp_path / "p.duckdb"
    assert merge([tmp_path / "a.parquet"], db).refused == []
    with writing(db) as con:  # a merge under way in this process, its copy not swapped in
        con.execute("DELETE FROM consultations").fetchall()
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "results", "report", str(db)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["totals"]["consultations"] == 16
    assert report(db).totals["consultations"] == 0  # the merge swapped its copy in


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_row_labels_come_from_the_catalogue_in_the_reports_language(
    tmp_path: Path, lang: str
) -> None:
    lib = busy_library(tmp_path / "lib")
    export_programme_results(lib, tmp_path / "a.parquet", *NOV)
    db = tmp_path / "p.duckdb"
    merge([tmp_path / "a.parquet"], db)
    prog = report(db, lang=lang)
    visit = {r["key"]: r["label"] for r in prog.tables["by_visit"]}
    source = {r["key"]: r["label"] for r in prog.tables["by_source"]}
    expected = {
        "en": ("First visit", "Walk-in"),
        "lt": ("Pirmas apsilankymas", "Atėjo be registracijos"),
    }[lang]
    assert (visit["first"], source["walk_in"]) == expected


def test_the_file_carries_the_librarys_topic_names(tmp_path: Path) -> None:
    lib = busy_library(tmp_path / "lib")
    path = tmp_path / "v2.parquet"
    header = export_programme_results(lib, path, *NOV)
    names = {slug: (lt, en) for slug, lt, en in read_checked(path)[0].header.topic_names}
    for topic in lib.booking.topics(active_only=False):
        assert names[topic.slug] == (topic.name("lt"), topic.name("en"))
    # Names that are no names are refused like any other damaged footer entry.
    _, table = read_checked(path)
    for bad in (b"not json", b'{"email": {"lt": "E. pa\\u0007tas", "en": "Email"}}',
                b'{"email": "Email"}', b'{"email": {"lt": "x"}}'):  # fmt: skip
        meta = {**header.to_metadata(), b"escout.topic_names": bad}
        damaged = tmp_path / "damaged.parquet"
        pq.write_table(table.replace_schema_metadata(meta), damaged)
        with pytest.raises(UnknownResultsFile, match="escout.topic_names is not a map"):
            read_checked(damaged)


def test_a_version_2_file_replaces_a_version_1_files_days_without_force(tmp_path: Path) -> None:
    """A version 2 row counts its whole month though dated the first: a library that sent
    November by days (version 1) and sends it again counted (version 2) is not refused as a
    claim beyond its rows, in one merge or two."""
    lib = busy_library(tmp_path / "lib")
    v1_file(lib, tmp_path / "in" / "old.parquet", *NOV)
    db = tmp_path / "p.duckdb"
    assert merge([tmp_path / "in" / "old.parquet"], db).refused == []
    lib.clock.advance(days=1)  # type: ignore[attr-defined]
    export_programme_results(lib, tmp_path / "in" / "new.parquet", *NOV)
    assert merge([tmp_path / "in" / "new.parquet"], db).refused == []
    assert report(db).totals["consultations"] == 16  # replaced, not doubled
    both = tmp_path / "both.duckdb"
    refused = merge([tmp_path / "in"], both).refused
    assert len(refused) == 1 and "old.parquet: older than" in refused[0]  # not a claim
    assert report(both).totals["consultations"] == 16
