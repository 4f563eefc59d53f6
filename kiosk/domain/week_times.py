"""A week's free e-scout times by topic and place: what the library's wall poster lists.

Read from ``BookingService.free_slots`` (the same rules as the kiosk: opening hours,
holidays, absences, bookings already made, the booking horizon), then grouped: per topic, per
place, per day, the free times joined into spans ("14:00-17:00").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.domain.booking import BookingService
from kiosk.domain.models import Slot, Topic

WEEK_DAYS = 7


@dataclass(frozen=True)
class Span:
    """Free time without a gap at one place: one or more slots back to back (or overlapping,
    of different e-scouts)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class PlaceWeek:
    place: str  # the Lithuanian name, as on the library's signs
    spans: tuple[Span, ...]  # in time order, across the week's days


@dataclass(frozen=True)
class TopicWeek:
    topic: Topic
    places: tuple[PlaceWeek, ...]


def monday_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def spans(slots: Iterable[Slot]) -> tuple[Span, ...]:
    """The slots' times joined where they touch or overlap, never across days."""
    joined: list[Span] = []
    for slot in sorted(slots, key=lambda s: (s.start, s.end)):
        last = joined[-1] if joined else None
        if last and slot.start <= last.end and slot.start.date() == last.start.date():
            joined[-1] = Span(last.start, max(last.end, slot.end))
        else:
            joined.append(Span(slot.start, slot.end))
    return tuple(joined)


def week_times(
    booking: BookingService,
    first_day: date,
    days: int = WEEK_DAYS,
    language: str | None = None,
) -> list[TopicWeek]:
    """Every active topic's free times in the ``days`` days from ``first_day`` (a week unless
    told), by place (places in the order of their first time); topics with no free time then
    are left out. Days already past, and days beyond the booking horizon, have none. With a
    ``language``: only the times of e-scouts who speak it, as the kiosk offers them."""
    last_day = first_day + timedelta(days=days)
    found: list[TopicWeek] = []
    for topic in booking.topics():
        slots = [
            slot
            for slot in booking.free_slots(
                topic.slug, first_day=first_day, days=days, language=language
            )
            if first_day <= slot.start.date() < last_day
        ]
        by_place: dict[str, list[Slot]] = {}
        for slot in sorted(slots, key=lambda s: s.start):
            by_place.setdefault(slot.place, []).append(slot)
        if by_place:
            places = tuple(PlaceWeek(place, spans(group)) for place, group in by_place.items())
            found.append(TopicWeek(topic, places))
    return found
