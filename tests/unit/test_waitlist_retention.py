"""Retention reaches the waiting list: `kiosk purge` erases entries past their time."""

from __future__ import annotations

from kiosk.domain.clock import FixedClock
from kiosk.services import Services
from tests.conftest import put_settings

PHONE = "+37061234567"


def data_file(services: Services) -> str:
    return (services.data_dir / "kiosk.json").read_text(encoding="utf-8")


def test_purge_erases_an_expired_entry_nobody_listed(demo: Services, clock: FixedClock) -> None:
    entry = demo.waitlist.add("smart-id", "Ona", PHONE)
    clock.advance(days=demo.booking.settings().waitlist_days, seconds=-1)
    demo.retention.purge()
    assert PHONE in data_file(demo)  # still waiting: kept
    clock.advance(seconds=1)
    result = demo.retention.purge()  # no read of the list in between: the purge itself erases
    raw = data_file(demo)
    assert entry.id not in raw and PHONE not in raw and "Ona" not in raw
    assert result.waitlist_erased == 1
    assert demo.retention.log()[0].waitlist_erased == 1  # logged (a count, no names)


def test_no_entry_outlives_the_retention_period(demo: Services, clock: FixedClock) -> None:
    put_settings(demo, retention_days=10, waitlist_days=60)
    demo.waitlist.add("smart-id", "Ona", PHONE)
    clock.advance(days=10, seconds=-1)
    assert demo.retention.purge().waitlist_erased == 0
    assert len(demo.waitlist.entries()) == 1
    clock.advance(seconds=1)
    assert demo.retention.purge().waitlist_erased == 1
    assert PHONE not in data_file(demo)
    assert demo.waitlist.entries() == []
