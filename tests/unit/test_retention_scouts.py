"""Retention reaches the e-scouts: one inactive for the retention period (deactivated, or
left without any weekly time or coming extra session) is erased from the data file, the
archive and every backup (name, full name, contact, card, PIN, times, shift records), and
made anonymous in the forms and bookings, so the results keep every count."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import date, datetime

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.models import BookingStatus
from kiosk.domain.scout_day import SCOUT_PRESENCE
from kiosk.results.reports import compute_results
from kiosk.services import Services
from tests.conftest import put_booking, put_settings
from tests.unit.test_waitlist_retention import every_byte_in

DAYS = 30
FULL_NAME = "Lukas Petrauskas"
CONTACT = "+37061200002"  # the demo's contact for Lukas
SMS_PHONE = "+37069900077"  # where his shift reminders go
# What names Lukas anywhere: his id is his first name.
TRACES = (b"Lukas", b"lukas", b"Petrauskas", CONTACT.encode(), SMS_PHONE.encode(), b"+370 612")


def _counts(demo: Services) -> tuple[object, ...]:
    """What results say for the autumn: totals, and the counts per e-scout (no names)."""
    res = compute_results(demo.booking, demo.activity, date(2026, 9, 1), date(2027, 1, 31))
    return (
        res.consultations,
        res.minutes,
        res.bookings,
        sorted(r.count for r in res.by_scout),
        {r.key: r.count for r in res.by_topic},
        {r.key: r.count for r in res.by_status},
    )


def _seed(demo: Services) -> None:
    put_settings(demo, retention_days=DAYS)
    scout = demo.booking.scout("lukas")
    demo.catalog.save_scout(
        dataclasses.replace(scout, full_name=FULL_NAME, phone=SMS_PHONE, shift_sms=True)
    )
    demo.scout_access.issue_card("lukas")
    demo.scout_access.set_pin("lukas", "13579")
    # Consultations of September (archived by the first purge) and of November.
    for code, start in (
        ("SEP001", datetime(2026, 9, 8, 15, 0, tzinfo=TZ)),
        ("NOV001", datetime(2026, 11, 17, 15, 0, tzinfo=TZ)),
    ):
        put_booking(demo, code=code, start=start, status=BookingStatus.DONE)
    for day, minutes in ((date(2026, 9, 8), 30), (date(2026, 11, 17), 45)):
        demo.activity.record(ActivityDraft(day, "lukas", minutes, ["e-banking"], "65_74", "solved"))
    demo.activity.record(
        ActivityDraft(date(2026, 11, 18), "ieva", 60, ["email"], "50_64", "solved")
    )


def test_a_departed_escout_is_erased_everywhere_and_results_keep_their_counts(
    demo: Services, clock: FixedClock
) -> None:
    _seed(demo)
    with demo.store.transaction() as tx:  # a shift on record
        tx.insert(
            SCOUT_PRESENCE,
            {
                "id": "p1",
                "scout": "lukas",
                "shift_start": "2026-11-17T15:00:00+02:00",
                "shift_end": "2026-11-17T18:00:00+02:00",
                "place": "Kompiuterių klasė",
                "here_at": "2026-11-17T14:55:00+02:00",
                "outcome": "on_time",
            },
        )
    before = _counts(demo)
    demo.catalog.save_scout(dataclasses.replace(demo.booking.scout("lukas"), active=False))

    first = demo.retention.purge()  # starts the count; archives September
    assert first.scouts_erased == 0 and demo.store.archived_months() == ["2026-09"]
    taken = demo.maintenance.backup()  # a backup while Lukas is still on file
    assert taken is not None and FULL_NAME.encode() in taken.read_bytes()
    assert (
        b"lukas" in (demo.data_dir / "backups" / "archive" / "bookings-2026-09.json").read_bytes()
    )

    clock.advance(days=DAYS, seconds=-1)
    assert demo.retention.purge().scouts_erased == 0  # one second short of the period
    assert FULL_NAME.encode() in (demo.data_dir / "kiosk.json").read_bytes()

    clock.advance(seconds=1)
    result = demo.retention.purge()
    assert result.scouts_erased == 1
    assert taken.name in result.copies_changed

    everything = every_byte_in(demo.data_dir)
    for trace in TRACES:
        assert trace not in everything, trace
    assert b"Ieva K." in everything  # everyone else stays as they were

    # One anonymous id, the same in the data file, the archive and the backup.
    (anonymous,) = [s for s in demo.booking.scouts() if s.id.startswith("anon-")]
    assert anonymous.name == anonymous.id and not anonymous.contact and not anonymous.full_name
    assert not anonymous.phone and not anonymous.shift_sms
    assert not anonymous.active and anonymous.erased_at is not None
    assert anonymous.id not in demo.scout_access.credentials()
    assert "lukas" not in demo.scout_access.credentials()
    forms = demo.activity.records(date(2026, 9, 1), date(2026, 11, 30))
    assert sorted(r.scout for r in forms) == sorted([anonymous.id, anonymous.id, "ieva"])
    assert demo.catalog.weekly_times(anonymous.id) == []
    with demo.store.snapshot() as tx:
        assert tx.all(SCOUT_PRESENCE) == []
    archived = json.loads((demo.data_dir / "archive" / "bookings-2026-09.json").read_bytes())
    assert {d["scout"] for d in archived["bookings"].values()} == {anonymous.id}
    backup = json.loads(taken.read_bytes())
    assert anonymous.id in {d["id"] for d in backup["scouts"].values()}
    assert {d["scout"] for d in backup["activities"].values()} == {anonymous.id, "ieva"}

    assert _counts(demo) == before  # results count every form and booking as before
    assert demo.retention.log()[0].scouts_erased == 1  # logged as a count
    assert demo.retention.purge().scouts_erased == 0  # nothing twice


def test_an_active_escout_without_any_shift_goes_too_and_one_with_times_stays(
    demo: Services, clock: FixedClock
) -> None:
    put_settings(demo, retention_days=DAYS)
    for weekly in demo.catalog.weekly_times("ieva"):
        demo.catalog.remove_weekly_time(weekly.id)
    demo.retention.purge()  # Ieva, still active, has no shift: the count starts
    clock.advance(days=DAYS)
    assert demo.retention.purge().scouts_erased == 1
    ids = {s.id for s in demo.booking.scouts()}
    assert "ieva" not in ids and "lukas" in ids  # Lukas has his weekly times
    assert b"Ieva K." not in (demo.data_dir / "kiosk.json").read_bytes()


def test_an_escout_back_before_the_period_ends_is_kept(demo: Services, clock: FixedClock) -> None:
    put_settings(demo, retention_days=DAYS)
    scout = demo.booking.scout("lukas")
    demo.catalog.save_scout(dataclasses.replace(scout, active=False))
    demo.retention.purge()
    clock.advance(days=DAYS - 1)
    scout = demo.booking.scout("lukas")
    demo.catalog.save_scout(dataclasses.replace(scout, active=True))
    demo.retention.purge()  # active again: the count is cleared
    clock.advance(days=1)
    assert demo.retention.purge().scouts_erased == 0
    assert demo.booking.scout("lukas").name == "Lukas P."
    assert Counter(s.active for s in demo.booking.scouts())[True] == len(demo.booking.scouts())
