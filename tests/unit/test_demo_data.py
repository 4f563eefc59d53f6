"""The demo library's TOML files agree with each other, whoever edits one of them."""

from __future__ import annotations

import re

from kiosk.demo import load_demo


def test_every_name_one_file_uses_is_defined_in_another() -> None:
    demo = load_demo()
    topics = {t.slug for t in demo.topics}
    places = {p.name for p in demo.places}
    scouts = {s.id for s in demo.scouts}
    assert len(topics) == len(demo.topics) and len(scouts) == len(demo.scouts)
    for scout in demo.scouts:
        assert set(scout.topics) <= topics, scout.id
        assert set(scout.languages) <= set(demo.settings.languages), scout.id
    for time in demo.times:
        assert time.scout in scouts and time.place in places, time.id
    assert {b.topic for b in demo.bookings} <= topics


def test_every_topic_and_place_speaks_every_language_offered() -> None:
    demo = load_demo()
    for topic in demo.topics:
        for words in (topic.names, topic.descriptions, topic.what_to_bring):
            assert list(words) == demo.settings.languages, topic.slug
    for place in demo.places:
        assert list(place.directions) == demo.settings.languages, place.name
        assert list(place.names) == demo.settings.languages[1:], place.name  # lt: the name


def test_times_are_numbered_in_file_order_weekly_first() -> None:
    ids = [t.id for t in load_demo().times]
    weekly = [i for i in ids if i.startswith("w")]
    assert weekly == [f"w{n}" for n in range(1, len(weekly) + 1)]
    assert ids[len(weekly) :] == ["g1"]


def _floor(lang: str, directions: str) -> int | None:
    """The floor a direction names, counted as Lithuanian counts (the ground floor is 1)."""
    first = directions.split(",")[0].split(":")[0].strip()
    if lang == "lt":
        found = re.fullmatch(r"(\d+) aukštas", first)
        return int(found.group(1)) if found else None
    if first in ("Ground floor", "Parter"):
        return 1
    ordinal = {"en": r"(\d+)(?:st|nd|rd|th) floor", "pl": r"(\d+)\. piętro"}[lang]
    found = re.fullmatch(ordinal, first)
    return int(found.group(1)) + 1 if found else None


def test_english_and_polish_directions_count_floors_above_the_ground_floor() -> None:
    # "2 aukštas" is one flight up: the 1st floor in British English, 1. piętro in Polish.
    checked = 0
    for place in load_demo().places:
        floor = _floor("lt", place.directions["lt"])
        if floor is None:
            continue  # the basement, named in words
        for lang in ("en", "pl"):
            assert _floor(lang, place.directions[lang]) == floor, (place.name, lang)
            checked += 1
    assert checked >= 8
