"""Library set-up: settings, topics, e-scouts, their weekly times, exceptions, closures.

A save that leaves open bookings without their e-scout, time or place (a weekly time changed
or removed, an absence, an e-scout made inactive, a closure) marks those bookings "to call"
in the same transaction: the console's Today and ``kiosk calls`` list them until a librarian
says the visitor was told."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace
from datetime import time
from typing import Any

from db import Tx
from kiosk.domain.errors import Conflict, ErrorCode, ValidationError
from kiosk.domain.models import (
    Booking,
    CallReason,
    Closure,
    DatedException,
    ExceptionKind,
    Place,
    Scout,
    Settings,
    Topic,
    WeeklyTime,
    group_topic,
)
from kiosk.domain.records import (
    CLOSURES,
    EXCEPTIONS,
    SCOUTS,
    SETTINGS,
    TOPICS,
    WEEKLY,
    load_availability,
    load_scouts,
    load_settings,
    load_topics,
    mark_to_call,
    open_future,
)
from kiosk.domain.reminders import note_new_session
from kiosk.domain.scheduling import group_seats
from kiosk.domain.service import StoreService
from kiosk.domain.ticket_content import TicketContent, build_ticket_content
from kiosk.domain.validation import (
    check_buffer,
    check_full_name,
    check_group_topic,
    check_place,
    check_scout_name,
    check_seats,
    check_settings,
    check_topic_names,
    check_topic_texts,
    parse_day,
    plain_text,
    plain_texts,
)
from kiosk.i18n import Translator

PLACES = "places"


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class StaleSave(Conflict):
    """A save based on an older copy than the stored one: the console shows fresh values."""


def _check_version(stored: dict[str, Any] | None, base: int, what: str) -> None:
    """Refuse a save whose copy was read before the stored one was saved.

    ``base`` is the version the saving desk read (0: a new record, or one never saved since
    versions began). A record removed meanwhile is saved again as it was read."""
    current = int(stored.get("version", 0)) if stored is not None else 0
    if stored is not None and current != base:
        raise StaleSave(
            ErrorCode.STALE_SAVE,
            f"{what} changed meanwhile (version {current}, this copy {base}); reload and retry",
        )


def plain_settings(settings: Settings) -> Settings:
    """``settings`` with every text made plain (``plain_text``): library name and id,
    municipality, the printer's names and addresses."""
    texts: dict[str, Any] = {
        f.name: plain_text(value)
        for f in fields(settings)
        if isinstance(value := getattr(settings, f.name), str)
    }
    return replace(settings, **texts)


def plain_topic(topic: Topic) -> Topic:
    """``topic`` with its texts made plain, empty ones dropped; refused when no name is left."""
    return replace(
        topic,
        names=check_topic_names(plain_texts(topic.names)),
        descriptions=check_topic_texts(plain_texts(topic.descriptions)),
        what_to_bring=check_topic_texts(plain_texts(topic.what_to_bring)),
    )


def plain_place(place: Place) -> Place:
    """``place`` with its texts made plain, empty ones dropped; refused without a name."""
    return replace(
        place,
        name=check_place(place.name),
        names=check_topic_texts(plain_texts(place.names)),
        directions=check_topic_texts(plain_texts(place.directions)),
    )


def load_places(tx: Tx) -> list[Place]:
    return sorted((Place.from_dict(d) for d in tx.all(PLACES)), key=lambda p: p.name.casefold())


def load_place(tx: Tx, name: str) -> Place | None:
    """The place record of a place name (a name with no record yet: None)."""
    doc = tx.get(PLACES, name=name)
    return Place.from_dict(doc) if doc else None


class CatalogService(StoreService):
    def settings(self) -> Settings:
        with self.store.snapshot() as tx:
            return load_settings(tx)

    def save_settings(self, settings: Settings) -> Settings:
        """Save the settings, their texts made plain; refused (ValidationError naming the
        field) when one is out of its range, and (``StaleSave``) when they were read before
        another save."""
        settings = check_settings(plain_settings(settings))
        with self.store.transaction() as tx:
            stored = tx.get(SETTINGS, key="library")
            _check_version(stored, settings.version, "the settings")
            saved = replace(settings, version=settings.version + 1)
            tx.upsert(SETTINGS, {"key": "library", **saved.to_dict()}, key="library")
        return saved

    def topics(self) -> list[Topic]:
        with self.store.snapshot() as tx:
            return load_topics(tx)

    def save_topic(self, topic: Topic, new: bool = False) -> Topic:
        """Save one topic (``new``: refused when its key is taken meanwhile)."""
        return self.save_topics([topic], new=new)[0]

    def save_topics(self, topics: list[Topic], new: bool = False) -> list[Topic]:
        """Save several topics in one transaction (a reorder): all of them or none."""
        saved = []
        with self.store.transaction() as tx:
            for topic in map(plain_topic, topics):
                stored = tx.get(TOPICS, slug=topic.slug)
                if new and stored is not None:
                    raise ValidationError(
                        ErrorCode.SLUG_TAKEN, "That key is already used.", field="slug"
                    )
                _check_version(stored, topic.version, f"topic {topic.slug!r}")
                changed = replace(topic, version=topic.version + 1)
                tx.upsert(TOPICS, changed.to_dict(), slug=topic.slug)
                saved.append(changed)
        return saved

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
        place = plain_place(place)
        with self.store.transaction() as tx:
            tx.upsert(PLACES, place.to_dict(), name=place.name)

    def ticket_content(self, booking: Booking, token: str, lang: str) -> TicketContent:
        """The visitor's ticket for ``booking`` (``token``: the QR; "" for none) in ``lang``."""
        with self.store.snapshot() as tx:
            settings = load_settings(tx)
            topic = next((x for x in load_topics(tx) if x.slug == booking.topic), None)
            scout = next((x for x in load_scouts(tx) if x.id == booking.scout), None)
            place = load_place(tx, booking.place)
            availability = load_availability(tx, since=self.now(), on_day=booking.starts.date())
        seats = group_seats(availability, scout, booking.starts) if scout else (1, 0)
        return build_ticket_content(
            Translator(lang),
            booking,
            token,
            library=settings.library_name,
            topic=topic,
            place=place,
            scout=scout,
            today=self.now().date(),
            seats=seats,
        )

    def scouts(self) -> list[Scout]:
        with self.store.snapshot() as tx:
            return load_scouts(tx)

    def save_scout(self, scout: Scout) -> Scout:
        """Save an e-scout (a name to read, the contact made plain, the buffer in range, the
        first day a date). A new e-scout's first day is today unless one is given."""
        check_buffer(scout.buffer_minutes)
        first_day = parse_day(scout.first_day, "first_day").isoformat() if scout.first_day else None
        scout = replace(
            scout,
            name=check_scout_name(scout.name),
            contact=plain_text(scout.contact),
            full_name=check_full_name(scout.full_name),
            first_day=first_day,
        )
        with self.store.transaction() as tx:
            stored = tx.get(SCOUTS, id=scout.id)
            _check_version(stored, scout.version, f"e-scout {scout.id!r}")
            if stored is None and scout.version == 0 and scout.first_day is None:  # new
                scout = replace(scout, first_day=self.now().date().isoformat())
            saved = replace(scout, version=scout.version + 1)
            tx.upsert(SCOUTS, saved.to_dict(), id=scout.id)
            if stored is not None and stored.get("active", True) and not saved.active:
                now = self.now()
                mark_to_call(tx, open_future(tx, now, scout.id), CallReason.SCOUT_INACTIVE, now)
        return saved

    def weekly_times(self, scout: str | None = None) -> list[WeeklyTime]:
        with self.store.snapshot() as tx:
            docs = tx.find(WEEKLY, scout=scout) if scout else tx.all(WEEKLY)
        times = [WeeklyTime.from_dict(d) for d in docs]
        return sorted(times, key=lambda w: (w.scout, w.weekday, w.start))

    def save_weekly_time(self, weekly: WeeklyTime) -> WeeklyTime:
        """Save a weekly time (its place made plain and required, 1-8 seats, a group's
        topic one the e-scout covers)."""
        check_seats(weekly.seats)
        weekly = replace(weekly, place=check_place(weekly.place))
        with self.store.transaction() as tx:
            weekly = replace(weekly, topic=self._group_topic(tx, weekly))
            stored = tx.get(WEEKLY, id=weekly.id)
            _check_version(stored, weekly.version, "the weekly time")
            saved = replace(weekly, version=weekly.version + 1)
            tx.upsert(WEEKLY, saved.to_dict(), id=weekly.id)
            if stored is not None:
                self._mark_weekly(tx, WeeklyTime.from_dict(stored), saved)
        return saved

    @staticmethod
    def _group_topic(tx: Tx, session: WeeklyTime | DatedException) -> str:
        stored = tx.get(SCOUTS, id=session.scout)
        scout = Scout.from_dict(stored) if stored else Scout(session.scout, session.scout, [])
        return check_group_topic(session.seats, session.topic, scout)

    def remove_weekly_time(self, weekly_id: str) -> None:
        with self.store.transaction() as tx:
            stored = tx.get(WEEKLY, id=weekly_id)
            tx.remove(WEEKLY, id=weekly_id)
            if stored is not None:
                self._mark_weekly(tx, WeeklyTime.from_dict(stored), None)

    def _mark_weekly(self, tx: Tx, old: WeeklyTime, new: WeeklyTime | None) -> None:
        """Mark "to call" the bookings ``old`` covered and ``new`` does not: a new place
        when only the place changed, else a time no longer kept."""
        now = self.now()
        affected = weekly_affected(open_future(tx, now, old.scout), old, new)
        moved_place = [b for b in affected if new is not None and _covers(b, new, any_place=True)]
        mark_to_call(tx, moved_place, CallReason.PLACE, now)
        lost = [b for b in affected if b not in moved_place]
        mark_to_call(tx, lost, CallReason.WEEKLY_TIME, now)

    def exceptions(self, scout: str | None = None) -> list[DatedException]:
        with self.store.snapshot() as tx:
            docs = tx.find(EXCEPTIONS, scout=scout) if scout else tx.all(EXCEPTIONS)
        return sorted((DatedException.from_dict(d) for d in docs), key=lambda e: e.date)

    def save_exception(self, exception: DatedException) -> None:
        """Save an absence or extra session (place and note made plain, 1-8 seats, a
        group's topic one the e-scout covers)."""
        check_seats(exception.seats)
        exception = replace(
            exception, place=plain_text(exception.place), note=plain_text(exception.note)
        )
        with self.store.transaction() as tx:
            exception = replace(exception, topic=self._group_topic(tx, exception))
            stored = tx.get(EXCEPTIONS, id=exception.id)
            tx.upsert(EXCEPTIONS, exception.to_dict(), id=exception.id)
            now = self.now()
            absent = [
                b for b in open_future(tx, now, exception.scout) if absence_covers(exception, b)
            ]
            mark_to_call(tx, absent, CallReason.ABSENCE, now)
            if stored is not None:
                self._mark_extra(tx, DatedException.from_dict(stored), exception)
            if exception.kind == ExceptionKind.EXTRA and (
                stored is None or DatedException.from_dict(stored) != exception
            ):
                scout = next((s for s in load_scouts(tx) if s.id == exception.scout), None)
                if scout is not None and scout.active:
                    topic = group_topic(exception, scout)
                    topics = [topic] if topic else list(scout.topics)
                    note_new_session(tx, exception, topics, now)  # for the waiting list

    def remove_exception(self, exception_id: str) -> None:
        with self.store.transaction() as tx:
            stored = tx.get(EXCEPTIONS, id=exception_id)
            tx.remove(EXCEPTIONS, id=exception_id)
            if stored is not None:
                self._mark_extra(tx, DatedException.from_dict(stored), None)

    def _mark_extra(self, tx: Tx, old: DatedException, new: DatedException | None) -> None:
        """Mark "to call" the bookings extra session ``old`` held and ``new`` (None: removed)
        no longer holds: a new place when only the place changed, else a session not kept."""
        if old.kind != ExceptionKind.EXTRA:
            return
        now = self.now()
        # At any place: a booking already told of an earlier move keeps its old place.
        held = [b for b in open_future(tx, now, old.scout) if extra_covers(old, b, True)]
        kept = [b for b in held if new is not None and extra_covers(new, b)]
        moved_place = [
            b for b in held if b not in kept and new is not None and extra_covers(new, b, True)
        ]
        mark_to_call(tx, moved_place, CallReason.PLACE, now)
        lost = [b for b in held if b not in kept and b not in moved_place]
        mark_to_call(tx, lost, CallReason.EXTRA_SESSION, now)

    def closures(self) -> list[Closure]:
        with self.store.snapshot() as tx:
            return sorted((Closure.from_dict(d) for d in tx.all(CLOSURES)), key=lambda c: c.first)

    def save_closure(self, closure: Closure) -> None:
        """Save a closure (its reason made plain)."""
        closure = replace(closure, reason=plain_text(closure.reason))
        with self.store.transaction() as tx:
            tx.upsert(CLOSURES, closure.to_dict(), id=closure.id)
            now = self.now()
            closed = [b for b in open_future(tx, now) if closure.covers(b.starts.date())]
            mark_to_call(tx, closed, CallReason.CLOSURE, now)

    def remove_closure(self, closure_id: str) -> None:
        with self.store.transaction() as tx:
            tx.remove(CLOSURES, id=closure_id)

    # -- what a change would leave without an e-scout ---------------------------------

    def _open_future(self, scout: str | None = None) -> list[Booking]:
        """Open bookings not yet over (of one e-scout, or all), soonest first."""
        with self.store.snapshot() as tx:
            return open_future(tx, self.now(), scout)

    def affected_by_weekly(self, old: WeeklyTime | None, new: WeeklyTime | None) -> list[Booking]:
        """Open future bookings inside ``old`` that ``new`` (None: removed) no longer covers."""
        if old is None:
            return []
        return weekly_affected(self._open_future(old.scout), old, new)

    def affected_by_exception(self, exception: DatedException) -> list[Booking]:
        """Open bookings an absence would leave without their e-scout."""
        return [b for b in self._open_future(exception.scout) if absence_covers(exception, b)]

    def affected_by_deactivation(self, scout_id: str) -> list[Booking]:
        return self._open_future(scout_id)

    def affected_by_closure(self, closure: Closure) -> list[Booking]:
        return [b for b in self._open_future() if closure.covers(b.starts.date())]

    # -- two e-scouts at one place and time --------------------------------------------

    def place_clashes(self, session: WeeklyTime | DatedException) -> list[Clash]:
        """Other e-scouts' sessions at the same place overlapping ``session`` (a weekly time
        or an extra session): the librarian is warned, and may still save."""
        if isinstance(session, DatedException) and (
            session.kind != ExceptionKind.EXTRA or not (session.start and session.end)
        ):
            return []
        place = _place_key(session.place)
        start, end = session.start or "", session.end or ""
        with self.store.snapshot() as tx:
            weekly = [WeeklyTime.from_dict(d) for d in tx.all(WEEKLY)]
            extras = [DatedException.from_dict(d) for d in tx.all(EXCEPTIONS)]
            names = {s.id: s.name for s in load_scouts(tx) if s.active}
        weekday = session.weekday if isinstance(session, WeeklyTime) else session.day.weekday()
        clashes = [
            Clash(names[w.scout], w.weekday, None, w.start, w.end, w.place)
            for w in weekly
            if w.scout != session.scout
            and w.scout in names
            and w.weekday == weekday
            and _place_key(w.place) == place
            and w.start < end
            and start < w.end
        ]
        today = self.now().date()
        clashes += [
            Clash(names[e.scout], e.day.weekday(), e.date, e.start or "", e.end or "", e.place)
            for e in extras
            if e.scout != session.scout
            and e.scout in names
            and e.kind == ExceptionKind.EXTRA
            and e.day >= today
            and (e.date == session.date if isinstance(session, DatedException) else True)
            and e.day.weekday() == weekday
            and _place_key(e.place) == place
            and (e.start or "") < end
            and start < (e.end or "")
        ]
        return clashes

    def new_id(self) -> str:
        return new_id()


@dataclass(frozen=True)
class Clash:
    """Another e-scout's session at the same place and an overlapping time."""

    scout_name: str
    weekday: int
    date: str | None  # an extra session's date; None for a weekly time
    start: str
    end: str
    place: str


def _covers(booking: Booking, weekly: WeeklyTime, any_place: bool = False) -> bool:
    """Is ``booking`` inside ``weekly`` (at its place, unless ``any_place``)?"""
    return (
        booking.scout == weekly.scout
        and booking.starts.weekday() == weekly.weekday
        and weekly.start_time <= booking.starts.time()
        and booking.ends.time() <= weekly.end_time
        and (any_place or booking.place == weekly.place)
    )


def weekly_affected(
    bookings: list[Booking], old: WeeklyTime, new: WeeklyTime | None
) -> list[Booking]:
    """Those of ``bookings`` inside ``old`` that ``new`` (None: removed) no longer covers."""
    return [b for b in bookings if _covers(b, old) and not (new is not None and _covers(b, new))]


def _place_key(place: str) -> str:
    """Places compare without case and extra spaces ("Skaitykla,  2 stalas")."""
    return " ".join(place.casefold().split())


def absence_covers(exception: DatedException, booking: Booking) -> bool:
    """Does this absence of the booking's e-scout fall on the booking's time?"""
    if exception.kind != ExceptionKind.ABSENT or exception.scout != booking.scout:
        return False
    if booking.starts.date() != exception.day:
        return False
    start = time.fromisoformat(exception.start) if exception.start else time.min
    end = time.fromisoformat(exception.end) if exception.end else time.max
    return booking.starts.time() < end and booking.ends.time() > start


def extra_covers(session: DatedException, booking: Booking, any_place: bool = False) -> bool:
    """Is ``booking`` inside this extra session of its e-scout (at its place, unless
    ``any_place``)?"""
    if session.kind != ExceptionKind.EXTRA or session.scout != booking.scout:
        return False
    if booking.starts.date() != session.day or not (session.start and session.end):
        return False
    start, end = time.fromisoformat(session.start), time.fromisoformat(session.end)
    inside = start <= booking.starts.time() and booking.ends.time() <= end
    return inside and (any_place or _place_key(booking.place) == _place_key(session.place))


def scout_id_from_name(name: str, taken: set[str]) -> str:
    """A stable id for a new e-scout: their lower-cased first name, made unique."""
    base = "".join(ch for ch in name.split()[0].casefold() if ch.isalnum()) if name.split() else ""
    base = base or "escout"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate
