"""The demo library: 14 topics, 6 places and 6 e-scouts with their weekly times.

The data are the TOML files beside this module (library, topics, places, scouts, bookings),
written to be read and changed without reading any code; this module turns them into the
domain's records and seeds an empty data dir with them.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from db import Store
from kiosk.domain.booking import BookingService
from kiosk.domain.catalog import PLACES
from kiosk.domain.clock import Clock
from kiosk.domain.errors import KioskError
from kiosk.domain.models import Place, Scout, Settings, Topic, WeeklyTime
from kiosk.domain.records import SCOUTS, SETTINGS, TOPICS, WEEKLY


@dataclass(frozen=True)
class DemoBooking:
    """A visitor the demo books: their first name, phone (optional) and topic."""

    name: str
    topic: str
    phone: str | None = None


@dataclass(frozen=True)
class DemoLibrary:
    """Everything the demo seeds, as the domain's records."""

    settings: Settings
    topics: list[Topic]
    places: list[Place]
    scouts: list[Scout]
    times: list[WeeklyTime]  # the weekly times (w1, w2, ...), then group sessions (g1, ...)
    bookings: list[DemoBooking]


# Parsed once a process: the tests seed the demo hundreds of times. The records below are
# built afresh from it on every call, so no caller can change what the next one gets.
@functools.cache
def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


def _per_language(entry: dict[str, Any], key: str) -> dict[str, str]:
    """``{lang: entry[lang][key]}`` for each language table of ``entry`` that has ``key``."""
    return {
        lang: words[key]
        for lang, words in entry.items()
        if isinstance(words, dict) and key in words
    }


def _times(scouts: list[dict[str, Any]], kind: str, prefix: str) -> list[WeeklyTime]:
    """Every scout's ``kind`` ("times" or "groups"), numbered in the order of the file."""
    found = [(scout["id"], time) for scout in scouts for time in scout.get(kind, [])]
    return [
        WeeklyTime(f"{prefix}{n}", scout_id, **time)
        for n, (scout_id, time) in enumerate(found, start=1)
    ]


def load_demo() -> DemoLibrary:
    """The demo library as read from its files."""
    topics = [
        Topic(
            entry["slug"],
            _per_language(entry, "name"),
            _per_language(entry, "description"),
            True,
            order,
            what_to_bring=_per_language(entry, "bring"),
        )
        for order, entry in enumerate(_read("topics.toml")["topic"])
    ]
    places = [
        Place(entry["name"], _per_language(entry, "name"), _per_language(entry, "directions"))
        for entry in _read("places.toml")["place"]
    ]
    scouts = _read("scouts.toml")["scout"]
    return DemoLibrary(
        settings=Settings(**_read("library.toml")),
        topics=topics,
        places=places,
        scouts=[
            Scout(s["id"], s["name"], [*s["topics"]], [*s["languages"]], True, s["contact"])
            for s in scouts
        ],
        times=_times(scouts, "times", "w") + _times(scouts, "groups", "g"),
        bookings=[DemoBooking(**entry) for entry in _read("bookings.toml")["booking"]],
    )


def seed_demo(store: Store, clock: Clock, with_bookings: bool = True) -> bool:
    """Fill an empty data dir with the demo library. Returns False if it held data."""
    if not store.is_empty():
        return False
    demo = load_demo()
    with store.transaction() as tx:
        tx.insert(SETTINGS, {"key": "library", **demo.settings.to_dict()})
        for topic in demo.topics:
            tx.insert(TOPICS, topic.to_dict())
        for place in demo.places:
            tx.insert(PLACES, place.to_dict())
        for scout in demo.scouts:
            tx.insert(SCOUTS, scout.to_dict())
        for time in demo.times:
            tx.insert(WEEKLY, time.to_dict())
    if with_bookings:
        _demo_bookings(BookingService(store, clock), demo.bookings)
    return True


def _demo_bookings(service: BookingService, bookings: list[DemoBooking]) -> None:
    """Each visitor takes the third free time of their topic (the last, if fewer)."""
    for visitor in bookings:
        slots = service.free_slots(visitor.topic)
        if not slots:
            continue
        start = slots[min(2, len(slots) - 1)].start
        try:
            service.book(visitor.topic, start, visitor.name, visitor.phone)
        except KioskError:
            continue
