"""The demo library's TOML files agree with each other, whoever edits one of them."""

from __future__ import annotations

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
