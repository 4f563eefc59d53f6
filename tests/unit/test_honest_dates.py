"""An activity form records a consultation that took place: never one dated after today."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import BookingStatus
from kiosk.i18n import catalogue
from kiosk.services import Services
from tests.conftest import put_booking

TODAY = date(2026, 12, 21)


def walk_in(day: date) -> ActivityDraft:
    return ActivityDraft(
        date=day,
        scout="lukas",
        minutes=60,
        topics=["e-banking"],
        age_group="65_74",
        outcome="solved",
    )


@pytest.fixture
def december(demo: Services, clock: FixedClock) -> Services:
    clock.current = datetime(2026, 12, 21, 15, 0, tzinfo=TZ)
    return demo


@pytest.mark.parametrize("day", [date(2027, 1, 15), date(2099, 1, 1), TODAY + timedelta(days=1)])
def test_a_walk_in_form_dated_after_today_is_refused(december: Services, day: date) -> None:
    with pytest.raises(ValidationError) as err:
        december.activity.record(walk_in(day))
    assert err.value.code == ErrorCode.FORM_DATE_FUTURE
    assert err.value.field == "date"
    assert day.isoformat() in err.value.message and "2026-12-21" in err.value.message
    assert "after today" in err.value.message
    # Nothing counted: not in the results, not in the e-scout's volunteer hours.
    assert december.activity.records() == []
    hours = december.scout_day.hours("lukas", date(2026, 1, 1), date(2099, 12, 31))
    assert (hours.consultations, hours.minutes) == (0, 0)


def test_today_and_past_days_are_recorded(december: Services) -> None:
    december.activity.record(walk_in(TODAY))
    december.activity.record(walk_in(date(2026, 11, 30)))
    assert [r.date for r in december.activity.records()] == ["2026-12-21", "2026-11-30"]


def test_a_booked_form_moved_to_a_future_day_is_refused(december: Services) -> None:
    booking = put_booking(
        december,
        code="AAAAA3",
        start=datetime(2026, 12, 21, 10, 0, tzinfo=TZ),
        status=BookingStatus.DONE,
    )
    draft = december.activity.prefill(booking)
    filled = dataclasses.replace(draft, age_group="65_74", outcome="solved")
    with pytest.raises(ValidationError) as err:
        december.activity.record(dataclasses.replace(filled, date=date(2027, 1, 15)))
    assert err.value.code == ErrorCode.FORM_DATE_FUTURE
    assert december.activity.records() == []
    assert december.activity.record(filled).date == "2026-12-21"


def test_a_saved_form_cannot_be_corrected_into_the_future(december: Services) -> None:
    saved = december.activity.record(walk_in(TODAY))
    later = dataclasses.replace(december.activity.draft_of(saved), date=date(2099, 1, 1))
    with pytest.raises(ValidationError):
        december.activity.record(later)
    assert [r.date for r in december.activity.records()] == ["2026-12-21"]


def test_the_e_scouts_own_form_follows_the_same_rule(december: Services) -> None:
    booking = put_booking(
        december,
        code="AAAAA3",
        start=datetime(2026, 12, 21, 10, 0, tzinfo=TZ),
        status=BookingStatus.DONE,
    )
    draft = december.scout_day.form_draft("lukas", booking.id)
    forged = dataclasses.replace(draft, age_group="65_74", outcome="solved", date=date(2099, 1, 1))
    with pytest.raises(ValidationError) as err:
        december.scout_day.submit_form("lukas", forged)
    assert err.value.code == ErrorCode.FORM_DATE_FUTURE
    assert december.activity.records() == []


@pytest.mark.parametrize("lang", ["lt", "en"])
def test_the_console_and_the_scout_form_have_words_for_it(lang: str) -> None:
    messages = catalogue(lang)
    for prefix in ("lib.err", "s.err"):
        text = str(messages[f"{prefix}.{ErrorCode.FORM_DATE_FUTURE}"])
        assert "{date}" in text and "{today}" in text
