"""Snapshots of every e-scout screen (sign-in, My day, the form, hours) in Lithuanian and
English at 80x24 and 120x40, and at 78x18, the shipped kiosk panel.

Fixed clock (10:05 on a Tuesday, Austėja's shift), fixed bookings and a frozen cursor: the
pictures change only when the screens do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.clock import FixedClock
from kiosk.services import Services
from screens.scout.card import CardScanned
from screens.scout.day import MyDayScreen
from screens.scout.form import ScoutFormScreen
from screens.scout.hours import HoursScreen
from screens.scout.signin import ScoutSignInScreen
from tests.ui.conftest import click, make_app, settle, wait_until
from tests.ui.scout_helpers import SCOUT, SCOUT_PIN, scout_morning

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
KIOSK = (78, 18)
LANGS = ["lt", "en"]

Steps = Callable[[Pilot, str], Awaitable[None]]  # type: ignore[type-arg]


@pytest.fixture
def shift(demo: Services, clock: FixedClock) -> tuple[Services, str]:
    """Austėja's morning: one visitor here (form to fill), one form done, one to come."""
    morning = scout_morning(demo, clock)
    for code in (morning.first, morning.second):
        demo.booking.check_in(code, anytime=True)
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


async def day(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await sign_in(pilot, card, lang)
    for digit in SCOUT_PIN:
        await click(pilot, f"#s-pad-{digit}")
    await click(pilot, "#s-signin-ok")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, MyDayScreen))
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(".s-item")))


async def form(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await day(pilot, card, lang)
    await click(pilot, pilot.app.screen.query(".s-item-form").first())
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ScoutFormScreen))


async def form_topics(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await form(pilot, card, lang)
    await click(pilot, "#s-form-next")


async def form_note(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await form(pilot, card, lang)
    for _ in range(4):
        await click(pilot, "#s-form-next")


async def form_refused(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await form_note(pilot, card, lang)
    await click(pilot, "#s-form-next")  # no age group chosen: the form says so on its step


async def hours(pilot: Pilot, card: str, lang: str) -> None:  # type: ignore[type-arg]
    await day(pilot, card, lang)
    await click(pilot, "#s-hours")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HoursScreen))


SCREENS: list[Steps] = [sign_in, day, form, form_topics, form_note, form_refused, hours]


def _still(steps: Steps, card: str, lang: str) -> Callable[[Pilot], Awaitable[None]]:  # type: ignore[type-arg]
    async def run(pilot: Pilot) -> None:  # type: ignore[type-arg]
        await steps(pilot, card, lang)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("steps", SCREENS, ids=[s.__name__ for s in SCREENS])
def test_scout_screen(snap_compare, shift, steps, size, lang) -> None:  # type: ignore[no-untyped-def]
    services, card = shift
    assert snap_compare(
        make_app(services), terminal_size=size, run_before=_still(steps, card, lang)
    )


@pytest.mark.parametrize("steps", SCREENS, ids=[s.__name__ for s in SCREENS])
def test_scout_screen_on_the_kiosk_panel(snap_compare, shift, steps) -> None:  # type: ignore[no-untyped-def]
    services, card = shift
    assert snap_compare(
        make_app(services), terminal_size=KIOSK, run_before=_still(steps, card, "lt")
    )
