"""The programme's side: merge libraries' results files into DuckDB, and report on them.

Works on files only (no kiosk data dir). DuckDB is an optional extra
(``pip install 'escout-kiosk[network]'``); without it these functions raise
``DuckDBMissing`` and the CLI says so in one line.

A library's period is never counted twice: merging a file first deletes that library's
rows dated within the file's period, then inserts the file's rows, in one transaction.
Within one merge, files are applied in the order they were exported, so the newest
export of a period wins. The files come from outside: each is checked on its own
(``open_results_file``), and one that is unfit is refused without stopping the rest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from kiosk.domain.errors import KioskError
from kiosk.programme.file import (
    COLUMNS,
    KIND_BOOKING,
    KIND_CONSULTATION,
    Header,
    ResultsFile,
    UnknownResultsFile,
    dates_between,
    open_results_file,
)
from kiosk.results.reports import AGE_LABELS, OUTCOME_LABELS, STATUS_LABELS
from kiosk.results.spreadsheet import csv_bytes

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


def result_files(paths: Iterable[Path], refused: list[str]) -> list[Path]:
    """The files named, and every ``*.parquet`` below the folders named (each folder in name
    order). A folder that cannot be listed is one line in ``refused``."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():  # a missing path, a FIFO or a device: refused when checked
            found.append(path)
            continue

        def unlisted(exc: OSError) -> None:
            refused.append(f"{exc.filename}: cannot list the folder ({exc.strerror or exc})")

        below: list[Path] = []
        for folder, dirs, names in os.walk(path, onerror=unlisted):
            # A link to a folder is not walked into (it may loop); one named *.parquet is
            # refused like every other thing that is not a regular file.
            links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
            below += [Path(folder, n) for n in (*names, *links) if n.endswith(".parquet")]
        found += sorted(below)
    return list(dict.fromkeys(found))  # a file named twice is merged once


def _exported(header: Header) -> float:
    """When the file was exported (seconds); an unreadable stamp sorts first."""
    try:
        return datetime.fromisoformat(header.exported_at).timestamp()
    except (ValueError, OverflowError, OSError):
        return 0.0


def merge(paths: Iterable[Path], db_path: Path, force: bool = False) -> MergeReport:
    """Load results files into the database at ``db_path``; a re-sent period replaces.

    Each file is checked on its own: one that is unfit is refused (one line in the report's
    ``refused``) and the rest are merged. Without ``force`` a file is also refused when the
    period it claims reaches beyond its own rows over days its library already has rows
    for: merging it would delete them and put nothing in their place.
    """
    report = MergeReport()
    files: list[ResultsFile] = []
    for path in result_files(paths, report.refused):
        try:
            files.append(open_results_file(path))
        except UnknownResultsFile as exc:
            report.refused.append(exc.message)
    files.sort(key=lambda f: (_exported(f.header), str(f.path)))
    con = connect(db_path)
    try:
        if not force:
            files = _claims_backed(con, files, report.refused)
        _merge_apart(con, files, report)
    finally:
        con.close()
    return report


def _beyond_rows(f: ResultsFile) -> list[tuple[date, date]]:
    """The days ``f`` claims before its first row and after its last (all, if it has none)."""
    h = f.header
    if f.span is None:
        return [(h.first, h.last)]
    edges = []
    if h.first < f.span[0]:
        edges.append((h.first, f.span[0] - timedelta(days=1)))
    if f.span[1] < h.last:
        edges.append((f.span[1] + timedelta(days=1), h.last))
    return edges


def _claims_backed(
    con: duckdb.DuckDBPyConnection, files: list[ResultsFile], refused: list[str]
) -> list[ResultsFile]:
    """``files`` (in export order) without those whose claim beyond their rows would delete
    rows of their library: rows in the database, or rows of an earlier file of this merge."""
    edges = [
        (i, f.header.library_id, lo, hi) for i, f in enumerate(files) for lo, hi in _beyond_rows(f)
    ]
    if not edges:
        return files
    con.register(
        "claims_arrow",
        pa.table(
            {
                "i": pa.array([e[0] for e in edges], pa.int32()),
                "library_id": [e[1] for e in edges],
                "lo": pa.array([e[2] for e in edges], pa.date32()),
                "hi": pa.array([e[3] for e in edges], pa.date32()),
            }
        ),
    )
    try:
        held = dict(
            con.execute(
                """
                SELECT c.i, count(*) FROM claims_arrow c JOIN (
                    SELECT library_id, date FROM consultations
                    UNION ALL SELECT library_id, date FROM bookings
                ) r ON r.library_id = c.library_id AND r.date BETWEEN c.lo AND c.hi
                GROUP BY c.i
                """
            ).fetchall()
        )
    finally:
        con.unregister("claims_arrow")
    kept: list[ResultsFile] = []
    for i, f in enumerate(files):
        h = f.header
        beyond = _beyond_rows(f)
        earlier = next((k for k in kept if _holds_rows_in(k, h.library_id, beyond)), None)
        if not held.get(i) and earlier is None:
            kept.append(f)
            continue
        rows = f"rows only for {f.span[0]}..{f.span[1]}" if f.span else "no rows"
        lost = (
            f"{held[i]} rows of {h.library_id} merged before"
            if held.get(i)
            else f"the rows of {earlier.path if earlier else ''} for those days"
        )
        refused.append(
            f"{f.path}: claims {h.first}..{h.last} for {h.library_id} but holds {rows}; "
            f"merging it would delete {lost} (--force merges it anyway)"
        )
    return kept


def _holds_rows_in(f: ResultsFile, library_id: str, days: list[tuple[date, date]]) -> bool:
    """Whether ``f`` (a file of ``library_id``) brings a row dated within ``days``."""
    h = f.header
    if h.library_id != library_id or f.span is None:
        return False
    low, high = max(h.first, f.span[0]), min(h.last, f.span[1])
    near = [(max(lo, low), min(hi, high)) for lo, hi in days if lo <= high and hi >= low]
    if not near:
        return False
    try:
        return any(dates_between(f.path, lo, hi) for lo, hi in near)
    except UnknownResultsFile:
        return True  # changed since it was checked: count its claim as rows


def _merge_apart(
    con: duckdb.DuckDBPyConnection, files: list[ResultsFile], report: MergeReport
) -> None:
    """Merge ``files`` in one transaction. If DuckDB cannot read one of them, halve the batch
    until each unreadable file stands alone: it is refused, the rest merged in export order."""
    if not files:
        return
    try:
        report.rows += _merge_batch(con, files)
    except _duckdb().Error as exc:  # e.g. a file whose footer reads but rows do not
        if len(files) == 1:
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
            report.refused.append(f"{files[0].path}: rows unreadable ({first_line[:200]})")
            return
        half = len(files) // 2
        _merge_apart(con, files[:half], report)
        _merge_apart(con, files[half:], report)
        return
    report.merged += [f.header for f in files]


def _merge_batch(con: duckdb.DuckDBPyConnection, files: list[ResultsFile]) -> int:
    batch = pa.table(
        {
            "rank": pa.array(range(len(files)), pa.int32()),
            "file": [str(f.path) for f in files],
            "library_id": [f.header.library_id for f in files],
            "municipality": [f.header.municipality for f in files],
            "pfrom": pa.array([f.header.first for f in files], pa.date32()),
            "pto": pa.array([f.header.last for f in files], pa.date32()),
            "exported_at": [f.header.exported_at for f in files],
            "rows": pa.array([f.header.rows for f in files], pa.int64()),
            "within": pa.array([f.within for f in files], pa.bool_()),
        }
    )
    con.register("batch_arrow", batch)
    paths = [str(f.path) for f in files]
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
        as_is = [f for f in paths if f in within and f not in overlapped]
        checked = [f for f in paths if f not in within and f not in overlapped]
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
    """One long, tidy table (table, key, label, measure, value): a spreadsheet pivots it.
    Written like the library's exports (``kiosk.results.spreadsheet``): ``;``, a decimal
    comma, dates as dates, labels such as "75+" kept as text."""
    rows: list[list[Any]] = [
        ["period", key, key, "date", value]
        for key, value in (("from", prog.first), ("to", prog.last))
    ]
    rows += [["total", measure, measure, measure, value] for measure, value in prog.totals.items()]
    for name, table in prog.tables.items():
        for r in table:
            rows += [
                [name, r["key"], r["label"], measure, value]
                for measure, value in r.items()
                if measure not in ("key", "label")
            ]
    return csv_bytes(CSV_COLUMNS, rows)
