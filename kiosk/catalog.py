"""Library set-up: settings, topics, e-scouts, their weekly times, exceptions, closures."""

from __future__ import annotations

import uuid
from datetime import time

from db import Store, Tx
from kiosk.booking import (
    CLOSURES,
    EXCEPTIONS,
    OPEN_STATUSES,
    SCOUTS,
    SETTINGS,
    TOPICS,
    WEEKLY,
    load_scouts,
    load_settings,
    load_topics,
)
from kiosk.clock import Clock, as_local
from kiosk.i18n import Translator
from kiosk.models import (
    Booking,
    Closure,
    DatedException,
    ExceptionKind,
    Place,
    Scout,
    Settings,
    Topic,
    WeeklyTime,
)
from kiosk.ticket_content import TicketContent, build_ticket_content

PLACES = "places"


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def load_places(tx: Tx) -> list[Place]:
    return sorted((Place.from_dict(d) for d in tx.all(PLACES)), key=lambda p: p.name.casefold())


def load_place(tx: Tx, name: str) -> Place | None:
    """The place record of a place name (a name with no record yet: None)."""
    doc = tx.get(PLACES, name=name)
    return Place.from_dict(doc) if doc else None


class CatalogService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def settings(self) -> Settings:
        with self.store.snapshot() as tx:
            return load_settings(tx)

    def save_settings(self, settings: Settings) -> None:
        with self.store.transaction() as tx:
            tx.upsert(SETTINGS, {"key": "library", **settings.to_dict()}, key="library")

    def topics(self) -> list[Topic]:
        with self.store.snapshot() as tx:
            return load_topics(tx)

    def save_topic(self, topic: Topic) -> None:
        with self.store.transaction() as tx:
            tx.upsert(TOPICS, topic.to_dict(), slug=topic.slug)

    def places(self) -> list[Place]:
        """Every place record, and a bare one for each place name used without a record."""
        with self.store.snapshot() as tx:
            places = load_places(tx)
            used = {d.get("place", "") for d in (*tx.all(WEEKLY), *tx.all(EXCEPTIONS))}
        known = {p.name for p in places}
        bare = [Place(name) for name in sorted(used - known) if name]
        return sorted([*places, *bare], key=lambda p: p.name.casefold())

    def place(self, name: str) -> Place | None:
        with self.store.snapshot() as tx:
            return load_place(tx, name)

    def save_place(self, place: Place) -> None:
        """Add or change a place (its Lithuanian name is its key; bookings keep theirs)."""
        with self.store.transaction() as tx:
            tx.upsert(PLACES, place.to_dict(), name=place.name)

    def ticket_content(self, booking: Booking, token: str, lang: str) -> TicketContent:
        """The visitor's ticket for ``booking`` (``token``: the QR; "" for none) in ``lang``."""
        with self.store.snapshot() as tx:
            settings = load_settings(tx)
            topic = next((x for x in load_topics(tx) if x.slug == booking.topic), None)
            scout = next((x for x in load_scouts(tx) if x.id == booking.scout), None)
            place = load_place(tx, booking.place)
        return build_ticket_content(
            Translator(lang),
            booking,
            token,
            library=settings.library_name,
            topic=topic,
            place=place,
            scout=scout,
            today=as_local(self.clock.now()).date(),
        )

    def scouts(self) -> list[Scout]:
        with self.store.snapshot() as tx:
            return load_scouts(tx)

    def save_scout(self, scout: Scout) -> None:
        with self.store.transaction() as tx:
            tx.upsert(SCOUTS, scout.to_dict(), id=scout.id)

    def weekly_times(self, scout: str | None = None) -> list[WeeklyTime]:
        with self.store.snapshot() as tx:
            docs = tx.find(WEEKLY, scout=scout) if scout else tx.all(WEEKLY)
        times = [WeeklyTime.from_dict(d) for d in docs]
        return sorted(times, key=lambda w: (w.scout, w.weekday, w.start))

    def save_weekly_time(self, weekly: WeeklyTime) -> None:
        with self.store.transaction() as tx:
            tx.upsert(WEEKLY, weekly.to_dict(), id=weekly.id)

    def remove_weekly_time(self, weekly_id: str) -> None:
        with self.store.transaction() as tx:
            tx.remove(WEEKLY, id=weekly_id)

    def exceptions(self, scout: str | None = None) -> list[DatedException]:
        with self.store.snapshot() as tx:
            docs = tx.find(EXCEPTIONS, scout=scout) if scout else tx.all(EXCEPTIONS)
        return sorted((DatedException.from_dict(d) for d in docs), key=lambda e: e.date)

    def save_exception(self, exception: DatedException) -> None:
        with self.store.transaction() as tx:
            tx.upsert(EXCEPTIONS, exception.to_dict(), id=exception.id)

    def remove_exception(self, exception_id: str) -> None:
        with self.store.transaction() as tx:
            tx.remove(EXCEPTIONS, id=exception_id)

    def closures(self) -> list[Closure]:
        with self.store.snapshot() as tx:
            return sorted((Closure.from_dict(d) for d in tx.all(CLOSURES)), key=lambda c: c.first)

    def save_closure(self, closure: Closure) -> None:
        with self.store.transaction() as tx:
            tx.upsert(CLOSURES, closure.to_dict(), id=closure.id)

    def remove_closure(self, closure_id: str) -> None:
        with self.store.transaction() as tx:
            tx.remove(CLOSURES, id=closure_id)

    # -- what a change would leave without an e-scout ---------------------------------

    def _open_future(self, scout: str | None = None) -> list[Booking]:
        """Open bookings not yet over (of one e-scout, or all), soonest first."""
        now = as_local(self.clock.now())
        with self.store.snapshot() as tx:
            docs = tx.bookings_ending_after(now)
            found = [
                Booking.from_dict(d)
                for d in docs
                if d["status"] in OPEN_STATUSES and (scout is None or d["scout"] == scout)
            ]
        return sorted(found, key=lambda b: b.start)

    def affected_by_weekly(self, old: WeeklyTime | None, new: WeeklyTime | None) -> list[Booking]:
        """Open future bookings inside ``old`` that ``new`` (None: removed) no longer covers."""
        if old is None:
            return []

        def inside(b: Booking, w: WeeklyTime | None) -> bool:
            return (
                w is not None
                and b.scout == w.scout
                and b.starts.weekday() == w.weekday
                and w.start_time <= b.starts.time()
                and b.ends.time() <= w.end_time
                and (b.place == w.place)
            )

        return [b for b in self._open_future(old.scout) if inside(b, old) and not inside(b, new)]

    def affected_by_exception(self, exception: DatedException) -> list[Booking]:
        """Open bookings an absence would leave without their e-scout."""
        if exception.kind != ExceptionKind.ABSENT:
            return []
        day = exception.day
        start = time.fromisoformat(exception.start) if exception.start else time.min
        end = time.fromisoformat(exception.end) if exception.end else time.max
        return [
            b
            for b in self._open_future(exception.scout)
            if b.starts.date() == day and b.starts.time() < end and b.ends.time() > start
        ]

    def affected_by_deactivation(self, scout_id: str) -> list[Booking]:
        return self._open_future(scout_id)

    def affected_by_closure(self, closure: Closure) -> list[Booking]:
        return [b for b in self._open_future() if closure.covers(b.starts.date())]

    def new_id(self) -> str:
        return new_id()


def scout_id_from_name(name: str, taken: set[str]) -> str:
    """A stable id for a new e-scout: their lower-cased first name, made unique."""
    base = "".join(ch for ch in name.split()[0].casefold() if ch.isalnum()) if name.split() else ""
    base = base or "escout"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate
