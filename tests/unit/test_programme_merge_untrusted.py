"""Merging files from outside: each file is checked on its own, an unfit one is refused in
one line and the rest merged (exit 2); what is not a regular file is never opened; a claim
beyond a file's rows cannot delete a library's earlier rows without ``--force``."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kiosk.cli import main
from kiosk.programme.file import (
    MAX_FOOTER_BYTES,
    V1_SCHEMA,
    Header,
    read_results,
    write_results_table,
)
from kiosk.programme.report import report
from tests.unit.programme_helpers import NOV, add_forms, make_library, v1_file

Meta = dict[bytes, bytes]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Header, pa.Table]:
    """A kiosk's file of schema version 1 (a row per visit: a test changes rows it can
    count): LT-A, November, consultations on the 2nd and 3rd."""
    root = tmp_path_factory.mktemp("good")
    lib = make_library(root / "lib", "LT-A", "Alytaus m. sav.")
    add_forms(lib, [{"date": date(2026, 11, 2), "id": "a"}, {"date": date(2026, 11, 3), "id": "b"}])
    path = root / "good.parquet"
    header = v1_file(lib, path, *NOV)
    return path, header, read_results(path)[1]


def consultations(db: Path) -> int:
    return int(report(db).totals["consultations"])


def merge_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict, list[str]]:  # type: ignore[type-arg]
    """Exit code, the JSON answer and the stderr lines of ``kiosk results merge ARGS``."""
    code = main(["results", "merge", *map(str, args)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err.splitlines()


def _meta(header: Header, **values: bytes | None) -> Meta:
    meta = header.to_metadata()
    for key, value in values.items():
        if value is None:
            del meta[f"escout.{key}".encode()]
        else:
            meta[f"escout.{key}".encode()] = value
    return meta


def _date_as_text(t: pa.Table) -> pa.Table:
    as_text = pa.array([d.isoformat() for d in t.column("date").to_pylist()])
    return t.set_column(3, "date", as_text)


# name -> (how the table changes, how the footer changes, what the refusal says)
BAD_FILES: dict[str, tuple[Callable[[pa.Table], pa.Table], Callable[[Header], Meta], str]] = {
    "value not UTF-8": (
        lambda t: t,
        lambda h: _meta(h, municipality=b"\xff\xfe"),
        "is not UTF-8 text",
    ),
    "key not UTF-8": (
        lambda t: t,
        lambda h: {**h.to_metadata(), b"escout.\xff": b"x"},
        "is not UTF-8 text",
    ),
    "huge row count": (lambda t: t, lambda h: _meta(h, rows=b"9" * 30), "escout.rows is"),
    "row count not the file's": (
        lambda t: t,
        lambda h: _meta(h, rows=b"5"),
        "escout.rows says 5 rows, the file holds 2",
    ),
    "row count in other digits": (
        lambda t: t,
        lambda h: _meta(h, rows="２".encode()),
        "escout.rows is",
    ),
    "no row count": (lambda t: t, lambda h: _meta(h, rows=None), "no escout.rows"),
    "date as text": (_date_as_text, lambda h: h.to_metadata(), "column date is string"),
    "minutes as int64": (
        lambda t: t.set_column(5, "minutes", t.column("minutes").cast(pa.int64())),
        lambda h: h.to_metadata(),
        "column minutes is int64",
    ),
    "a column missing": (
        lambda t: t.drop_columns(["language"]),
        lambda h: h.to_metadata(),
        "13 columns",
    ),
    "a column renamed": (
        lambda t: t.rename_columns(["lib", *t.column_names[1:]]),
        lambda h: h.to_metadata(),
        "column 1 is 'lib'",
    ),
    "period backwards": (
        lambda t: t,
        lambda h: _meta(h, **{"from": b"2026-12-01"}),
        "period ends (2026-11-30) before it starts",
    ),
    "period before 1900": (
        lambda t: t,
        lambda h: _meta(h, **{"from": b"0001-01-01"}),
        "outside the dates",
    ),
    "library id with a line break": (
        lambda t: t,
        lambda h: _meta(h, library_id=b"LT-A\nLT-B"),
        "escout.library_id is not a plain line",
    ),
    "empty library id": (lambda t: t, lambda h: _meta(h, library_id=b" "), "is empty"),
    "export time not a time": (
        lambda t: t,
        lambda h: _meta(h, exported_at=b"yesterday"),
        "escout.exported_at is not an ISO time",
    ),
    "huge footer": (
        lambda t: t,
        lambda h: {**h.to_metadata(), b"padding": b"x" * MAX_FOOTER_BYTES},
        "footer of",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_an_unfit_file_is_refused_in_one_line_and_the_good_one_merged(
    case: str,
    good: tuple[Path, Header, pa.Table],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, header, table = good
    change_table, change_footer, why = BAD_FILES[case]
    bad = tmp_path / "bad.parquet"
    other = replace(header, library_id="LT-B")  # a library of its own: nothing to replace
    pq.write_table(change_table(table).replace_schema_metadata(change_footer(other)), bad)
    db = tmp_path / "p.duckdb"
    code, said, err = merge_cli(capsys, path, bad, "--out", db)
    assert code == 2
    assert len(err) == 1 and str(bad) in err[0] and why in err[0], err
    assert (said["files_merged"], said["files_refused"]) == (1, 1)
    assert consultations(db) == 2
    assert [r["key"] for r in report(db).tables["by_library"]] == ["LT-A"]


def test_rows_duckdb_cannot_read_refuse_that_file_and_the_rest_merge(
    good: tuple[Path, Header, pa.Table], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, header, table = good
    inbox = tmp_path / "in"
    for n, library in enumerate(["LT-B", "LT-C", "LT-D"]):
        write_results_table(inbox / f"{n}.parquet", table, replace(header, library_id=library))
    # Break the page header of LT-C's minutes: the footer and the dates still read.
    broken = inbox / "1.parquet"
    start = pq.read_metadata(broken).row_group(0).column(5).data_page_offset
    data = bytearray(broken.read_bytes())
    data[start : start + 8] = b"\xff" * 8
    broken.write_bytes(bytes(data))
    db = tmp_path / "p.duckdb"
    code, said, err = merge_cli(capsys, inbox, path, "--out", db)
    assert code == 2
    assert len(err) == 1 and str(broken) in err[0] and "rows unreadable" in err[0], err
    assert (said["files_merged"], said["files_refused"]) == (3, 1)
    libraries = {r["key"]: r["consultations"] for r in report(db).tables["by_library"]}
    assert libraries == {"LT-A": 2, "LT-B": 2, "LT-D": 2}


@pytest.fixture
def fifo_watch(tmp_path: Path) -> Iterator[Callable[[Path], list[Path]]]:
    """Make FIFOs and watch them: a reader opening one is recorded and sent end-of-file at
    once, so a merge that opens a FIFO fails the test instead of hanging the suite."""
    fifos: list[Path] = []
    opened: list[Path] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.01):
            for fifo in fifos:
                try:  # succeeds only while someone has the FIFO open for reading
                    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                opened.append(fifo)
                os.close(fd)  # the reader sees end-of-file and goes on

    def make(path: Path) -> list[Path]:
        os.mkfifo(path)
        fifos.append(path)
        return opened

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield make
    stop.set()
    watcher.join()


def test_what_is_not_a_regular_file_is_skipped_unopened(
    good: tuple[Path, Header, pa.Table],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fifo_watch: Callable[[Path], list[Path]],
) -> None:
    path, _, _ = good
    inbox = tmp_path / "in"
    inbox.mkdir()
    named = tmp_path / "named.parquet"
    opened = fifo_watch(named)
    fifo_watch(inbox / "a-fifo.parquet")
    (inbox / "b-link-to-fifo.parquet").symlink_to(inbox / "a-fifo.parquet")
    (inbox / "c-device.parquet").symlink_to("/dev/null")
    (inbox / "d-folder-link.parquet").symlink_to(tmp_path)
    (inbox / "e-broken-link.parquet").symlink_to(tmp_path / "gone")
    db = tmp_path / "p.duckdb"
    code, said, err = merge_cli(capsys, named, inbox, path, "--out", db)
    assert opened == []
    assert code == 2
    assert (said["files_merged"], said["files_refused"]) == (1, 6)
    expected = [
        (named, "a FIFO, not a regular file"),
        (inbox / "a-fifo.parquet", "a FIFO, not a regular file"),
        (inbox / "b-link-to-fifo.parquet", "a FIFO, not a regular file"),
        (inbox / "c-device.parquet", "a device, not a regular file"),
        (inbox / "d-folder-link.parquet", "a folder, not a regular file"),
        (inbox / "e-broken-link.parquet", "cannot read it"),
    ]
    assert len(err) == len(expected)
    for line, (where, why) in zip(err, expected, strict=True):
        assert f"{where}: {why}" in line, line
    assert consultations(db) == 2


def test_a_file_name_cannot_break_the_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "two\nlines\x1b[31m.parquet"
    junk.write_bytes(b"PAR1 not really")
    code, said, err = merge_cli(capsys, junk, "--out", tmp_path / "p.duckdb")
    assert code == 2 and said["files_refused"] == 1
    assert len(err) == 1 and "two lines" in err[0] and "\x1b" not in err[0]


# -- a claim beyond the rows a file holds -----------------------------------------------


def _write(path: Path, table: pa.Table, header: Header) -> Path:
    """A later export of ``header``'s library with ``table``'s rows."""
    later = header.exported_at if header.exported_at > LATER else LATER
    write_results_table(path, table, replace(header, rows=table.num_rows, exported_at=later))
    return path


LATER = "2026-12-01T09:00:00+02:00"


def test_an_empty_file_cannot_wipe_a_library_without_force(
    good: tuple[Path, Header, pa.Table], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, header, _ = good
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, path, "--out", db)[0] == 0
    everything = replace(header, first=date(1900, 1, 1), last=date(9899, 12, 31))
    empty = _write(tmp_path / "empty.parquet", V1_SCHEMA.empty_table(), everything)
    code, said, err = merge_cli(capsys, empty, "--out", db)
    assert code == 2 and said["files_merged"] == 0
    assert len(err) == 1 and str(empty) in err[0]
    assert "claims 1900-01-01..9899-12-31 for LT-A but holds no rows" in err[0]
    # Its two days of consultations and its month of e-scouts.
    assert "would delete 3 rows of LT-A merged before" in err[0]
    assert consultations(db) == 2
    # Asked for, it replaces the period like any file does.
    code, said, err = merge_cli(capsys, empty, "--out", db, "--force")
    assert (code, said["files_merged"], err) == (0, 1, [])
    assert consultations(db) == 0


def test_a_claim_wider_than_the_rows_is_refused_over_earlier_rows(
    good: tuple[Path, Header, pa.Table], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, header, table = good
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, path, "--out", db)[0] == 0
    # One row, dated the 3rd, claiming the whole year: the 2nd would be deleted.
    one_row = table.filter(pa.compute.equal(table["date"], pa.scalar(date(2026, 11, 3))))
    year = replace(header, first=date(2026, 1, 1), last=date(2026, 12, 31))
    wide = _write(tmp_path / "wide.parquet", one_row, year)
    code, _, err = merge_cli(capsys, wide, "--out", db)
    assert code == 2 and len(err) == 1
    assert "holds rows only for 2026-11-03..2026-11-03" in err[0]
    assert consultations(db) == 2


def test_within_one_merge_a_later_empty_claim_cannot_drop_a_librarys_file(
    good: tuple[Path, Header, pa.Table], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, header, _ = good
    later = replace(header, exported_at="2099-01-01T00:00:00+02:00")
    empty = _write(tmp_path / "empty.parquet", V1_SCHEMA.empty_table(), later)
    db = tmp_path / "p.duckdb"
    code, said, err = merge_cli(capsys, path, empty, "--out", db)
    assert code == 2 and (said["files_merged"], said["files_refused"]) == (1, 1)
    assert len(err) == 1 and str(empty) in err[0] and str(path) in err[0]
    assert consultations(db) == 2


def test_a_claim_over_days_without_rows_merges(
    good: tuple[Path, Header, pa.Table], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A month without consultations is a fact a library reports, and an export up to today
    reaches beyond its last row: neither deletes anything, so neither is refused."""
    path, header, _ = good
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, path, "--out", db)[0] == 0
    december = replace(header, first=date(2026, 12, 1), last=date(2026, 12, 31))
    quiet = _write(tmp_path / "quiet.parquet", V1_SCHEMA.empty_table(), december)
    up_to_today = replace(header, first=date(2026, 10, 1), last=date(2026, 11, 30))
    wider = _write(tmp_path / "wider.parquet", read_results(path)[1], up_to_today)
    code, said, err = merge_cli(capsys, quiet, wider, "--out", db)
    assert (code, said["files_merged"], err) == (0, 2, [])
    assert consultations(db) == 2
