"""Places with directions, what to bring per topic, and the one date form of visitor screens."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from db import Store
from db.schema import MIGRATIONS, SCHEMA_VERSION
from kiosk.demo import load_demo
from kiosk.domain.catalog import PLACES
from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import Place, Topic, WeeklyTime
from kiosk.domain.validation import BRING_MAX, DIRECTIONS_MAX, check_bring, check_place_record
from kiosk.i18n import Translator
from kiosk.services import Services, build_services
from screens.librarian.translations import topic_missing
from tests.conftest import NOW, TZ, put_booking

# -- the schema migration ------------------------------------------------------------


def test_the_migration_makes_a_place_for_every_place_name_in_use() -> None:
    v1 = {
        "meta": {"1": {"schema": 1}},
        "weekly": {"1": {"place": "Skaitykla"}, "2": {"place": "Kompiuterių klasė"}},
        "exceptions": {"1": {"place": ""}, "2": {"place": "Salė"}},
        "bookings": {"1": {"place": "Skaitykla"}, "2": {"place": "Senoji salė"}},
    }
    migrated = MIGRATIONS[1](json.loads(json.dumps(v1)))
    names = sorted(row["name"] for row in migrated[PLACES].values())
    assert names == ["Kompiuterių klasė", "Salė", "Senoji salė", "Skaitykla"]
    assert all(row["directions"] == {} for row in migrated[PLACES].values())
    # The history keeps its words: no booking's place changes.
    assert migrated["bookings"] == v1["bookings"]


def test_an_old_data_file_opens_with_its_places_as_records(tmp_path: Path) -> None:
    store = Store(tmp_path).open()
    weekly = WeeklyTime("w1", "ieva", 0, "14:00", "17:00", "Skaitykla, 2 stalas")
    old = {
        "meta": {"1": {"schema": 1}},
        "weekly": {"1": weekly.to_dict()},
    }
    store.path.write_text(json.dumps(old), encoding="utf-8")
    services = build_services(tmp_path)
    assert [p.name for p in services.catalog.places()] == ["Skaitykla, 2 stalas"]
    assert services.catalog.place("Skaitykla, 2 stalas") == Place("Skaitykla, 2 stalas")
    with services.store.snapshot() as tx:
        assert tx.get_meta("schema") == SCHEMA_VERSION


# -- the catalogue -------------------------------------------------------------------


def test_a_place_is_saved_and_read_back_and_bookings_keep_their_name(demo: Services) -> None:
    booking = put_booking(demo, code="ACDEFG", start=NOW + timedelta(hours=2))
    place = demo.catalog.place("Kompiuterių klasė")
    assert place is not None and place.how_to_find("en")
    changed = replace(place, directions={"lt": "Antras aukštas", "en": "Second floor"})
    demo.catalog.save_place(changed)
    assert demo.catalog.place("Kompiuterių klasė") == changed
    assert demo.booking.lookup(booking.code).place == "Kompiuterių klasė"
    # One record per name: saving again replaces it.
    assert [p.name for p in demo.catalog.places()].count("Kompiuterių klasė") == 1


def test_a_place_name_without_a_record_is_listed_for_the_librarian(demo: Services) -> None:
    demo.catalog.save_weekly_time(WeeklyTime("w99", "ieva", 1, "10:00", "11:00", "Palėpė"))
    listed = {p.name: p for p in demo.catalog.places()}
    assert listed["Palėpė"] == Place("Palėpė")
    assert demo.catalog.place("Palėpė") is None  # no record yet: no directions on tickets


def test_demo_places_have_directions_in_both_languages(demo: Services) -> None:
    places = demo.catalog.places()
    assert {p.name for p in places} == {p.name for p in load_demo().places}
    for place in places:
        assert place.how_to_find("lt") and place.how_to_find("en") != place.how_to_find("lt")


def test_every_demo_topic_says_what_to_bring_in_both_languages(demo: Services) -> None:
    topics = demo.catalog.topics()
    assert len(topics) == len(load_demo().topics)
    for topic in topics:
        assert topic.bring("lt") and topic.bring("en") and topic.bring("lt") != topic.bring("en")


def test_a_place_label_keeps_the_lithuanian_name_for_an_english_visitor() -> None:
    place = Place("Skaitykla", {"en": "Reading room"}, {"lt": "2 aukštas"})
    assert place.label("lt") == "Skaitykla"
    assert place.label("en") == "Skaitykla (Reading room)"
    assert place.how_to_find("en") == "2 aukštas"  # no English words yet: the Lithuanian ones


def test_what_to_bring_falls_back_to_lithuanian_and_old_topics_load() -> None:
    old = Topic.from_dict({"slug": "email", "names": {"lt": "El. paštas"}})
    assert old.what_to_bring == {} and old.bring("en") == ""
    topic = replace(old, what_to_bring={"lt": "Telefoną"})
    assert topic.bring("en") == "Telefoną"


# -- validation ----------------------------------------------------------------------


def test_a_place_needs_a_name_and_short_plain_directions() -> None:
    name, names, directions = check_place_record(
        "  Skaitykla,   2 stalas ", {"en": " Reading room "}, {"lt": "2 aukštas", "en": ""}
    )
    assert (name, names, directions) == (
        "Skaitykla, 2 stalas",
        {"en": "Reading room"},
        {"lt": "2 aukštas"},
    )
    with pytest.raises(ValidationError) as refused:
        check_place_record(" ", {}, {})
    assert refused.value.code == ErrorCode.PLACE_REQUIRED
    with pytest.raises(ValidationError) as refused:
        check_place_record("Salė", {}, {"lt": "x" * (DIRECTIONS_MAX + 1)})
    assert refused.value.code == ErrorCode.TEXT_TOO_LONG and refused.value.field == "directions"
    with pytest.raises(ValidationError):
        check_place_record("Salė", {}, {"lt": "kairėn\u202eį dešinę"})  # a bidi override


def test_what_to_bring_is_short_and_may_be_empty() -> None:
    assert check_bring({"lt": " Telefoną ", "en": ""}) == {"lt": "Telefoną"}
    with pytest.raises(ValidationError) as refused:
        check_bring({"en": "y" * (BRING_MAX + 1)})
    assert refused.value.code == ErrorCode.TEXT_TOO_LONG


# -- the one date form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "day", "expected"),
    [
        ("lt", date(2026, 11, 24), "Šiandien, lapkričio 24 d., antradienis, 10:00–10:30"),
        ("lt", date(2026, 11, 25), "Rytoj, lapkričio 25 d., trečiadienis, 10:00–10:30"),
        ("lt", date(2026, 11, 26), "lapkričio 26 d., ketvirtadienis, 10:00–10:30"),
        ("en", date(2026, 11, 24), "Today, Tuesday 24 November, 10:00–10:30"),
        ("en", date(2026, 11, 25), "Tomorrow, Wednesday 25 November, 10:00–10:30"),
        ("en", date(2026, 11, 26), "Thursday 26 November, 10:00–10:30"),
    ],
)
def test_a_booking_time_says_today_and_tomorrow_when_true(
    lang: str, day: date, expected: str
) -> None:
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=TZ)
    t = Translator(lang)
    # "30 d." never breaks across lines: a no-break space, compared here as a space.
    when = t.when(start, start + timedelta(minutes=30), NOW.date()).replace("\xa0", " ")
    assert when == expected
    # Without today's date: the plain day, the same form.
    plain = t.when(start, start + timedelta(minutes=30)).replace("\xa0", " ")
    assert plain.endswith(expected.split(", ", 1)[-1])


def test_a_topic_lacks_a_language_where_the_lithuanian_text_would_show() -> None:
    topic = Topic(
        "email",
        {"lt": "El. paštas", "en": "E-mail", "pl": "E-mail", "ru": ""},
        descriptions={"lt": "Laiškai", "en": "Letters"},
        what_to_bring={"en": "A phone"},  # no Lithuanian text: nothing to fall back on
    )
    assert topic_missing(topic, ["lt", "en", "pl", "ru"]) == ["pl", "ru"]
