"""Clocks: every rule takes its 'now' from a clock passed in, never from datetime.now()."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Vilnius")


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


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601; a time without offset is read as Vilnius local time."""
    return as_local(datetime.fromisoformat(text.strip()))


def clock_from_env(environ: dict[str, str] | None = None) -> Clock:
    """``KIOSK_NOW=ISO`` fixes the clock for every command; otherwise the system clock."""
    env = os.environ if environ is None else environ
    fixed = env.get("KIOSK_NOW", "").strip()
    if fixed:
        return FixedClock(parse_instant(fixed))
    return SystemClock()
