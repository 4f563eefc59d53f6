"""Pilot tests of look-up/cancel and check-in (scanned token, typed code, every refusal)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input

from kiosk.domain.models import BookingStatus
from kiosk.domain.tickets import new_token
from kiosk.services import Services
from screens.visitor import CheckInScreen, ConfirmCancelScreen, LookupScreen, WelcomeScreen
from screens.visitor.idle import MoreTimeScreen
from screens.visitor.ticket import TicketScreen
from tests.conftest import NOW, put_booking, put_settings
from tests.ui.conftest import (
    BIG,
    SMALL,
    book_cancellable,
    book_first_free,
    click,
    make_app,
    press_text,
    settle,
    tap_keys,
    text_of,
    value_of,
    wait_until,
)


async def test_look_up_and_cancel_by_taps(demo: Services) -> None:
    ticket = book_cancellable(demo)
    code = ticket.booking.code
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        assert isinstance(app.screen, LookupScreen)
        await tap_keys(pilot, code)
        assert value_of(app, "#lookup-code") == code
        await click(pilot, "#lookup-find")
        details = text_of(app, "#lookup-details")
        assert code in details and ticket.booking.place in details
        assert "Išmanusis telefonas" in details and "Austėja R." in details
        await click(pilot, "#lookup-cancel")
        assert isinstance(app.screen, ConfirmCancelScreen)
        await click(pilot, "#cancel-no")  # changed their mind
        assert demo.booking.lookup(code).state is BookingStatus.BOOKED
        await click(pilot, "#lookup-cancel")
        await click(pilot, "#cancel-yes")
        assert isinstance(app.screen, LookupScreen)
        assert demo.booking.lookup(code).state is BookingStatus.CANCELLED
        assert "atšaukta" in text_of(app, "#lookup-note")
        assert "Būsena: atšaukta" in text_of(app, "#lookup-details")
        assert not app.screen.query_one("#lookup-cancel").display
        await click(pilot, "#v-back")
        assert isinstance(app.screen, WelcomeScreen)


async def test_look_up_and_cancel_by_keys(demo: Services) -> None:
    ticket = book_cancellable(demo)
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        await press_text(pilot, ticket.booking.code.lower())  # any case works
        assert value_of(app, "#lookup-code") == ticket.booking.code  # shown as on the ticket
        await pilot.press("enter")
        await settle(pilot)
        assert ticket.booking.code in text_of(app, "#lookup-details")
        # "Show the ticket" has the focus, Cancel is next to it.
        assert app.screen.focused is app.screen.query_one("#lookup-ticket")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCancelScreen)
        await pilot.press("shift+tab", "enter")  # from "No, keep it" to "Yes, cancel"
        await settle(pilot)
        assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.CANCELLED


async def test_look_up_by_scanned_token_and_unknown_code(demo: Services) -> None:
    ticket = book_first_free(demo)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        await press_text(pilot, "ACDEFG")
        await pilot.press("enter")
        await settle(pilot)
        assert "nerandame" in text_of(app, "#lookup-status")
        assert not app.screen.query_one("#lookup-result").display
        app.screen.query_one("#lookup-code").value = ""
        await press_text(pilot, ticket.token)
        await pilot.press("enter")
        await settle(pilot)
        assert ticket.booking.code in text_of(app, "#lookup-details")
        # The scanned ticket is shown again with its own QR: nothing is reissued.
        await click(pilot, "#lookup-ticket")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen))
        shown = app.screen
        assert isinstance(shown, TicketScreen)
        assert shown.ticket.token == ticket.token
        assert not shown.query("#ticket-reissued")
        assert demo.arrivals.verify(ticket.token).booking is not None


async def test_cancel_that_lost_a_race_is_explained(demo: Services) -> None:
    ticket = book_cancellable(demo)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        await press_text(pilot, ticket.booking.code)
        await pilot.press("enter")
        await settle(pilot)
        await click(pilot, "#lookup-cancel")
        demo.booking.cancel(ticket.booking.code)  # the librarian was quicker
        await click(pilot, "#cancel-yes")
        assert "nebegalima" in text_of(app, "#lookup-note")


async def _check_in(pilot, text: str) -> str:  # type: ignore[no-untyped-def]
    app = pilot.app
    if not isinstance(app.screen, CheckInScreen):
        await click(pilot, "#w-checkin")
    assert app.screen.focused is app.screen.query_one("#checkin-code")  # focused on arrival
    await press_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)
    field = app.screen.query_one("#checkin-code", Input)
    # The code stays in sight (a typo can be seen), selected: the next scan replaces it.
    assert field.selected_text == field.value == text.upper()
    assert app.screen.query_one("#checkin-result").visible
    return text_of(app, "#checkin-result")


async def test_check_in_by_scanned_token(demo: Services) -> None:
    ticket = book_first_free(demo, name="Ona")
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        answer = await _check_in(pilot, ticket.token)
        assert answer.startswith("✔ Sveiki, Ona!")
        assert ticket.booking.place in answer and "Austėja R." in answer
        assert app.screen.query_one("#checkin-result").has_class("v-ok")
        assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.CHECKED_IN
        again = await _check_in(pilot, ticket.token)
        assert again.startswith("⚠ Jūs jau pažymėjote atvykimą 09:00")


async def test_check_in_by_typed_code_on_screen_keys(demo: Services) -> None:
    ticket = book_first_free(demo, name="Ona")
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-checkin")
        await tap_keys(pilot, ticket.booking.code)
        await click(pilot, "#checkin-go")
        assert "Sveiki, Ona!" in text_of(app, "#checkin-result")


async def test_check_in_by_lower_case_code_and_line_feed(demo: Services) -> None:
    ticket = book_first_free(demo, name="Ona")
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-checkin")
        await press_text(pilot, ticket.booking.code.lower())
        assert value_of(app, "#checkin-code") == ticket.booking.code  # upper-case as typed
        await pilot.press("ctrl+j")  # a scanner set to send LF
        await settle(pilot)
        assert "Sveiki, Ona!" in text_of(app, "#checkin-result")


async def test_check_in_input_takes_only_the_ticket_alphabet(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-checkin")
        await press_text(pilot, "a0b1c!ž8")
        assert value_of(app, "#checkin-code") == "ABC"


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("malformed", "nepanašu į registracijos kodą"),
        ("unknown", "nerandame"),
        ("forged", "QR kodas negalioja"),
        ("cancelled", "buvo atšaukta"),
        ("already_checked_in", "jau pažymėjote atvykimą"),
        ("already_closed", "jau baigta"),
        ("not_today", "ne šiandien, o lapkričio 25\u00a0d., trečiadienį, 14:00"),
        ("too_early", "Atvykote per anksti: Jūsų konsultacija 14:00. Grįžkite 13:00"),
        ("too_late", "jau baigėsi (10:30)"),
    ],
)
async def test_every_refusal_has_its_own_message(
    demo: Services, reason: str, expected: str
) -> None:
    ticket = book_first_free(demo)
    text = ticket.token
    if reason == "malformed":
        text = "ACD"
    elif reason == "unknown":
        text = "ACDEFG"
    elif reason == "forged":
        text = new_token()
    elif reason == "cancelled":
        demo.booking.cancel(ticket.booking.code)
    elif reason == "already_checked_in":
        demo.arrivals.check_in(ticket.token)
    elif reason == "already_closed":
        now = demo.clock.current
        demo.clock.current = ticket.booking.starts  # "done" is said once the time has begun
        demo.desk.mark_done(ticket.booking.code)
        demo.clock.current = now
    elif reason == "not_today":
        tomorrow = demo.booking.free_slots(
            "smartphone", first_day=demo.booking.now().date() + timedelta(days=1)
        )[0]
        text = demo.booking.book("smartphone", tomorrow.start, "Ona", scout=tomorrow.scout).token
    elif reason == "too_early":
        text = "KQ4H7T"
        put_booking(demo, code=text, start=NOW.replace(hour=14))
    elif reason == "too_late":
        demo.clock.current = ticket.booking.ends
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        answer = await _check_in(pilot, text)
        assert answer.startswith("⚠ ")
        assert expected in answer
        assert app.screen.query_one("#checkin-result").has_class("v-warn")


async def test_check_in_answer_returns_to_welcome_for_the_next_person(demo: Services) -> None:
    put_settings(demo, ticket_return_seconds=0.5)
    ticket = book_first_free(demo, name="Ona")
    app = make_app(demo, idle_seconds=20)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-checkin")
        await press_text(pilot, ticket.booking.code)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Ona" in text_of(app, "#checkin-result"))
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        # The answer's own spell ends first: no "More time?" may come before it.
        assert screen.idle_limit is not None and screen.idle_limit > 20
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        assert not any(isinstance(s, MoreTimeScreen) for s in app.screen_stack)


@pytest.mark.parametrize(
    ("name", "greeting"), [("Vytautas", "Sveiki, Vytautai!"), ("John", "Sveiki! Atvykimas")]
)
async def test_check_in_greets_in_the_vocative_or_without_the_name(
    demo: Services, name: str, greeting: str
) -> None:
    ticket = book_first_free(demo, name=name)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        answer = await _check_in(pilot, ticket.booking.code)
        assert answer.startswith("\u2714 " + greeting)
        assert f"{name}!" not in answer
        # The e-scout's name ends in an initial's dot ("Ieva K."): no second dot after it.
        scout = demo.booking.scout(ticket.booking.scout).public_name
        assert scout.endswith(".")
        assert answer.endswith(f"Ten Jūsų lauks {scout}") and ".." not in answer


async def test_a_cancelled_booking_says_so_and_names_no_one_to_meet(demo: Services) -> None:
    ticket = book_cancellable(demo)
    demo.booking.cancel(ticket.booking.code)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        await press_text(pilot, ticket.booking.code)
        await pilot.press("enter")
        await settle(pilot)
        details = text_of(app, "#lookup-details")
        assert details.startswith("\u2716 Ši registracija atšaukta.")
        assert "e.\u00a0skautas" not in details
        assert not app.screen.query_one("#lookup-cancel").display


async def test_typing_again_hides_the_last_answer(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        answer = await _check_in(pilot, "ACDEFG")
        assert "nerandame" in answer
        keys = app.screen.query_one("#checkin-keyboard")
        top = keys.region.y
        await tap_keys(pilot, "K")  # replaces the selected code
        assert value_of(app, "#checkin-code") == "K"
        assert not app.screen.query_one("#checkin-result").visible
        assert keys.region.y == top  # the keys never moved


async def test_cancel_close_to_the_start_sends_the_visitor_to_the_librarian(
    demo: Services,
) -> None:
    ticket = book_first_free(demo)  # today at 10:00, within the 2-hour cut-off
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        await press_text(pilot, ticket.booking.code)
        await pilot.press("enter")
        await settle(pilot)
        # Said from the start, with no Cancel to tap; the booking stays in sight.
        assert "bibliotekinink" in text_of(app, "#lookup-note")
        assert not app.screen.query_one("#lookup-cancel").display
        assert ticket.booking.code in text_of(app, "#lookup-details")
        # The visitor may see the ticket again: a typed code gets a new QR, and it says so.
        await click(pilot, "#lookup-ticket")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen))
        shown = app.screen
        assert isinstance(shown, TicketScreen)
        assert shown.query_one("#ticket-reissued").display
        assert demo.arrivals.verify(shown.ticket.token).booking is not None
        assert demo.arrivals.verify(ticket.token).booking is None  # the old QR no longer works
        assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.BOOKED


async def test_cancel_refused_at_the_cut_off_keeps_the_booking_in_sight(demo: Services) -> None:
    ticket = book_cancellable(demo)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-lookup")
        await press_text(pilot, ticket.booking.code)
        await pilot.press("enter")
        await settle(pilot)
        await click(pilot, "#lookup-cancel")
        demo.clock.current = ticket.booking.starts - timedelta(hours=1)  # the cut-off passed
        await click(pilot, "#cancel-yes")
        status = text_of(app, "#lookup-note")
        assert "bibliotekinink" in status and ticket.booking.code in text_of(app, "#lookup-details")
        assert app.screen.query_one("#lookup-result").display
        assert not app.screen.query_one("#lookup-cancel").display
        assert demo.booking.lookup(ticket.booking.code).state is BookingStatus.BOOKED
