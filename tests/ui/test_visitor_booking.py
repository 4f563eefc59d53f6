"""Pilot tests of the booking flow: by taps with the on-screen keyboard, by keys, refusals."""

from __future__ import annotations

from textual.widgets import Button, Input

from kiosk.domain.models import Topic
from kiosk.domain.tickets import qr_matrix
from kiosk.services import Services
from screens.visitor import (
    ConfirmBookingScreen,
    DetailsScreen,
    TicketScreen,
    TimeScreen,
    TopicScreen,
    WelcomeScreen,
)
from screens.visitor.remind import RemindScreen
from screens.visitor.times import SlotButton
from screens.widgets import QRCode
from tests.conftest import put_settings
from tests.ui.conftest import (
    BIG,
    SMALL,
    book_first_free,
    click,
    make_app,
    press_text,
    screen_text,
    settle,
    tap_keys,
    text_of,
    value_of,
)


async def _to_details(pilot, slot_selector: str = "#time-first") -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await click(pilot, "#w-book")
    assert isinstance(pilot.app.screen, TopicScreen)
    await click(pilot, "#topic-smartphone")
    assert isinstance(pilot.app.screen, TimeScreen)
    await click(pilot, slot_selector)
    assert isinstance(pilot.app.screen, DetailsScreen)


async def test_book_by_taps_with_the_onscreen_keyboard(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-smartphone")
        time_screen = app.screen
        assert isinstance(time_screen, TimeScreen)
        # Each time shows its day and its place (the times come in pages, not under headings).
        chosen = time_screen.query(SlotButton)[2]
        assert chosen.slot.place in str(chosen.label)
        assert str(chosen.label).splitlines()[1] == "Šiandien"
        await click(pilot, chosen)
        assert isinstance(app.screen, DetailsScreen)
        await tap_keys(pilot, "rūta")
        assert value_of(app, "#name") == "Rūta"  # a capital at the start of the name
        await click(pilot, "#phone")
        await tap_keys(pilot, "861234567")
        await tap_keys(pilot, "0")
        keyboard_back = app.screen.query_one("#key-backspace")
        await click(pilot, keyboard_back)
        assert value_of(app, "#phone") == "861234567"
        await click(pilot, "#details-next")
        # With a phone, one question: a text the day before? "No" unless the visitor says so.
        assert isinstance(app.screen, RemindScreen)
        assert "Atsiųsti man SMS žinutę dieną prieš?" in screen_text(app)
        assert "+370 612 34567" in screen_text(app).replace("\xa0", " ")
        assert app.focused is app.screen.query_one("#remind-no")
        await click(pilot, "#remind-yes")
        assert isinstance(app.screen, ConfirmBookingScreen)
        confirm_text = screen_text(app)
        assert "Rūta" in confirm_text and chosen.slot.place in confirm_text
        assert "+370 612 34567" in confirm_text  # grouped for reading
        assert "Šiandien" in confirm_text
        await click(pilot, "#confirm-ok")
        ticket_screen = app.screen
        assert isinstance(ticket_screen, TicketScreen)
        booking = ticket_screen.ticket.booking
        assert [type(s) for s in app.screen_stack] == [WelcomeScreen, TicketScreen]
        stored = demo.booking.lookup(booking.code)
        assert (stored.name, stored.phone, stored.start, stored.remind) == (
            "Rūta",
            "+37061234567",
            chosen.slot.start.isoformat(),
            True,
        )
        assert " ".join(booking.code) in text_of(app, "#ticket-code")
        assert chosen.slot.place in text_of(app, "#ticket-where")
        qr = app.screen.query_one("#ticket-qr", QRCode)
        assert qr.matrix == qr_matrix(ticket_screen.ticket.token)
        await click(pilot, "#v-back")  # Done
        assert isinstance(app.screen, WelcomeScreen)


async def test_book_by_keys_in_english(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await click(pilot, "#lang-en")
        assert app.session.lang == "en"
        assert "Register" in str(app.screen.query_one("#w-book", Button).label)
        app.screen.query_one("#w-book").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TopicScreen)
        assert "Smartphone basics" in str(app.screen.query_one("#topic-smartphone", Button).label)
        await pilot.press("enter")  # the first topic has the focus
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        # Austėja (Tuesdays) speaks no English: the first time in English is Ieva's.
        first = demo.booking.first_free("smartphone", language="en")
        assert first is not None and "en" in first.languages
        label = str(app.screen.query_one("#time-first", Button).label)
        # "Tomorrow" says the day (the date would cost the 78x18 screen a row of times).
        assert "Tomorrow, 14:00" in label
        await pilot.press("enter")  # First free time
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert "deleted 30 days" in text_of(app, "#consent")
        await press_text(pilot, "Jonas")
        await pilot.press("enter")  # Enter in the name continues: the phone is optional
        await settle(pilot)
        assert isinstance(app.screen, ConfirmBookingScreen)
        # The day with "Tomorrow", the place with its English name beside the sign's.
        confirm_text = screen_text(app)
        assert "Tomorrow, Wednesday 25 November" in confirm_text
        assert "Skaitykla, 2 stalas (Reading room, table 2)" in confirm_text
        await pilot.press("enter")  # Confirm has the focus
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        booking = app.screen.ticket.booking
        assert (booking.name, booking.phone, booking.language) == ("Jonas", None, "en")
        assert booking.start == first.start.isoformat()
        assert "Place:" in text_of(app, "#ticket-where")
        await pilot.press("escape")  # Done
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.session.lang == "lt"  # the next visitor starts in Lithuanian


async def test_back_goes_one_step_and_keeps_the_name(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _to_details(pilot)
        await press_text(pilot, "Ona")
        await click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)
        assert not app.screen.query("#confirm-change")  # one way to change: the bar's
        assert "Keisti" in str(app.screen.query_one("#v-back", Button).label)
        await click(pilot, "#v-back")
        assert isinstance(app.screen, DetailsScreen)
        assert value_of(app, "#name") == "Ona"
        await click(pilot, "#v-back")
        assert isinstance(app.screen, TimeScreen)
        await click(pilot, "#time-first")
        assert value_of(app, "#name") == "Ona"
        for _ in range(3):
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)


async def test_every_screen_has_back_and_the_librarian_hint(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _to_details(pilot)
        for screen in app.screen_stack:
            if screen is not app.screen_stack[0]:
                assert screen.query_one("#v-back", Button).outer_size.height >= 3
            help_button = screen.query_one("#v-help", Button)
            assert help_button.outer_size.height >= 3
            assert str(help_button.label) == "? Pagalba"  # one label, Welcome's too


async def test_validation_errors_next_to_the_fields(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _to_details(pilot)
        await click(pilot, "#details-next")
        assert isinstance(app.screen, DetailsScreen)
        assert text_of(app, "#name-error") == "⚠ Įrašykite savo vardą."
        await press_text(pilot, "Ona2")
        await click(pilot, "#details-next")
        assert "skaičių" in text_of(app, "#name-error")
        app.screen.query_one("#name", Input).value = "Ona"
        await click(pilot, "#phone")
        await press_text(pilot, "12345")
        await click(pilot, "#details-next")
        assert isinstance(app.screen, DetailsScreen)
        assert not app.screen.query_one("#name-error").display
        assert "Įrašykite telefoną" in text_of(app, "#phone-error")
        assert app.screen.query_one("#phone", Input).has_class("-invalid")


async def test_markup_in_a_name_is_refused_and_shown_plainly(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _to_details(pilot)
        await press_text(pilot, "[bold]x")
        assert value_of(app, "#name") == "[bold]x"  # the field shows it as typed
        await click(pilot, "#details-next")
        assert isinstance(app.screen, DetailsScreen)
        assert "skliaustų" in text_of(app, "#name-error")
        app.screen.query_one("#name", Input).value = "O'Brien-Žemaitė"
        await click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)
        assert text_of(app, "#v-confirm-name") == "O'Brien-Žemaitė"
        await click(pilot, "#confirm-ok")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket.booking.name == "O'Brien-Žemaitė"


async def test_data_with_brackets_is_never_read_as_markup(demo: Services) -> None:
    demo.catalog.save_topic(
        Topic("markup", {"lt": "[bold red]Tema[/]", "en": "x"}, {"lt": "[link=x]a[/link]"})
    )
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        label = str(app.screen.query_one("#topic-markup", Button).label)
        assert "[bold red]Tema[/]" in label and "[link=x]a[/link]" in label


async def test_lost_race_sends_back_to_fresh_times(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _to_details(pilot)
        await press_text(pilot, "Ona")
        await click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)
        slot = app.screen.draft.slot
        assert slot is not None
        # Another kiosk books the same time in between.
        demo.booking.book("smartphone", slot.start, "Petras", scout=slot.scout)
        await click(pilot, "#confirm-ok")
        assert isinstance(app.screen, TimeScreen)
        assert "ką tik užėmė" in text_of(app, "#time-notice")
        shown = [b.slot for b in app.screen.query(SlotButton)]
        assert slot not in shown and shown
        assert app.screen.slots[0] != slot
        await click(pilot, "#time-first")
        assert value_of(app, "#name") == "Ona"
        await click(pilot, "#details-next")
        await click(pilot, "#confirm-ok")
        assert isinstance(app.screen, TicketScreen)


async def test_too_many_bookings_is_explained(demo: Services) -> None:
    book_first_free(demo, name="Ona")
    book_first_free(demo, name="Ona")
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await _to_details(pilot)
        await press_text(pilot, "ona")
        await click(pilot, "#details-next")
        # Said right after the name, before the visitor confirms anything.
        assert isinstance(app.screen, DetailsScreen)
        assert "tiek būsimų registracijų" in text_of(app, "#name-error")
        await press_text(pilot, "x")  # the visitor types: the stale error goes
        assert not app.screen.query_one("#name-error").display


async def test_topic_without_free_times_suggests_the_librarian(demo: Services) -> None:
    demo.catalog.save_topic(Topic("nobody", {"lt": "Niekas", "en": "Nobody"}, {}, order=-1))
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-nobody")
        assert isinstance(app.screen, TimeScreen)
        status = text_of(app, "#time-status")
        assert "14\u00a0d." in status and "bibliotekinink" in status
        assert not app.screen.query(SlotButton)
        assert not app.screen.query_one("#time-first").display


async def test_ticket_stays_past_the_usual_idle_then_counts_down(demo: Services) -> None:
    import time

    from screens.visitor.idle import MoreTimeScreen
    from tests.ui.conftest import wait_until

    put_settings(demo, ticket_idle_seconds=1.5)
    # The countdown is short from the start: only the ticket's quiet spell can end before the
    # hour-long one of the steps before it, so a slow machine cannot skip past the ticket.
    app = make_app(demo, countdown_seconds=1.0)
    async with app.run_test(size=BIG) as pilot:
        await _to_details(pilot)
        await press_text(pilot, "Ona")
        await click(pilot, "#details-next")
        shown = time.monotonic()  # the ticket's quiet spell starts after this
        await click(pilot, "#confirm-ok")
        ticket = next(s for s in app.screen_stack if isinstance(s, TicketScreen))
        await wait_until(pilot, lambda: ticket.idle_limit == 1.5)
        app.idle_seconds = 0.2  # every other screen would ask "More time?" at once
        await wait_until(pilot, lambda: isinstance(app.screen, MoreTimeScreen))
        assert time.monotonic() - shown >= 1.4  # the ticket's own, longer quiet spell
        assert app.screen_stack[-2] is ticket  # the countdown sits over the ticket
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))


async def test_times_follow_the_visitors_language_and_say_when_they_cannot(
    demo: Services,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#lang-en")
        await click(pilot, "#w-book")
        await click(pilot, "#topic-e-health")  # only Gabija, who speaks Lithuanian
        assert isinstance(app.screen, TimeScreen)
        assert "in Lithuanian" in text_of(app, "#time-notice")
        await click(pilot, "#v-back")
        await click(pilot, "#topic-safety")  # Matas speaks English
        assert not app.screen.query_one("#time-notice").display
        english = {s.scout for s in app.screen.slots}
        assert english and all("en" in demo.booking.scout(s).languages for s in english)


async def test_a_group_session_says_how_many_places_are_left(demo: Services) -> None:
    group = next(s for s in demo.booking.free_slots("smart-id") if s.seats == 4)
    demo.booking.book("smart-id", group.start, "Jonas", scout=group.scout)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await click(pilot, "#w-book")
        await click(pilot, "#topic-smart-id")
        tile = next(b for b in app.screen.query(SlotButton) if b.slot.start == group.start)
        assert "3 laisvos vietos" in str(tile.label)
