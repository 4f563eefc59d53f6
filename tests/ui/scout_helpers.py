"""What the e-scout screen tests share: Austėja's card, PIN and a morning of consultations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from textual import events
from textual.pilot import Pilot

from kiosk.domain.clock import FixedClock
from kiosk.domain.models import BookingStatus
from kiosk.services import Services
from tests.conftest import NOW, put_booking

SCOUT = "austeja"  # Tuesdays 10:00-12:00, Skaitykla, 1 stalas (the demo library)
SCOUT_PIN = "1357"
SHIFT_START = NOW.replace(hour=10, minute=0)


@dataclass(frozen=True)
class Morning:
    card: str
    first: str  # booking codes: 10:00 (the visitor who checks in), 10:30, 11:00
    second: str
    third: str


def scout_morning(services: Services, clock: FixedClock) -> Morning:
    """10:05 on a Tuesday: Austėja's shift has begun; three visitors booked, none here yet.

    Lukas has a booking too: Austėja's screens must never show it.
    """
    clock.current = SHIFT_START + timedelta(minutes=5)
    access = services.scout_access
    card = access.issue_card(SCOUT)
    access.set_pin(SCOUT, SCOUT_PIN)
    place = "Skaitykla, 1 stalas"
    put_booking(
        services,
        code="KQ4H7T",
        start=SHIFT_START,
        name="Ona Petraitienė",
        phone="+37060000001",
        topic="smartphone",
        scout=SCOUT,
        place=place,
    )
    put_booking(
        services,
        code="PRM3CX",
        start=SHIFT_START + timedelta(minutes=30),
        name="Jonas",
        topic="email",
        scout=SCOUT,
        place=place,
    )
    put_booking(
        services,
        code="VW9DNA",
        start=SHIFT_START + timedelta(minutes=60),
        name="Aldona",
        topic="jobs",
        scout=SCOUT,
        place=place,
    )
    put_booking(
        services,
        code="HAT4CK",
        start=SHIFT_START,
        name="Kazys",
        topic="e-banking",
        scout="lukas",
        place="Kompiuterių klasė",
        status=BookingStatus.BOOKED,
    )
    return Morning(card, "KQ4H7T", "PRM3CX", "VW9DNA")


def scan(pilot: Pilot[Any], text: str) -> None:
    """What a USB scanner does: every character and Enter in one burst."""
    for char in text:
        pilot.app.post_message(events.Key(char, char))
    pilot.app.post_message(events.Key("enter", "\r"))
