"""A transaction's view of the data file, and the parsed copy a process reuses.

Documents are plain dicts. The bookings table has an in-memory index (db/hot.py) so that
look-ups by id, code or token hash and "what ends after now" never scan the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Table

from db.history import BOOKINGS_TABLE, History
from db.hot import HotIndex
from db.schema import META_TABLE
from db.storage import BufferStorage

Doc = dict[str, Any]


def where_equal(fields: dict[str, Any]) -> Any:
    """A TinyDB condition: every given field equals its value."""
    q = Query()
    cond = None
    for key, value in fields.items():
        part = q[key] == value
        cond = part if cond is None else cond & part
    return cond


class Tx:
    """One consistent view of the data; changes are kept until the transaction commits.

    Documents are plain dicts. Treat what you read as read-only: replace a list, never
    append to it in place.

    The bookings table has fast paths: equality on ``id``, ``code`` or ``token_hash`` is
    answered from an in-memory index, inserts and updates by those keys replace documents
    (copy-on-write) instead of rebuilding the whole table through TinyDB. Everything else
    goes through TinyDB as before. ``find_booking`` and ``all_bookings`` also see the
    archived history.
    """

    def __init__(
        self,
        data: dict[str, Any],
        writable: bool,
        cached: Cached | None = None,
        history: History | None = None,
    ) -> None:
        if writable:
            data = dict(data)  # TinyDB sets tables on this dict; keep the cached copy intact
        self._storage_data = data
        self._db = TinyDB(data, storage=BufferStorage)
        self.writable = writable
        self._cached = cached
        self._history = history
        self._own_index: HotIndex | None = None
        self._hot_touched = False  # the bookings table was copied or changed in this tx
        self._fast_dirty = False

    @property
    def dirty(self) -> bool:
        return self._fast_dirty or bool(self._db.storage.dirty)  # type: ignore[attr-defined]

    @property
    def data(self) -> dict[str, Any]:
        return self._db.storage.data  # type: ignore[attr-defined]

    def _table(self, name: str) -> Table:
        return self._db.table(name, cache_size=0)

    def _check_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("this is a read-only snapshot; use Store.transaction()")

    # -- the hot bookings index -----------------------------------------------------

    def _raw(self, table: str) -> dict[str, Doc]:
        return self.data.get(table) or {}

    def _index(self) -> HotIndex:
        if self._hot_touched:
            if self._own_index is None:
                self._own_index = HotIndex.build(self._raw(BOOKINGS_TABLE))
            return self._own_index
        cached = self._cached
        if cached is None:
            if self._own_index is None:
                self._own_index = HotIndex.build(self._raw(BOOKINGS_TABLE))
            return self._own_index
        if cached.index is None:
            cached.index = HotIndex.build(self._raw(BOOKINGS_TABLE))
        return cached.index

    def index_for_commit(self) -> HotIndex | None:
        """The index matching ``data`` after this tx, if it is known without rebuilding."""
        if self._hot_touched:
            return self._own_index
        return self._cached.index if self._cached is not None else None

    def _begin_hot_write(self) -> tuple[dict[str, Doc], HotIndex]:
        """Copy-on-write of the bookings table and its index, once per transaction."""
        self._check_writable()
        if not self._hot_touched:
            base = self._index()
            self._own_index = base.copy()
            self.data[BOOKINGS_TABLE] = dict(self._raw(BOOKINGS_TABLE))
            self._hot_touched = True
        elif self._own_index is None:
            self._own_index = HotIndex.build(self._raw(BOOKINGS_TABLE))
        if BOOKINGS_TABLE not in self.data:
            self.data[BOOKINGS_TABLE] = {}
        return self.data[BOOKINGS_TABLE], self._own_index

    def _generic_hot_write(self) -> None:
        """A TinyDB write on the bookings table: the index is rebuilt when next needed."""
        self._hot_touched = True
        self._own_index = None

    @staticmethod
    def _indexed(table: str, equals: dict[str, Any]) -> tuple[str, Any] | None:
        if table == BOOKINGS_TABLE and len(equals) == 1:
            ((key, value),) = equals.items()
            if key in HotIndex.FIELDS:
                return key, value
        return None

    # -- reading --------------------------------------------------------------------

    def all(self, table: str) -> list[Doc]:
        return [dict(d) for d in self._raw(table).values()]

    def find(self, table: str, **equals: Any) -> list[Doc]:
        if not equals:
            return self.all(table)
        if self._indexed(table, equals):
            found = self.get(table, **equals)
            return [found] if found is not None else []
        return [dict(d) for d in self._table(table).search(where_equal(equals))]

    def get(self, table: str, **equals: Any) -> Doc | None:
        keyed = self._indexed(table, equals)
        if keyed is not None:
            doc_id = self._index().lookup(*keyed)
            doc = self._raw(table).get(doc_id) if doc_id is not None else None
            return dict(doc) if doc is not None else None
        found = self._table(table).get(where_equal(equals))
        return dict(found) if found is not None else None

    def find_booking(self, **equals: Any) -> Doc | None:
        """The booking with this ``code`` or ``token_hash`` (or ``id``), hot file first,
        then the archived history. Archived bookings are closed; change them only through
        ``Store.rewrite_archived``."""
        keyed = self._indexed(BOOKINGS_TABLE, equals)
        if keyed is None:
            raise ValueError("find_booking takes exactly one of id=, code=, token_hash=")
        found = self.get(BOOKINGS_TABLE, **equals)
        if found is not None or self._history is None or keyed[0] == "id":
            return found
        return self._history.find(*keyed)

    def bookings_ending_after(self, moment: datetime) -> list[Doc]:
        """Hot bookings whose end is later than ``moment`` (every status), soonest end first.

        Everything archived ended before the archive cutoff, so this is complete for any
        ``moment`` after it (the kiosk only ever asks about now and later). The documents
        are the stored ones, not copies (this is the hot path): never change them."""
        table = self._raw(BOOKINGS_TABLE)
        return [table[i] for i in self._index().ending_after(moment) if i in table]

    def all_bookings(
        self, include_history: bool = True, months: Iterable[str] | None = None
    ) -> Iterator[Doc]:
        """Every booking: the archived history (month by month) and then the hot file.

        ``months`` ('YYYY-MM') limits the archive part to those months. An archived copy of
        a booking that is still in the hot file (a move cut short) is skipped: the hot copy
        is the current one."""
        hot = self._raw(BOOKINGS_TABLE)
        if include_history and self._history is not None:
            hot_ids = self._index().by["id"]
            for doc in self._history.iter_all(months):
                if doc.get("id") not in hot_ids:
                    yield doc
        for doc in hot.values():
            yield dict(doc)

    # -- writing --------------------------------------------------------------------

    def insert(self, table: str, doc: Doc) -> None:
        self._check_writable()
        if table == BOOKINGS_TABLE:
            rows, index = self._begin_hot_write()
            doc_id = str(index.next_id)
            rows[doc_id] = dict(doc)
            index.add(doc_id, rows[doc_id])
            self._fast_dirty = True
            return
        self._table(table).insert(doc)

    def update(self, table: str, changes: Doc, **equals: Any) -> int:
        self._check_writable()
        keyed = self._indexed(table, equals)
        if keyed is not None:
            doc_id = self._index().lookup(*keyed)
            if doc_id is None or doc_id not in self._raw(table):
                return 0
            rows, index = self._begin_hot_write()
            old = rows[doc_id]
            new = {**old, **changes}
            rows[doc_id] = new
            index.replace(doc_id, old, new)
            self._fast_dirty = True
            return 1
        if table == BOOKINGS_TABLE:
            self._begin_hot_write()
            self._generic_hot_write()
        return len(self._table(table).update(changes, where_equal(equals)))

    def upsert(self, table: str, doc: Doc, **equals: Any) -> None:
        self._check_writable()
        if self.update(table, doc, **equals) == 0:
            self.insert(table, doc)

    def remove(self, table: str, **equals: Any) -> int:
        self._check_writable()
        if table == BOOKINGS_TABLE:
            self._begin_hot_write()
            self._generic_hot_write()
        return len(self._table(table).remove(where_equal(equals)))

    def replace_all(self, table: str, docs: list[Doc]) -> None:
        self._check_writable()
        if table == BOOKINGS_TABLE:
            self._begin_hot_write()
            self._generic_hot_write()
        t = self._table(table)
        t.truncate()
        if docs:
            t.insert_multiple(docs)

    def get_meta(self, key: str, default: Any = None) -> Any:
        doc = self._raw(META_TABLE).get("1")
        return default if doc is None else doc.get(key, default)

    def set_meta(self, key: str, value: Any) -> None:
        """Keep a value beside the schema version (e.g. the results file's pseudonym salt)."""
        self._check_writable()
        table = self._table(META_TABLE)
        if table.get(doc_id=1) is None:
            table.insert({key: value})
        else:
            table.update({key: value}, doc_ids=[1])


@dataclass
class Cached:
    """A parsed data file, reused while its (inode, size, mtime_ns) is unchanged."""

    identity: tuple[int, int, int]
    data: dict[str, Any]
    index: HotIndex | None = field(default=None)
