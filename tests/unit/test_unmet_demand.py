"""Unmet demand in the programme's results: help calls per month (a call itself is gone once
it expires), days a topic had no free time to offer, and the waiting list; exported, merged
and shown in the report; a version 2 file written before the first two still merges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from kiosk.domain.clock import FixedClock
from kiosk.domain.helpcalls import EXPIRE_MINUTES, HELP_CALL_COUNTS
from kiosk.domain.records import SCOUTS
from kiosk.domain.retention import NO_FREE_TIME
from kiosk.programme.file import (
    HELP_CALLS,
    V2_FIRST_COLUMNS,
    UnknownResultsFile,
    export_programme_results,
    read_checked,
    rows_checksum,
)
from kiosk.programme.file import (
    NO_FREE_TIME as NO_FREE_TIME_KIND,
)
from kiosk.programme.html import programme_html
from kiosk.programme.report import merge, programme_csv, report
from kiosk.services import Services
from tests.unit.programme_helpers import NOV, make_library

# Gabija is the only e-scout for these two topics (the demo library's own).
GABIJAS_OWN = ["e-health", "sodra-vmi"]


def _full_days(lib: Services) -> list[tuple[str, str]]:
    with lib.store.snapshot() as tx:
        return sorted((d["date"], d["topic"]) for d in tx.all(NO_FREE_TIME))


def _without_gabija(lib: Services) -> None:
    with lib.store.transaction() as tx:
        tx.update(SCOUTS, {"active": False}, id="gabija")


def test_a_help_call_is_counted_per_month_with_nothing_personal(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "LT-U", "Vilniaus m. sav.")
    clock = lib.clock
    assert isinstance(clock, FixedClock)
    first = lib.helpcalls.call("Kiosk at the entrance", "Biblioteka")
    lib.helpcalls.call("Kiosk at the entrance")  # a second tap is not a second call
    lib.helpcalls.call("Kiosk upstairs")
    lib.helpcalls.answer(first.id)
    clock.advance(minutes=EXPIRE_MINUTES + 1)
    assert lib.helpcalls.open_calls() == []
    clock.advance(days=7)  # into December
    lib.helpcalls.call("Kiosk upstairs")  # also drops November's expired calls
    with lib.store.snapshot() as tx:
        calls = tx.all("help_calls")
        counts = tx.all(HELP_CALL_COUNTS)
    assert [c["called_at"][:7] for c in calls] == ["2026-12"]  # November's calls are gone
    assert sorted(counts, key=lambda d: d["month"]) == [
        {"month": "2026-11", "count": 2},
        {"month": "2026-12", "count": 1},
    ]  # a month and a number: no kiosk, library, time or id
    assert lib.helpcalls.monthly_counts(*NOV) == {date(2026, 11, 1): 2}


def test_days_without_free_time_are_recorded_once_a_day_per_topic(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "LT-U", "Vilniaus m. sav.")
    clock = lib.clock
    assert isinstance(clock, FixedClock)
    lib.retention.purge()
    assert _full_days(lib) == []  # every topic has free time
    _without_gabija(lib)
    lib.retention.purge()  # already checked today: nothing more today
    assert _full_days(lib) == []
    clock.advance(days=1)
    lib.retention.purge()
    assert _full_days(lib) == [("2026-11-25", t) for t in GABIJAS_OWN]
    lib.retention.purge()
    assert lib.retention.note_free_time() == []
    assert len(_full_days(lib)) == 2
    # The purge did not run for two days: the next note records that day only.
    clock.advance(days=3)
    assert lib.retention.note_free_time() == GABIJAS_OWN
    assert _full_days(lib) == [(d, t) for d in ("2026-11-25", "2026-11-28") for t in GABIJAS_OWN]
    assert lib.retention.days_without_free_time(*NOV) == {
        (date(2026, 11, 1), t): 2 for t in GABIJAS_OWN
    }


def _unmet_library(root: Path) -> Services:
    """November: two help calls, a waiting-list entry for e-health, and two days without free
    time for Gabija's topics (the 24th, noted by the export, and the 25th)."""
    lib = make_library(root, "LT-U", "Vilniaus m. sav.")
    _without_gabija(lib)
    lib.helpcalls.call("Kiosk 1")
    lib.helpcalls.call("Kiosk 2")
    lib.waitlist.add("e-health", "Ona", "+37060000000")
    with lib.store.transaction() as tx:
        tx.insert(NO_FREE_TIME, {"date": "2026-11-25", "topic": "e-health"})
        tx.insert(NO_FREE_TIME, {"date": "2026-11-25", "topic": "sodra-vmi"})
    return lib


def test_unmet_demand_is_exported_with_the_other_counts(tmp_path: Path) -> None:
    lib = _unmet_library(tmp_path / "lib")
    path = tmp_path / "u.parquet"
    export_programme_results(lib, path, *NOV)
    _, table = read_checked(path)
    rows = table.to_pylist()
    calls = [r for r in rows if r["kind"] == HELP_CALLS]
    days = [r for r in rows if r["kind"] == NO_FREE_TIME_KIND]
    assert [(r["date"], r["help_calls"]) for r in calls] == [(date(2026, 11, 1), 2)]
    assert [(r["date"], r["topic"], r["days_no_free_time"]) for r in days] == [
        (date(2026, 11, 1), t, 2) for t in GABIJAS_OWN
    ]
    # The checksum covers the new columns: a changed count is refused.
    changed = table.set_column(
        table.schema.get_field_index("help_calls"),
        "help_calls",
        pc.if_else(
            pc.equal(table.column("kind"), HELP_CALLS),
            pa.scalar(20, pa.int32()),
            table.column("help_calls"),
        ),
    )
    damaged = tmp_path / "damaged.parquet"
    pq.write_table(changed.replace_schema_metadata(pq.read_metadata(path).metadata), damaged)
    with pytest.raises(UnknownResultsFile, match="checksum"):
        read_checked(damaged)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("Unmet demand by month", "Help calls", "Days without free time")),
        (
            "lt",
            ("Nepatenkinta paklausa pagal mėnesį", "Pagalbos kvietimai", "Dienos be laisvo laiko"),
        ),
    ],
)
def test_the_report_shows_unmet_demand_by_month_and_topic(
    tmp_path: Path, lang: str, words: tuple[str, str, str]
) -> None:
    lib = _unmet_library(tmp_path / "lib")
    export_programme_results(lib, tmp_path / "u.parquet", *NOV)
    db = tmp_path / "p.duckdb"
    assert merge([tmp_path / "u.parquet"], db).refused == []
    prog = report(db, lang=lang)
    assert prog.tables["unmet_by_month"] == [
        {"key": "2026-11", "label": "2026-11", "waitlist": 1, "help_calls": 2,
         "days_no_free_time": 4}
    ]  # fmt: skip
    by_topic = {r["key"]: r for r in prog.tables["unmet_by_topic"]}
    health = lib.booking.topic("e-health").name(lang)
    assert by_topic["e-health"] == {
        "key": "e-health", "label": health, "waitlist": 1, "days_no_free_time": 2
    }  # fmt: skip
    assert by_topic["sodra-vmi"]["waitlist"] == 0
    page = programme_html(prog).decode()
    sheet = programme_csv(prog).decode("utf-8-sig")
    for word in words:
        assert word in page
        assert word in sheet


def _as_written_before(path: Path, out: Path) -> None:
    """``path`` as a kiosk wrote it before help calls and days without free time: the first
    23 columns, no rows of those kinds, its checksum over what it holds."""
    checked, table = read_checked(path)
    kinds = table.column("kind")
    keep = pc.invert(pc.is_in(kinds, pa.array([HELP_CALLS, NO_FREE_TIME_KIND])))
    older = table.filter(keep).select(list(range(V2_FIRST_COLUMNS)))
    header = replace(checked.header, rows=older.num_rows)
    header = replace(header, checksum=rows_checksum(header, older))
    pq.write_table(older.replace_schema_metadata(header.to_metadata()), out)


def test_a_version_2_file_written_before_them_still_merges(tmp_path: Path) -> None:
    lib = _unmet_library(tmp_path / "lib")
    export_programme_results(lib, tmp_path / "new.parquet", *NOV)
    older = tmp_path / "older.parquet"
    _as_written_before(tmp_path / "new.parquet", older)
    assert pq.read_schema(older).names[-1] == "waitlist"
    checked, table = read_checked(older)
    assert table.column("help_calls").null_count == table.num_rows
    db = tmp_path / "p.duckdb"
    result = merge([older], db)
    assert result.refused == [] and len(result.merged) == 1
    prog = report(db, lang="en")
    assert prog.tables["unmet_by_month"] == [
        {"key": "2026-11", "label": "2026-11", "waitlist": 1, "help_calls": 0,
         "days_no_free_time": 0}
    ]  # fmt: skip
    assert [(r["key"], r["waitlist"]) for r in prog.tables["unmet_by_topic"]] == [("e-health", 1)]


def test_a_new_file_cut_to_the_older_columns_is_refused(tmp_path: Path) -> None:
    """Dropping the new columns of a new file without its kiosk's checksum is damage."""
    lib = _unmet_library(tmp_path / "lib")
    path = tmp_path / "new.parquet"
    export_programme_results(lib, path, *NOV)
    table = pq.read_table(path)
    cut = tmp_path / "cut.parquet"
    pq.write_table(table.select(list(range(V2_FIRST_COLUMNS))), cut)
    with pytest.raises(UnknownResultsFile, match="checksum"):
        read_checked(cut)
