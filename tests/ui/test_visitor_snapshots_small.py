"""Snapshots of every visitor screen at 78x18, the grid of the shipped kiosk panel.

Same fixed library, codes, tokens and frozen countdown as ``test_visitor_snapshots``; these
pictures show that nothing a visitor taps lies below the fold on the real screen. One app
run takes them all.
"""

from __future__ import annotations

from textual.pilot import Pilot

import tests.ui.test_visitor_snapshots as base
from tests.ui.conftest import click, make_app
from tests.ui.snapshots import Library, Screens

KIOSK = (78, 18)

# The fixtures: predictable codes and tokens, a still countdown, a library to go back to.
fixed = base.fixed
library = base.library


# Steps that go on from the screen before them in their part.
async def topic_page_2(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await click(pilot, "#topic-grid .pager-more")


async def time_page_2(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await click(pilot, "#time-days .pager-more")


async def details_keys_page_2(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await click(pilot, "#key-switch")


# Parts of one app run, as in test_visitor_snapshots: each from Welcome in a fresh library.
PARTS: list[base.Part] = [
    [base.welcome, base.topic, topic_page_2],
    [base.time, time_page_2],
    [base.details, details_keys_page_2],
    [base.confirm, base.ticket],
    [base.details_error],
    [base.more_time],
    [base.help_called],
    [base.lookup, base.cancel],
    [base.checkin, base.checkin_refused],
    [base.checkin_ok],
]
AFTER = {
    **base.FROM_THE_SCREEN_BEFORE,
    **{steps.__name__: steps for steps in (topic_page_2, time_page_2, details_keys_page_2)},
}


async def test_visitor_screens_on_the_kiosk_panel(library: Library, screens: Screens) -> None:
    app = make_app(library.services)
    async with app.run_test(size=KIOSK, tooltips=True, notifications=True) as pilot:

        async def picture(name: str) -> None:
            await screens.check(pilot, name)

        await base.walk(pilot, library, "lt", picture, PARTS, AFTER)
    screens.assert_all_alike()
