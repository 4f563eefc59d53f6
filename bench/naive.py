"""The naive baseline: TinyDB's default ``JSONStorage`` holding every booking in one file.

It is given the same ``Tx`` surface as ``db.Store`` so the very same ``BookingService``
code runs on it. It is the charitable naive version: each operation reads and parses the
whole file once through ``JSONStorage`` (not once per query), answers queries with TinyDB
``Query`` scans, and a change is written back once through ``JSONStorage.write`` (which
rewrites the file in place and fsyncs).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage, MemoryStorage

from db.store import where_equal


class NaiveTx:
    def __init__(self, data: dict[str, Any]) -> None:
        self._db = TinyDB(storage=MemoryStorage)
        self._db.storage.write(data)
        self.dirty = False

    @property
    def data(self) -> dict[str, Any]:
        return self._db.storage.read() or {}

    def _t(self, name: str):
        return self._db.table(name, cache_size=0)

    def all(self, table: str) -> list[dict]:
        return [dict(d) for d in self._t(table).all()]

    def find(self, table: str, **equals: Any) -> list[dict]:
        return [dict(d) for d in self._t(table).search(where_equal(equals))]

    def get(self, table: str, **equals: Any) -> dict | None:
        found = self._t(table).get(where_equal(equals))
        return dict(found) if found is not None else None

    def find_booking(self, **equals: Any) -> dict | None:
        return self.get("bookings", **equals)  # one file: the history is in it

    def bookings_ending_after(self, moment: datetime) -> list[dict]:
        return self.all("bookings")  # no index: every booking (the caller filters by end)

    def all_bookings(self, include_history: bool = True, months: Any = None) -> Iterator[dict]:
        return iter(self.all("bookings"))

    def insert(self, table: str, doc: dict) -> None:
        self._t(table).insert(doc)
        self.dirty = True

    def update(self, table: str, changes: dict, **equals: Any) -> int:
        self.dirty = True
        return len(self._t(table).update(changes, where_equal(equals)))

    def get_meta(self, key: str, default: Any = None) -> Any:
        doc = self._t("meta").get(doc_id=1)
        return default if doc is None else doc.get(key, default)


class NaiveStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _open(self, write: bool) -> Iterator[NaiveTx]:
        db = TinyDB(self.path)  # the default: JSONStorage
        try:
            storage: JSONStorage = db.storage  # type: ignore[assignment]
            tx = NaiveTx(storage.read() or {})
            yield tx
            if write and tx.dirty:
                storage.write(tx.data)
        finally:
            db.close()

    def transaction(self):
        return self._open(write=True)

    def snapshot(self, locked: bool = False):
        return self._open(write=False)
