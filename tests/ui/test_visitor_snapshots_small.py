"""Snapshots of every visitor screen at 78x18, the grid of the shipped kiosk panel.

Same fixed library, codes, tokens and frozen countdown as ``test_visitor_snapshots``; these
pictures show that nothing a visitor taps lies below the fold on the real screen.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

import tests.ui.test_visitor_snapshots as base
from kiosk.services import Services
from tests.ui.conftest import click, make_app

KIOSK = (78, 18)

fixed = base.fixed  # the fixture: predictable codes and tokens, a still countdown


async def topic_page_2(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await base.topic(pilot)
    await click(pilot, pilot.app.screen.query_one("#topic-grid .pager-more"))


async def time_page_2(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await base.time(pilot)
    await click(pilot, pilot.app.screen.query_one("#time-days .pager-more"))


async def details_keys_page_2(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await base.details(pilot)
    await click(pilot, "#key-switch")


SCREENS = [
    base.welcome,
    base.topic,
    topic_page_2,
    base.time,
    time_page_2,
    base.details,
    details_keys_page_2,
    base.details_error,
    base.confirm,
    base.ticket,
    base.lookup,
    base.cancel,
    base.checkin,
    base.checkin_ok,
    base.checkin_refused,
    base.more_time,
    base.help_called,
]


@pytest.mark.parametrize("steps", SCREENS, ids=[s.__name__ for s in SCREENS])
def test_visitor_screen_on_the_kiosk_panel(snap_compare, fixed: Services, steps) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(fixed), terminal_size=KIOSK, run_before=base._still(steps))
