"""Versioned saves: a desk saving a copy older than the stored one is refused, never lost."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.domain.catalog import StaleSave
from kiosk.domain.clock import FixedClock
from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import Topic, WeeklyTime
from kiosk.services import Services, build_services
from tests.conftest import NOW


def test_an_older_settings_copy_is_refused_and_the_newer_value_kept(demo: Services) -> None:
    a = demo.catalog.settings()
    b = demo.catalog.settings()
    saved = demo.catalog.save_settings(replace(b, retention_days=14))
    assert saved.version == b.version + 1
    with pytest.raises(StaleSave) as info:
        demo.catalog.save_settings(replace(a, library_name="Senas pavadinimas"))
    assert info.value.code == ErrorCode.STALE_SAVE
    fresh = demo.catalog.settings()
    assert fresh.retention_days == 14 and fresh.library_name == a.library_name
    # Based on the fresh copy, the same change goes through.
    demo.catalog.save_settings(replace(fresh, library_name="Naujas pavadinimas"))
    assert demo.catalog.settings().library_name == "Naujas pavadinimas"


def test_two_desks_on_one_data_dir(demo: Services, data_dir: Path) -> None:
    other = build_services(data_dir, FixedClock(NOW))
    mine = demo.catalog.scouts()[0]
    theirs = next(s for s in other.catalog.scouts() if s.id == mine.id)
    other.catalog.save_scout(replace(theirs, name="Kitas K."))
    with pytest.raises(StaleSave):
        demo.catalog.save_scout(replace(mine, contact="x"))
    assert next(s for s in demo.catalog.scouts() if s.id == mine.id).name == "Kitas K."


def test_topics_are_versioned_and_a_reorder_is_all_or_nothing(demo: Services) -> None:
    first, second, *_ = demo.catalog.topics()
    demo.catalog.save_topic(replace(second, names={**second.names, "en": "Changed"}))
    swapped = [replace(first, order=second.order), replace(second, order=first.order)]
    with pytest.raises(StaleSave):
        demo.catalog.save_topics(swapped)  # the second is an older copy
    assert [t.slug for t in demo.catalog.topics()][:2] == [first.slug, second.slug]
    fresh = {t.slug: t for t in demo.catalog.topics()}
    demo.catalog.save_topics(
        [
            replace(fresh[first.slug], order=second.order),
            replace(fresh[second.slug], order=first.order),
        ]
    )
    assert [t.slug for t in demo.catalog.topics()][:2] == [second.slug, first.slug]


def test_a_new_topic_may_not_take_a_key_taken_meanwhile(demo: Services) -> None:
    topic = Topic("naujas", {"lt": "Naujas"})
    demo.catalog.save_topic(topic, new=True)
    with pytest.raises(ValidationError) as info:
        demo.catalog.save_topic(Topic("naujas", {"lt": "Kitas"}), new=True)
    assert info.value.code == ErrorCode.SLUG_TAKEN


def test_weekly_times_are_versioned(demo: Services) -> None:
    weekly = demo.catalog.weekly_times()[0]
    demo.catalog.save_weekly_time(replace(weekly, place="Kita vieta"))
    with pytest.raises(StaleSave):
        demo.catalog.save_weekly_time(replace(weekly, end="23:00"))
    new = WeeklyTime(demo.catalog.new_id(), weekly.scout, 6, "10:00", "11:00", "Salė")
    assert demo.catalog.save_weekly_time(new).version == 1


def test_old_data_without_versions_still_saves(demo: Services) -> None:
    # Documents written before versions began have none: a copy read from them is version 0.
    settings = demo.catalog.settings()
    assert settings.version == 0
    assert demo.catalog.save_settings(settings).version == 1
