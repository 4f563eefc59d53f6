"""Clocks: every rule takes its 'now' from a clock passed in, never from datetime.now()."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Vilnius")
# The calendar the kiosk works in. The last day leaves room for every period it adds to a
# date (horizon, retention, a year of reports) without running past datetime's year 9999.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9899, 12, 31)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in Europe/Vilnius."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(TZ)


@dataclass
class FixedClock:
    """A clock that stands still until moved (tests, demos, rehearsals)."""

    current: datetime

    def __post_init__(self) -> None:
        self.current = as_local(self.current)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current = self.current + timedelta(**delta)


def as_local(moment: datetime) -> datetime:
    """Attach Vilnius time to a naive datetime, convert an aware one."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def check_day(day: date) -> date:
    """``day`` if the kiosk can compute with it, else ValueError with a plain message."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"{day.isoformat()} is outside the dates the kiosk works with "
            f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
        )
    return day


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601; a time without offset is read as Vilnius local time.

    Raises ValueError with a one-line message for text that is not a time or lies outside
    the kiosk's calendar (so later date arithmetic can never overflow).
    """
    try:
        if not text.strip().isprintable():  # fromisoformat lets some control characters by
            raise ValueError(text)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {text[:80]!r}") from None
    check_day(moment.date())
    return as_local(moment)


def clock_from_env(environ: dict[str, str] | None = None) -> Clock:
    """``KIOSK_NOW=ISO`` fixes the clock for every command; otherwise the system clock.

    Raises ValueError naming ``KIOSK_NOW`` when it is set but not a usable time.
    """
    env = os.environ if environ is None else environ
    fixed = env.get("KIOSK_NOW", "").strip()
    if fixed:
        try:
            return FixedClock(parse_instant(fixed))
        except ValueError as exc:
            raise ValueError(f"KIOSK_NOW: {exc}") from None
    return SystemClock()
