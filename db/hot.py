"""In-memory indexes over the hot bookings table, reused while the file is unchanged.

Built once per parsed copy of ``kiosk.json`` (so once per change of the file's identity,
not once per question) and carried forward through this process's own commits, so a
look-up by code or token is a dict hit and "what is still ahead" is a bisect, instead of
TinyDB's scan of every document with a ``Query``.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from datetime import datetime
from typing import Any

UNIQUE_FIELDS = ("id", "code", "token_hash")

Doc = dict[str, Any]


def _end_key(doc: Doc) -> float:
    try:
        return datetime.fromisoformat(str(doc["end"])).timestamp()
    except (KeyError, TypeError, ValueError):
        return float("inf")  # no usable end: always counts as "still ahead"


class HotIndex:
    """field value -> TinyDB doc id for id/code/token_hash, plus doc ids sorted by end time."""

    FIELDS = UNIQUE_FIELDS
    __slots__ = ("by", "ends", "next_id")

    def __init__(self) -> None:
        self.by: dict[str, dict[str, str]] = {f: {} for f in UNIQUE_FIELDS}
        self.ends: list[tuple[float, str]] = []
        self.next_id = 1

    @classmethod
    def build(cls, table: dict[str, Doc]) -> HotIndex:
        index = cls()
        ends = []
        top = 0
        for doc_id, doc in table.items():
            for f in UNIQUE_FIELDS:
                value = doc.get(f)
                if value:
                    index.by[f][value] = doc_id
            ends.append((_end_key(doc), doc_id))
            top = max(top, int(doc_id))
        ends.sort()
        index.ends = ends
        index.next_id = top + 1
        return index

    def copy(self) -> HotIndex:
        other = HotIndex()
        other.by = {f: dict(m) for f, m in self.by.items()}
        other.ends = list(self.ends)
        other.next_id = self.next_id
        return other

    def add(self, doc_id: str, doc: Doc) -> None:
        for f in UNIQUE_FIELDS:
            value = doc.get(f)
            if value:
                self.by[f][value] = doc_id
        insort(self.ends, (_end_key(doc), doc_id))
        self.next_id = max(self.next_id, int(doc_id) + 1)

    def drop(self, doc_id: str, doc: Doc) -> None:
        for f in UNIQUE_FIELDS:
            value = doc.get(f)
            if value and self.by[f].get(value) == doc_id:
                del self.by[f][value]
        entry = (_end_key(doc), doc_id)
        at = bisect_right(self.ends, entry) - 1
        if at >= 0 and self.ends[at] == entry:
            del self.ends[at]

    def replace(self, doc_id: str, old: Doc, new: Doc) -> None:
        """``old`` became ``new`` under the same doc id; touches only what changed."""
        for f in UNIQUE_FIELDS:
            before, after = old.get(f), new.get(f)
            if before != after:
                if before and self.by[f].get(before) == doc_id:
                    del self.by[f][before]
                if after:
                    self.by[f][after] = doc_id
        if old.get("end") != new.get("end"):
            entry = (_end_key(old), doc_id)
            at = bisect_right(self.ends, entry) - 1
            if at >= 0 and self.ends[at] == entry:
                del self.ends[at]
            insort(self.ends, (_end_key(new), doc_id))

    def lookup(self, field: str, value: Any) -> str | None:
        return self.by[field].get(value)

    def ending_after(self, moment: datetime) -> list[str]:
        """Doc ids whose end is later than ``moment``, soonest end first."""
        at = bisect_right(self.ends, (moment.timestamp(), "\uffff"))
        return [doc_id for _, doc_id in self.ends[at:]]
