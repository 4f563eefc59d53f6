"""Snapshots of every visitor screen in Lithuanian and English at 80x24 and 120x40 (78x18 in
test_visitor_snapshots_small), and in Russian, Ukrainian and Polish at 120x40 (Welcome,
Details and Ticket also at 80x24).

Fixed clock (conftest), the demo library, fixed booking codes and ticket tokens, no cursor
blink and a frozen countdown: the pictures change only when the screens do.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

import kiosk.booking
import screens.visitor.idle
from kiosk.services import Services
from screens.visitor import MoreTimeScreen
from tests.ui.conftest import click, make_app, press_text, settle

TOKENS = ["KIOSKDEMOTOKEN234567ABCDEF", "TOKENTWO234567ABCDEFGHIJKL", "THIRDTOKEN234567ABCDEFGHIJ"]
CODES = ["KQ4H7T", "PRM3CX", "VW9DNA"]
SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 40), id="120x40"),
]
LANGS = ["lt", "en"]

Steps = Callable[[Pilot], Awaitable[None]]  # type: ignore[type-arg]


@pytest.fixture
def fixed(demo: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The demo library with predictable codes and tokens, and a countdown that stands still."""
    codes, tokens = iter(CODES), iter(TOKENS)
    monkeypatch.setattr(kiosk.booking, "new_code", lambda: next(codes))
    monkeypatch.setattr(kiosk.booking, "new_token", lambda: next(tokens))
    clock = itertools.repeat(1000.0)
    monkeypatch.setattr(screens.visitor.idle, "monotonic", lambda: next(clock))
    return demo


def _still(steps: Steps, lang: str = "lt") -> Steps:
    async def run(pilot: Pilot) -> None:  # type: ignore[type-arg]
        await settle(pilot)
        if lang != "lt":
            await click(pilot, f"#lang-{lang}")
        await steps(pilot)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run


async def welcome(pilot: Pilot) -> None:  # type: ignore[type-arg]
    pass


async def topic(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await click(pilot, "#w-book")


async def time(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await topic(pilot)
    await click(pilot, "#topic-smartphone")


async def details(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await time(pilot)
    await click(pilot, "#time-first")
    await press_text(pilot, "Ona")


async def details_error(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await time(pilot)
    await click(pilot, "#time-first")
    await press_text(pilot, "[bold]x")
    await pilot.press("tab")
    await press_text(pilot, "12")
    await click(pilot, "#details-next")


async def confirm(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await details(pilot)
    await click(pilot, "#details-next")


async def ticket(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await confirm(pilot)
    await click(pilot, "#confirm-ok")


def _book(pilot: Pilot) -> str:  # type: ignore[type-arg]
    services: Services = pilot.app.services  # type: ignore[attr-defined]
    slot = services.booking.first_free("smartphone")
    assert slot is not None
    return services.booking.book("smartphone", slot.start, "Ona", scout=slot.scout).booking.code


async def lookup(pilot: Pilot) -> None:  # type: ignore[type-arg]
    code = _book(pilot)
    await click(pilot, "#w-lookup")
    await press_text(pilot, code)
    await pilot.press("enter")


async def cancel(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await lookup(pilot)
    await settle(pilot)
    await click(pilot, "#lookup-cancel")


async def checkin(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await click(pilot, "#w-checkin")


async def checkin_ok(pilot: Pilot) -> None:  # type: ignore[type-arg]
    _book(pilot)
    await click(pilot, "#w-checkin")
    await press_text(pilot, TOKENS[0])
    await pilot.press("enter")


async def checkin_refused(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await click(pilot, "#w-checkin")
    await press_text(pilot, "ACDEFG")
    await pilot.press("enter")


async def more_time(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await details(pilot)
    pilot.app.push_screen(MoreTimeScreen(30))


async def help_called(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await details(pilot)
    await click(pilot, "#v-help")


SCREENS = [
    welcome,
    topic,
    time,
    details,
    details_error,
    confirm,
    ticket,
    lookup,
    cancel,
    checkin,
    checkin_ok,
    checkin_refused,
    more_time,
    help_called,
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("steps", SCREENS, ids=[s.__name__ for s in SCREENS])
def test_visitor_screen(  # type: ignore[no-untyped-def]
    snap_compare, fixed: Services, steps: Steps, size: tuple[int, int], lang: str
) -> None:
    assert snap_compare(make_app(fixed), terminal_size=size, run_before=_still(steps, lang))


# Russian, Ukrainian and Polish: every screen at 120x40, the three with the most words and the
# keyboard at 80x24. (Their dates follow the catalogues' date.* patterns once the date code
# reads them; until then Babel's own full form for the language shows.)
MORE_LANGS = ["ru", "uk", "pl"]
MORE = [
    *(
        pytest.param(steps, (120, 40), lang, id=f"{steps.__name__}-120x40-{lang}")
        for lang in MORE_LANGS
        for steps in SCREENS
    ),
    *(
        pytest.param(steps, (80, 24), lang, id=f"{steps.__name__}-80x24-{lang}")
        for lang in MORE_LANGS
        for steps in (welcome, details, ticket)
    ),
]


@pytest.mark.parametrize(("steps", "size", "lang"), MORE)
def test_visitor_screen_in_more_languages(  # type: ignore[no-untyped-def]
    snap_compare, fixed: Services, steps: Steps, size: tuple[int, int], lang: str
) -> None:
    assert snap_compare(make_app(fixed), terminal_size=size, run_before=_still(steps, lang))
