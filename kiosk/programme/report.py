"""The programme's side: merge libraries' results files into DuckDB, and report on them.

Works on files only (no kiosk data dir). DuckDB is an optional extra
(``pip install 'escout-kiosk[network]'``); without it these functions raise
``DuckDBMissing`` and the CLI says so in one line.

A library's period is never counted twice: merging a file first deletes that library's
rows dated within the file's period, then inserts the file's rows, in one transaction.
Within one merge, files are applied in the order they were exported, so the newest
export of a period wins.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from kiosk.domain.errors import KioskError
from kiosk.programme.file import (
    COLUMNS,
    KIND_BOOKING,
    KIND_CONSULTATION,
    Header,
    UnknownResultsFile,
    inspect_file,
)
from kiosk.results.reports import AGE_LABELS, OUTCOME_LABELS, STATUS_LABELS, _csv_safe

if TYPE_CHECKING:
    import duckdb

DB_VERSION = 1


class DuckDBMissing(KioskError):
    def __init__(self) -> None:
        super().__init__(
            "duckdb_missing",
            "results merge/report need DuckDB: pip install 'escout-kiosk[network]'",
        )


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise DuckDBMissing() from None
    return duckdb


_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.list_(pa.string()): "VARCHAR[]",
    pa.bool_(): "BOOLEAN",
}
_TYPES = {name: _SQL_TYPES[kind] for name, kind, _ in COLUMNS}
# The two kinds of row go to two tables, so a question about consultations never scans
# bookings; each keeps the columns its kind fills.
TABLES: dict[str, list[str]] = {
    "consultations": [n for n, _, _ in COLUMNS if n not in ("kind", "status")],
    "bookings": [
        n for n, _, _ in COLUMNS if n not in ("kind", "age_group", "outcome", "first_visit")
    ],
}
KIND_OF_TABLE = {"consultations": KIND_CONSULTATION, "bookings": KIND_BOOKING}


def _create(table: str) -> str:
    columns = ", ".join(f"{name} {_TYPES[name]}" for name in TABLES[table])
    return f"CREATE TABLE IF NOT EXISTS {table} ({columns})"


_SETUP = [
    "CREATE TABLE IF NOT EXISTS db_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    *(_create(t) for t in TABLES),
    """CREATE TABLE IF NOT EXISTS results_files (
        library_id VARCHAR, municipality VARCHAR, period_from DATE, period_to DATE,
        exported_at VARCHAR, rows BIGINT, file VARCHAR, merged_at TIMESTAMPTZ
    )""",
]


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> None:
    """Execute a statement and drain its result (DuckDB wants that before the next one)."""
    con.execute(sql, params).fetchall()


def connect(db_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (or create) the programme's database; refuses one of another DB version."""
    duckdb = _duckdb()
    if read_only and not db_path.is_file():
        raise KioskError("no_db", f"no results database at {db_path}")
    try:
        con = duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.Error as exc:
        raise KioskError(
            "db_open", f"{db_path}: cannot open the results database ({exc})"
        ) from None
    # Row order means nothing here; keeping it makes loading several times slower.
    _run(con, "SET preserve_insertion_order = false")
    if not read_only:
        for statement in _SETUP:
            _run(con, statement)
        _run(con, "INSERT OR IGNORE INTO db_meta VALUES ('version', ?)", [str(DB_VERSION)])
    rows = con.execute("SELECT value FROM db_meta WHERE key = 'version'").fetchall()
    if not rows or rows[0][0] != str(DB_VERSION):
        con.close()
        raise KioskError("db_version", f"{db_path}: not a results database of version {DB_VERSION}")
    return con


# -- merge -----------------------------------------------------------------------------


@dataclass
class MergeReport:
    merged: list[Header] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line each
    rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_merged": len(self.merged),
            "files_refused": len(self.refused),
            "rows_merged": self.rows,
            "libraries": len({h.library_id for h in self.merged}),
        }


def result_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and every ``*.parquet`` under the folders named, in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.parquet") if p.is_file())
        else:
            yield path


def _exported(header: Header) -> float:
    """When the file was exported (seconds); an unreadable stamp sorts first."""
    try:
        return datetime.fromisoformat(header.exported_at).timestamp()
    except (ValueError, OverflowError):
        return 0.0


def merge(paths: Iterable[Path], db_path: Path) -> MergeReport:
    """Load results files into the database at ``db_path``; a re-sent period replaces."""
    report = MergeReport()
    accepted: list[tuple[Path, Header, bool]] = []
    for path in result_files(paths):
        try:
            accepted.append((path, *inspect_file(path)))
        except UnknownResultsFile as exc:
            report.refused.append(exc.message)
    accepted.sort(key=lambda item: (_exported(item[1]), str(item[0])))
    con = connect(db_path)
    try:
        if accepted:
            try:
                report.rows = _merge_batch(con, accepted)
            except _duckdb().Error as exc:  # e.g. a file whose header reads but rows do not
                first_line = str(exc).splitlines()[0]
                raise KioskError("merge_failed", f"nothing merged: {first_line}") from None
            report.merged = [h for _, h, _ in accepted]
    finally:
        con.close()
    return report


def _merge_batch(con: duckdb.DuckDBPyConnection, accepted: list[tuple[Path, Header, bool]]) -> int:
    batch = pa.table(
        {
            "rank": pa.array(range(len(accepted)), pa.int32()),
            "file": [str(p) for p, _, _ in accepted],
            "library_id": [h.library_id for _, h, _ in accepted],
            "municipality": [h.municipality for _, h, _ in accepted],
            "pfrom": pa.array([h.first for _, h, _ in accepted], pa.date32()),
            "pto": pa.array([h.last for _, h, _ in accepted], pa.date32()),
            "exported_at": [h.exported_at for _, h, _ in accepted],
            "rows": pa.array([h.rows for _, h, _ in accepted], pa.int64()),
            "within": pa.array([ok for _, _, ok in accepted], pa.bool_()),
        }
    )
    con.register("batch_arrow", batch)
    files = [str(p) for p, _, _ in accepted]
    _run(con, "BEGIN TRANSACTION")
    try:
        _run(
            con,
            """
            CREATE OR REPLACE TEMP TABLE batch AS
            SELECT b.*, EXISTS (
                SELECT 1 FROM batch_arrow l
                WHERE l.library_id = b.library_id AND l.rank > b.rank
                  AND l.pfrom <= b.pto AND l.pto >= b.pfrom
            ) AS overlapped
            FROM batch_arrow b
            """,
        )
        overlapped = {
            f for (f,) in con.execute("SELECT file FROM batch WHERE overlapped").fetchall()
        }
        within = {f for (f,) in con.execute("SELECT file FROM batch WHERE within").fetchall()}
        # Files whose footer shows every row inside their own library and period (what
        # the kiosk writes) are taken as they are. Others: the header's library id and
        # period decide, rows outside the period are not taken.
        as_is = [f for f in files if f in within and f not in overlapped]
        checked = [f for f in files if f not in within and f not in overlapped]
        inserted = 0
        for table in TABLES:
            inserted += _replace_rows(con, table, as_is, checked, sorted(overlapped))
        _run(
            con,
            """
            INSERT INTO results_files
            SELECT library_id, municipality, pfrom, pto, exported_at, rows, file, now()
            FROM batch ORDER BY rank
            """,
        )
        _run(con, "COMMIT")
    except BaseException:
        _run(con, "ROLLBACK")
        raise
    finally:
        con.unregister("batch_arrow")
    return inserted


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    as_is: list[str],
    checked: list[str],
    overlapped: list[str],
) -> int:
    """Delete the batch's libraries' periods from ``table``, then insert the files' rows."""
    _run(
        con,
        f"""
        DELETE FROM {table} r USING batch b
        WHERE r.library_id = b.library_id AND r.date BETWEEN b.pfrom AND b.pto
        """,
    )
    before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    kind = f"kind = '{KIND_OF_TABLE[table]}'"
    names = ", ".join(TABLES[table])
    if as_is:
        _run(con, f"INSERT INTO {table} SELECT {names} FROM read_parquet(?) WHERE {kind}", [as_is])
    picked = ", ".join(
        f"b.{n}" if n in ("library_id", "municipality") else f"i.{n}" for n in TABLES[table]
    )
    insert = f"""
        INSERT INTO {table}
        SELECT {picked}
        FROM read_parquet(?, filename = true) i JOIN batch b ON i.filename = b.file
        WHERE i.{kind} AND i.date BETWEEN b.pfrom AND b.pto
    """
    if checked:
        _run(con, insert, [checked])
    if overlapped:
        # A later file in this batch covers some of these days: its rows win.
        later = """ AND NOT EXISTS (
            SELECT 1 FROM batch l
            WHERE l.library_id = b.library_id AND l.rank > b.rank
              AND i.date BETWEEN l.pfrom AND l.pto
        )"""
        _run(con, insert + later, [overlapped])
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before)


# -- report ----------------------------------------------------------------------------

# Tables of consultations: (name, title, SQL key expression).
# Plain columns as group keys (cheap to hash); _key() names empty values and visits.
GROUPS: list[tuple[str, str, str]] = [
    ("by_month", "By month", "date_trunc('month', date)"),  # cheaper than strftime per row
    ("by_municipality", "By municipality", "municipality"),
    ("by_library", "By library", "library_id"),
    ("by_age", "By age group", "age_group"),
    ("by_outcome", "By outcome", "outcome"),
    ("by_language", "By language", "language"),
    ("by_visit", "First and repeat visits", "first_visit"),
]


def _key(name: str, value: Any) -> str:
    if name == "by_month":
        return value.strftime("%Y-%m")
    if name == "by_visit":
        return "first" if value else "repeat"
    return str(value) if value not in (None, "") else "unknown"


TITLES = {name: title for name, title, _ in GROUPS} | {
    "by_topic": "By topic (a consultation may cover several)",
    "by_status": "Bookings by status",
}
LABELS: dict[str, dict[str, str]] = {
    "by_age": {str(k): v for k, v in AGE_LABELS.items()},
    "by_outcome": {str(k): v for k, v in OUTCOME_LABELS.items()},
    "by_status": {str(k): v for k, v in STATUS_LABELS.items()},
    "by_visit": {"first": "Pirmas apsilankymas", "repeat": "Pakartotinis"},
}
ORDERS: dict[str, list[str]] = {name: list(labels) for name, labels in LABELS.items()}


@dataclass
class Programme:
    """The programme's tables for a period (``None``: every date in the database)."""

    first: date | None
    last: date | None
    totals: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "totals": self.totals,
            **self.tables,
        }


def _where(first: date | None, last: date | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if first is not None:
        clauses.append("date >= ?")
        params.append(first)
    if last is not None:
        clauses.append("date <= ?")
        params.append(last)
    return (" AND ".join(clauses) or "true"), params


def _row(name: str, key: str, consultations: int, minutes: int, people: int) -> dict[str, Any]:
    return {
        "key": key,
        "label": LABELS.get(name, {}).get(key, key),
        "consultations": int(consultations),
        "hours": round(int(minutes or 0) / 60, 1),
        "people": int(people),
    }


def _ordered(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = ORDERS.get(name)
    if name == "by_month":
        return sorted(rows, key=lambda r: r["key"])
    if order:
        rank = {k: i for i, k in enumerate(order)}
        return sorted(rows, key=lambda r: (rank.get(r["key"], len(rank)), r["key"]))
    return sorted(rows, key=lambda r: (-r.get("consultations", r.get("count", 0)), r["key"]))


def report(db_path: Path, first: date | None = None, last: date | None = None) -> Programme:
    """Every table of the programme's report, from the merged database."""
    con = connect(db_path, read_only=True)
    try:
        return _report(con, first, last)
    finally:
        con.close()


def _report(con: duckdb.DuckDBPyConnection, first: date | None, last: date | None) -> Programme:
    where, params = _where(first, last)
    consult = where
    # One scan for every grouping of consultations.
    sets = ", ".join(f"({expr})" for _, _, expr in GROUPS)
    keys = ", ".join(f"{expr} AS k{n}" for n, (_, _, expr) in enumerate(GROUPS))
    grouping = ", ".join(f"GROUPING({expr})" for _, _, expr in GROUPS)
    rows = con.execute(
        f"""
        SELECT {keys}, [{grouping}] AS g, count(*), sum(minutes),
               count(*) FILTER (WHERE first_visit)
        FROM consultations WHERE {consult}
        GROUP BY GROUPING SETS ({sets}, ())
        """,
        params,
    ).fetchall()
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in GROUPS}
    totals: dict[str, Any] = {"consultations": 0, "minutes": 0, "hours": 0.0, "people": 0}
    n = len(GROUPS)
    acc: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        flags, count, minutes, people = row[n], row[n + 1], row[n + 2], row[n + 3]
        grouped = [i for i, f in enumerate(flags) if f == 0]
        if not grouped:
            totals.update(
                consultations=int(count),
                minutes=int(minutes or 0),
                hours=round(int(minutes or 0) / 60, 1),
                people=int(people),
            )
            continue
        name = GROUPS[grouped[0]][0]
        # NULL and "" both read "unknown": add such rows up.
        sums = acc.setdefault(name, {}).setdefault(_key(name, row[grouped[0]]), [0, 0, 0])
        for j, value in enumerate((count, minutes, people)):
            sums[j] += int(value or 0)
    for name, keyed in acc.items():
        tables[name] = [_row(name, key, *sums) for key, sums in keyed.items()]
    topic_rows = con.execute(
        f"""
        SELECT topic, count(*), sum(minutes), count(*) FILTER (WHERE first_visit)
        FROM (SELECT unnest(topics) AS topic, minutes, first_visit FROM consultations
              WHERE {consult})
        GROUP BY topic
        """,
        params,
    ).fetchall()
    tables["by_topic"] = [_row("by_topic", str(t), c, m, p) for t, c, m, p in topic_rows]
    # Municipality of each library (the newest header wins) beside its id.
    munis = dict(
        con.execute(
            """
            SELECT library_id, arg_max(municipality, merged_at) FROM results_files
            GROUP BY library_id
            """
        ).fetchall()
    )
    for r in tables["by_library"]:
        r["municipality"] = munis.get(r["key"], "")
    totals["repeat_visits"] = totals["consultations"] - totals["people"]
    # Distinct e-scouts per month and over the period, from one scan: first the
    # (library, e-scout, month) triples, a few hundred thousand at most, then counts.
    scout_rows = con.execute(
        f"""
        WITH pairs AS MATERIALIZED (
            SELECT library_id, scout, date_trunc('month', date) AS month
            FROM consultations WHERE {consult} GROUP BY ALL
        )
        SELECT strftime(month, '%Y-%m'), count(*) FROM pairs GROUP BY month
        UNION ALL
        SELECT NULL, count(DISTINCT (library_id, scout)) FROM pairs
        """,
        params,
    ).fetchall()
    month_scouts = {m: int(n) for m, n in scout_rows if m is not None}
    for r in tables["by_month"]:
        r["scouts_active"] = month_scouts.get(r["key"], 0)
    totals.update(
        scouts_active=next(int(n) for m, n in scout_rows if m is None),
        libraries=len(tables["by_library"]),
        municipalities=sum(1 for r in tables["by_municipality"] if r["key"] != "unknown"),
    )
    status_rows = con.execute(
        f"""
        SELECT status, count(*) FROM bookings WHERE {where}
        GROUP BY status
        """,
        params,
    ).fetchall()
    status = {str(s): int(c) for s, c in status_rows}
    tables["by_status"] = [
        {"key": s, "label": LABELS["by_status"].get(s, s), "count": c} for s, c in status.items()
    ]
    settled = sum(status.get(s, 0) for s in ("checked_in", "done", "no_show"))
    totals.update(
        bookings=sum(status.values()),
        no_shows=status.get("no_show", 0),
        no_show_rate=round(100 * status.get("no_show", 0) / settled, 1) if settled else None,
    )
    tables = {name: _ordered(name, rows) for name, rows in tables.items()}
    return Programme(first, last, totals, tables)


# -- output ----------------------------------------------------------------------------

CSV_COLUMNS = ["table", "key", "label", "measure", "value"]


def programme_json(prog: Programme) -> bytes:
    return (json.dumps(prog.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def programme_csv(prog: Programme) -> bytes:
    """One long, tidy table (table, key, label, measure, value): a spreadsheet pivots it."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for key, value in (("from", prog.first), ("to", prog.last)):
        writer.writerow(["period", key, key, "date", value.isoformat() if value else ""])
    for measure, value in prog.totals.items():
        writer.writerow(["total", measure, measure, measure, "" if value is None else value])
    for name, rows in prog.tables.items():
        for r in rows:
            for measure, value in r.items():
                if measure in ("key", "label"):
                    continue
                writer.writerow(_csv_safe([name, r["key"], r["label"], measure, value]))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
