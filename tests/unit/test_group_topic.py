"""A group session's own topic: set with the weekly time or extra session, refused when the
e-scout does not cover it or the session has one seat (service and command line)."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import DatedException, ExceptionKind, WeeklyTime
from kiosk.services import Services
from tests.unit.conftest import Cli

# Ieva covers smartphone, video-social, photos, leisure and email (kiosk/demo/scouts.toml).


def weekly(topic: str, seats: int) -> WeeklyTime:
    return WeeklyTime("wx", "ieva", 2, "10:00", "11:00", "Renginių salė", seats=seats, topic=topic)


def extra(topic: str, seats: int) -> DatedException:
    return DatedException(
        "ex", "ieva", "2026-11-27", str(ExceptionKind.EXTRA), "10:00", "11:00", "Renginių salė",
        seats=seats, topic=topic,
    )  # fmt: skip


def test_a_group_weekly_time_keeps_its_topic_and_is_offered_under_it_alone(demo: Services) -> None:
    saved = demo.catalog.save_weekly_time(weekly("photos", 4))
    assert (saved.seats, saved.topic) == (4, "photos")
    wednesday = date(2026, 11, 25)
    groups = [
        s
        for s in demo.booking.free_slots("photos", first_day=wednesday, days=1)
        if s.scout == "ieva" and s.start.hour == 10
    ]
    assert groups and all(s.seats_left == 4 for s in groups)
    email = demo.booking.free_slots("email", first_day=wednesday, days=1)
    assert not any(s.scout == "ieva" and s.start.hour == 10 for s in email)


@pytest.mark.parametrize(
    ("topic", "seats", "words"),
    [("e-banking", 4, "does not cover"), ("photos", 1, "2 or more seats")],
)
def test_a_topic_the_scout_lacks_or_one_seat_is_refused(
    demo: Services, topic: str, seats: int, words: str
) -> None:
    for save in (
        lambda: demo.catalog.save_weekly_time(weekly(topic, seats)),
        lambda: demo.catalog.save_exception(extra(topic, seats)),
    ):
        with pytest.raises(ValidationError) as refused:
            save()
        assert refused.value.code == ErrorCode.GROUP_TOPIC and words in refused.value.message
    assert not any(w.id == "wx" for w in demo.catalog.weekly_times("ieva"))
    assert not any(e.id == "ex" for e in demo.catalog.exceptions("ieva"))


def test_an_extra_group_session_keeps_its_topic(demo: Services) -> None:
    demo.catalog.save_exception(extra("email", 3))
    (stored,) = [e for e in demo.catalog.exceptions("ieva") if e.id == "ex"]
    assert (stored.seats, stored.topic) == (3, "email")


@pytest.fixture
def cli(cli: Cli) -> Cli:
    assert cli("seed-demo")[0] == 0
    return cli


SESSION = ["--scout", "ieva", "--start", "10:00", "--end", "11:00", "--place", "Renginių salė"]


def test_the_command_line_adds_group_sessions_with_a_topic(cli: Cli) -> None:
    rc, out, err = cli(
        "weekly-time", *SESSION, "--weekday", "2", "--seats", "4", "--topic", "email"
    )
    assert rc == 0, err
    assert isinstance(out, dict) and (out["seats"], out["topic"], out["weekday"]) == (4, "email", 2)
    rc, out, err = cli(
        "extra-session", *SESSION, "--date", "2026-11-27", "--seats", "3", "--topic", "photos"
    )
    assert rc == 0, err
    assert isinstance(out, dict) and (out["seats"], out["topic"], out["kind"]) == (
        3,
        "photos",
        "extra",
    )


@pytest.mark.parametrize(
    ("extra_args", "words"),
    [
        (["--seats", "4", "--topic", "e-banking"], "does not cover the topic 'e-banking'"),
        (["--topic", "email"], "2 or more seats"),
        (["--seats", "9"], "seats are 1 to 8"),
    ],
)
@pytest.mark.parametrize("command", ["weekly-time", "extra-session"])
def test_the_command_line_refuses_a_topic_in_one_line(
    cli: Cli, command: str, extra_args: list[str], words: str
) -> None:
    when = ["--weekday", "2"] if command == "weekly-time" else ["--date", "2026-11-27"]
    rc, out, err = cli(command, *SESSION, *when, *extra_args)
    assert rc == 2 and out is None
    assert words in err and len(err.strip().splitlines()) == 1
