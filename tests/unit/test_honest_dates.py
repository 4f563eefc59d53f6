"""Honest dates: an activity form records a consultation that took place, so never one dated
after today or before the e-scout's first day; a booking is never marked done or no-show
before its time."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.errors import Conflict, ErrorCode, KioskError, ValidationError
from kiosk.domain.models import BookingStatus, Scout
from kiosk.domain.tickets import VerifyResult
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


# -- the e-scout's first day: no form dated before it ------------------------------------

FIRST_DAY = date(2026, 10, 1)


@pytest.fixture
def started(december: Services) -> Services:
    """Lukas started volunteering on 1 October 2026."""
    lukas = december.booking.scout("lukas")
    december.catalog.save_scout(dataclasses.replace(lukas, first_day=FIRST_DAY.isoformat()))
    return december


def test_a_walk_in_form_before_the_first_day_is_refused(started: Services) -> None:
    with pytest.raises(ValidationError) as err:
        started.activity.record(walk_in(FIRST_DAY - timedelta(days=1)))
    assert err.value.code == ErrorCode.FORM_DATE_BEFORE_FIRST_DAY
    assert err.value.field == "date"
    assert "2026-09-30" in err.value.message and "2026-10-01" in err.value.message
    assert err.value.details["first_day"] == "2026-10-01"
    assert started.activity.records() == []
    # The first day itself is a day they volunteered.
    assert started.activity.record(walk_in(FIRST_DAY)).date == "2026-10-01"


def test_a_booked_form_before_the_first_day_is_refused(started: Services) -> None:
    booking = put_booking(
        started,
        code="AAAAA4",
        start=datetime(2026, 9, 15, 10, 0, tzinfo=TZ),
        status=BookingStatus.DONE,
    )
    draft = started.activity.prefill(booking)
    filled = dataclasses.replace(draft, age_group="65_74", outcome="solved")
    with pytest.raises(ValidationError) as err:
        started.activity.record(filled)
    assert err.value.code == ErrorCode.FORM_DATE_BEFORE_FIRST_DAY
    with pytest.raises(ValidationError):  # nor at the e-scouts' kiosk
        started.scout_day.submit_form("lukas", started.scout_day.form_draft("lukas", booking.id))
    assert started.activity.records() == []


def test_an_unknown_first_day_sets_no_lower_limit(december: Services) -> None:
    """E-scouts added before the kiosk asked (the demo's, old data files) have none."""
    assert december.booking.scout("lukas").first_day is None
    assert december.activity.record(walk_in(date(2020, 1, 6))).date == "2020-01-06"


def test_a_new_e_scouts_first_day_is_the_day_of_adding(december: Services) -> None:
    new = Scout("ruta", "Rūta B.", ["email"])
    assert december.catalog.save_scout(new).first_day == "2026-12-21"
    given = Scout("jonas", "Jonas A.", ["email"], first_day="2026-09-01")
    assert december.catalog.save_scout(given).first_day == "2026-09-01"
    # Editing keeps what is stored, or clears it back to unknown when asked.
    ruta = december.booking.scout("ruta")
    assert december.catalog.save_scout(dataclasses.replace(ruta, name="Rūta C.")).first_day == (
        "2026-12-21"
    )
    ruta = december.booking.scout("ruta")
    assert december.catalog.save_scout(dataclasses.replace(ruta, first_day=None)).first_day is None


def test_a_first_day_that_is_no_date_is_refused(december: Services) -> None:
    lukas = december.booking.scout("lukas")
    with pytest.raises(ValidationError) as err:
        december.catalog.save_scout(dataclasses.replace(lukas, first_day="2026-13-01"))
    assert err.value.code == ErrorCode.BAD_DATE and err.value.field == "first_day"
    assert december.booking.scout("lukas").first_day is None


def test_an_old_data_file_without_first_days_still_loads(started: Services, tmp_path: Path) -> None:
    """Files written before the field existed load (first day unknown); a restored file
    whose first day is no date is refused, naming the field."""
    data = json.loads(started.store.path.read_bytes())
    scouts = data["scouts"]
    old = {k: {f: v for f, v in d.items() if f != "first_day"} for k, d in scouts.items()}
    path = tmp_path / "old.json"
    path.write_text(json.dumps({**data, "scouts": old}))
    assert started.maintenance.validate_file(path)
    started.maintenance.restore(path)
    assert started.booking.scout("lukas").first_day is None
    bad = {k: {**d, "first_day": "someday"} for k, d in scouts.items()}
    path.write_text(json.dumps({**data, "scouts": bad}))
    with pytest.raises(KioskError) as err:
        started.maintenance.validate_file(path)
    assert "first_day" in err.value.message


# -- status changes: nothing recorded before it can have happened -------------------------


@pytest.mark.parametrize(("action", "word"), [("mark_done", "done"), ("mark_no_show", "no-show")])
def test_done_and_no_show_for_a_later_day_are_refused_naming_the_day(
    december: Services, action: str, word: str
) -> None:
    put_booking(december, code="AAAAA5", start=datetime(2026, 12, 22, 10, 0, tzinfo=TZ))
    with pytest.raises(Conflict) as err:
        getattr(december.desk, action)("AAAAA5")
    assert err.value.code == ErrorCode.NOT_STARTED
    assert err.value.details["start"] == "2026-12-22 10:00"  # not "10:00": that reads as today
    assert f"marked {word} before" in err.value.message
    booking = december.booking.lookup("AAAAA5")
    assert booking.status == BookingStatus.BOOKED and booking.changes == []


def test_the_desk_cannot_check_in_a_later_days_booking(december: Services) -> None:
    put_booking(december, code="AAAAA6", start=datetime(2026, 12, 22, 10, 0, tzinfo=TZ))
    outcome = december.arrivals.check_in("AAAAA6", anytime=True)
    assert outcome.result == VerifyResult.NOT_TODAY
    assert december.booking.lookup("AAAAA6").checked_in_at is None


@pytest.mark.parametrize("lang", ["lt", "en"])
def test_the_console_has_words_for_the_first_day(lang: str) -> None:
    text = str(catalogue(lang)[f"lib.err.{ErrorCode.FORM_DATE_BEFORE_FIRST_DAY}"])
    assert "{date}" in text and "{first_day}" in text
