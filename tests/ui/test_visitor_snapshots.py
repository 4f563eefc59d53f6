"""Snapshots of every visitor screen in Lithuanian and English at 80x24 and 120x40 (78x18 in
test_visitor_snapshots_small), and of Welcome, Details (its keyboard) and Ticket in Russian,
Ukrainian and Polish at 80x24. Every other screen in those three languages is read as text:
its title in the language, no Lithuanian message left, every button and field on the screen.

One app run per size and language reaches every screen: each part of the flow starts from
Welcome in the library as the test built it (``Library.reset``). Fixed clock (conftest), the
demo library, fixed booking codes and ticket tokens, no cursor blink and a frozen countdown:
the pictures change only when the screens do.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from babel.messages.pofile import read_po
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input

import kiosk.domain.booking
import screens.visitor.idle
from kiosk.i18n import Translator, po_path
from kiosk.services import Services
from screens.visitor import MoreTimeScreen
from screens.widgets import OnScreenKeyboard
from tests.ui.conftest import (
    SMALL,
    click,
    make_app,
    press_text,
    screen_text,
    settle,
    text_of,
    wait_until,
)
from tests.ui.snapshots import Library, Screens
from tests.ui.test_visitor_fit import assert_fits

TOKENS = ["KIOSKDEMOTOKEN234567ABCDEF", "TOKENTWO234567ABCDEFGHIJKL", "THIRDTOKEN234567ABCDEFGHIJ"]
CODES = ["KQ4H7T", "PRM3CX", "VW9DNA"]
SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 40), id="120x40"),
]
LANGS = ["lt", "en"]

Size = tuple[int, int]
Steps = Callable[[Pilot], Awaitable[None]]  # type: ignore[type-arg]


@pytest.fixture
def fixed(demo: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The demo library with predictable codes and tokens, and a countdown that stands still."""
    _fresh_codes(monkeypatch)
    clock = itertools.repeat(1000.0)
    monkeypatch.setattr(screens.visitor.idle, "monotonic", lambda: next(clock))
    return demo


def _fresh_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    codes, tokens = iter(CODES), iter(TOKENS)
    monkeypatch.setattr(kiosk.domain.booking, "new_code", lambda: next(codes))
    monkeypatch.setattr(kiosk.domain.booking, "new_token", lambda: next(tokens))


def _still(steps: Steps, lang: str = "lt") -> Steps:
    """``run_before`` for ``snap_compare``: the steps in ``lang``, then a still screen."""

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


@pytest.fixture
def library(fixed: Services, monkeypatch: pytest.MonkeyPatch) -> Library:
    """The demo library to go back to before each part of a flow, codes and tokens from the
    first again."""
    return Library(fixed, on_reset=lambda: _fresh_codes(monkeypatch))


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


def _book(pilot: Pilot, cancellable: bool = False) -> str:  # type: ignore[type-arg]
    """The first free time's booking; ``cancellable``: the first the visitor may still cancel."""
    services: Services = pilot.app.services  # type: ignore[attr-defined]
    cutoff = timedelta(hours=services.booking.settings().cancel_cutoff_hours)
    earliest = services.booking.now() + (cutoff if cancellable else timedelta(0))
    slot = next(s for s in services.booking.free_slots("smartphone") if s.start > earliest)
    return services.booking.book("smartphone", slot.start, "Ona", scout=slot.scout).booking.code


async def lookup(pilot: Pilot) -> None:  # type: ignore[type-arg]
    code = _book(pilot)
    await click(pilot, "#w-lookup")
    await press_text(pilot, code)
    await pilot.press("enter")


async def cancel(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await lookup(pilot)
    await _cancel_tapped(pilot)


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


# The parts of the flow: each starts at Welcome in a fresh library, and each of its steps
# goes on from the screen before, named for the screen it reaches.
Part = list[Steps]
PARTS: list[Part] = [
    [welcome, topic, time, details, confirm, ticket],
    [details_error],
    [more_time],
    [help_called],
    [lookup, cancel],
    [checkin, checkin_refused],
    [checkin_ok],
]
FROM_THE_SCREEN_BEFORE = {  # steps that go on from the step before them in their part
    "topic": lambda pilot: click(pilot, "#w-book"),
    "time": lambda pilot: click(pilot, "#topic-smartphone"),
    "details": lambda pilot: _name_typed(pilot),
    "confirm": lambda pilot: click(pilot, "#details-next"),
    "ticket": lambda pilot: click(pilot, "#confirm-ok"),
    "cancel": lambda pilot: _cancel_tapped(pilot),
    "checkin_refused": lambda pilot: _code_refused(pilot),
}


async def _name_typed(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await click(pilot, "#time-first")
    await press_text(pilot, "Ona")


async def _cancel_tapped(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """A booking far enough ahead to cancel here (the first was too soon: no Cancel)."""
    await settle(pilot)
    code = _book(pilot, cancellable=True)
    await click(pilot, "#lookup-code")
    pilot.app.screen.query_one("#lookup-code", Input).value = ""
    await press_text(pilot, code)
    await pilot.press("enter")
    await wait_until(pilot, lambda: code in text_of(pilot.app, "#lookup-details"))
    await click(pilot, "#lookup-cancel")


async def _code_refused(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await press_text(pilot, "ACDEFG")
    await pilot.press("enter")


async def walk(
    pilot: Pilot,  # type: ignore[type-arg]
    library: Library,
    lang: str,
    at_each: Callable[[str], Awaitable[None]],
    parts: list[Part] = PARTS,
    after: dict[str, Callable[[Pilot], Awaitable[None]]] | None = None,  # type: ignore[type-arg]
) -> None:
    """Every part of the flow in ``lang``, calling ``at_each(name)`` on every screen reached."""
    app = pilot.app
    after = after or FROM_THE_SCREEN_BEFORE
    for part in parts:
        library.reset()
        app.return_to_welcome()  # type: ignore[attr-defined]
        await settle(pilot)
        if lang != "lt":
            await click(pilot, f"#lang-{lang}")
        for index, steps in enumerate(part):
            name = steps.__name__
            await (after[name](pilot) if index else steps(pilot))
            await at_each(name)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
async def test_visitor_screens(library: Library, screens: Screens, size: Size, lang: str) -> None:
    app = make_app(library.services)
    async with app.run_test(size=size, tooltips=True, notifications=True) as pilot:

        async def picture(name: str) -> None:
            await screens.check(pilot, name)

        await walk(pilot, library, lang, picture)
    screens.assert_all_alike()


MORE_LANGS = ["ru", "uk", "pl"]
WORDY = {"welcome", "details", "ticket"}  # the most words, and Details has the keyboard


@pytest.mark.parametrize("lang", MORE_LANGS)
async def test_visitor_screens_in_more_languages(
    library: Library, screens: Screens, lang: str
) -> None:
    """80x24: pictures of the wordiest screens; every screen read in the language."""
    app = make_app(library.services)
    # Lithuanian visitor words a screen in this language must not show (its own differ).
    foreign = _visitor_texts("lt") - _visitor_texts(lang)
    read: list[str] = []
    async with app.run_test(size=SMALL, tooltips=True, notifications=True) as pilot:

        async def in_language(name: str) -> None:
            await settle(pilot)
            screen = pilot.app.screen
            title_key = getattr(screen, "TITLE_KEY", None)
            titles = [w for w in screen.query("#v-title") if w.display]
            if title_key and titles:  # a short screen may leave the title out
                assert Translator(lang)(title_key) in screen_text(app), (name, title_key)
            # Words, not the keyboard's letters (its ABC key names the Latin letters anywhere).
            words = [w for w in screen.query("Static, Button") if not _on_keyboard(w)]
            shown = {_plain(w) for w in words if w.display}
            assert shown, f"{name} shows no words"
            assert not shown & foreign, f"{name} in {lang} shows Lithuanian: {shown & foreign}"
            assert_fits(pilot)
            read.append(name)
            if name in WORDY:
                await screens.check(pilot, name)

        await walk(pilot, library, lang, in_language)
    assert len(read) == sum(len(part) for part in PARTS)
    screens.assert_all_alike()


def _visitor_texts(lang: str) -> set[str]:
    """The language's visitor messages, but its own name (Welcome shows every language's)."""
    with po_path(lang, "visitor").open("rb") as handle:
        messages = read_po(handle)
    return {
        m.string for m in messages if m.id and m.id != "v.lang.name" and isinstance(m.string, str)
    }


def _bare(text: str) -> str:
    """Words without the arrows and marks around them ("← Atgal" is "Atgal")."""
    return re.sub(r"^\W+|\W+$", "", text)


def _plain(widget: Widget) -> str:
    return _bare(str(widget.label if isinstance(widget, Button) else widget.render()))


def _on_keyboard(widget: Widget) -> bool:
    return any(isinstance(node, OnScreenKeyboard) for node in widget.ancestors)
