"""Read aloud at the kiosk: a tap on Welcome and on the ticket writes what the screen says
as WAV files (KIOSK_SPEECH_DIR), a second tap or leaving the screen stops the voice, and
there is no button without espeak-ng or with speech switched off."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.services import Services
from kiosk.speech import Speaker
from screens.visitor import LookupScreen, TicketScreen, WelcomeScreen
from screens.visitor.read_aloud import SPEAK_SIGN, STOP_SIGN
from tests.ui.conftest import BIG, book_first_free, click, make_app, settle, wait_until
from tests.unit.test_speech import espeak_or_skip, rms_and_seconds


@pytest.fixture
def engine() -> str:
    return espeak_or_skip()


def speaking_app(engine: str, services: Services, out: Path) -> KioskApp:
    return make_app(services, speech=Speaker(engine, out))


def label(app: KioskApp) -> str:
    return str(app.screen.query_one("#v-read-aloud", Button).label)


async def test_a_tap_on_welcome_and_on_the_ticket_writes_what_they_say(
    engine: str, demo: Services, tmp_path: Path
) -> None:
    ticket = book_first_free(demo)
    app = speaking_app(engine, demo, tmp_path)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#v-read-aloud")  # waits for the worker: the file is written
        [welcome] = tmp_path.glob("*-welcome-lt.wav")
        assert label(app) == f"{SPEAK_SIGN}Skaityti garsiai"
        app.push_screen(TicketScreen(ticket))
        await settle(pilot)
        await click(pilot, "#v-read-aloud")
        [said] = tmp_path.glob("*-ticket-lt.wav")
        assert label(app) == SPEAK_SIGN.strip()  # said and done: the button is back
        # A screen with no spoken form of its own says its title and the words in sight;
        # F2 is the button on a keyboard kiosk.
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        await click(pilot, "#w-lookup")
        assert isinstance(app.screen, LookupScreen)
        t = app.t
        text = app.screen.spoken_text()
        assert text.startswith(t("v.lookup.title")) and t("v.lookup.prompt") in text
        await pilot.press("f2")
        await settle(pilot)
        [lookup] = tmp_path.glob("*-lookup-lt.wav")
    for wav in (welcome, said, lookup):
        rms, seconds = rms_and_seconds(wav)
        assert rms > 100 and seconds > 3  # audible, and more than a word or two


async def test_a_second_tap_stops_the_voice_and_so_does_leaving(
    engine: str, demo: Services, tmp_path: Path
) -> None:
    ticket = book_first_free(demo)
    app = speaking_app(engine, demo, tmp_path)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        app.push_screen(TicketScreen(ticket))
        await settle(pilot)
        for number, leave in enumerate((False, True), start=1):
            # The engine's file is a FIFO no one reads: espeak-ng waits in it, speaking,
            # until it is stopped (a real process held, not a timing guess).
            fifo = tmp_path / f"{number:04d}-ticket-lt.wav"
            os.mkfifo(fifo)
            button = app.screen.query_one("#v-read-aloud", Button)
            assert await pilot.click(button)
            await wait_until(pilot, lambda: app.speech.speaking)
            assert label(app) == STOP_SIGN.strip()  # the ticket's bar: the sign alone
            if leave:
                await pilot.press("escape")  # Done: back to Welcome
                await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
            else:
                # A button ignores taps while it still shows the last one (Textual's press
                # effect): the visitor's second tap comes after it.
                await wait_until(pilot, lambda b=button: not b.has_class("-active"))
                assert await pilot.click(button)
            await wait_until(pilot, lambda f=fifo: not app.speech.speaking and not f.exists())
            await settle(pilot)
            if not leave:
                assert label(app) == SPEAK_SIGN.strip()
        assert list(tmp_path.glob("*.wav")) == []  # nothing stopped is kept


async def test_no_button_without_the_engine_or_with_speech_off(demo: Services) -> None:
    app = make_app(demo, speech=Speaker(None))
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#v-read-aloud").display
    demo.catalog.save_settings(replace(demo.catalog.settings(), speech_on=False))
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#v-read-aloud").display
        await click(pilot, "#w-book")
        assert not app.screen.query_one("#v-read-aloud").display
