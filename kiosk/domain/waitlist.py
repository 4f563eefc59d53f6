"""The waiting list: visitors who found no time that suits them leave a name to be called.

An entry holds a first name, an optional phone and the visitor's language for one topic.
The console shows who is waiting (oldest first) whenever the topic has free times again;
booking for an entry removes it. Entries are personal data: each expires
``Settings.waitlist_days`` after it was made, or ``Settings.retention_days`` after if that is
sooner, and is then erased by any read or write of the list and by the purge (``kiosk purge``,
nightly), never kept longer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from db import Store, Tx
from kiosk.domain.booking import BookingService, Ticket
from kiosk.domain.clock import Clock, as_local
from kiosk.domain.errors import NotFound
from kiosk.domain.models import Source, WaitlistEntry
from kiosk.domain.records import TOPICS, load_settings
from kiosk.domain.reminders import MESSAGES, Kind, check_consent
from kiosk.domain.service import StoreService
from kiosk.domain.validation import clean_name, normalize_phone

WAITLIST = "waitlist"


def is_due(doc: dict[str, Any], now: datetime, retention_days: int) -> bool:
    """Is a stored entry to be erased: expired, or made ``retention_days`` ago or more?

    An entry whose times cannot be read is due: nothing proves it is still within them."""
    try:
        expires = as_local(datetime.fromisoformat(str(doc["expires_at"])))
        made = as_local(datetime.fromisoformat(str(doc["created_at"])))
        return min(expires, made + timedelta(days=retention_days)) <= now
    except (KeyError, TypeError, ValueError):
        return True
    except OverflowError:  # made near the end of the calendar: due long after any now
        return False


def erase_due(tx: Tx, now: datetime, retention_days: int) -> int:
    """Remove the entries due (``is_due``) in ``tx``; how many went."""
    due = [doc["id"] for doc in tx.all(WAITLIST) if is_due(doc, now, retention_days)]
    for entry_id in due:
        tx.remove(WAITLIST, id=entry_id)
    return len(due)


@dataclass(frozen=True)
class Waiting:
    """A topic with free times again and the people waiting for it, oldest first."""

    topic: str
    entries: list[WaitlistEntry]
    free_times: int


class WaitlistService(StoreService):
    def __init__(self, store: Store, clock: Clock, booking: BookingService) -> None:
        super().__init__(store, clock)
        self.booking = booking

    def add(
        self,
        topic: str,
        name: str,
        phone: str | None = None,
        language: str = "lt",
        remind: bool = False,
    ) -> WaitlistEntry:
        """Put a visitor on the list for a topic (name and phone checked as for a booking).

        ``remind``: they agreed to one text message when a time of the topic frees up."""
        clean = clean_name(name)
        phone_norm = normalize_phone(phone)
        check_consent(remind, phone_norm, None)
        now = self.now()
        with self.store.transaction() as tx:
            if tx.get(TOPICS, slug=topic) is None:
                raise NotFound("unknown_topic", f"no topic {topic!r}")
            self._drop_expired(tx, now)
            days = load_settings(tx).waitlist_days
            entry = WaitlistEntry(
                id=uuid.uuid4().hex[:12],
                topic=topic,
                name=clean,
                phone=phone_norm,
                language=language,
                created_at=now.isoformat(),
                expires_at=(now + timedelta(days=days)).isoformat(),
                remind=remind,
            )
            tx.insert(WAITLIST, entry.to_dict())
        return entry

    def entries(self, topic: str | None = None) -> list[WaitlistEntry]:
        """Who is waiting (for one topic, or all), oldest first; expired entries are erased."""
        with self.store.transaction() as tx:
            self._drop_expired(tx, self.now())
            docs = tx.find(WAITLIST, topic=topic) if topic else tx.all(WAITLIST)
        return sorted((WaitlistEntry.from_dict(d) for d in docs), key=lambda e: e.created_at)

    def remove(self, entry_id: str) -> WaitlistEntry:
        with self.store.transaction() as tx:
            doc = tx.get(WAITLIST, id=entry_id)
            if doc is None:
                raise NotFound("unknown_entry", f"no waiting-list entry {entry_id!r}")
            tx.remove(WAITLIST, id=entry_id)
        return WaitlistEntry.from_dict(doc)

    def waiting_with_free_times(self) -> list[Waiting]:
        """Topics that people wait for and that have free times now (for the console)."""
        by_topic: dict[str, list[WaitlistEntry]] = {}
        for entry in self.entries():
            by_topic.setdefault(entry.topic, []).append(entry)
        found = []
        for topic, waiting in by_topic.items():
            try:
                free = len(self.booking.free_slots(topic))
            except NotFound:  # the topic was removed since
                continue
            if free:
                found.append(Waiting(topic, waiting, free))
        return sorted(found, key=lambda w: w.entries[0].created_at)

    def book_for(self, entry_id: str, start: datetime, scout: str | None = None) -> Ticket:
        """Book a free time for a waiting visitor (at the desk); the entry leaves the list."""
        entry = next((e for e in self.entries() if e.id == entry_id), None)
        if entry is None:
            raise NotFound("unknown_entry", f"no waiting-list entry {entry_id!r}")
        ticket = self.booking.book(
            entry.topic,
            start,
            entry.name,
            entry.phone,
            scout=scout,
            language=entry.language,
            source=Source.LIBRARIAN,
        )
        with self.store.transaction() as tx:
            tx.remove(WAITLIST, id=entry_id)
            # An offer sent to this entry served someone: the waiting-list tab counts them.
            stamp = {"served_at": self.now().isoformat()}
            tx.update(MESSAGES, stamp, ref=entry_id, kind=str(Kind.OFFER))
        return ticket

    @staticmethod
    def _drop_expired(tx: Tx, now: datetime) -> None:
        erase_due(tx, now, load_settings(tx).retention_days)
