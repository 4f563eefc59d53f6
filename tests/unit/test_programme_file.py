"""The programme's results file: schema, round trip, privacy, atomic 0600 write, CLI."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kiosk.cli import main
from kiosk.demo import load_demo, seed_demo
from kiosk.domain.clock import TZ
from kiosk.domain.models import BookingStatus
from kiosk.domain.records import SETTINGS
from kiosk.programme.file import (
    ARROW_SCHEMA,
    COLUMNS,
    SCHEMA_VERSION,
    UnknownResultsFile,
    export_programme_results,
    read_header,
    read_results,
)
from kiosk.services import Services
from tests.conftest import NOW, put_booking
from tests.unit.programme_helpers import NOV, add_forms, make_library, v1_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def library(tmp_path: Path) -> Services:
    """November: three done bookings on Mondays at 10 (email) and a no-show; three walk-in
    repeats and one booked form with a note; October's booking and form outside."""
    lib = make_library(tmp_path / "lib", "LT-TEST", "Kauno m. sav.")
    put_booking(
        lib,
        code="KXPTRM",
        start=datetime(2026, 11, 2, 10, tzinfo=TZ),
        name="Bronislava",
        phone="+37061234567",
        status=BookingStatus.DONE,
        scout="ieva",
        topic="email",
        minutes=45,
    )
    for code, day in (("PLMNBV", 9), ("QWRTZX", 16)):
        put_booking(lib, code=code, start=datetime(2026, 11, day, 10, tzinfo=TZ),
                    status=BookingStatus.DONE, scout="ieva", topic="email")  # fmt: skip
    put_booking(
        lib,
        code="HWQZNV",
        start=datetime(2026, 11, 3, 15, tzinfo=TZ),
        name="Kazimieras",
        phone="+37069876543",
        status=BookingStatus.NO_SHOW,
    )
    put_booking(lib, code="DFGJMN", start=datetime(2026, 10, 20, 11, tzinfo=TZ))  # outside
    walk_ins = [
        {"date": date(2026, 11, d), "id": f"w{d}", "scout": "lukas", "first_visit": False,
         "minutes": 20}
        for d in (5, 6, 7)
    ]  # fmt: skip
    add_forms(
        lib,
        [
            {
                "date": date(2026, 11, 2),
                "minutes": 40,
                "topics": ["email", "smartphone"],
                "booking_id": "id-KXPTRM",
                "note": "Padėjome su paštu",
            },
            *walk_ins,
            {"date": date(2026, 10, 30)},  # outside the period
        ],
    )
    return lib


def rows_of(table: pa.Table, kind: str) -> list[dict[str, Any]]:
    return [r for r in table.to_pylist() if r["kind"] == kind]


def test_round_trip_keeps_every_field(library: Services, tmp_path: Path) -> None:
    out = tmp_path / "out" / "results.parquet"
    written = export_programme_results(library, out, *NOV)
    header, table = read_results(out)
    assert header == written
    assert (header.library_id, header.municipality) == ("LT-TEST", "Kauno m. sav.")
    assert (header.first, header.last, header.version) == (*NOV, SCHEMA_VERSION)
    assert table.schema.remove_metadata() == ARROW_SCHEMA
    assert header.rows == table.num_rows
    assert all(r["library_id"] == "LT-TEST" for r in table.to_pylist())
    month = date(2026, 11, 1)
    # The three walk-ins make a row; the booked form, alone in its row, is left out.
    [walk_ins] = rows_of(table, "consultations")
    assert walk_ins["date"] == month
    assert (walk_ins["topic"], walk_ins["age_group"], walk_ins["outcome"]) == (
        "email",
        "65_74",
        "solved",
    )
    assert (walk_ins["source"], walk_ins["language"], walk_ins["first_visit"]) == (
        "walk_in",
        None,
        False,
    )
    assert (walk_ins["consultations"], walk_ins["minutes"], walk_ins["people"]) == (3, 60, 0)
    assert header.suppressed_consultations == 1
    # Three done bookings of email make a row; the one no-show is left out.
    [done] = rows_of(table, "bookings")
    assert (done["status"], done["topic"], done["bookings"], done["no_shows"]) == (
        "done",
        "email",
        3,
        0,
    )
    assert (done["source"], done["language"]) == ("kiosk", "lt")
    assert header.suppressed_bookings == 1
    [hours] = rows_of(table, "booking_hours")
    assert (hours["weekday"], hours["hour"], hours["bookings"]) == (0, 10, 3)  # Mondays at 10
    [scouts] = rows_of(table, "scout_months")
    assert (scouts["date"], scouts["scouts_active"], scouts["scout_minutes"]) == (month, 2, 100)


def test_scout_pseudonym_is_stable_in_a_library_and_differs_between_libraries(
    library: Services, tmp_path: Path
) -> None:
    """Version 1 files carried e-scout pseudonyms (version 2 none): the salt behind them is
    the library's, and the same one at every export."""
    a1, a2 = tmp_path / "a1.parquet", tmp_path / "a2.parquet"
    v1_file(library, a1, *NOV)
    v1_file(library, a2, *NOV)
    other = make_library(tmp_path / "other", "LT-OTHER", "")
    add_forms(other, [{"date": date(2026, 11, 2), "scout": "ieva"}])
    b = tmp_path / "b.parquet"
    v1_file(other, b, *NOV)

    def ieva(path: Path) -> str:
        rows = read_results(path)[1].to_pylist()
        return next(r["scout"] for r in rows if r["kind"] == "booking" and r["status"] == "done")

    assert ieva(a1) == ieva(a2)
    assert re.fullmatch(r"[0-9a-f]{16}", ieva(a1))
    other_ieva = read_results(b)[1].to_pylist()[0]["scout"]
    assert other_ieva != ieva(a1)


def test_no_personal_data_in_the_file(library: Services, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    export_programme_results(library, out, *NOV)
    header, table = read_results(out)
    # Everything the file says: every decoded value, the footer and the column names.
    footer = pq.read_metadata(out).metadata or {}
    text = json.dumps(table.to_pylist(), default=str) + repr(footer) + repr(table.schema.names)
    raw = out.read_bytes()
    secrets_ = ["Bronislava", "Kazimieras", "+37061234567", "61234567", "69876543"]
    secrets_ += ["KXPTRM", "HWQZNV", "hash-KXPTRM", "id-KXPTRM", "Padėjome", "Kompiuterių"]
    for scout in load_demo().scouts:
        secrets_ += [f'"{scout.id}"', scout.name]
        if scout.contact:
            secrets_.append(scout.contact)
    for secret in secrets_:
        assert secret not in text, secret
        assert secret.encode() not in raw, secret
    assert table.num_rows == header.rows > 0  # the scan looked at real rows


def test_written_atomically_with_mode_0600(library: Services, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    out.write_bytes(b"old")
    old_mask = os.umask(0)  # the most permissive umask: the file must still be 0600
    try:
        export_programme_results(library, out, *NOV)
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert read_header(out).rows == read_results(out)[1].num_rows > 0


def test_unknown_version_and_foreign_files_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.parquet"
    pq.write_table(pa.table({"a": [1]}), foreign)
    with pytest.raises(UnknownResultsFile, match="not a results file"):
        read_header(foreign)
    table = pa.table({"a": [1]}).replace_schema_metadata(
        {b"escout.schema": b"escout-results", b"escout.version": b"99"}
    )
    newer = tmp_path / "newer.parquet"
    pq.write_table(table, newer)
    with pytest.raises(UnknownResultsFile, match="unknown results schema version 99"):
        read_header(newer)


def test_readme_documents_every_column() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The results file", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    assert documented == [name for name, _, _ in COLUMNS]
    assert f"Schema version {SCHEMA_VERSION}" in section


def test_cli_export_results(
    library: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())
    out = tmp_path / "r.parquet"
    args = ["--data-dir", str(library.data_dir), "export", "--format", "results"]
    assert main([*args, "--out", str(out), "--from", "2026-11-01", "--to", "2026-11-30"]) == 0
    said = json.loads(capsys.readouterr().out)
    # Consultations, bookings, bookings by weekday x hour and e-scouts: a row each.
    assert said["rows"] == 4 and said["library_id"] == "LT-TEST"
    # Without a period: the whole months up to today's.
    assert main([*args, "--out", str(out)]) == 0
    header = read_header(out)
    assert (header.first, header.last) == (date(2026, 10, 1), date(2026, 11, 30))
    assert NOW.date() <= header.last
    # October adds its e-scout month; its one booking and one form are left out.
    assert (header.rows, header.suppressed_consultations, header.suppressed_bookings) == (5, 2, 2)
    capsys.readouterr()
    assert main([*args]) == 2  # a Parquet file needs --out
    assert capsys.readouterr().err.count("\n") == 1


def test_unset_library_id_becomes_a_stable_pseudonym(services: Services, tmp_path: Path) -> None:
    seed_demo(services.store, services.clock, with_bookings=False)
    with services.store.transaction() as tx:
        tx.update(SETTINGS, {"library_id": "", "municipality": ""}, key="library")
    first = export_programme_results(services, tmp_path / "a.parquet", *NOV)
    again = export_programme_results(services, tmp_path / "b.parquet", *NOV)
    assert re.fullmatch(r"anon-[0-9a-f]{12}", first.library_id)
    assert again.library_id == first.library_id


def test_seed_sets_library_id_and_municipality(demo: Services) -> None:
    settings = demo.booking.settings()
    assert settings.library_id and settings.municipality
