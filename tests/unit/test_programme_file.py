"""The programme's results file: schema, round trip, privacy, atomic 0600 write, CLI.

``make_library`` and ``add_forms`` are shared with the other test_programme_* files.
"""

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
from kiosk.domain.activity import ACTIVITIES
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.models import ActivityRecord, BookingStatus
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
from kiosk.services import Services, build_services
from tests.conftest import NOW, put_booking

ROOT = Path(__file__).resolve().parents[2]
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def make_library(data_dir: Path, library_id: str, municipality: str) -> Services:
    """A demo library (no demo bookings) with its own id and municipality."""
    services = build_services(data_dir, FixedClock(NOW))
    seed_demo(services.store, services.clock, with_bookings=False)
    with services.store.transaction() as tx:
        tx.update(SETTINGS, {"library_id": library_id, "municipality": municipality}, key="library")
    return services


def form_record(n: int, f: dict[str, Any]) -> ActivityRecord:
    """An activity form from a few fields (defaults for the rest)."""
    return ActivityRecord(
        id=f.get("id", f"form-{n}"),
        date=f["date"].isoformat(),
        scout=f.get("scout", "ieva"),
        minutes=f.get("minutes", 30),
        topics=f.get("topics", ["email"]),
        age_group=f.get("age_group", "65_74"),
        outcome=f.get("outcome", "solved"),
        first_visit=f.get("first_visit", True),
        note=f.get("note", ""),
        booking_id=f.get("booking_id"),
        created_at=NOW.isoformat(),
    )


def add_forms(services: Services, forms: list[dict[str, Any]]) -> None:
    """Activity forms written straight into the store (one transaction)."""
    with services.store.transaction() as tx:
        for n, f in enumerate(forms):
            tx.insert(ACTIVITIES, form_record(n, f).to_dict())


@pytest.fixture
def library(tmp_path: Path) -> Services:
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
    put_booking(
        lib,
        code="HWQZNV",
        start=datetime(2026, 11, 3, 15, tzinfo=TZ),
        name="Kazimieras",
        phone="+37069876543",
        status=BookingStatus.NO_SHOW,
    )
    put_booking(lib, code="DFGJMN", start=datetime(2026, 10, 20, 11, tzinfo=TZ))  # outside
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
            {"date": date(2026, 11, 5), "scout": "lukas", "first_visit": False, "minutes": 20},
            {"date": date(2026, 10, 30)},  # outside the period
        ],
    )
    return lib


def test_round_trip_keeps_every_field(library: Services, tmp_path: Path) -> None:
    out = tmp_path / "out" / "results.parquet"
    written = export_programme_results(library, out, *NOV)
    header, table = read_results(out)
    assert header == written
    assert (header.library_id, header.municipality) == ("LT-TEST", "Kauno m. sav.")
    assert (header.first, header.last, header.version) == (*NOV, SCHEMA_VERSION)
    assert table.schema.remove_metadata() == ARROW_SCHEMA
    rows = table.to_pylist()
    assert header.rows == len(rows) == 4  # two forms and two bookings in November
    forms = sorted((r for r in rows if r["kind"] == "consultation"), key=lambda r: r["date"])
    booked = forms[0]
    assert booked["date"] == date(2026, 11, 2)
    assert (booked["hour"], booked["minutes"], booked["topics"]) == (
        10,
        40,
        ["email", "smartphone"],
    )
    assert (booked["source"], booked["language"], booked["first_visit"]) == ("kiosk", "lt", True)
    assert (booked["age_group"], booked["outcome"], booked["status"]) == ("65_74", "solved", None)
    walk_in = forms[1]
    assert (walk_in["hour"], walk_in["source"], walk_in["language"]) == (None, "walk_in", None)
    assert walk_in["first_visit"] is False
    bookings = {r["status"]: r for r in rows if r["kind"] == "booking"}
    assert set(bookings) == {"done", "no_show"}
    assert bookings["done"]["minutes"] == 45 and bookings["done"]["topics"] == ["email"]
    assert all(r["library_id"] == "LT-TEST" for r in rows)


def test_scout_pseudonym_is_stable_in_a_library_and_differs_between_libraries(
    library: Services, tmp_path: Path
) -> None:
    a1, a2 = tmp_path / "a1.parquet", tmp_path / "a2.parquet"
    export_programme_results(library, a1, *NOV)
    export_programme_results(library, a2, *NOV)
    other = make_library(tmp_path / "other", "LT-OTHER", "")
    add_forms(other, [{"date": date(2026, 11, 2), "scout": "ieva"}])
    b = tmp_path / "b.parquet"
    export_programme_results(other, b, *NOV)

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
    assert read_header(out).rows == 4


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
    assert said["rows"] == 4 and said["library_id"] == "LT-TEST"
    # Without a period: everything up to today.
    assert main([*args, "--out", str(out)]) == 0
    header = read_header(out)
    assert (header.first, header.last) == (date(2026, 10, 20), NOW.date())
    assert header.rows == 6
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
