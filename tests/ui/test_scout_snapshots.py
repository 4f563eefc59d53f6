"""Snapshots of every e-scout screen (sign-in, My day, the form, hours) in Lithuanian and
English at 80x24 and 120x40, and at 78x18, the shipped kiosk panel: one app run each.

Fixed clock (10:05 on a Tuesday, Austėja's shift), fixed bookings and a frozen cursor: the
pictures change only when the screens do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from kiosk.domain.clock import FixedClock
from kiosk.services import Services
from screens.scout.card import CardScanned
from screens.scout.day import MyDayScreen
from screens.scout.form import ScoutFormScreen
from screens.scout.hours import HoursScreen
from screens.scout.signin import ScoutSignInScreen
from tests.ui.conftest import click, make_app, settle, wait_until
from tests.ui.scout_helpers import SCOUT, SCOUT_PIN, scout_morning
from tests.ui.snapshots import Library, Screens

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
KIOSK = (78, 18)
LANGS = ["lt", "en"]

Size = tuple[int, int]
Steps = Callable[[Pilot, str, str], Awaitable[None]]  # type: ignore[type-arg]


@pytest.fixture
def shift(demo: Services, clock: FixedClock) -> tuple[Services, str]:
    """Austėja's morning: one visitor here (form to fill), one form done, one to come."""
    morning = scout_morning(demo, clock)
    for code in (morning.first, morning.second):
        demo.arrivals.check_in(code, anytime=True)
    draft = demo.scout_day.form_draft(SCOUT, f"id-{morning.first}")
    draft.age_group, draft.outcome, draft.minutes = "65_74", "solved", 30
    demo.scout_day.submit_form(SCOUT, draft)
    demo.scout_day.say_here(SCOUT)
    clock.advance(minutes=30)  # 10:35: the second visitor's consultation has begun
    return demo, morning.card


async def sign_in(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    app = pilot.app
    await settle(pilot)
    app.post_message(CardScanned(card))
    await wait_until(pilot, lambda: isinstance(app.screen, ScoutSignInScreen))
    await settle(pilot)
    if lang != "lt":
        await click(pilot, "#s-lang")


# Every step but a part's first goes on from the screen the step before it reached.
async def day(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    for digit in SCOUT_PIN:
        await click(pilot, f"#s-pad-{digit}")
    await click(pilot, "#s-signin-ok")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, MyDayScreen))
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(".s-item")))


async def form(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await click(pilot, pilot.app.screen.query(".s-item-form").first())
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ScoutFormScreen))


async def form_topics(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await click(pilot, "#s-form-next")


async def form_note(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    for _ in range(3):
        await click(pilot, "#s-form-next")


async def form_refused(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await click(pilot, "#s-form-next")  # no age group chosen: the form says so on its step


async def hours(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    """From Welcome: signed in, then My hours."""
    await sign_in(pilot, card, lang)
    await day(pilot, card, lang)
    await click(pilot, "#s-hours")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HoursScreen))


# Two parts, each from Welcome in the library as the fixture left it.
PARTS: list[list[Steps]] = [[sign_in, day, form, form_topics, form_note, form_refused], [hours]]


async def _walk(services: Services, card: str, screens: Screens, size: Size, lang: str) -> None:
    library = Library(services)
    app = make_app(services)
    async with app.run_test(size=size, tooltips=True, notifications=True) as pilot:
        for part in PARTS:
            library.reset()
            app.scout_sign_out()
            await settle(pilot)
            for steps in part:
                await steps(pilot, card, lang)
                await screens.check(pilot, steps.__name__)
    screens.assert_all_alike()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
async def test_scout_screens(
    shift: tuple[Services, str], screens: Screens, size: Size, lang: str
) -> None:
    await _walk(*shift, screens, size, lang)


async def test_scout_screens_on_the_kiosk_panel(
    shift: tuple[Services, str], screens: Screens
) -> None:
    await _walk(*shift, screens, KIOSK, "lt")
