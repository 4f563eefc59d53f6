"""Library set-up: settings, topics, e-scouts, their weekly times, exceptions, closures."""

from __future__ import annotations

import uuid

from db import Store
from kiosk.booking import (
    CLOSURES,
    EXCEPTIONS,
    SCOUTS,
    SETTINGS,
    TOPICS,
    WEEKLY,
    load_scouts,
    load_settings,
    load_topics,
)
from kiosk.clock import Clock
from kiosk.models import Closure, DatedException, Scout, Settings, Topic, WeeklyTime


def new_id() -> str:
    return uuid.uuid4().hex[:12]


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
