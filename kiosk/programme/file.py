"""The programme's results file: one anonymous Parquet file per library and period.

The national programme collects every library's results without moving personal data:
each kiosk writes this file (``kiosk export --format results``), the programme merges
them (``kiosk results merge``, see ``kiosk.programme.report``). Schema version 1:

- one row per consultation (``kind = "consultation"``: an activity form dated in the
  period) and one per booking (``kind = "booking"``: a booking starting in the period,
  for bookings by status and the no-show rate);
- the e-scout is a pseudonym: a salted SHA-256 of the e-scout id with a random salt kept
  in the data dir, stable within one library and meaningless outside it;
- no names, phones, booking codes, tokens, notes or e-scout ids;
- version 2 counts instead of rows (see ``COLUMNS``), unmet demand among them: per month,
  waiting-list entries and days without free time to offer by topic, and visitors' calls
  for help (the last two columns: a file written before them lacks them, read as none);
- the file's footer (Parquet key-value metadata) holds the schema name and version, the
  library id, municipality, period and export time, so a reader checks the version
  without reading the rows; and the kiosk's random install id, the library ids it
  exported under before, and a checksum over all of that and every row, so a damaged
  file is refused rather than merged with changed numbers.

Parquet rather than JSON Lines: typed columns (a date is a date), about ten times
smaller, and DuckDB reads it at column speed, which is what lets 1,200 libraries' years
merge in seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from db.storage import write_bytes_atomic
from kiosk.domain.activity import ActivityService
from kiosk.domain.clock import as_local, check_day
from kiosk.domain.errors import KioskError
from kiosk.services import Services

SCHEMA_NAME = "escout-results"
SCHEMA_VERSION = 2
READ_VERSIONS = (1, 2)  # version 1 (a row per visit) is still read and merged
SALT_META_KEY = "results_salt"
INSTALL_META_KEY = "results_install_id"  # random, made once: tells two kiosks apart
IDS_META_KEY = "results_library_ids"  # every library id this data dir exported under
WALK_IN = "walk_in"  # source of a consultation without a booking

KIND_CONSULTATION = "consultation"
KIND_BOOKING = "booking"

# Schema version 1's columns: one row per consultation and per booking.
V1_COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("library_id", pa.string(), "the library's id (Settings.library_id)"),
    ("municipality", pa.string(), "the library's municipality (Settings.municipality)"),
    ("kind", pa.string(), "consultation or booking"),
    ("date", pa.date32(), "form date (consultation) or start date (booking)"),
    ("hour", pa.int8(), "start hour of the booking, local time; empty for a walk-in form"),
    ("minutes", pa.int16(), "consultation length (form) or booked length (booking)"),
    ("topics", pa.list_(pa.string()), "topic slugs the form covered, or the booked topic"),
    ("scout", pa.string(), "e-scout pseudonym (16 hex digits), stable within the library"),
    ("age_group", pa.string(), "under_30, 30_49, 50_64, 65_74 or 75_plus (forms)"),
    ("outcome", pa.string(), "solved, partly, referred or follow_up (forms)"),
    ("first_visit", pa.bool_(), "first visit (true) or repeat (false) (forms)"),
    ("status", pa.string(), "booked, checked_in, done, no_show or cancelled (bookings)"),
    ("source", pa.string(), "kiosk, librarian, or walk_in (a form without a booking)"),
    ("language", pa.string(), "the visitor's language (lt, en, ...); empty for walk-ins"),
]
V1_SCHEMA = pa.schema([(name, kind) for name, kind, _ in V1_COLUMNS])

# Schema version 2's kinds of row; each is a table of the programme's database.
CONSULTATIONS = "consultations"  # consultations by month x topic x age x outcome x ...
BOOKINGS = "bookings"  # bookings by month x topic x language x source x status
BOOKING_HOURS = "booking_hours"  # bookings held (not cancelled) by month x weekday x hour
SCOUT_MONTHS = "scout_months"  # e-scouts: active, shifts held and missed, hours
UNMET = "unmet"  # waiting-list entries by month x topic
HELP_CALLS = "help_calls"  # visitors' calls for help by month
NO_FREE_TIME = "no_free_time"  # days a topic had no free time to offer, by month x topic
KINDS = (CONSULTATIONS, BOOKINGS, BOOKING_HOURS, SCOUT_MONTHS, UNMET, HELP_CALLS, NO_FREE_TIME)
OTHER = "other"  # the value of a dimension folded away so that no row describes < 3
MIN_COUNT = 3  # no row of consultations or bookings describes fewer

# Schema version 2's columns, in file order, with what each holds (the README repeats this
# table). Counts only: no row per visit, no e-scout pseudonym.
COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("library_id", pa.string(), "the library's id (Settings.library_id)"),
    ("municipality", pa.string(), "the library's municipality (Settings.municipality)"),
    (
        "kind",
        pa.string(),
        "consultations, bookings, booking_hours, scout_months, unmet, help_calls or no_free_time",
    ),
    ("date", pa.date32(), "the first day of the month the row counts"),
    ("topic", pa.string(), "topic slug (a form's first topic; the booked topic) or other"),
    ("age_group", pa.string(), "under_30, 30_49, 50_64, 65_74, 75_plus or other"),
    ("outcome", pa.string(), "solved, partly, referred, follow_up or other"),
    ("language", pa.string(), "the visitor's language (lt, en, ...), other; empty: walk-in"),
    ("first_visit", pa.bool_(), "first visit (true), repeat (false); empty: folded"),
    ("source", pa.string(), "kiosk, librarian, walk_in or other"),
    ("status", pa.string(), "booked, checked_in, done, no_show or cancelled (bookings)"),
    ("weekday", pa.int8(), "0 = Monday .. 6 (booking_hours)"),
    ("hour", pa.int8(), "start hour, local time (booking_hours)"),
    ("consultations", pa.int32(), "activity forms (at least 3 in a row)"),
    ("minutes", pa.int32(), "their minutes"),
    ("people", pa.int32(), "of them first visits (the kiosk's own rule)"),
    ("bookings", pa.int32(), "bookings (at least 3 in a row)"),
    ("no_shows", pa.int32(), "of them no-shows"),
    ("scouts_active", pa.int32(), "e-scouts with a consultation in the month"),
    ("shifts_held", pa.int32(), "e-scouts' shifts held (on time or late)"),
    ("shifts_missed", pa.int32(), "e-scouts' shifts missed"),
    ("scout_minutes", pa.int32(), "e-scouts' consultation minutes"),
    ("waitlist", pa.int32(), "waiting-list entries made in the month, by topic"),
    # Files written before these two columns lack them; they are read as empty.
    ("help_calls", pa.int32(), "visitors' calls for help at the kiosk in the month"),
    ("days_no_free_time", pa.int32(), "days in the month the topic had no free time to offer"),
]
# Schema version 2's columns in a file written before help calls and days without free time.
V2_FIRST_COLUMNS = 23
ARROW_SCHEMA = pa.schema([(name, kind) for name, kind, _ in COLUMNS])
# The measures of each kind of row; its other columns are its dimensions.
MEASURES = [name for name, _, _ in COLUMNS[13:]]
DIMENSIONS: dict[str, list[str]] = {
    CONSULTATIONS: ["topic", "age_group", "outcome", "language", "first_visit", "source"],
    BOOKINGS: ["topic", "language", "source", "status"],
    BOOKING_HOURS: ["weekday", "hour"],
    SCOUT_MONTHS: [],
    UNMET: ["topic"],
    HELP_CALLS: [],
    NO_FREE_TIME: ["topic"],
}


@dataclass(frozen=True)
class Header:
    """What the file's footer says about it."""

    schema: str
    version: int
    library_id: str
    municipality: str
    first: date
    last: date
    exported_at: str
    rows: int
    # The kiosk's random install id: two kiosks that chose the same library id differ here.
    install_id: str = ""
    # Ids this library's files came under before (an anonymous one, an older code): the
    # merge files their rows under ``library_id``.
    earlier_ids: tuple[str, ...] = ()
    # SHA-256 over the header's values and every row (``rows_checksum``); set when written.
    checksum: str = ""
    # Version 2: consultations and bookings in rows under 3 left out even once folded.
    suppressed_consultations: int = 0
    suppressed_bookings: int = 0
    # Version 2: the library's topics, (slug, Lithuanian name, English name) each, so the
    # programme's report names topics as the library does.
    topic_names: tuple[tuple[str, str, str], ...] = ()

    def values(self) -> dict[str, str]:
        """The footer's values but the checksum, as text."""
        extra = (
            {
                "suppressed_consultations": str(self.suppressed_consultations),
                "suppressed_bookings": str(self.suppressed_bookings),
            }
            if self.version >= 2
            else {}
        )
        if self.version >= 2 and self.topic_names:
            names = {slug: {"lt": lt, "en": en} for slug, lt, en in self.topic_names}
            extra["topic_names"] = json.dumps(names, ensure_ascii=False, sort_keys=True)
        return extra | {
            "schema": self.schema,
            "version": str(self.version),
            "library_id": self.library_id,
            "municipality": self.municipality,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "exported_at": self.exported_at,
            "rows": str(self.rows),
            "install_id": self.install_id,
            "earlier_ids": ",".join(self.earlier_ids),
        }

    def to_metadata(self) -> dict[bytes, bytes]:
        values = {**self.values(), "checksum": self.checksum}
        return {f"escout.{k}".encode(): v.encode() for k, v in values.items()}


class UnknownResultsFile(KioskError):
    """Not a results file, or one of a schema version this kiosk cannot read."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__("unknown_results_file", f"{path}: {why}")


class NotARegularFile(UnknownResultsFile):
    """A FIFO, device, socket or folder (or a link to one): skipped, never opened."""


# Bounds on what a file may say about itself. A kiosk's footer is a few KB and a busy
# library writes a few thousand rows a year; a reader must not parse megabytes of footer
# or take a row count it cannot hold.
MAX_FOOTER_BYTES = 1 << 20
MAX_ROWS = 1_000_000
MAX_TEXT = 200  # library id, municipality, export time
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NOT_REGULAR = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


@dataclass(frozen=True)
class ResultsFile:
    """A results file checked on its own: footer, columns and row count agree."""

    path: Path
    header: Header
    # Every row inside the header's library and period: a reader may then take the rows as
    # they are, unfiltered.
    within: bool
    # First and last date of the rows inside the header's period; None: no such rows.
    span: tuple[date, date] | None


def read_header(path: Path) -> Header:
    """The file's header from its footer alone; refuses anything but schema version 1."""
    return open_results_file(path).header


def open_results_file(path: Path) -> ResultsFile:
    """Check one results file in isolation; UnknownResultsFile (one line) if it is unfit.

    What is not a regular file is refused before it is opened (a FIFO would block the
    reader for good); the footer is bounded before it is parsed; the header, the columns and
    the row count must agree with schema version 1, and the rows with the footer's checksum.
    """
    return read_checked(path)[0]


def read_checked(path: Path) -> tuple[ResultsFile, pa.Table]:
    """The checked file and its rows, exactly as the checksum covered them."""
    try:
        with _open_regular(path) as f:
            parquet = _parquet(path, f)
            footer = parquet.metadata
            header = _header(path, footer.metadata or {})
            _check_columns(path, parquet.schema_arrow, header.version)
            _check_rows(path, header, footer)
            table = _checked_table(path, header, parquet)
            # From the rows the checksum covered, never from the footer's statistics (a
            # damaged statistic can abort the Parquet reader).
            within = _rows_within(table, header)
            span = _table_span(table, header)
    except UnknownResultsFile:
        raise
    except (OSError, pa.ArrowException) as exc:
        raise UnknownResultsFile(path, f"not a results file ({_cut(exc)})") from None
    except Exception as exc:  # whatever else a crafted file provokes: that file only
        raise UnknownResultsFile(path, f"unreadable ({type(exc).__name__}: {_cut(exc)})") from None
    return ResultsFile(path, header, within, span), table


def _checked_table(path: Path, header: Header, parquet: pq.ParquetFile) -> pa.Table:
    """Every row, refused unless the footer's checksum covers exactly them and the header."""
    for key, value in (("checksum", header.checksum), ("install_id", header.install_id)):
        if not value:
            raise UnknownResultsFile(
                path, f"no escout.{key} (written by an older kiosk: export the file again)"
            )
    try:
        table = parquet.read()
        table = table.cast(pa.schema(list(schema_of(header.version))[: table.num_columns]))
    except (OSError, pa.ArrowException) as exc:  # a damaged page
        raise UnknownResultsFile(path, f"rows unreadable ({_cut(exc)})") from None
    if table.num_rows != header.rows:
        raise UnknownResultsFile(path, f"escout.rows says {header.rows}, read {table.num_rows}")
    if rows_checksum(header, table) != header.checksum:
        raise UnknownResultsFile(
            path, "rows or header do not match the file's checksum (damaged in transit?)"
        )
    return _with_all_columns(table, header.version)


def _with_all_columns(table: pa.Table, version: int) -> pa.Table:
    """``table`` with the columns a file written before them lacks, empty."""
    for name, kind, _ in columns_of(version)[table.num_columns :]:
        table = table.append_column(pa.field(name, kind), pa.nulls(table.num_rows, kind))
    return table


def columns_of(version: int) -> list[tuple[str, pa.DataType, str]]:
    return V1_COLUMNS if version == 1 else COLUMNS


def schema_of(version: int) -> pa.Schema:
    return V1_SCHEMA if version == 1 else ARROW_SCHEMA


def rows_checksum(header: Header, table: pa.Table) -> str:
    """SHA-256 over the header's values (library id, period, export time, ...) and every
    value of every row, null or not, in a form independent of how Parquet stored them: of
    every column the file holds (a file written before the last columns of its version
    holds fewer; its checksum covers those it has)."""
    digest = hashlib.sha256(b"escout-results-checksum-1\0")
    for key, value in sorted(header.values().items()):
        _feed(digest, f"{key}={value}".encode())
    for name, _, _ in columns_of(header.version):
        if name not in table.column_names:
            break
        _feed_column(digest, table.column(name).combine_chunks())
    return digest.hexdigest()


def _feed(digest: Any, data: bytes) -> None:
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def _fixed(array: pa.Array, kind: pa.DataType, width: int) -> bytes:
    """The values of a numeric array as ``kind`` (nulls as 0), ``width`` bytes each, in
    place (Arrow keeps numbers little-endian on every machine a kiosk runs on)."""
    values = array if array.type == kind else array.cast(kind)
    if values.null_count:
        values = pc.fill_null(values, 0)
    buffer = values.buffers()[1]
    if buffer is None or len(values) == 0:
        return b""
    return bytes(memoryview(buffer)[values.offset * width : (values.offset + len(values)) * width])


def _feed_column(digest: Any, column: pa.Array) -> None:
    # The same bytes as the general case below, without its work where the answer is plain
    # (most columns of a file of counts have no null, or are null all through).
    n, nulls = len(column), column.null_count
    _feed(digest, b"\0" * n if nulls == 0 else _fixed(pc.is_null(column), pa.int8(), 1))
    kind = column.type
    if n and nulls == n and (pa.types.is_string(kind) or not pa.types.is_list(kind)):
        _feed(digest, b"\0" * (4 * n))  # every value 0 (a number) or empty (a text's length)
        if pa.types.is_string(kind):
            _feed(digest, b"")  # and no text
        return
    if pa.types.is_list(kind):
        _feed(digest, _fixed(pc.fill_null(pc.list_value_length(column), -1), pa.int32(), 4))
        _feed_column(digest, pc.list_flatten(column))
    elif pa.types.is_string(kind):
        # The lengths, then the bytes of every value one after the other (read in place).
        text = pc.fill_null(column, "")
        _feed(digest, _fixed(pc.binary_length(text), pa.int32(), 4))
        _, offsets, data = text.buffers()
        if offsets is None or data is None or len(text) == 0:
            _feed(digest, b"")
            return
        ends = pa.Array.from_buffers(pa.int32(), len(text) + 1, [None, offsets], 0, text.offset)
        first, last = ends[0].as_py(), ends[len(text)].as_py()
        _feed(digest, bytes(memoryview(data)[first:last]))
    else:  # date32, int8, int16, bool: their numbers
        _feed(digest, _fixed(column, pa.int32(), 4))


def dates_between(path: Path, first: date, last: date, *, months: bool = False) -> bool:
    """Whether the results file at ``path`` holds a row for a day of ``first``..``last``;
    ``months``: its rows count whole months (schema version 2), each dated the first."""
    with _open_regular(path) as f:
        dates = _parquet(path, f).read(columns=["date"]).column("date")
    if months:
        first = _month_of(first)
    low, high = pa.scalar(first, pa.date32()), pa.scalar(last, pa.date32())
    return bool(pc.any(pc.and_(pc.greater_equal(dates, low), pc.less_equal(dates, high))).as_py())


def _cut(value: object, limit: int = 200) -> str:
    """A value for a one-line message: no control characters, a long tail cut."""
    text = _CONTROL.sub(" ", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")


@contextmanager
def _open_regular(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened for reading if it is a regular file (a link to one is followed)."""
    try:
        kind = _not_regular(os.stat(path).st_mode)
    except OSError as exc:
        raise UnknownResultsFile(path, f"cannot read it ({exc.strerror or exc})") from None
    if kind:
        raise NotARegularFile(path, f"{kind}, not a regular file; not opened")
    # Non-blocking, so a FIFO put in its place since the check cannot hold the open.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnknownResultsFile(path, f"cannot read it ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as f:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind:
            raise NotARegularFile(path, f"{kind}, not a regular file")
        yield f


def _parquet(path: Path, f: BinaryIO) -> pq.ParquetFile:
    """The Parquet file on ``f``, once its footer is known to be of a sane size."""
    size = os.fstat(f.fileno()).st_size
    if size < 12:
        raise UnknownResultsFile(path, "not a results file (too short for Parquet)")
    f.seek(size - 8)
    tail = f.read(8)
    if tail[4:] != b"PAR1":
        raise UnknownResultsFile(path, "not a results file (not Parquet)")
    length = int.from_bytes(tail[:4], "little")
    if length > MAX_FOOTER_BYTES:
        raise UnknownResultsFile(
            path,
            f"footer of {length} bytes (a results file's is a few KB, at most {MAX_FOOTER_BYTES})",
        )
    f.seek(0)
    # The writer stores a CRC per page: a damaged page is refused before it is decoded.
    return pq.ParquetFile(f, page_checksum_verification=True)


def _rows_within(table: pa.Table, header: Header) -> bool:
    """Whether every row is of the header's library and municipality and in its period."""
    if table.num_rows == 0:
        return True
    dates = table.column("date")
    inside = pc.and_(
        pc.and_(
            pc.greater_equal(dates, pa.scalar(header.first, pa.date32())),
            pc.less_equal(dates, pa.scalar(header.last, pa.date32())),
        ),
        pc.and_(
            pc.equal(table.column("library_id"), header.library_id),
            pc.equal(table.column("municipality"), header.municipality),
        ),
    )
    return bool(pc.all(pc.fill_null(inside, False)).as_py())


def _table_span(table: pa.Table, header: Header) -> tuple[date, date] | None:
    """First and last day the rows inside the header's period cover, from the dates
    themselves: a row of version 2 counts its whole month (it is dated the month's first)."""
    dates = table.column("date")
    inside = pc.filter(
        dates,
        pc.and_(
            pc.greater_equal(dates, pa.scalar(header.first, pa.date32())),
            pc.less_equal(dates, pa.scalar(header.last, pa.date32())),
        ),
    )
    if len(inside) == 0:
        return None
    low_high = pc.min_max(inside)
    low, high = low_high["min"].as_py(), low_high["max"].as_py()
    if header.version >= 2:
        high = min(_month_end(high), header.last)
    return low, high


def _header(path: Path, meta: dict[bytes, bytes]) -> Header:
    values: dict[str, str] = {}
    for key, value in meta.items():
        if not key.startswith(b"escout."):
            continue
        try:
            values[key.decode()] = value.decode()
        except UnicodeDecodeError:
            raise UnknownResultsFile(
                path, f"footer entry {_cut(key.decode(errors='replace'), 40)} is not UTF-8 text"
            ) from None
    if values.get("escout.schema") != SCHEMA_NAME:
        raise UnknownResultsFile(path, "not a results file (no escout-results header)")
    version = _cut(values.get("escout.version", "?"), 20)
    if version not in {str(v) for v in READ_VERSIONS}:
        readable = " and ".join(str(v) for v in READ_VERSIONS)
        raise UnknownResultsFile(
            path, f"unknown results schema version {version} (this kiosk reads {readable})"
        )
    missing = [k for k in _HEADER_KEYS if f"escout.{k}" not in values]
    if missing:
        raise UnknownResultsFile(path, f"incomplete results header (no escout.{missing[0]})")
    header = Header(
        schema=SCHEMA_NAME,
        version=int(version),
        library_id=_text(path, values, "library_id", empty=False),
        municipality=_text(path, values, "municipality", empty=True),
        first=_day(path, values, "from"),
        last=_day(path, values, "to"),
        exported_at=_text(path, values, "exported_at", empty=False),
        rows=_count(path, values["escout.rows"]),
        install_id=_optional(path, values, "install_id", r"[0-9a-f]{16,64}"),
        earlier_ids=_earlier_ids(path, values),
        checksum=_optional(path, values, "checksum", r"[0-9a-f]{64}"),
    )
    if header.version >= 2:
        header = replace(
            header,
            suppressed_consultations=_suppressed(path, values, "suppressed_consultations"),
            suppressed_bookings=_suppressed(path, values, "suppressed_bookings"),
            topic_names=_topic_names(path, values),
        )
    if header.last < header.first:
        raise UnknownResultsFile(
            path, f"period ends ({header.last}) before it starts ({header.first})"
        )
    if header.version >= 2 and (
        header.first.day != 1 or (header.last + timedelta(days=1)).day != 1
    ):
        raise UnknownResultsFile(
            path,
            f"period {header.first}..{header.last} is not whole months "
            "(a file of schema version 2 counts by month)",
        )
    try:
        datetime.fromisoformat(header.exported_at).timestamp()
    except (ValueError, OverflowError, OSError):
        raise UnknownResultsFile(
            path, f"escout.exported_at is not an ISO time: {_cut(header.exported_at, 40)!r}"
        ) from None
    return header


def _suppressed(path: Path, values: dict[str, str], key: str) -> int:
    value = values.get(f"escout.{key}")
    if value is None:
        raise UnknownResultsFile(path, f"incomplete results header (no escout.{key})")
    if not re.fullmatch(r"[0-9]{1,9}", value, flags=re.ASCII):
        raise UnknownResultsFile(path, f"escout.{key} is {_cut(value, 24)!r}, not a count")
    return int(value)


MAX_TOPICS = 500


def _topic_names(path: Path, values: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """``escout.topic_names``: {slug: {"lt": name, "en": name}}, plain short lines only;
    none (an empty tuple) when the footer has no such entry."""
    text = values.get("escout.topic_names")
    if text is None:
        return ()
    why = "is not a map of topic names"
    try:
        names = json.loads(text)
    except ValueError:
        raise UnknownResultsFile(path, f"escout.topic_names {why}") from None
    if not isinstance(names, dict) or len(names) > MAX_TOPICS:
        raise UnknownResultsFile(path, f"escout.topic_names {why}")
    out: list[tuple[str, str, str]] = []
    for slug, by_lang in names.items():
        if not isinstance(by_lang, dict):
            raise UnknownResultsFile(path, f"escout.topic_names {why}")
        words = (slug, by_lang.get("lt"), by_lang.get("en"))
        plain = [w for w in words if isinstance(w, str) and len(w) <= MAX_TEXT]
        if len(plain) != 3 or any(_CONTROL.search(w) for w in plain):
            raise UnknownResultsFile(path, f"escout.topic_names {why}")
        out.append((plain[0], plain[1], plain[2]))
    return tuple(sorted(out))


_HEADER_KEYS = ("library_id", "municipality", "from", "to", "exported_at", "rows")


def _text(path: Path, values: dict[str, str], key: str, *, empty: bool) -> str:
    value = values[f"escout.{key}"]
    if not empty and not value.strip():
        raise UnknownResultsFile(path, f"escout.{key} is empty")
    if len(value) > MAX_TEXT or _CONTROL.search(value):
        raise UnknownResultsFile(
            path, f"escout.{key} is not a plain line of at most {MAX_TEXT} characters"
        )
    return value


def _optional(path: Path, values: dict[str, str], key: str, form: str) -> str:
    """A value that files of older kiosks lack (empty then); when present, of ``form``."""
    value = values.get(f"escout.{key}", "")
    if value and not re.fullmatch(form, value, flags=re.ASCII):
        raise UnknownResultsFile(path, f"escout.{key} is {_cut(value, 70)!r}, not {form}")
    return value


MAX_EARLIER_IDS = 20


def _earlier_ids(path: Path, values: dict[str, str]) -> tuple[str, ...]:
    raw = values.get("escout.earlier_ids", "")
    ids = tuple(i for i in raw.split(",") if i)
    if len(ids) > MAX_EARLIER_IDS or any(
        len(i) > MAX_TEXT or _CONTROL.search(i) or i != i.strip() for i in ids
    ):
        raise UnknownResultsFile(
            path, f"escout.earlier_ids is not up to {MAX_EARLIER_IDS} plain ids separated by commas"
        )
    return ids


def _day(path: Path, values: dict[str, str], key: str) -> date:
    value = values[f"escout.{key}"]
    try:
        return check_day(date.fromisoformat(value))
    except ValueError as exc:
        raise UnknownResultsFile(path, f"escout.{key}: {_cut(exc, 120)}") from None


def _count(path: Path, value: str) -> int:
    if not re.fullmatch(r"[0-9]{1,7}", value, flags=re.ASCII) or int(value) > MAX_ROWS:
        raise UnknownResultsFile(
            path, f"escout.rows is {_cut(value, 24)!r}, not a row count from 0 to {MAX_ROWS}"
        )
    return int(value)


def _check_rows(path: Path, header: Header, footer: pq.FileMetaData) -> None:
    """The header's row count is the file's, and the row groups add up to it."""
    groups = sum(footer.row_group(g).num_rows for g in range(footer.num_row_groups))
    if not header.rows == footer.num_rows == groups:
        raise UnknownResultsFile(
            path,
            f"escout.rows says {header.rows} rows, the file holds {footer.num_rows}"
            + (f" (its row groups {groups})" if groups != footer.num_rows else ""),
        )


def _plain(kind: pa.DataType) -> pa.DataType:
    """A type as the schema names it: large and view strings and lists are the same."""
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    if pa.types.is_large_list(kind) or pa.types.is_list_view(kind):
        return pa.list_(_plain(kind.value_type))
    if pa.types.is_list(kind):
        return pa.list_(_plain(kind.value_type))
    return kind


def _check_columns(path: Path, schema: pa.Schema, version: int) -> None:
    """The columns, in order, with the types of the file's schema version."""
    found = [(f.name, _plain(f.type)) for f in schema]
    columns = columns_of(version)
    for n, ((name, kind), (want, want_kind, _)) in enumerate(zip(found, columns, strict=False)):
        if name != want:
            raise UnknownResultsFile(
                path, f"column {n + 1} is {_cut(name, 40)!r}, schema version {version} has {want!r}"
            )
        if kind != want_kind:
            raise UnknownResultsFile(
                path, f"column {name} is {_cut(kind, 60)}, schema version {version} has {want_kind}"
            )
    # A file of version 2 written before help calls and days without free time lacks them.
    if len(found) != len(columns) and not (version == 2 and len(found) == V2_FIRST_COLUMNS):
        raise UnknownResultsFile(
            path, f"{len(found)} columns, schema version {version} has {len(columns)}"
        )


def write_results_table(path: Path, table: pa.Table, header: Header) -> Header:
    """Write ``table`` with ``header`` and their checksum atomically (temp, fsync, rename),
    mode 0600; the header as written. A header without an install id (tools, tests; a kiosk
    always has its own) gets one derived from the library id."""
    table = table.cast(schema_of(header.version))
    if not header.install_id:
        derived = hashlib.sha256(header.library_id.encode()).hexdigest()[:16]
        header = replace(header, install_id=derived)
    header = replace(header, checksum=rows_checksum(header, table))
    table = table.replace_schema_metadata(header.to_metadata())
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_page_checksum=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp inside write_bytes_atomic creates the file 0600, whatever the umask.
    write_bytes_atomic(path, sink.getvalue().to_pybytes())
    return header


def read_results(path: Path) -> tuple[Header, pa.Table]:
    """Header and rows of a results file (the version is checked first)."""
    checked, table = read_checked(path)
    return checked.header, table


# -- writing a library's file from its own data ----------------------------------------


def results_salt(services: Services) -> bytes:
    """This library's random salt for pseudonyms, made once and kept in the data file."""
    with services.store.snapshot() as tx:
        salt = tx.get_meta(SALT_META_KEY)
    if not salt:
        with services.store.transaction() as tx:
            salt = tx.get_meta(SALT_META_KEY)  # another process may have made it meanwhile
            if not salt:
                salt = secrets.token_hex(32)
                tx.set_meta(SALT_META_KEY, salt)
    return bytes.fromhex(salt)


def pseudonym(salt: bytes, value: str) -> str:
    """A salted hash: stable within one library, unlinkable to the id without the salt."""
    return hashlib.sha256(salt + b"\0" + value.encode("utf-8")).hexdigest()[:16]


def anonymous_id(salt: bytes) -> str:
    """The library's id while ``library_id`` is unset: a stable pseudonym of the data dir."""
    return f"anon-{pseudonym(salt, 'library')[:12]}"


def library_identity(services: Services, salt: bytes) -> tuple[str, str]:
    """(library id, municipality) from Settings; an unset id becomes a stable pseudonym."""
    settings = services.booking.settings()
    library_id = settings.library_id.strip() or anonymous_id(salt)
    return library_id, settings.municipality.strip()


def install_identity(services: Services, salt: bytes, library_id: str) -> tuple[str, list[str]]:
    """This data dir's random install id, and the library ids it exported under before
    ``library_id`` (its anonymous id always among them): the merge files their rows under
    the new id, so a library that sets or changes its id keeps its history and is not
    counted twice. Records ``library_id`` for the next export."""
    with services.store.transaction() as tx:
        install = tx.get_meta(INSTALL_META_KEY)
        if not install:
            install = secrets.token_hex(16)
            tx.set_meta(INSTALL_META_KEY, install)
        try:
            known = [str(i) for i in json.loads(tx.get_meta(IDS_META_KEY) or "[]")]
        except (ValueError, TypeError):
            known = []
        if library_id not in known:
            tx.set_meta(IDS_META_KEY, json.dumps([*known, library_id]))
    earlier = [i for i in dict.fromkeys([anonymous_id(salt), *known]) if i != library_id]
    return install, earlier[-MAX_EARLIER_IDS:]


def results_rows(
    services: Services, first: date, last: date, library: tuple[str, str]
) -> list[dict[str, Any]]:
    """The period's consultations and bookings, one row each in schema version 1's form,
    to be counted (``visit_counts``): these rows never leave the kiosk. A form is a first
    visit by the kiosk's own rule (``kiosk.results.reports``): it says so and its booking
    was not booked as the next session of an earlier one."""
    library_id, municipality = library
    records = ActivityService(services.store, services.clock).records(first, last)
    all_bookings = services.booking.bookings()
    by_id = {b.id: b for b in all_bookings}
    rows: list[dict[str, Any]] = []
    for r in records:
        booking = by_id.get(r.booking_id) if r.booking_id else None
        rows.append(
            {
                "library_id": library_id,
                "municipality": municipality,
                "kind": KIND_CONSULTATION,
                "date": date.fromisoformat(r.date),
                "hour": booking.starts.hour if booking else None,
                "minutes": r.minutes,
                "topics": list(r.topics),
                "scout": r.scout,
                "age_group": r.age_group,
                "outcome": r.outcome,
                "first_visit": r.first_visit and not (booking and booking.follows),
                "status": None,
                "source": booking.source if booking else WALK_IN,
                "language": booking.language if booking else None,
            }
        )
    for b in all_bookings:
        start = b.starts
        if not first <= start.date() <= last:
            continue
        rows.append(
            {
                "library_id": library_id,
                "municipality": municipality,
                "kind": KIND_BOOKING,
                "date": start.date(),
                "hour": start.hour,
                "minutes": int((b.ends - start).total_seconds() // 60),
                "topics": [b.topic],
                "scout": b.scout,
                "age_group": None,
                "outcome": None,
                "first_visit": None,
                "status": b.status,
                "source": b.source,
                "language": b.language,
            }
        )
    return rows


# -- counting visits (schema version 2) -------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Rows of schema version 2 by kind (without library, municipality and kind), and what
    was left out so that no row describes fewer than ``MIN_COUNT``."""

    tables: dict[str, pa.Table]
    suppressed_consultations: int = 0
    suppressed_bookings: int = 0


def _first_topic(topics: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Each row's first topic (null for none): a consultation counts once, under it."""
    if isinstance(topics, pa.ChunkedArray):
        topics = topics.combine_chunks()
    filled = pc.fill_null(topics, pa.scalar([], topics.type))
    return pc.list_slice(filled, 0, 1, return_fixed_size_list=True).flatten()


def _int(array: Any) -> pa.Array:
    return pc.cast(array, pa.int32())


def _grouped(table: pa.Table, keys: list[str], measures: list[str]) -> pa.Table:
    """``measures`` summed per ``keys`` (a null key is a key of its own)."""
    out = table.group_by(keys, use_threads=False).aggregate([(m, "sum") for m in measures])
    out = out.select(keys + [f"{m}_sum" for m in measures]).rename_columns(keys + measures)
    return out.cast(pa.schema([table.schema.field(c) for c in keys + measures]))


def _fold(
    table: pa.Table, keys: list[str], measure: str, kept: list[str], least: int
) -> tuple[pa.Table, int]:
    """Rows of ``table`` with ``measure`` under ``least`` folded into one per ``kept`` key
    (their other dimensions ``OTHER``, a folded ``first_visit`` empty); folded rows still
    under ``least`` left out. Returns the rows and the ``measure`` left out."""
    if least <= 1 or table.num_rows == 0:
        return table, 0
    small = pc.less(table.column(measure), least)
    big, few = table.filter(pc.invert(small)), table.filter(small)
    if few.num_rows == 0:
        return table, 0
    for key in keys:
        if key in kept:
            continue
        kind = few.schema.field(key).type
        folded_key = (
            pa.array([OTHER] * few.num_rows, kind)
            if pa.types.is_string(kind)
            else pa.nulls(few.num_rows, kind)
        )
        few = few.set_column(few.schema.get_field_index(key), key, folded_key)
    measures = [c for c in table.column_names if c not in keys]
    folded = _grouped(few, keys, measures)
    still = pc.less(folded.column(measure), least)
    lost = pc.sum(folded.filter(still).column(measure)).as_py() or 0
    return pa.concat_tables([big, folded.filter(pc.invert(still))]), int(lost)


def visit_counts(visits: pa.Table, *, by_month: bool, least: int | None = None) -> Counts:
    """Rows of schema version 1's form (a row per consultation and booking) as counts:
    consultations, bookings, bookings held by weekday x hour, and e-scouts active, per
    month (``by_month``) or per day. Rows under ``least`` (default ``MIN_COUNT``) are
    folded, then left out."""
    least = MIN_COUNT if least is None else least
    visits = visits.select(V1_SCHEMA.names).cast(V1_SCHEMA)
    dates = visits.column("date")
    visits = visits.append_column("weekday", pc.cast(pc.day_of_week(dates), pa.int8()))
    if by_month:
        dates = pc.floor_temporal(dates, unit="month")
    visits = visits.set_column(visits.schema.get_field_index("date"), "date", dates)
    kind = visits.column("kind")
    forms = visits.filter(pc.equal(kind, KIND_CONSULTATION))
    booked = visits.filter(pc.equal(kind, KIND_BOOKING))

    n = forms.num_rows
    c_keys = ["date", *DIMENSIONS[CONSULTATIONS]]
    c = pa.table(
        {
            "date": forms.column("date"),
            "topic": _first_topic(forms.column("topics")),
            "age_group": forms.column("age_group"),
            "outcome": forms.column("outcome"),
            "language": forms.column("language"),
            "first_visit": pc.fill_null(forms.column("first_visit"), True),
            "source": forms.column("source"),
            "consultations": pa.array([1] * n, pa.int32()),
            "minutes": _int(pc.fill_null(forms.column("minutes"), 0)),
            "people": _int(pc.fill_null(forms.column("first_visit"), True)),
        }
    )
    c = _grouped(c, c_keys, ["consultations", "minutes", "people"])
    c, lost_c = _fold(c, c_keys, "consultations", ["date"], least)

    m = booked.num_rows
    b_keys = ["date", *DIMENSIONS[BOOKINGS]]
    b = pa.table(
        {
            "date": booked.column("date"),
            "topic": _first_topic(booked.column("topics")),
            "language": booked.column("language"),
            "source": booked.column("source"),
            "status": booked.column("status"),
            "bookings": pa.array([1] * m, pa.int32()),
            "no_shows": _int(pc.fill_null(pc.equal(booked.column("status"), "no_show"), False)),
        }
    )
    b = _grouped(b, b_keys, ["bookings", "no_shows"])
    b, lost_b = _fold(b, b_keys, "bookings", ["date", "status"], least)

    held = booked.filter(pc.fill_null(pc.not_equal(booked.column("status"), "cancelled"), True))
    h = pa.table(
        {
            "date": held.column("date"),
            "weekday": held.column("weekday"),
            "hour": held.column("hour"),
            "bookings": pa.array([1] * held.num_rows, pa.int32()),
        }
    )
    h = _grouped(h, ["date", "weekday", "hour"], ["bookings"])
    if least > 1:
        h = h.filter(pc.greater_equal(h.column("bookings"), least))

    month = pc.floor_temporal(forms.column("date"), unit="month")
    s = pa.table(
        {"month": month, "date": forms.column("date"), "scout": forms.column("scout"),
         "minutes": pc.fill_null(forms.column("minutes"), 0)}
    )  # fmt: skip
    s = s.group_by(["month"], use_threads=False).aggregate(
        [("date", "min"), ("scout", "count_distinct"), ("minutes", "sum")]
    )
    s = pa.table(
        {
            "date": s.column("date_min"),
            "scouts_active": _int(s.column("scout_count_distinct")),
            "scout_minutes": _int(s.column("minutes_sum")),
        }
    )
    return Counts(
        {CONSULTATIONS: c, BOOKINGS: b, BOOKING_HOURS: h, SCOUT_MONTHS: s},
        suppressed_consultations=lost_c,
        suppressed_bookings=lost_b,
    )


def counts_table(tables: dict[str, pa.Table], library_id: str, municipality: str) -> pa.Table:
    """``tables`` (by kind) as one table of schema version 2, in a stable order."""
    parts = []
    for kind in KINDS:
        t = tables.get(kind)
        if t is None or t.num_rows == 0:
            continue
        n = t.num_rows
        columns = {
            "library_id": pa.array([library_id] * n, pa.string()),
            "municipality": pa.array([municipality] * n, pa.string()),
            "kind": pa.array([kind] * n, pa.string()),
        }
        for name, typ, _ in COLUMNS[3:]:
            columns[name] = t.column(name).cast(typ) if name in t.column_names else pa.nulls(n, typ)
        part = pa.table(columns, schema=ARROW_SCHEMA)
        order = [(k, "ascending") for k in ["date", *DIMENSIONS[kind]]]
        parts.append(part.sort_by(order))
    if not parts:
        return ARROW_SCHEMA.empty_table()
    return pa.concat_tables(parts)


def as_counts(header: Header, table: pa.Table) -> pa.Table:
    """A checked file's rows as schema version 2's counts: a version 1 file's rows are
    counted per day (its period need not be whole months), nothing folded."""
    if header.version >= 2:
        return table
    counted = visit_counts(table, by_month=False, least=1)
    return counts_table(counted.tables, header.library_id, header.municipality)


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _months(first: date, last: date) -> list[tuple[date, date]]:
    out = []
    day = first
    while day <= last:
        out.append((day, _month_end(day)))
        day = _month_end(day) + timedelta(days=1)
    return out


def scout_and_unmet_rows(
    services: Services, first: date, last: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per month: e-scouts' shifts held and missed; waiting-list entries made, by topic (as
    far as the data dir still holds them: a booked or expired entry is gone)."""
    shifts = []
    for lo, hi in _months(first, last):
        months = services.scout_day.months(lo, hi).values()
        held = sum(m.held for m in months)
        missed = sum(len(m.missed) for m in months)
        if held or missed:
            shifts.append({"date": lo, "shifts_held": held, "shifts_missed": missed})
    waiting: dict[tuple[date, str], int] = {}
    for e in services.waitlist.entries():
        day = e.created.date()
        if first <= day <= last:
            key = (_month_of(day), e.topic)
            waiting[key] = waiting.get(key, 0) + 1
    unmet = [{"date": d, "topic": t, "waitlist": n} for (d, t), n in sorted(waiting.items())]
    return shifts, unmet


def help_and_full_days(services: Services, first: date, last: date) -> dict[str, pa.Table]:
    """Per month: visitors' calls for help, and per topic the days it had no free time to
    offer (today's noted first, if the daily purge has not yet).

    Not folded like consultations: a call counts taps of a button and keeps nothing of who
    tapped (not even which kiosk or when), and a day without free time describes the
    library's timetable; no row describes a person, whatever its number."""
    services.retention.note_free_time()
    calls = [
        {"date": month, "help_calls": n}
        for month, n in sorted(services.helpcalls.monthly_counts(first, last).items())
    ]
    days = [
        {"date": month, "topic": topic, "days_no_free_time": n}
        for (month, topic), n in sorted(
            services.retention.days_without_free_time(first, last).items()
        )
    ]
    return {
        HELP_CALLS: pa.Table.from_pylist(
            calls, schema=pa.schema([("date", pa.date32()), ("help_calls", pa.int32())])
        ),
        NO_FREE_TIME: pa.Table.from_pylist(
            days,
            schema=pa.schema(
                [("date", pa.date32()), ("topic", pa.string()), ("days_no_free_time", pa.int32())]
            ),
        ),
    }


def default_period(services: Services) -> tuple[date, date]:
    """Everything up to today: from the earliest form or booking (or today) to today."""
    today = as_local(services.clock.now()).date()
    forms = ActivityService(services.store, services.clock).records()
    dates = [date.fromisoformat(r.date) for r in forms]
    dates += [b.starts.date() for b in services.booking.bookings()]
    return (min([*dates, today]), today)


def export_programme_results(
    services: Services, out: Path, first: date | None = None, last: date | None = None
) -> Header:
    """Write this library's results file for the whole months ``first``..``last`` fall in
    (default: all up to this month's end): counts, no row under ``MIN_COUNT``."""
    if first is None or last is None:
        start, end = default_period(services)
        first = first or start
        last = last or end
    if last < first:
        raise KioskError("bad_period", "--to is before --from")
    first, last = _month_of(first), _month_end(last)
    salt = results_salt(services)
    library = library_identity(services, salt)
    install, earlier = install_identity(services, salt, library[0])
    visits = pa.Table.from_pylist(results_rows(services, first, last, library), schema=V1_SCHEMA)
    counted = visit_counts(visits, by_month=True)
    shifts, unmet = scout_and_unmet_rows(services, first, last)
    tables = dict(counted.tables)
    tables[SCOUT_MONTHS] = _with_shifts(tables[SCOUT_MONTHS], shifts)
    tables[UNMET] = pa.Table.from_pylist(
        unmet,
        schema=pa.schema([("date", pa.date32()), ("topic", pa.string()), ("waitlist", pa.int32())]),
    )
    tables.update(help_and_full_days(services, first, last))
    table = counts_table(tables, *library)
    header = Header(
        schema=SCHEMA_NAME,
        version=SCHEMA_VERSION,
        library_id=library[0],
        municipality=library[1],
        first=first,
        last=last,
        exported_at=as_local(services.clock.now()).isoformat(),
        rows=table.num_rows,
        install_id=install,
        earlier_ids=tuple(earlier),
        suppressed_consultations=counted.suppressed_consultations,
        suppressed_bookings=counted.suppressed_bookings,
        topic_names=tuple(
            sorted(
                (t.slug, t.name("lt"), t.name("en"))
                for t in services.booking.topics(active_only=False)
            )
        ),
    )
    return write_results_table(out, table, header)


def _with_shifts(scouts: pa.Table, shifts: list[dict[str, Any]]) -> pa.Table:
    """One row per month: e-scouts active and their minutes, and the shifts on record."""
    months: dict[date, dict[str, Any]] = {}
    for row in scouts.to_pylist():
        months[_month_of(row["date"])] = {**row, "date": _month_of(row["date"])}
    for row in shifts:
        months.setdefault(row["date"], {"date": row["date"]}).update(row)
    schema = pa.schema(
        [("date", pa.date32())]
        + [(k, pa.int32()) for k in ("scouts_active", "shifts_held", "shifts_missed",
                                      "scout_minutes")]
    )  # fmt: skip
    rows = [
        {k: months[d].get(k, 0) if k != "date" else d for k in schema.names} for d in sorted(months)
    ]
    return pa.Table.from_pylist(rows, schema=schema)
