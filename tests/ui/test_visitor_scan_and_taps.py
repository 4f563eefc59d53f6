"""A scanner on any visitor screen, a person's single keys, and a shaky double tap."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.domain.models import BookingStatus
from kiosk.domain.scanner import ScanBuffer
from kiosk.domain.tickets import VerifyResult
from kiosk.i18n import Translator, catalogue
from kiosk.services import Services
from screens.visitor import (
    CheckInScreen,
    DetailsScreen,
    LookupScreen,
    TimeScreen,
    TopicScreen,
    WelcomeScreen,
)
from screens.visitor.checkin import result_text
from screens.visitor.lookup import booking_view
from tests.ui.conftest import (
    BIG,
    book_first_free,
    click,
    make_app,
    press_text,
    settle,
    text_of,
    wait_until,
)


def scan(pilot: Pilot[Any], text: str) -> None:
    """What a USB scanner does: every character and Enter in one burst."""
    for char in text:
        pilot.app.post_message(events.Key(char, char))
    pilot.app.post_message(events.Key("enter", "\r"))


async def terminal_tap(pilot: Pilot[Any], selector: str) -> None:
    """A tap as the terminal reports it: MouseDown and MouseUp through the App (Pilot's own
    click goes straight to the screen and would skip what the App does with taps)."""
    widget = pilot.app.screen.query_one(selector)
    x, y = widget.region.center
    for kind in (events.MouseDown, events.MouseUp):
        pilot.app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, x, y))
    await settle(pilot)


def answered(app: Any) -> bool:
    """Check-in is on screen and has answered."""
    screen = app.screen
    return isinstance(screen, CheckInScreen) and bool(
        screen.query("#checkin-result") and text_of(app, "#checkin-result").strip()
    )


def test_a_burst_ending_in_enter_is_a_scan_and_a_slow_one_is_not() -> None:
    buffer = ScanBuffer(gap=0.05, min_length=6)
    for n, char in enumerate("ACDEFG"):
        buffer.add(char, 10.0 + n * 0.01)
    assert buffer.is_scan(10.06) and buffer.take() == "ACDEFG"
    for n, char in enumerate("acdefg"):
        buffer.add(char, 20.0 + n * 0.2)  # a person's pace
    assert not buffer.continues(21.2) and not buffer.is_scan(21.2)
    buffer.clear()
    for n, char in enumerate("ACD"):
        buffer.add(char, 30.0 + n * 0.01)
    assert not buffer.is_scan(30.03)  # too short for a code


async def test_a_ticket_scanned_on_welcome_checks_in(demo: Services) -> None:
    ticket = book_first_free(demo)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        scan(pilot, ticket.token)  # starts with letters and digits such as "2" and "3"
        await wait_until(pilot, lambda: answered(app))
        assert "Ona" in text_of(app, "#checkin-result")
    assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.CHECKED_IN


async def test_a_scan_in_the_middle_of_booking_checks_in_too(demo: Services) -> None:
    ticket = book_first_free(demo)  # booked in Lithuanian
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#lang-en")
        await click(pilot, "#w-book")
        await click(pilot, "#topic-email")
        await click(pilot, "#time-first")
        assert isinstance(app.screen, DetailsScreen)
        scan(pilot, ticket.booking.code)  # a typed code works the same way
        await wait_until(pilot, lambda: answered(app))
        # The visitor's English holds for the whole visit, the scan included.
        assert text_of(app, "#checkin-result").startswith("✔ Welcome, Ona! You are checked in.")
        assert text_of(app, "#v-title") == "I have arrived"
        await click(pilot, "#v-back")
        assert isinstance(app.screen, WelcomeScreen)
        assert str(app.screen.query_one("#lang-en", Button).label) == "● English"
        await click(pilot, "#w-book")
        assert isinstance(app.screen, TopicScreen)
        assert text_of(app, "#v-title") == catalogue("en")["v.topic.title"]
    assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.CHECKED_IN


@pytest.mark.parametrize("lang", ["en", "ru", "uk", "pl"])
async def test_a_ticket_scanned_on_a_fresh_welcome_answers_in_its_booking_language(
    demo: Services, lang: str
) -> None:
    slot = demo.booking.first_free("smartphone")
    assert slot is not None
    ticket = demo.booking.book("smartphone", slot.start, "Ona", scout=slot.scout, language=lang)
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)  # Welcome in Lithuanian: nobody has chosen a language
        scan(pilot, ticket.token)
        await wait_until(pilot, lambda: answered(app))
        booking = demo.booking.lookup(ticket.booking.code)
        t = Translator(lang)
        expected = result_text(t, VerifyResult.OK, booking_view(demo, booking, lang))
        assert text_of(app, "#checkin-result") == "✔ " + expected
        assert text_of(app, "#v-title") == t("v.checkin.title")
        # The visit goes on in that language, and Welcome underneath marks it.
        welcome = app.screen_stack[0]
        assert str(welcome.query_one(f"#lang-{lang}", Button).label).startswith("● ")
        assert str(welcome.query_one("#w-book", Button).label) == t("v.welcome.book")


async def test_a_persons_single_key_still_works_as_a_shortcut(demo: Services) -> None:
    app = make_app(demo, scan_gap_seconds=0.05)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await press_text(pilot, "2")
        await wait_until(pilot, lambda: isinstance(app.screen, LookupScreen))


async def test_a_tap_on_a_screen_that_just_appeared_is_ignored(demo: Services) -> None:
    app = make_app(demo, tap_guard_seconds=30)  # a long window: the test is not a race
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        app.tap_guard_seconds = 0
        await click(pilot, "#w-book")
        app.tap_guard_seconds = 30
        await click(pilot, "#topic-email")
        assert isinstance(app.screen, TimeScreen)
        await wait_until(pilot, lambda: app.screen.query_one("#time-first").display)
        await terminal_tap(pilot, "#time-first")  # the shaky second tap
        assert isinstance(app.screen, TimeScreen) and app.screen.draft.slot is None
        app.tap_guard_seconds = 0  # the moment has passed
        await terminal_tap(pilot, "#time-first")
        assert isinstance(app.screen, DetailsScreen)


async def test_welcome_s_choices_stay_put_while_the_library_s_name_comes_in(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finger on its way to a choice must find it where it saw it: the name and the date
    that the store answers a moment later take lines already kept for them."""
    answered = threading.Event()
    settings = demo.booking.settings

    def slow_settings() -> Any:
        if threading.current_thread() is not threading.main_thread():  # Welcome's worker
            answered.wait(10)
        return settings()

    monkeypatch.setattr(demo.booking, "settings", slow_settings)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        for _ in range(3):
            await pilot.pause()  # drawn, while the worker still waits for the store
        choices = ("#w-book", "#w-lookup", "#w-checkin")
        before = [app.screen.query_one(choice).region for choice in choices]
        assert not text_of(app, "#w-library").strip()  # the store has not answered yet
        answered.set()
        await wait_until(pilot, lambda: bool(text_of(app, "#w-library").strip()))
        await settle(pilot)
        assert [app.screen.query_one(choice).region for choice in choices] == before
