"""Merging libraries' results files: re-sent periods replace, unknown versions are refused,
and the merged totals equal the sums of each library's own results (property test)."""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.domain.activity import ACTIVITIES
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.models import AgeGroup, Booking, BookingStatus, Outcome, Settings
from kiosk.domain.records import BOOKINGS, SETTINGS
from kiosk.programme import file as programme_file
from kiosk.programme.file import (
    export_programme_results,
    read_results,
    write_results_table,
)
from kiosk.programme.report import merge, report
from kiosk.results.reports import compute_results
from kiosk.services import Services, build_services
from tests.conftest import NOW
from tests.unit.programme_helpers import NOV, add_forms, form_record, make_library, v1_file

TOPICS = ["smartphone", "email", "e-banking", "smart-id", "e-health"]
SCOUTS = ["ieva", "lukas", "gabija"]
BASE = date(2026, 10, 1)


def consultations(db: Path, **period: date) -> int:
    return int(report(db, period.get("first"), period.get("last")).totals["consultations"])


def test_a_re_sent_period_replaces_never_doubles(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "Alytaus m. sav.")
    add_forms(lib, [{"date": date(2026, 11, d), "id": f"f{d}"} for d in (2, 3, 4)])
    out = tmp_path / "files"
    export_programme_results(lib, out / "a-1.parquet", *NOV)
    db = tmp_path / "p.duckdb"
    merge([out], db)
    assert consultations(db) == 3
    # A later form arrives; the library sends November again (a new file beside the old).
    add_forms(lib, [{"date": date(2026, 11, 20), "id": "f20"}])
    lib.clock.advance(days=7)  # type: ignore[attr-defined]
    export_programme_results(lib, out / "a-2.parquet", *NOV)
    merge([out / "a-2.parquet"], db)
    assert consultations(db) == 4
    merge([out / "a-2.parquet"], db)  # sent twice: still once
    assert consultations(db) == 4
    # Both files in one merge: the newer export wins, whatever the file names say.
    db2 = tmp_path / "p2.duckdb"
    merge([out], db2)
    assert consultations(db2) == 4
    # A narrower re-send (a version 1 file may cover single days) replaces only its own days.
    old = tmp_path / "v1"
    v1_file(lib, old / "month.parquet", *NOV)
    db1 = tmp_path / "p1.duckdb"
    merge([old / "month.parquet"], db1)
    lib.clock.advance(days=1)  # type: ignore[attr-defined]
    v1_file(lib, old / "day.parquet", date(2026, 11, 20), date(2026, 11, 20))
    assert merge([old / "day.parquet"], db1).refused == []
    assert consultations(db1) == 4
    # Another library's rows are untouched by a's re-sends.
    other = make_library(tmp_path / "other", "LT-B", "Birštono sav.")
    add_forms(other, [{"date": date(2026, 11, d), "id": f"b{d}"} for d in (2, 3, 4)])
    export_programme_results(other, out / "b.parquet", *NOV)
    merge([out / "b.parquet"], db)
    merge([out / "a-2.parquet"], db)
    assert consultations(db) == 7


def test_unknown_versions_are_refused_one_line_each_and_the_rest_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "")
    add_forms(lib, [{"date": date(2026, 11, d), "id": f"f{d}"} for d in (2, 3, 4)])
    good = tmp_path / "in" / "good.parquet"
    header = export_programme_results(lib, good, *NOV)
    _, table = read_results(good)
    newer = tmp_path / "in" / "newer.parquet"
    write_results_table(newer, table, replace(header, version=3, library_id="LT-NEW"))
    junk = tmp_path / "in" / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    db = tmp_path / "p.duckdb"
    assert main(["results", "merge", str(tmp_path / "in"), "--out", str(db)]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 2
    assert "newer.parquet" in lines[1] and "unknown results schema version 3" in lines[1]
    assert "junk.parquet" in lines[0] and "not a results file" in lines[0]
    said = json.loads(out)
    assert (said["files_merged"], said["files_refused"]) == (1, 2)
    assert consultations(db) == 3
    assert [r["key"] for r in report(db).tables["by_library"]] == ["LT-A"]


def test_without_duckdb_the_commands_say_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    assert main(["results", "merge", str(tmp_path), "--out", str(tmp_path / "p.duckdb")]) == 2
    assert main(["results", "report", str(tmp_path / "p.duckdb")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all("pip install 'escout-kiosk[network]'" in e for e in err)
    assert not (tmp_path / "p.duckdb").exists()


def test_results_commands_need_no_data_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "")
    add_forms(lib, [{"date": date(2026, 11, d), "id": f"f{d}"} for d in (2, 3, 4)])
    export_programme_results(lib, tmp_path / "in" / "a.parquet", *NOV)
    unusable = tmp_path / "no-such-dir" / "file"
    unusable.parent.write_text("a file where a data dir would be")  # build_services would fail
    monkeypatch.setenv("KIOSK_DATA_DIR", str(unusable))
    db = tmp_path / "p.duckdb"
    assert main(["results", "merge", str(tmp_path / "in"), "--out", str(db)]) == 0
    capsys.readouterr()
    assert main(["results", "report", str(db), "--from", "2026-11-01"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["consultations"] == 3


# -- property: merged totals equal the sum of each library's own Results ------------------

form_st = st.fixed_dictionaries(
    {
        "day": st.integers(0, 75),
        "minutes": st.integers(1, 240),
        "topics": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True),
        "scout": st.sampled_from(SCOUTS),
        "age_group": st.sampled_from([str(a) for a in AgeGroup]),
        "outcome": st.sampled_from([str(o) for o in Outcome]),
        "first_visit": st.booleans(),
        "booked": st.integers(-1, 5),  # index of a booking it belongs to, or a walk-in
    }
)
booking_st = st.tuples(
    st.integers(0, 75), st.integers(10, 18), st.sampled_from(list(BookingStatus))
)
library_st = st.tuples(st.lists(form_st, max_size=8), st.lists(booking_st, max_size=6))


def build_library(root: Path, n: int, forms: list[dict], bookings: list) -> Services:  # type: ignore[type-arg]
    """A library written in one transaction (settings, bookings, forms): keeps examples fast."""
    lib = build_services(root / f"lib{n}", FixedClock(NOW))
    municipality = ["Vilniaus m. sav.", "Utenos r. sav."][n % 2]
    settings_ = Settings(library_id=f"LT-{n}", municipality=municipality)
    with lib.store.transaction() as tx:
        tx.insert(SETTINGS, {"key": "library", **settings_.to_dict()})
        for k, (day, hour, status) in enumerate(bookings):
            start = datetime.combine(BASE + timedelta(days=day), time(hour), TZ)
            booking = Booking(
                id=f"id-C{n}{k:04d}", code=f"C{n}{k:04d}", token_hash=f"h{n}{k}",
                topic=TOPICS[k % len(TOPICS)], scout=SCOUTS[k % len(SCOUTS)],
                start=start.isoformat(), end=(start + timedelta(minutes=30)).isoformat(),
                place="Skaitykla", name="Ona", status=str(status),
                language=["lt", "en"][k % 2],
            )  # fmt: skip
            tx.insert(BOOKINGS, booking.to_dict())
        for i, f in enumerate(forms):
            linked = 0 <= f["booked"] < len(bookings)
            record = form_record(
                i,
                {
                    **f,
                    "id": f"form-{n}-{i}",
                    "date": BASE + timedelta(days=f["day"]),
                    "booking_id": f"id-C{n}{f['booked']:04d}" if linked else None,
                },
            )
            tx.insert(ACTIVITIES, record.to_dict())
    return lib


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    libraries=st.lists(library_st, min_size=1, max_size=3),
    first=st.integers(0, 40),
    length=st.integers(0, 45),
)
def test_merged_totals_equal_the_sum_of_each_librarys_results(
    libraries: list,
    first: int,
    length: int,  # type: ignore[type-arg]
) -> None:
    # A file covers whole months: the kiosk's own results over the same months.
    lo, hi = BASE + timedelta(days=first), BASE + timedelta(days=first + length)
    period = (lo.replace(day=1), (hi.replace(day=28) + timedelta(days=4)).replace(day=1)
              - timedelta(days=1))  # fmt: skip
    first_topics: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        # The point here is the sums: no row is too small to be sent.
        mp.setattr(programme_file, "MIN_COUNT", 1)
        root = Path(tmp)
        own = []
        for n, (forms, bookings) in enumerate(libraries):
            lib = build_library(root, n, forms, bookings)
            export_programme_results(lib, root / "files" / f"{n}.parquet", *period)
            own.append(compute_results(lib.booking, lib.activity, *period))
            first_topics.update(r.topics[0] for r in lib.activity.records(*period))
        merge([root / "files"], root / "p.duckdb")
        prog = report(root / "p.duckdb", *period)

    def summed(section: str) -> dict[str, int]:
        total: Counter[str] = Counter()
        for res in own:
            total.update({r.key: r.count for r in res.section(section)})
        return {k: v for k, v in total.items() if v}

    def merged(table: str, measure: str = "consultations") -> dict[str, int]:
        return {r["key"]: r[measure] for r in prog.tables[table] if r[measure]}

    assert prog.totals["consultations"] == sum(r.consultations for r in own)
    assert prog.totals["minutes"] == sum(r.minutes for r in own)
    assert prog.totals["bookings"] == sum(r.bookings for r in own)
    assert merged("by_topic") == dict(first_topics)  # a form counts under its first topic
    assert merged("by_age") == summed("by_age")
    assert merged("by_outcome") == summed("by_outcome")
    assert merged("by_visit") == summed("by_visit")
    assert merged("by_status", "count") == summed("by_status")
    assert prog.totals["people"] == summed("by_visit").get("first", 0)
    status = summed("by_status")
    settled = sum(status.get(s, 0) for s in ("checked_in", "done", "no_show"))
    rate = round(100 * status.get("no_show", 0) / settled, 1) if settled else None
    assert prog.totals["no_show_rate"] == rate
    per_library = {r["key"]: r["consultations"] for r in prog.tables["by_library"]}
    assert per_library == {f"LT-{n}": r.consultations for n, r in enumerate(own) if r.consultations}
    assert sum(r["consultations"] for r in prog.tables["by_month"]) == prog.totals["consultations"]


def test_rows_outside_the_declared_period_are_not_taken(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "")
    add_forms(lib, [{"date": date(2026, 11, 2)}, {"date": date(2026, 11, 25)}])
    good = tmp_path / "a.parquet"
    header = v1_file(lib, good, *NOV)  # a row per visit: dated by the day
    # A file claiming only the first week but holding the whole month (hand-edited).
    table = pq.read_table(good)
    lying = tmp_path / "in" / "lying.parquet"
    write_results_table(lying, table, replace(header, last=date(2026, 11, 7)))
    db = tmp_path / "p.duckdb"
    merge([lying], db)
    assert consultations(db) == 1
    # A version 2 file's rows are dated the first of their month: one claiming only
    # December but holding November's rows brings none of them.
    add_forms(lib, [{"date": date(2026, 11, d), "id": f"more-{d}"} for d in (3, 4)])
    v2 = tmp_path / "v2.parquet"
    header = export_programme_results(lib, v2, *NOV)
    december = replace(header, first=date(2026, 12, 1), last=date(2026, 12, 31))
    write_results_table(tmp_path / "in2" / "lying.parquet", pq.read_table(v2), december)
    db2 = tmp_path / "p2.duckdb"
    merge([tmp_path / "in2"], db2)
    assert consultations(db2) == 0


def test_a_file_that_is_not_a_database_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_db = tmp_path / "p.duckdb"
    not_db.write_text("hello")
    assert main(["results", "report", str(not_db)]) == 2
    assert main(["results", "report", str(tmp_path / "missing.duckdb")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "cannot open the results database" in err[0]
    assert "no results database" in err[1]
