"""The merge's ledger and the libraries' identity: a file older than the one standing is
refused, an identical copy skipped; a library that changes its id takes its history along;
two kiosks cannot share an id by accident; the checksum refuses a damaged file; reports
read while a merge writes."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import kiosk.programme.file as programme_file
from kiosk.cli import main
from kiosk.domain.clock import FixedClock
from kiosk.domain.records import SETTINGS
from kiosk.programme.file import (
    UnknownResultsFile,
    export_programme_results,
    read_checked,
)
from kiosk.programme.report import report, writing
from kiosk.services import Services
from tests.unit.programme_helpers import add_forms, make_library

SEPT = (date(2026, 9, 1), date(2026, 9, 30))
SEPT_OCT = (date(2026, 9, 1), date(2026, 10, 31))


@pytest.fixture
def no_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files whose rows may describe fewer than 3: these tests are about the ledger."""
    monkeypatch.setattr(programme_file, "MIN_COUNT", 1)


def forms(day: date, n: int, prefix: str, minutes: int = 30) -> list[dict[str, object]]:
    return [{"date": day, "id": f"{prefix}-{i}", "minutes": minutes} for i in range(n)]


def later(lib: Services, hours: int = 1) -> None:
    """The library's clock moves on: its next export is a newer one."""
    assert isinstance(lib.clock, FixedClock)
    lib.clock.advance(hours=hours)


def set_library_id(lib: Services, library_id: str) -> None:
    with lib.store.transaction() as tx:
        tx.update(SETTINGS, {"library_id": library_id}, key="library")


def merge_cli(
    capsys: pytest.CaptureFixture[str], *args: str | Path
) -> tuple[int, dict[str, object], list[str]]:
    code = main(["results", "merge", *map(str, args)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err.splitlines()


def by_library(db: Path) -> dict[str, int]:
    return {r["key"]: r["consultations"] for r in report(db).tables["by_library"]}


def flip(path: Path, position: int, bit: int = 0) -> bytes:
    data = bytearray(path.read_bytes())
    data[position] ^= 1 << bit
    return bytes(data)


def test_the_coordinators_sequence_ends_with_the_right_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "programme.duckdb"

    # LT-A sends September, then corrects it (one form was missing).
    a = make_library(tmp_path / "a", "LT-A", "Alytaus m. sav.")
    add_forms(a, forms(date(2026, 9, 10), 3, "a"))
    export_programme_results(a, inbox / "LT-A-2026-09.parquet", *SEPT)
    # An unnamed library sends September under its anonymous id.
    b = make_library(tmp_path / "b", "", "Biržų r. sav.")
    add_forms(b, forms(date(2026, 9, 12), 3, "b"))
    anonymous = export_programme_results(b, inbox / "anon.PARQUET", *SEPT)
    assert anonymous.library_id.startswith("anon-")
    # LT-C sends September; its branch, on its own kiosk, uses the same id.
    c = make_library(tmp_path / "c", "LT-C", "Cirkliškio sav.")
    add_forms(c, forms(date(2026, 9, 3), 5, "c"))
    export_programme_results(c, inbox / "LT-C-2026-09.parquet", *SEPT)
    code, said, err = merge_cli(capsys, inbox, "--out", db)
    assert (code, said["files_merged"], err) == (0, 3, [])

    add_forms(a, forms(date(2026, 9, 20), 1, "a-late"))
    later(a)
    export_programme_results(a, tmp_path / "LT-A-2026-09-corrected.parquet", *SEPT)
    assert merge_cli(capsys, tmp_path / "LT-A-2026-09-corrected.parquet", "--out", db)[0] == 0
    assert by_library(db)["LT-A"] == 4

    # The library names itself and sends September and October: counted once, under LT-B.
    set_library_id(b, "LT-B")
    add_forms(b, forms(date(2026, 10, 2), 3, "b-oct"))
    later(b)
    export_programme_results(b, inbox / "LT-B-2026.parquet", *SEPT_OCT)
    branch = make_library(tmp_path / "branch", "LT-C", "Cirkliškio sav.")
    add_forms(branch, forms(date(2026, 9, 4), 7, "branch"))
    later(branch)
    export_programme_results(branch, inbox / "LT-C-branch.parquet", *SEPT)
    # LT-A's October arrives with a flipped bit in the footer's library id, LT-D's with a
    # damaged data page; and someone's download saved a copy as *.parquet.1.
    add_forms(a, forms(date(2026, 10, 8), 3, "a-oct"))
    later(a)
    october = tmp_path / "LT-A-2026-10.parquet"
    export_programme_results(a, october, date(2026, 10, 1), date(2026, 10, 31))
    raw = october.read_bytes()
    at = raw.index(b"LT-A", raw.index(b"escout.library_id"))
    (inbox / "LT-A-2026-10.parquet").write_bytes(flip(october, at + 3))
    d = make_library(tmp_path / "d", "LT-D", "Druskininkų sav.")
    add_forms(d, forms(date(2026, 9, 5), 4, "d", minutes=45))
    damaged = inbox / "LT-D-2026-09.parquet"
    export_programme_results(d, damaged, *SEPT)
    page = pq.read_metadata(damaged).row_group(0).column(5).data_page_offset
    data = bytearray(damaged.read_bytes())
    data[page : page + 8] = b"\xff" * 8
    damaged.write_bytes(bytes(data))
    (inbox / "LT-C-2026-09.parquet.1").write_bytes((inbox / "LT-C-2026-09.parquet").read_bytes())

    # The whole inbox again: LT-A's old September is still in it.
    code, said, err = merge_cli(capsys, inbox, "--out", db)
    assert code == 2
    assert (said["files_merged"], said["files_unchanged"]) == (1, 2)
    refused = {
        "LT-A-2026-09.parquet": "older than",
        "LT-C-branch.parquet": "already sent by another kiosk",
        "LT-A-2026-10.parquet": "do not match the file's checksum",
        "LT-D-2026-09.parquet": "rows unreadable",
        "LT-C-2026-09.parquet.1": "not named *.parquet",
    }
    assert len(err) == len(refused) == said["files_refused"], err
    for name, why in refused.items():
        line = next(line for line in err if f"{inbox / name}:" in line)
        assert why in line, line
    clash = next(line for line in err if "LT-C-branch" in line)
    assert str(inbox / "LT-C-2026-09.parquet") in clash  # names both files
    assert said["ids_taken_over"] == [f"{anonymous.library_id} -> LT-B"]
    assert by_library(db) == {"LT-A": 4, "LT-B": 6, "LT-C": 5}

    # The good October, sent again: merged once, filed under LT-A.
    (inbox / "LT-A-2026-10.parquet").write_bytes(raw)
    code, said, err = merge_cli(capsys, inbox / "LT-A-2026-10.parquet", "--out", db)
    assert (code, said["files_merged"], err) == (0, 1, []), err
    code, said, _ = merge_cli(capsys, inbox / "LT-A-2026-10.parquet", "--out", db)
    assert (code, said["files_merged"], said["files_unchanged"]) == (0, 0, 1)
    assert by_library(db) == {"LT-A": 7, "LT-B": 6, "LT-C": 5}
    assert report(db).totals["consultations"] == 18

    # The registry shows LT-B's earlier id. The branch sets its own id: its file merges,
    # and LT-C's rows stay LT-C's (another kiosk sent them: not taken along).
    assert main(["results", "libraries", "list", str(db)]) == 0
    libraries = {r["library_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert libraries["LT-B"]["earlier_ids"] == [anonymous.library_id]
    set_library_id(branch, "LT-C-1")
    later(branch)
    export_programme_results(branch, inbox / "LT-C-branch.parquet", *SEPT)
    code, said, err = merge_cli(capsys, inbox / "LT-C-branch.parquet", "--out", db)
    assert (code, said["files_merged"], said["ids_taken_over"], err) == (0, 1, [], [])
    assert by_library(db) == {"LT-A": 7, "LT-B": 6, "LT-C": 5, "LT-C-1": 7}


@pytest.mark.usefixtures("no_threshold")
def test_an_anonymous_file_arriving_after_the_named_one_is_not_a_second_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = make_library(tmp_path / "lib", "", "")
    add_forms(lib, forms(date(2026, 9, 10), 2, "a"))
    export_programme_results(lib, tmp_path / "anon.parquet", *SEPT)
    set_library_id(lib, "LT-B")
    add_forms(lib, forms(date(2026, 10, 10), 1, "b"))
    later(lib)
    export_programme_results(lib, tmp_path / "named.parquet", *SEPT_OCT)
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, tmp_path / "named.parquet", "--out", db)[0] == 0
    code, _, err = merge_cli(capsys, tmp_path / "anon.parquet", "--out", db)
    assert code == 2 and "older than" in err[0]
    assert by_library(db) == {"LT-B": 3}


@pytest.mark.usefixtures("no_threshold")
def test_a_branch_taking_its_parents_id_moves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = make_library(tmp_path / "parent", "LT-C", "")
    add_forms(parent, forms(date(2026, 9, 10), 5, "p"))
    export_programme_results(parent, tmp_path / "parent.parquet", *SEPT)
    branch = make_library(tmp_path / "branch", "", "")
    add_forms(branch, forms(date(2026, 9, 11), 2, "b"))
    anonymous = export_programme_results(branch, tmp_path / "anon.parquet", *SEPT)
    db = tmp_path / "p.duckdb"
    assert (
        merge_cli(capsys, tmp_path / "parent.parquet", tmp_path / "anon.parquet", "--out", db)[0]
        == 0
    )
    set_library_id(branch, "LT-C")
    later(branch)
    export_programme_results(branch, tmp_path / "branch.parquet", *SEPT)
    code, said, err = merge_cli(capsys, tmp_path / "branch.parquet", "--out", db)
    assert (code, said["ids_taken_over"], len(err)) == (2, [], 1)
    assert by_library(db) == {"LT-C": 5, anonymous.library_id: 2}


@pytest.mark.usefixtures("no_threshold")
def test_a_librarys_new_pc_is_let_in_by_the_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_pc = make_library(tmp_path / "old", "LT-A", "")
    add_forms(old_pc, forms(date(2026, 9, 10), 2, "a"))
    export_programme_results(old_pc, tmp_path / "sep.parquet", *SEPT)
    new_pc = make_library(tmp_path / "new", "LT-A", "")
    add_forms(new_pc, forms(date(2026, 10, 10), 3, "b"))
    later(new_pc)
    october = tmp_path / "oct.parquet"
    export_programme_results(new_pc, october, date(2026, 10, 1), date(2026, 10, 31))
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, tmp_path / "sep.parquet", "--out", db)[0] == 0
    code, _, err = merge_cli(capsys, october, "--out", db)
    install = read_checked(october)[0].header.install_id
    assert code == 2 and len(err) == 1 and str(october) in err[0]
    assert str(tmp_path / "sep.parquet") in err[0] and f"--install {install}" in err[0]
    assert main(["results", "libraries", "add", str(db), "LT-A", "--install", install]) == 0
    assert install in json.loads(capsys.readouterr().out)["install_ids"]
    code, said, err = merge_cli(capsys, october, "--out", db)
    assert (code, said["files_merged"], err) == (0, 1, [])
    assert by_library(db) == {"LT-A": 5}


def test_an_older_file_in_the_same_merge_is_refused_and_the_newer_stands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "Alytaus m. sav.")
    add_forms(lib, forms(date(2026, 9, 10), 3, "a"))
    export_programme_results(lib, tmp_path / "old.parquet", *SEPT)
    add_forms(lib, forms(date(2026, 9, 11), 2, "more"))
    later(lib)
    export_programme_results(lib, tmp_path / "new.parquet", *SEPT)
    db = tmp_path / "p.duckdb"
    code, said, err = merge_cli(
        capsys, tmp_path / "new.parquet", tmp_path / "old.parquet", "--out", db
    )
    assert (code, said["files_merged"], len(err)) == (2, 1, 1)
    assert str(tmp_path / "old.parquet") in err[0] and str(tmp_path / "new.parquet") in err[0]
    assert by_library(db) == {"LT-A": 5}


def test_the_export_carries_its_earlier_ids_and_a_random_install_id(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "", "Alytaus m. sav.")
    first = export_programme_results(lib, tmp_path / "1.parquet", *SEPT)
    set_library_id(lib, "LT-OLD")
    second = export_programme_results(lib, tmp_path / "2.parquet", *SEPT)
    set_library_id(lib, "LT-NEW")
    third = export_programme_results(lib, tmp_path / "3.parquet", *SEPT)
    other = export_programme_results(
        make_library(tmp_path / "other", "LT-NEW", ""), tmp_path / "4.parquet", *SEPT
    )
    assert first.earlier_ids == () and second.earlier_ids == (first.library_id,)
    assert third.earlier_ids == (first.library_id, "LT-OLD")
    assert first.install_id == second.install_id == third.install_id != other.install_id
    assert read_checked(tmp_path / "3.parquet")[0].header == third


def test_a_library_renamed_twice_keeps_one_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = make_library(tmp_path / "lib", "LT-OLD", "")
    add_forms(lib, forms(date(2026, 9, 10), 3, "a"))
    export_programme_results(lib, tmp_path / "old.parquet", *SEPT)
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, tmp_path / "old.parquet", "--out", db)[0] == 0
    set_library_id(lib, "LT-NEW")
    later(lib)
    export_programme_results(lib, tmp_path / "new.parquet", *SEPT_OCT)
    code, said, _ = merge_cli(capsys, tmp_path / "new.parquet", "--out", db)
    assert (code, said["ids_taken_over"]) == (0, ["LT-OLD -> LT-NEW"])
    assert by_library(db) == {"LT-NEW": 3}
    # The old file again: filed under LT-NEW, older than what stands.
    code, _, err = merge_cli(capsys, tmp_path / "old.parquet", "--out", db)
    assert code == 2 and "older than" in err[0] and by_library(db) == {"LT-NEW": 3}


@pytest.mark.usefixtures("no_threshold")
def test_the_coordinator_records_an_alias(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = make_library(tmp_path / "lib", "LT-X", "")
    add_forms(lib, forms(date(2026, 9, 10), 2, "a"))
    export_programme_results(lib, tmp_path / "x.parquet", *SEPT)
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, tmp_path / "x.parquet", "--out", db)[0] == 0
    assert main(["results", "libraries", "alias", str(db), "LT-X", "LT-Y"]) == 0
    earlier = json.loads(capsys.readouterr().out)["earlier_ids"]
    assert "LT-X" in earlier and all(i == "LT-X" or i.startswith("anon-") for i in earlier)
    assert by_library(db) == {"LT-Y": 2}
    code, said, _ = merge_cli(capsys, tmp_path / "x.parquet", "--out", db)  # same file again
    assert (code, said["files_unchanged"]) == (0, 1) and by_library(db) == {"LT-Y": 2}
    assert main(["results", "libraries", "alias", str(db), "LT-Y", "LT-X"]) == 2
    assert "already" in capsys.readouterr().err


def test_no_single_bit_flip_merges_with_changed_numbers(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "Alytaus m. sav.")
    add_forms(lib, forms(date(2026, 9, 10), 2, "a") + forms(date(2026, 9, 11), 1, "b", 45))
    path = tmp_path / "good.parquet"
    export_programme_results(lib, path, *SEPT)
    good, table = read_checked(path)
    size = path.stat().st_size
    # A few hundred positions spread over the file, every footer byte among them.
    footer = int.from_bytes(path.read_bytes()[-8:-4], "little") + 8
    positions = sorted(set(range(0, size, max(1, size // 200))) | set(range(size - footer, size)))
    flipped = tmp_path / "flipped.parquet"
    silent = []
    for n, position in enumerate(positions):
        flipped.write_bytes(flip(path, position, n % 8))
        try:
            checked, rows = read_checked(flipped)
        except UnknownResultsFile:
            continue
        if checked.header != good.header or not rows.equals(table):
            silent.append(position)
    assert len(positions) > 300 and silent == []


@pytest.mark.usefixtures("no_threshold")
def test_reports_run_while_a_merge_writes_and_the_database_is_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "")
    add_forms(lib, forms(date(2026, 9, 10), 2, "a"))
    export_programme_results(lib, tmp_path / "a.parquet", *SEPT)
    db = tmp_path / "p.duckdb"
    assert merge_cli(capsys, tmp_path / "a.parquet", "--out", db)[0] == 0
    os.chmod(db, 0o644)
    with writing(db) as con:  # a merge under way
        con.execute("DELETE FROM consultations").fetchall()
        assert report(db).totals["consultations"] == 2
        assert main(["results", "report", str(db)]) == 0
        assert json.loads(capsys.readouterr().out)["totals"]["consultations"] == 2
    assert report(db).totals["consultations"] == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".p.duckdb")) == []


def test_a_file_without_a_checksum_is_refused(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "")
    path = tmp_path / "a.parquet"
    export_programme_results(lib, path, *SEPT)
    table = pq.read_table(path)
    meta = {k: v for k, v in table.schema.metadata.items() if k != b"escout.checksum"}
    pq.write_table(table.replace_schema_metadata(meta), path)
    with pytest.raises(UnknownResultsFile, match="no escout.checksum"):
        read_checked(path)


@pytest.mark.usefixtures("no_threshold")
def test_days_of_a_standing_file_outside_a_newer_one_stay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = make_library(tmp_path / "lib", "LT-A", "")
    add_forms(lib, forms(date(2026, 9, 10), 2, "sep") + forms(date(2026, 10, 10), 3, "oct"))
    export_programme_results(lib, tmp_path / "both.parquet", *SEPT_OCT)
    add_forms(lib, forms(date(2026, 10, 11), 1, "oct-late"))
    later(lib, hours=24)
    export_programme_results(
        lib, tmp_path / "oct.parquet", SEPT_OCT[1] - timedelta(days=30), SEPT_OCT[1]
    )
    db = tmp_path / "p.duckdb"
    code, said, err = merge_cli(
        capsys, tmp_path / "both.parquet", tmp_path / "oct.parquet", "--out", db
    )
    assert (code, said["files_merged"], err) == (0, 2, [])
    assert by_library(db) == {"LT-A": 6}
    # Sent again: both stand as they are.
    code, said, err = merge_cli(
        capsys, tmp_path / "both.parquet", tmp_path / "oct.parquet", "--out", db
    )
    assert (code, said["files_unchanged"], err) == (0, 2, [])
    # A file older than what stands for all of its days is refused.
    older = tmp_path / "older.parquet"
    lib.clock.current -= timedelta(days=30)  # type: ignore[attr-defined]
    export_programme_results(lib, older, date(2026, 10, 1), date(2026, 10, 31))
    code, said, err = merge_cli(capsys, older, "--out", db)
    assert code == 2 and "older than" in err[0] and str(older) in err[0]
    assert by_library(db) == {"LT-A": 6}
