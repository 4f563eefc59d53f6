"""The programme's side: merge libraries' results files into DuckDB, and report on them.

Works on files only (no kiosk data dir). DuckDB is an optional extra
(``pip install 'escout-kiosk[network]'``); without it these functions raise
``DuckDBMissing`` and the CLI says so in one line.

A library's period is never counted twice: the ledger (``results_files``) keeps, per
library and period, the export time and checksum of the file that stands; an identical
copy is skipped, an older file refused, a newer one replaces the library's rows dated
within its period. A library that changes its id takes its history along (the file
names its earlier ids); two kiosks (install ids) cannot send under one id unless the
registry says so. The files come from outside: each is checked on its own
(``read_checked``: footer, columns, checksum over header and rows), and one that is unfit
is refused without stopping the rest. A merge writes a copy of the database and swaps it
in (``writing``): reports read the old one meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from kiosk.domain.errors import KioskError
from kiosk.i18n import DEFAULT_LANGUAGE
from kiosk.programme.file import (
    COLUMNS,
    DIMENSIONS,
    KINDS,
    Header,
    ResultsFile,
    UnknownResultsFile,
    as_counts,
    dates_between,
    read_checked,
)
from kiosk.results.reports import AGE_LABELS, OUTCOME_LABELS, STATUS_LABELS, words
from kiosk.results.spreadsheet import csv_bytes

if TYPE_CHECKING:
    import duckdb

DB_VERSION = 3
READABLE_VERSIONS = ("3",)
# A database of these versions holds a row per visit: a merge (or a report, on a copy)
# counts them into version 3's tables first.
UPGRADABLE_VERSIONS = ("1", "2")


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
    pa.int32(): "INTEGER",
    pa.bool_(): "BOOLEAN",
}
_TYPES = {name: _SQL_TYPES[kind] for name, kind, _ in COLUMNS}
_MEASURES_OF = {
    "consultations": ["consultations", "minutes", "people"],
    "bookings": ["bookings", "no_shows"],
    "booking_hours": ["bookings"],
    "scout_months": ["scouts_active", "shifts_held", "shifts_missed", "scout_minutes"],
    "unmet": ["waitlist"],
    "help_calls": ["help_calls"],
    "no_free_time": ["days_no_free_time"],
}
# Each kind of row goes to its own table (so a question about consultations never scans
# bookings) with the columns its kind fills: counts per library and day (a file of schema
# version 1) or month (version 2).
TABLES: dict[str, list[str]] = {
    kind: ["library_id", "municipality", "date", *DIMENSIONS[kind], *_MEASURES_OF[kind]]
    for kind in KINDS
}


def _create(table: str) -> str:
    columns = ", ".join(f"{name} {_TYPES[name]}" for name in TABLES[table])
    return f"CREATE TABLE IF NOT EXISTS {table} ({columns})"


_SETUP = [
    "CREATE TABLE IF NOT EXISTS db_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    *(_create(t) for t in TABLES),
    # The ledger: the files that stand, per library (its id now) and period.
    """CREATE TABLE IF NOT EXISTS results_files (
        library_id VARCHAR, municipality VARCHAR, period_from DATE, period_to DATE,
        exported_at VARCHAR, rows BIGINT, file VARCHAR, merged_at TIMESTAMPTZ
    )""",
    "ALTER TABLE results_files ADD COLUMN IF NOT EXISTS checksum VARCHAR",
    "ALTER TABLE results_files ADD COLUMN IF NOT EXISTS install_id VARCHAR",
    "ALTER TABLE results_files ADD COLUMN IF NOT EXISTS suppressed_consultations INTEGER",
    # The file's topic names ({slug: {"lt": .., "en": ..}} as JSON): the report's labels.
    "ALTER TABLE results_files ADD COLUMN IF NOT EXISTS topic_names VARCHAR",
    # The registry: libraries by id, the ids they had before, the kiosks that send for them.
    """CREATE TABLE IF NOT EXISTS libraries (
        library_id VARCHAR PRIMARY KEY, name VARCHAR, municipality VARCHAR
    )""",
    "CREATE TABLE IF NOT EXISTS library_aliases (alias VARCHAR PRIMARY KEY, library_id VARCHAR)",
    """CREATE TABLE IF NOT EXISTS library_installs (
        library_id VARCHAR, install_id VARCHAR, PRIMARY KEY (library_id, install_id)
    )""",
]


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> None:
    """Execute a statement and drain its result (DuckDB wants that before the next one)."""
    con.execute(sql, params).fetchall()


def connect(db_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (or create) the programme's database; refuses one of another DB version.

    Writers go through ``writing`` (a copy swapped in whole); a read-only connection never
    waits for a merge."""
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
    try:
        rows = con.execute("SELECT value FROM db_meta WHERE key = 'version'").fetchall()
    except duckdb.Error:
        rows = [] if not read_only else [("none",)]
    if not read_only and rows and rows[0][0] in UPGRADABLE_VERSIONS:
        _upgrade(con)
        rows = [(str(DB_VERSION),)]
    if not read_only and (not rows or rows[0][0] in READABLE_VERSIONS):
        for statement in _SETUP:
            _run(con, statement)
        _run(con, "INSERT OR REPLACE INTO db_meta VALUES ('version', ?)", [str(DB_VERSION)])
        rows = [(str(DB_VERSION),)]
    if read_only and rows and rows[0][0] in UPGRADABLE_VERSIONS:
        con.close()
        raise _OlderDatabase()
    if not rows or rows[0][0] not in READABLE_VERSIONS:
        con.close()
        raise KioskError("db_version", f"{db_path}: not a results database of version {DB_VERSION}")
    return con


class _OlderDatabase(Exception):
    """A database of a version before 3: read through an upgraded copy."""


@contextmanager
def reading(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; a database of an older version is read through an upgraded
    private copy (the file itself changes at the next merge)."""
    try:
        con = connect(db_path, read_only=True)
    except _OlderDatabase:
        with tempfile.TemporaryDirectory(prefix=".escout-report-") as work:
            copy = Path(work) / db_path.name
            shutil.copyfile(db_path, copy)
            con = connect(copy)
            try:
                yield con
            finally:
                con.close()
        return
    try:
        yield con
    finally:
        con.close()


# A database of version 1 or 2 held a row per visit; version 3 holds counts per day or
# month. Its rows are counted per day, as a results file of schema version 1 is.
_UPGRADE = [
    "ALTER TABLE consultations RENAME TO visits_v2",
    "ALTER TABLE bookings RENAME TO bookings_v2",
    *(_create(t) for t in TABLES),
    """INSERT INTO consultations SELECT library_id, municipality, date, topics[1], age_group,
           outcome, language, coalesce(first_visit, true), source, count(*), sum(minutes),
           count(*) FILTER (WHERE coalesce(first_visit, true))
       FROM visits_v2 GROUP BY ALL""",
    """INSERT INTO bookings SELECT library_id, municipality, date, topics[1], language, source,
           status, count(*), count(*) FILTER (WHERE status = 'no_show')
       FROM bookings_v2 GROUP BY ALL""",
    """INSERT INTO booking_hours SELECT library_id, municipality, date, isodow(date) - 1, hour,
           count(*)
       FROM bookings_v2 WHERE status IS DISTINCT FROM 'cancelled' GROUP BY ALL""",
    """INSERT INTO scout_months SELECT library_id, any_value(municipality), min(date),
           count(DISTINCT scout), 0, 0, sum(minutes)
       FROM visits_v2 GROUP BY library_id, date_trunc('month', date)""",
    "DROP TABLE visits_v2",
    "DROP TABLE bookings_v2",
]


def _upgrade(con: duckdb.DuckDBPyConnection) -> None:
    _run(con, "BEGIN TRANSACTION")
    for statement in _UPGRADE:
        _run(con, statement)
    _run(con, "INSERT OR REPLACE INTO db_meta VALUES ('version', ?)", [str(DB_VERSION)])
    _run(con, "COMMIT")


@contextmanager
def writing(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the database; when the block ends without an error
    the copy replaces the database in one rename, mode 0600.

    Reports opened meanwhile read the database as it was (DuckDB locks a file it writes:
    writing the file in place would make every report fail while a merge runs). Writers
    take turns on a lock file beside the database, so none undoes another's merge."""
    _duckdb()
    folder = db_path.parent
    try:
        lock = os.open(folder / f"{db_path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise KioskError("db_write", f"{db_path}: cannot write there ({exc.strerror})") from None
    try:
        _lock(lock)
        work = Path(tempfile.mkdtemp(prefix=f".{db_path.name}.", dir=folder))  # mode 0700
        try:
            copy = work / db_path.name
            if db_path.exists():
                shutil.copyfile(db_path, copy)
            con = connect(copy)
            try:
                yield con
                _run(con, "CHECKPOINT")
            finally:
                con.close()
            os.chmod(copy, 0o600)
            with open(copy, "rb") as f:
                os.fsync(f.fileno())
            os.replace(copy, db_path)
            _fsync_folder(folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except OSError as exc:
        raise KioskError(
            "db_write", f"{db_path}: cannot write the database ({exc.strerror or exc})"
        ) from None
    finally:
        os.close(lock)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not on a POSIX system: one writer at a time is up to the user
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- merge -----------------------------------------------------------------------------


@dataclass
class MergeReport:
    merged: list[Header] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line each, naming its file
    unchanged: list[str] = field(default_factory=list)  # identical copies of standing files
    aliases: list[str] = field(default_factory=list)  # "OLD -> NEW", taken from the files
    rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_merged": len(self.merged),
            "files_unchanged": len(self.unchanged),
            "files_refused": len(self.refused),
            "rows_merged": self.rows,
            "libraries": len({h.library_id for h in self.merged}),
            "ids_taken_over": self.aliases,
        }


def _is_results_name(name: str) -> bool:
    return name.lower().endswith(".parquet")


def result_files(paths: Iterable[Path], refused: list[str]) -> list[Path]:
    """The files named, and every ``*.parquet`` (any case) below the folders named (each
    folder in name order). A folder that cannot be listed, and every other file below them
    (``x.parquet.1``, ``x.zip``), is one line in ``refused``: nothing is skipped unsaid."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():  # a missing path, a FIFO or a device: refused when checked
            found.append(path)
            continue

        def unlisted(exc: OSError) -> None:
            refused.append(f"{exc.filename}: cannot list the folder ({exc.strerror or exc})")

        below: list[Path] = []
        others: list[Path] = []
        for folder, dirs, names in os.walk(path, onerror=unlisted):
            # A link to a folder is not walked into (it may loop); one named *.parquet is
            # refused like every other thing that is not a regular file.
            links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
            below += [Path(folder, n) for n in (*names, *links) if _is_results_name(n)]
            others += [Path(folder, n) for n in names if not _is_results_name(n)]
        found += sorted(below)
        refused.extend(
            f"{p}: not named *.parquet, not merged (a results file? rename it)"
            for p in sorted(others)
        )
    return list(dict.fromkeys(found))  # a file named twice is merged once


def _exported(header: Header | str) -> float:
    """When the file was exported (seconds); an unreadable stamp sorts first."""
    stamp = header.exported_at if isinstance(header, Header) else header
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except (ValueError, OverflowError, OSError, TypeError):
        return 0.0


def merge(paths: Iterable[Path], db_path: Path, force: bool = False) -> MergeReport:
    """Load results files into the database at ``db_path``; a newer file of a period replaces.

    Each file is checked on its own: one that is unfit is refused (one line in the report's
    ``refused``, naming it) and the rest are merged. The ledger (``results_files``) keeps,
    per library and period, the export time and checksum of the file that stands: an
    identical copy is skipped, an older file refused, a newer one replaces. A file's
    earlier ids are filed under its id (its history comes along); a library id sent by two
    kiosks (install ids) is refused unless the registry lists both. Without ``force`` a file
    is also refused when the period it claims reaches beyond its own rows over days its
    library already has rows for: merging it would delete them and put nothing in their place.
    """
    report = MergeReport()
    files: list[ResultsFile] = []
    # The checked rows of the first files, up to KEPT_ROWS, so they are not read twice.
    kept: dict[Path, pa.Table] = {}
    kept_rows = 0
    for checked_or_not in _read_all(result_files(paths, report.refused)):
        if isinstance(checked_or_not, UnknownResultsFile):
            report.refused.append(checked_or_not.message)
            continue
        checked, table = checked_or_not
        files.append(checked)
        if kept_rows + table.num_rows <= KEPT_ROWS:
            kept[checked.path] = as_counts(checked.header, table)
            kept_rows += table.num_rows
    files.sort(key=lambda f: (_exported(f.header), str(f.path)))
    with writing(db_path) as con:
        registry = _Registry.load(con)
        for old, new, sent in registry.take_over(files):
            _move_library(con, old, new)
            if sent:
                report.aliases.append(f"{old} -> {new}")
        files = registry.admitted(con, files, report)
        # First what stands before this merge, then claims over rows, then one another.
        files = [n.file for n in registry.newest(files, report, these_too=False)]
        if not force:
            files = _claims_backed(con, files, report.refused)
        _merge_files(con, registry.newest(files, report), kept, report)
    return report


# Files checked at once: reading Parquet and hashing rows release the GIL for much of
# their work, so a second core shortens a country's merge.
READERS = min(4, os.cpu_count() or 1)


def _try_read(path: Path) -> tuple[ResultsFile, pa.Table] | UnknownResultsFile:
    try:
        return read_checked(path)
    except UnknownResultsFile as exc:
        return exc


def _read_all(paths: list[Path]) -> Iterator[tuple[ResultsFile, pa.Table] | UnknownResultsFile]:
    """Each file checked (``read_checked``), in the order given, ``READERS`` at a time."""
    if READERS < 2 or len(paths) < 2:
        yield from map(_try_read, paths)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        yield from pool.map(_try_read, paths)


@dataclass
class _Registry:
    """Who is who: aliases (an earlier id -> the id now) and the kiosks (install ids) known
    to send for each library, from the registry and the ledger."""

    aliases: dict[str, str]
    installs: dict[str, set[str]]
    # (install id -> one file of it) per library: names the other side of a clash.
    files_of: dict[tuple[str, str], str]
    # Per library: (from, to, exported, checksum, file) of the ledger and of this merge.
    standing: dict[str, list[tuple[date, date, float, str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> _Registry:
        aliases = dict(con.execute("SELECT alias, library_id FROM library_aliases").fetchall())
        installs: dict[str, set[str]] = {}
        files_of: dict[tuple[str, str], str] = {}
        for library, install, file in con.execute(
            """SELECT library_id, install_id, max(file) FROM results_files
               WHERE install_id IS NOT NULL GROUP BY ALL"""
        ).fetchall():
            installs.setdefault(library, set()).add(install)
            files_of[(library, install)] = file
        for library, install in con.execute(
            "SELECT library_id, install_id FROM library_installs"
        ).fetchall():
            installs.setdefault(library, set()).add(install)
            files_of.setdefault((library, install), "the registry")
        return cls(aliases, installs, files_of)

    def resolve(self, library_id: str) -> str:
        seen = {library_id}
        while library_id in self.aliases and self.aliases[library_id] not in seen:
            library_id = self.aliases[library_id]
            seen.add(library_id)
        return library_id

    def take_over(self, files: list[ResultsFile]) -> list[tuple[str, str, bool]]:
        """The earlier ids the files name that become aliases of their ids now (and whether
        files were sent under them): only an id sent by no other kiosk than the file's own
        (a branch that once used its parent's id cannot take the parent's rows along), or
        the file's own anonymous id. An id already an alias stays where it is (the file
        names the id it went to as well)."""
        moves: list[tuple[str, str, bool]] = []
        sending: dict[str, set[str]] = {}  # library id -> install ids of this merge's files
        for f in files:
            sending.setdefault(f.header.library_id, set()).add(f.header.install_id)
        for f in files:  # in export order: anon -> LT-A, later LT-A -> LT-B
            h = f.header
            now = self.resolve(h.library_id)
            known = self.installs.get(now, set())
            if known and h.install_id not in known:
                continue  # another kiosk's id: the file is refused (admitted), nothing moves
            for old in h.earlier_ids:
                if old in self.aliases or old == now:
                    continue
                sent_by = self.installs.get(old, set()) | sending.get(old, set())
                # An anonymous id is this kiosk's own (made from its random salt): taken even
                # before its files arrive, so a late one is not counted as another library.
                mine = sent_by == {h.install_id} or (not sent_by and old.startswith(ANONYMOUS))
                if not mine:
                    continue
                self.aliases[old] = now
                self.installs.setdefault(now, set()).update(self.installs.pop(old, set()))
                for (library, install), file in list(self.files_of.items()):
                    if library == old:
                        self.files_of.setdefault((now, install), file)
                moves.append((old, now, bool(sent_by)))
        return moves

    def admitted(
        self, con: duckdb.DuckDBPyConnection, files: list[ResultsFile], report: MergeReport
    ) -> list[ResultsFile]:
        """``files`` under their ids now, without clashes and identical copies; notes every
        period that stands in the ledger for ``newest``."""
        standing: dict[str, list[tuple[date, date, float, str, str]]] = {}
        for library, pfrom, pto, exported, checksum, file in con.execute(
            "SELECT library_id, period_from, period_to, exported_at, checksum, file "
            "FROM results_files"
        ).fetchall():
            standing.setdefault(library, []).append(
                (pfrom, pto, _exported(exported), checksum or "", file)
            )
        checksums = {c for entries in standing.values() for *_, c, _ in entries}
        candidates: list[ResultsFile] = []
        for f in files:
            h = f.header
            library = self.resolve(h.library_id)
            known = self.installs.get(library, set())
            if known and h.install_id not in known:
                other = sorted(self.files_of.get((library, i), "?") for i in known)[0]
                report.refused.append(
                    f"{f.path}: library id {library} is already sent by another kiosk "
                    f"({other}); set this kiosk's own library_id, or if it is the library's "
                    f"new PC: kiosk results libraries add DB {library} --install {h.install_id}"
                )
                continue
            self.installs.setdefault(library, set()).add(h.install_id)
            self.files_of.setdefault((library, h.install_id), str(f.path))
            if h.checksum in checksums:
                report.unchanged.append(str(f.path))
                continue
            checksums.add(h.checksum)
            candidates.append(replace(f, header=replace(h, library_id=library)))
        self.standing = standing
        return candidates

    def newest(
        self, files: list[ResultsFile], report: MergeReport, *, these_too: bool = True
    ) -> list[Newest]:
        """Each file with the days newer files (standing, or merged now) hold of its period,
        which it must not touch; refused when they hold all of it, or when a file of the
        same export time holds other content for some of its days (after ``admitted``).
        ``these_too``: the files hold days of each other too (else: only the ledger)."""
        for f in files if these_too else ():
            h = f.header
            self.standing.setdefault(h.library_id, []).append(
                (h.first, h.last, _exported(h), h.checksum, str(f.path))
            )
        kept: list[Newest] = []
        for f in files:
            h = f.header
            when = _exported(h)
            newer = [
                (at, file, lo, hi)
                for lo, hi, at, checksum, file in self.standing.get(h.library_id, [])
                if lo <= h.last and hi >= h.first and checksum != h.checksum and at >= when
            ]
            ranges = [(max(lo, h.first), min(hi, h.last)) for _, _, lo, hi in newer]
            same_time = [file for at, file, _, _ in newer if at == when]
            if not same_time and not _covers(ranges, h.first, h.last):
                kept.append(Newest(f, ranges))
                continue
            file = same_time[0] if same_time else max(newer)[1]
            why = "exported at the same time as" if same_time else "older than"
            report.refused.append(
                f"{f.path}: {why} {file}, which stands for {h.library_id} over "
                f"{'some' if same_time else 'all'} of its days; not merged"
            )
        return kept


@dataclass(frozen=True)
class Newest:
    """A file to merge, and the days of its period newer files hold (left as they are)."""

    file: ResultsFile
    kept_out: list[tuple[date, date]]


def _covers(ranges: list[tuple[date, date]], first: date, last: date) -> bool:
    """Whether ``ranges`` together hold every day ``first``..``last``."""
    day = first
    for lo, hi in sorted(ranges):
        if lo > day:
            return False
        day = max(day, hi + timedelta(days=1))
        if day > last:
            return True
    return day > last


ANONYMOUS = "anon-"  # an unset library id's pseudonym (kiosk.programme.file.anonymous_id)


def _move_library(con: duckdb.DuckDBPyConnection, old: str, new: str) -> None:
    """File ``old``'s rows, ledger and registry entries under ``new``; ``old`` an alias."""
    for table in (*TABLES, "results_files"):
        _run(con, f"UPDATE {table} SET library_id = ? WHERE library_id = ?", [new, old])
    _run(con, "UPDATE library_aliases SET library_id = ? WHERE library_id = ?", [new, old])
    _run(con, "INSERT OR REPLACE INTO library_aliases VALUES (?, ?)", [old, new])
    _run(
        con,
        """INSERT OR IGNORE INTO library_installs
           SELECT ?, install_id FROM library_installs WHERE library_id = ?""",
        [new, old],
    )
    _run(con, "DELETE FROM library_installs WHERE library_id = ?", [old])


# -- the registry of libraries ----------------------------------------------------------


def add_library(
    db_path: Path,
    library_id: str,
    name: str | None = None,
    municipality: str | None = None,
    install_id: str | None = None,
) -> dict[str, Any]:
    """Register (or update) a library; ``install_id``: one more kiosk that sends for it
    (the same library on a new PC, or a second kiosk of it)."""
    with writing(db_path) as con:
        if _Registry.load(con).resolve(library_id) != library_id:
            raise KioskError(
                "library_alias", f"{library_id} is an earlier id of another library (see list)"
            )
        _run(
            con,
            """INSERT INTO libraries VALUES (?, ?, ?) ON CONFLICT (library_id) DO UPDATE SET
               name = coalesce(excluded.name, name),
               municipality = coalesce(excluded.municipality, municipality)""",
            [library_id, name, municipality],
        )
        if install_id:
            _run(
                con,
                "INSERT OR IGNORE INTO library_installs VALUES (?, ?)",
                [library_id, install_id],
            )
        return _libraries(con, library_id)[0]


def alias_library(db_path: Path, old: str, new: str) -> dict[str, Any]:
    """Record ``old`` as an earlier id of ``new``: its rows, files and kiosks move along."""
    with writing(db_path) as con:
        registry = _Registry.load(con)
        if registry.resolve(new) == registry.resolve(old):
            raise KioskError("library_alias", f"{old} is already {registry.resolve(new)}")
        if new in registry.aliases:
            raise KioskError(
                "library_alias", f"{new} is an earlier id of {registry.resolve(new)}; use that"
            )
        _move_library(con, old, new)
        _run(con, "INSERT OR IGNORE INTO libraries (library_id) VALUES (?)", [new])
        return _libraries(con, new)[0]


def list_libraries(db_path: Path) -> list[dict[str, Any]]:
    """Every library the registry or the ledger knows, with its earlier ids and kiosks."""
    with reading(db_path) as con:
        return _libraries(con)


def _libraries(con: duckdb.DuckDBPyConnection, only: str | None = None) -> list[dict[str, Any]]:
    if _table_missing(con, "libraries"):  # a database of version 1: the ledger only
        registry: dict[str, tuple[Any, Any]] = {}
        earlier: dict[str, list[str]] = {}
        installs: dict[str, list[str]] = {}
    else:
        registry = {
            i: (n, m)
            for i, n, m in con.execute(
                "SELECT library_id, name, municipality FROM libraries"
            ).fetchall()
        }
        earlier = {}
        for alias, library in con.execute(
            "SELECT alias, library_id FROM library_aliases ORDER BY 1"
        ).fetchall():
            earlier.setdefault(library, []).append(alias)
        installs = {}
        for library, install in con.execute(
            """SELECT library_id, install_id FROM library_installs UNION
               SELECT library_id, install_id FROM results_files WHERE install_id IS NOT NULL
               ORDER BY 1, 2"""
        ).fetchall():
            installs.setdefault(library, []).append(install)
    ledger = {
        i: (m, n, lo, hi)
        for i, m, n, lo, hi in con.execute(
            """SELECT library_id, arg_max(municipality, merged_at), count(*),
                      min(period_from), max(period_to)
               FROM results_files GROUP BY library_id"""
        ).fetchall()
    }
    out = []
    for library in sorted(set(registry) | set(ledger)):
        if only is not None and library != only:
            continue
        name, municipality = registry.get(library, (None, None))
        files = ledger.get(library)
        out.append(
            {
                "library_id": library,
                "name": name,
                "municipality": municipality or (files[0] if files else None),
                "earlier_ids": earlier.get(library, []),
                "install_ids": installs.get(library, []),
                "files_standing": int(files[1]) if files else 0,
                "from": files[2].isoformat() if files else None,
                "to": files[3].isoformat() if files else None,
            }
        )
    return out


def _table_missing(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchall()
    return not found[0][0]


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
                    UNION ALL SELECT library_id, date FROM scout_months
                    UNION ALL SELECT library_id, date FROM unmet
                    UNION ALL SELECT library_id, date FROM help_calls
                    UNION ALL SELECT library_id, date FROM no_free_time
                ) r ON r.library_id = c.library_id AND r.date BETWEEN c.lo AND c.hi
                GROUP BY c.i
                """
            ).fetchall()
        )
    finally:
        con.unregister("claims_arrow")
    kept: list[ResultsFile] = []
    kept_of: dict[str, list[ResultsFile]] = {}  # by library: a country's files, not n x n
    for i, f in enumerate(files):
        h = f.header
        beyond = _beyond_rows(f)
        earlier = (
            next((k for k in kept_of.get(h.library_id, []) if _holds_rows_in(k, beyond)), None)
            if beyond
            else None
        )
        if not held.get(i) and earlier is None:
            kept.append(f)
            kept_of.setdefault(h.library_id, []).append(f)
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


def _holds_rows_in(f: ResultsFile, days: list[tuple[date, date]]) -> bool:
    """Whether ``f`` brings a row for a day within ``days``."""
    h = f.header
    if f.span is None:
        return False
    low, high = max(h.first, f.span[0]), min(h.last, f.span[1])
    near = [(max(lo, low), min(hi, high)) for lo, hi in days if lo <= high and hi >= low]
    if not near:
        return False
    try:
        return any(dates_between(f.path, lo, hi, months=h.version >= 2) for lo, hi in near)
    except UnknownResultsFile:
        return True  # changed since it was checked: count its claim as rows


# Rows read into memory at once while merging (a batch of files), and rows kept from the
# check so they are not read again: bound the memory a country's merge needs.
BATCH_ROWS = 2_000_000
# A country's five years are ~3.4 M rows of counts (~130 bytes a row): kept whole, they are
# read once.
KEPT_ROWS = 4_000_000


def _merge_files(
    con: duckdb.DuckDBPyConnection,
    files: list[Newest],
    kept: dict[Path, pa.Table],
    report: MergeReport,
) -> None:
    """Merge ``files`` (pairwise apart within a library: ``admitted``) in batches. The rows
    that go in are the rows the checksum covered: kept from the check, or read and checked
    again (a file changed since it was checked is refused)."""
    batch: list[tuple[Newest, pa.Table]] = []
    size = 0
    for newest in files:
        f = newest.file
        if f.path in kept:
            batch.append((newest, kept.pop(f.path)))
            size += batch[-1][1].num_rows
            if size >= BATCH_ROWS:
                _merge_batch(con, batch, report)
                batch, size = [], 0
            continue
        try:
            checked, table = read_checked(f.path)
        except UnknownResultsFile as exc:
            report.refused.append(exc.message)
            continue
        if checked.header.checksum != f.header.checksum:
            report.refused.append(f"{f.path}: changed while it was merged; not merged")
            continue
        batch.append((newest, as_counts(checked.header, table)))
        size += table.num_rows
        if size >= BATCH_ROWS:
            _merge_batch(con, batch, report)
            batch, size = [], 0
    if batch:
        _merge_batch(con, batch, report)


def _between(dates: pa.ChunkedArray, lo: date, hi: date) -> pa.ChunkedArray:
    return pc.and_(
        pc.greater_equal(dates, pa.scalar(lo, pa.date32())),
        pc.less_equal(dates, pa.scalar(hi, pa.date32())),
    )


def _merge_batch(
    con: duckdb.DuckDBPyConnection, batch: list[tuple[Newest, pa.Table]], report: MergeReport
) -> None:
    """Replace the batch's libraries' periods (but the days newer files hold) with the
    files' rows dated within them, filed under the header's library id (its id now) and
    municipality; record the files in the ledger."""
    tables = []
    for newest, table in batch:
        h = newest.file.header
        dates = table.column("date")
        inside = _between(dates, h.first, h.last)
        for lo, hi in newest.kept_out:
            inside = pc.and_(inside, pc.invert(_between(dates, lo, hi)))
        table = table.filter(inside)
        n = table.num_rows
        table = table.set_column(0, "library_id", pa.array([h.library_id] * n, pa.string()))
        table = table.set_column(1, "municipality", pa.array([h.municipality] * n, pa.string()))
        tables.append(table)
    rows = pa.concat_tables(tables)
    headers = [(n.file.path, n.file.header) for n, _ in batch]
    kept_out = [(str(n.file.path), lo, hi) for n, _ in batch for lo, hi in n.kept_out]
    ledger = pa.table(
        {
            "library_id": [h.library_id for _, h in headers],
            "municipality": [h.municipality for _, h in headers],
            "pfrom": pa.array([h.first for _, h in headers], pa.date32()),
            "pto": pa.array([h.last for _, h in headers], pa.date32()),
            "exported_at": [h.exported_at for _, h in headers],
            "rows": pa.array([h.rows for _, h in headers], pa.int64()),
            "file": [str(p) for p, _ in headers],
            "checksum": [h.checksum for _, h in headers],
            "install_id": [h.install_id for _, h in headers],
            "suppressed": pa.array([h.suppressed_consultations for _, h in headers], pa.int32()),
            "topic_names": [h.values().get("topic_names") for _, h in headers],
        }
    )
    # One Arrow table per kind: DuckDB then scans each without a filter.
    for table in TABLES:
        of_kind = rows.filter(pc.equal(rows.column("kind"), table))
        con.register(f"{table}_arrow", of_kind.select(TABLES[table]))
    con.register("batch", ledger)
    con.register(
        "kept_out",
        pa.table(
            {
                "file": pa.array([k[0] for k in kept_out], pa.string()),
                "lo": pa.array([k[1] for k in kept_out], pa.date32()),
                "hi": pa.array([k[2] for k in kept_out], pa.date32()),
            }
        ),
    )
    try:
        _run(con, "BEGIN TRANSACTION")
        for table in TABLES:
            _run(
                con,
                f"""DELETE FROM {table} r USING batch b
                    WHERE r.library_id = b.library_id AND r.date BETWEEN b.pfrom AND b.pto
                      AND NOT EXISTS (SELECT 1 FROM kept_out k
                                      WHERE k.file = b.file AND r.date BETWEEN k.lo AND k.hi)""",
            )
            names = ", ".join(TABLES[table])
            _run(con, f"INSERT INTO {table} SELECT {names} FROM {table}_arrow")
        # A file no longer stands where a newer one covers its whole period.
        _run(
            con,
            """DELETE FROM results_files r USING batch b
               WHERE r.library_id = b.library_id
                 AND r.period_from >= b.pfrom AND r.period_to <= b.pto""",
        )
        _run(
            con,
            """INSERT INTO results_files
               (library_id, municipality, period_from, period_to, exported_at, rows, file,
                merged_at, checksum, install_id, suppressed_consultations, topic_names)
               SELECT library_id, municipality, pfrom, pto, exported_at, rows, file, now(),
                      checksum, install_id, suppressed, topic_names
               FROM batch""",
        )
        _run(con, "COMMIT")
    except BaseException:
        _run(con, "ROLLBACK")
        raise
    finally:
        for table in TABLES:
            con.unregister(f"{table}_arrow")
        con.unregister("batch")
        con.unregister("kept_out")
    report.rows += rows.num_rows
    report.merged += [h for _, h in headers]


# -- report ----------------------------------------------------------------------------

# Tables of consultations: (name, SQL key expression). Plain columns as group keys (cheap
# to hash); _key() names empty values and visits.
GROUPS: list[tuple[str, str]] = [
    ("by_month", "date_trunc('month', date)"),
    ("by_municipality", "municipality"),
    ("by_library", "library_id"),
    ("by_topic", "topic"),
    ("by_age", "age_group"),
    ("by_outcome", "outcome"),
    ("by_language", "CASE WHEN source = 'walk_in' THEN 'walk_in' ELSE language END"),
    ("by_source", "source"),
    ("by_visit", "first_visit"),
]
TABLE_NAMES = [name for name, _ in GROUPS] + [
    "by_municipality_month",
    "no_shows_by_month",
    "by_weekday_hour",
    "scouts_by_month",
    "unmet_by_month",
    "unmet_by_topic",
    "reporting",
    "by_status",
]


def _key(name: str, value: Any) -> str:
    if name == "by_month":
        return value.strftime("%Y-%m")
    if name == "by_visit":
        return "first" if value else ("repeat" if value is False else "other")
    return str(value) if value not in (None, "") else "unknown"


AGE_ORDER = [str(k) for k in AGE_LABELS]
OUTCOME_ORDER = [str(k) for k in OUTCOME_LABELS]
STATUS_ORDER = [str(k) for k in STATUS_LABELS]
ORDERS: dict[str, list[str]] = {
    "by_age": AGE_ORDER,
    "by_outcome": OUTCOME_ORDER,
    "by_status": STATUS_ORDER,
    "by_visit": ["first", "repeat"],
    "by_source": ["kiosk", "librarian", "walk_in"],
}


@dataclass
class Programme:
    """The programme's tables for a period (``None``: every date in the database); ``span``
    the first and last month the data covers."""

    first: date | None
    last: date | None
    totals: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    span: tuple[date, date] | None = None
    lang: str = DEFAULT_LANGUAGE  # the language of its labels and headings

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "covers": [d.isoformat() for d in self.span] if self.span else None,
            "lang": self.lang,
            "totals": self.totals,
            **self.tables,
        }

    def covers(self) -> str:
        """The months the data covers ("2026-01 – 2026-12", one month alone), or ""."""
        if self.span is None:
            return ""
        lo, hi = (f"{d:%Y-%m}" for d in self.span)
        return lo if lo == hi else f"{lo} – {hi}"


def _where(first: date | None, last: date | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if first is not None:
        clauses.append("date >= ?")
        params.append(first)
    if last is not None:
        clauses.append("date <= ?")
        params.append(last)
    return (" AND ".join(clauses) or "true"), params


def _row(key: str, consultations: int, minutes: int, people: int) -> dict[str, Any]:
    return {
        "key": key,
        "consultations": int(consultations or 0),
        "hours": round(int(minutes or 0) / 60, 1),
        "people": int(people or 0),
    }


def _ordered(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = ORDERS.get(name)
    if name in (
        "by_month",
        "no_shows_by_month",
        "scouts_by_month",
        "unmet_by_month",
        "by_weekday_hour",
    ):
        return sorted(rows, key=lambda r: r["key"])
    if name in ("by_municipality_month", "reporting"):
        return rows
    if order:
        rank = {k: i for i, k in enumerate(order)}
        return sorted(rows, key=lambda r: (rank.get(r["key"], len(rank)), r["key"]))
    if name == "unmet_by_topic":
        return sorted(rows, key=lambda r: (-r["waitlist"], -r["days_no_free_time"], r["key"]))
    return sorted(rows, key=lambda r: (-r.get("consultations", r.get("count", 0)), r["key"]))


def _rate(no_shows: int, settled: int) -> float | None:
    return round(100 * no_shows / settled, 1) if settled else None


def report(
    db_path: Path,
    first: date | None = None,
    last: date | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> Programme:
    """Every table of the programme's report, from the merged database, labelled in
    ``lang`` (the librarian catalogue)."""
    with reading(db_path) as con:
        prog = _report(con, first, last)
        names = _topic_names(con)
    prog.lang = lang
    _label(prog, lang, names)
    return prog


def _topic_names(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """{slug: {lang: name}} from the files standing, the newest export's name winning
    (a database merged before files carried names has none: the slugs stand)."""
    has = con.execute(
        """SELECT count(*) FROM duckdb_columns()
           WHERE table_name = 'results_files' AND column_name = 'topic_names'"""
    ).fetchall()
    if not has[0][0]:
        return {}
    names: dict[str, dict[str, str]] = {}
    for (text,) in con.execute(
        """SELECT topic_names FROM results_files WHERE topic_names IS NOT NULL
           ORDER BY exported_at"""
    ).fetchall():
        try:
            found = json.loads(text)
        except ValueError:
            continue
        for slug, by_lang in found.items():
            names.setdefault(slug, {}).update({k: v for k, v in by_lang.items() if v})
    return names


# Row labels from the librarian catalogue: table -> key prefix.
_LABEL_KEYS = {
    "by_age": "lib.age",
    "by_outcome": "lib.outcome",
    "by_status": "lib.report.state",
    "by_visit": "lib.report.visit",
    "by_source": "lib.report.source",
}


_TOPIC_TABLES = ("by_topic", "unmet_by_topic")


def _label(prog: Programme, lang: str, topic_names: dict[str, dict[str, str]]) -> None:
    """Give every row its ``label`` in ``lang``: walk-ins as walk-ins, not "unknown"; topics
    by the names their libraries gave them (else the slug); folded rows as "other"."""
    t = words(lang)
    for name, rows in prog.tables.items():
        prefix = _LABEL_KEYS.get(name)
        labelled = []
        for r in rows:
            key = r["key"]
            if name == "by_weekday_hour":
                day = t(f"lib.report.weekday.{r['weekday']}")
                label = f"{day} {r['hour']:02d}:00"
            elif name in (
                "by_month",
                "by_library",
                "reporting",
                "by_municipality_month",
                "unmet_by_month",
            ):
                label = key
            elif key in ("unknown", "other"):
                label = t(f"lib.programme.{key}")
            elif name in _TOPIC_TABLES:
                label = topic_names.get(key, {}).get(lang) or key
            elif prefix:
                label = t(f"{prefix}.{key}")
            elif name == "by_language" and key == "walk_in":
                label = t("lib.report.source.walk_in")
            else:
                label = key
            rest = {k: v for k, v in r.items() if k not in ("key", "label")}
            labelled.append({"key": key, "label": label, **rest})
        prog.tables[name] = labelled


def _report(con: duckdb.DuckDBPyConnection, first: date | None, last: date | None) -> Programme:
    where, params = _where(first, last)
    # One scan for every grouping of consultations.
    sets = ", ".join(f"({expr})" for _, expr in GROUPS)
    keys = ", ".join(f"{expr} AS k{n}" for n, (_, expr) in enumerate(GROUPS))
    grouping = ", ".join(f"GROUPING({expr})" for _, expr in GROUPS)
    rows = con.execute(
        f"""
        SELECT {keys}, [{grouping}] AS g, sum(consultations), sum(minutes), sum(people),
               min(date), max(date)
        FROM consultations WHERE {where}
        GROUP BY GROUPING SETS ({sets}, ())
        """,
        params,
    ).fetchall()
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    totals: dict[str, Any] = {"consultations": 0, "minutes": 0, "hours": 0.0, "people": 0}
    n = len(GROUPS)
    acc: dict[str, dict[str, list[int]]] = {}
    span: tuple[date, date] | None = None
    for row in rows:
        flags, count, minutes, people = row[n], row[n + 1], row[n + 2], row[n + 3]
        grouped = [i for i, f in enumerate(flags) if f == 0]
        if not grouped:
            totals.update(
                consultations=int(count or 0),
                minutes=int(minutes or 0),
                hours=round(int(minutes or 0) / 60, 1),
                people=int(people or 0),
            )
            if row[n + 4] is not None:
                span = (row[n + 4], row[n + 5])
            continue
        name = GROUPS[grouped[0]][0]
        # NULL and "" both read "unknown": add such rows up.
        sums = acc.setdefault(name, {}).setdefault(_key(name, row[grouped[0]]), [0, 0, 0])
        for j, value in enumerate((count, minutes, people)):
            sums[j] += int(value or 0)
    for name, keyed in acc.items():
        tables[name] = [_row(key, *sums) for key, sums in keyed.items()]
    munis = dict(
        con.execute(
            "SELECT library_id, arg_max(municipality, merged_at) FROM results_files GROUP BY 1"
        ).fetchall()
    )
    for r in tables["by_library"]:
        r["municipality"] = munis.get(r["key"], "")
    totals["repeat_visits"] = totals["consultations"] - totals["people"]
    tables["by_municipality_month"] = [
        {"key": f"{m or ''}|{month:%Y-%m}", "municipality": m or "", "month": f"{month:%Y-%m}",
         "consultations": int(c), "people": int(p)}
        for m, month, c, p in con.execute(
            f"""SELECT municipality, date_trunc('month', date) AS month, sum(consultations),
                       sum(people)
                FROM consultations WHERE {where} GROUP BY ALL ORDER BY 1, 2""",
            params,
        ).fetchall()
    ]  # fmt: skip
    scouts = con.execute(
        f"""SELECT strftime(date_trunc('month', date), '%Y-%m'), sum(scouts_active),
                   sum(shifts_held), sum(shifts_missed), sum(scout_minutes)
            FROM scout_months WHERE {where} GROUP BY 1""",
        params,
    ).fetchall()
    tables["scouts_by_month"] = [
        {"key": m, "scouts_active": int(a or 0), "shifts_held": int(h or 0),
         "shifts_missed": int(x or 0), "hours": round(int(mi or 0) / 60, 1)}
        for m, a, h, x, mi in scouts
    ]  # fmt: skip
    active = {r["key"]: r["scouts_active"] for r in tables["scouts_by_month"]}
    for r in tables["by_month"]:
        r["scouts_active"] = active.get(r["key"], 0)
    totals.update(
        scouts_active=max(active.values(), default=0),
        libraries=len(tables["by_library"]),
        municipalities=sum(1 for r in tables["by_municipality"] if r["key"] != "unknown"),
    )
    status = {
        str(s): int(c)
        for s, c in con.execute(
            f"SELECT status, sum(bookings) FROM bookings WHERE {where} GROUP BY 1", params
        ).fetchall()
    }
    tables["by_status"] = [{"key": s, "count": c} for s, c in status.items()]
    settled = sum(status.get(s, 0) for s in ("checked_in", "done", "no_show"))
    totals.update(
        bookings=sum(status.values()),
        no_shows=status.get("no_show", 0),
        no_show_rate=_rate(status.get("no_show", 0), settled),
    )
    tables["no_shows_by_month"] = [
        # A month of bookings none of which has taken place yet: nothing settled, no rate.
        {
            "key": m,
            "bookings": int(b),
            "no_shows": int(x),
            "no_show_rate": _rate(int(x), int(s or 0)),
        }
        for m, b, x, s in con.execute(
            f"""SELECT strftime(date_trunc('month', date), '%Y-%m'), sum(bookings),
                       sum(no_shows),
                       sum(bookings) FILTER (WHERE status IN ('checked_in', 'done', 'no_show'))
                FROM bookings WHERE {where} GROUP BY 1""",
            params,
        ).fetchall()
    ]
    tables["by_weekday_hour"] = [
        {"key": f"{w}-{h:02d}", "weekday": int(w), "hour": int(h), "count": int(c)}
        for w, h, c in con.execute(
            f"""SELECT weekday, hour, sum(bookings) FROM booking_hours
                WHERE {where} AND weekday IS NOT NULL AND hour IS NOT NULL GROUP BY ALL""",
            params,
        ).fetchall()
    ]
    tables["unmet_by_month"], tables["unmet_by_topic"] = _unmet(con, where, params)
    tables["reporting"] = _reporting(con, first, last)
    # The months the data covers: consultations and bookings alike.
    lo_hi = con.execute(
        f"""SELECT min(lo), max(hi) FROM (
                SELECT min(date) AS lo, max(date) AS hi FROM consultations WHERE {where}
                UNION ALL
                SELECT min(date), max(date) FROM bookings WHERE {where})""",
        params + params,
    ).fetchall()[0]
    span = (lo_hi[0], lo_hi[1]) if lo_hi[0] is not None else None
    totals["suppressed_consultations"] = _suppressed(con)
    tables = {name: _ordered(name, rows) for name, rows in tables.items()}
    return Programme(first, last, totals, tables, span)


def _unmet(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Unmet demand per month (waiting-list entries, calls for help, topic-days without free
    time) and per topic (waiting-list entries, days without free time)."""
    month = "strftime(date_trunc('month', date), '%Y-%m')"
    by_month: dict[str, dict[str, Any]] = {}
    for table, measure, column in (
        ("unmet", "waitlist", "waitlist"),
        ("help_calls", "help_calls", "help_calls"),
        ("no_free_time", "days_no_free_time", "days_no_free_time"),
    ):
        for m, n in con.execute(
            f"SELECT {month}, sum({column}) FROM {table} WHERE {where} GROUP BY 1", params
        ).fetchall():
            row = by_month.setdefault(
                m, {"key": m, "waitlist": 0, "help_calls": 0, "days_no_free_time": 0}
            )
            row[measure] = int(n or 0)
    by_topic: dict[str, dict[str, Any]] = {}
    for table, column in (("unmet", "waitlist"), ("no_free_time", "days_no_free_time")):
        for topic, n in con.execute(
            f"SELECT topic, sum({column}) FROM {table} WHERE {where} GROUP BY 1", params
        ).fetchall():
            key = str(topic)
            row = by_topic.setdefault(key, {"key": key, "waitlist": 0, "days_no_free_time": 0})
            row[column] = int(n or 0)
    return list(by_month.values()), list(by_topic.values())


def _suppressed(con: duckdb.DuckDBPyConnection) -> int:
    """Consultations the files standing left out (rows under 3, even once folded)."""
    found = con.execute("SELECT sum(suppressed_consultations) FROM results_files").fetchall()
    return int(found[0][0] or 0)


def _span_text(lo: date, hi: date) -> str:
    """``lo``..``hi`` as months where it is whole months ("2026-01 – 2026-03", "2026-05"),
    else as days."""
    if lo.day == 1 and (hi + timedelta(days=1)).day == 1:
        a, b = f"{lo:%Y-%m}", f"{hi:%Y-%m}"
        return a if a == b else f"{a} – {b}"
    return f"{lo} – {hi}" if lo != hi else str(lo)


def _reporting(
    con: duckdb.DuckDBPyConnection, first: date | None, last: date | None
) -> list[dict[str, Any]]:
    """Each library's months the files standing cover (``periods``) and the gaps between
    them (``gaps``: what no file covers between its first and last, within the report's
    period)."""
    periods: dict[str, list[tuple[date, date]]] = {}
    for library, lo, hi in con.execute(
        "SELECT library_id, period_from, period_to FROM results_files ORDER BY 1, 2"
    ).fetchall():
        lo, hi = max(lo, first) if first else lo, min(hi, last) if last else hi
        if lo <= hi:
            periods.setdefault(library, []).append((lo, hi))
    out = []
    for library, spans in sorted(periods.items()):
        merged: list[list[date]] = []
        for lo, hi in sorted(spans):
            if merged and lo <= merged[-1][1] + timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        gaps = [
            _span_text(a[1] + timedelta(days=1), b[0] - timedelta(days=1))
            for a, b in zip(merged, merged[1:], strict=False)
        ]
        out.append(
            {
                "key": library,
                "periods": ", ".join(_span_text(lo, hi) for lo, hi in merged),
                "gaps": ", ".join(gaps),
            }
        )
    return out


# -- output ----------------------------------------------------------------------------

CSV_COLUMNS = ["table", "key", "label", "measure", "value"]


def programme_json(prog: Programme) -> bytes:
    return (json.dumps(prog.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def programme_csv(prog: Programme) -> bytes:
    """One long, tidy table (table, key, label, measure, value): a spreadsheet pivots it.
    Headings, table and measure names in the report's language (the key stays the key).
    Written like the library's exports (``kiosk.results.spreadsheet``): ``;``, a decimal
    comma, dates as dates, labels such as "75+" kept as text."""
    t = words(prog.lang)
    period = t("lib.programme.period")
    rows: list[list[Any]] = [
        [period, key, t(f"lib.programme.col.{key}"), t("lib.programme.col.date"), value]
        for key, value in (("from", prog.first), ("to", prog.last))
    ]
    rows.append(
        [period, "covers", t("lib.programme.col.covers"), t("lib.programme.col.month"),
         prog.covers() or t("lib.programme.no_data")]
    )  # fmt: skip
    total = t("lib.programme.col.total")
    for measure in TOTALS:
        label = t(f"lib.programme.total.{measure}")
        rows.append([total, measure, label, label, prog.totals.get(measure)])
    for name, table in prog.tables.items():
        title = t(f"lib.programme.table.{name}")
        for r in table:
            rows += [
                [title, r["key"], r["label"], t(f"lib.programme.col.{measure}"), value]
                for measure, value in r.items()
                if measure not in ("key", "label")
            ]
    heads = [t(f"lib.programme.col.{c}") for c in CSV_COLUMNS]
    return csv_bytes(heads, rows)


# The totals a report shows, in order (each has lib.programme.total.<name>).
TOTALS = [
    "consultations",
    "minutes",
    "hours",
    "people",
    "repeat_visits",
    "scouts_active",
    "libraries",
    "municipalities",
    "bookings",
    "no_shows",
    "no_show_rate",
    "suppressed_consultations",
]
