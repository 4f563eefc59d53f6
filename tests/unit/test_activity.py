"""The activity form: validation, no personal data in notes, prefill from a booking."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.domain.activity import ActivityDraft, ActivityService, check_note
from kiosk.domain.clock import TZ
from kiosk.domain.errors import ValidationError
from kiosk.domain.models import BookingStatus
from kiosk.services import Services
from tests.conftest import put_booking


def draft(**changes: object) -> ActivityDraft:
    base = dict(
        date=date(2026, 11, 24),
        scout="lukas",
        minutes=30,
        topics=["e-banking"],
        age_group="65_74",
        outcome="solved",
    )
    base.update(changes)
    return ActivityDraft(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "note",
    [
        "paskambinti +370 612 34567",
        "tel. 861234567",
        "ona@example.com",
        "asmens kodas 48901011234",
        "8 (612) 345-67",
    ],
)
def test_notes_with_personal_data_are_refused(note: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_note(note)
    assert err.value.field == "note"


@pytest.mark.parametrize(
    "note", ["", "Įdiegė Smart-ID, 2 programėlės", "Išmokė mokėti 3 sąskaitas"]
)
def test_ordinary_notes_pass(note: str) -> None:
    assert check_note(note) == note


def test_record_and_list(demo: Services) -> None:
    service = ActivityService(demo.store, demo.clock)
    record = service.record(draft(note="Banko programėlė"))
    assert record.topics == ["e-banking"] and record.outcome == "solved"
    assert [r.id for r in service.records(date(2026, 11, 1), date(2026, 11, 30))] == [record.id]
    assert service.records(date(2026, 12, 1)) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"scout": ""}, "scout_required"),
        ({"minutes": 0}, "minutes_range"),
        ({"topics": []}, "topics_required"),
        ({"age_group": ""}, "age_required"),
        ({"outcome": "great"}, "outcome_required"),
        ({"topics": ["nope"]}, "unknown_topic"),
        ({"note": "rašyti ona@example.com"}, "note_email"),
    ],
)
def test_record_refusals(demo: Services, changes: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationError) as err:
        ActivityService(demo.store, demo.clock).record(draft(**changes))
    assert err.value.code == code


def test_prefill_from_booking_and_replace(demo: Services) -> None:
    booking = put_booking(
        demo,
        code="PRE123",
        start=datetime(2026, 11, 24, 8, 30, tzinfo=TZ),
        minutes=45,
        status=BookingStatus.CHECKED_IN,
    )
    service = ActivityService(demo.store, demo.clock)
    d = service.prefill(booking)
    assert (d.date, d.scout, d.minutes, d.topics, d.booking_id) == (
        date(2026, 11, 24),
        "lukas",
        45,
        ["e-banking"],
        booking.id,
    )
    d.age_group, d.outcome = "75_plus", "partly"
    first = service.record(d)
    again = service.prefill(booking)
    assert again.outcome == "partly"  # an existing form is shown for editing
    again.outcome = "solved"
    second = service.record(again)
    assert second.id == first.id and len(service.records()) == 1
