"""Shifts on record: when an e-scout's "I am here" is taken, how a shift went (on time, late
by some minutes, missed) and a month of them summed up.

Pure values and rules; reading and writing the records is ``kiosk.domain.scout_day``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.domain.models import ShiftOutcome


def here_opens(start: datetime, before_minutes: int) -> datetime:
    """When "I am here" opens for a shift starting at ``start``; it stays open until the
    shift's end."""
    return start - timedelta(minutes=before_minutes)


def outcome_at(start: datetime, here_at: datetime) -> tuple[ShiftOutcome, int]:
    """How a shift went when the e-scout said "here" at ``here_at``: on time, or late by the
    whole minutes after the start."""
    late = int((here_at - start).total_seconds() // 60)
    return (ShiftOutcome.LATE, late) if late >= 1 else (ShiftOutcome.ON_TIME, 0)


@dataclass(frozen=True)
class ShiftRecord:
    """One shift of an e-scout and how it went."""

    scout: str
    start: datetime
    end: datetime
    place: str
    outcome: ShiftOutcome
    late_minutes: int
    here_at: datetime | None

    @property
    def held(self) -> bool:
        return self.outcome is not ShiftOutcome.MISSED


@dataclass(frozen=True)
class ShiftMonth:
    """An e-scout's shifts on record in a period (usually a month), oldest first."""

    scout: str
    first: date
    last: date
    records: list[ShiftRecord]

    @property
    def shifts(self) -> int:
        return len(self.records)

    @property
    def held(self) -> int:
        return sum(1 for r in self.records if r.held)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.records if r.outcome is ShiftOutcome.ON_TIME)

    @property
    def late(self) -> list[ShiftRecord]:
        return [r for r in self.records if r.outcome is ShiftOutcome.LATE]

    @property
    def late_minutes(self) -> int:
        return sum(r.late_minutes for r in self.late)

    @property
    def missed(self) -> list[ShiftRecord]:
        return [r for r in self.records if r.outcome is ShiftOutcome.MISSED]
