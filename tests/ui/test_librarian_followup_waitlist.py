"""Pilot tests of the console's booking rules: the waiting list and the next session."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from escpos.printer import Dummy
from textual.widgets import Button, DataTable, Input

from kiosk.domain.activity import ActivityDraft, ActivityService
from kiosk.domain.models import BookingStatus, Source
from kiosk.domain.tickets import qr_matrix
from kiosk.services import Services
from screens.dialogs import YesNoScreen
from screens.librarian import ConsoleScreen
from screens.librarian.desk_ticket import DeskTicketScreen
from screens.librarian.followup import FollowUpScreen, SlotChoice
from screens.librarian.waitlist import WaitlistBookScreen
from screens.widgets import QRCode
from tests.conftest import NOW, put_booking, set_pin
from tests.ui.conftest import login, make_console, settle, text_of, wait_until

SIZE = (120, 40)


def rows(app, selector: str = "#waitlist-table") -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def set_topic_scouts_active(services: Services, topic: str, active: bool) -> None:
    for scout in services.catalog.scouts():
        if topic in scout.topics:
            services.catalog.save_scout(replace(scout, active=active))


async def _console(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await login(pilot)
    assert isinstance(pilot.app.screen, ConsoleScreen)


async def test_waiting_list_shows_who_waits_and_booking_from_it_removes_them(
    demo: Services,
) -> None:
    set_pin(demo)
    set_topic_scouts_active(demo, "e-health", False)  # nobody gives e-health times now
    demo.waitlist.add("smartphone", "Ona", "861234567")
    demo.clock.advance(seconds=60)  # type: ignore[attr-defined]
    demo.waitlist.add("e-health", "Jonas", "862222222", language="en")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f9")
        await settle(pilot)
        shown = rows(app)
        assert [r[3] for r in shown] == ["Ona", "Jonas"]  # oldest first
        assert shown[0][4].replace("\xa0", " ") == "+370 612 34567" and shown[1][5] == "EN"
        assert "✔" in shown[0][2] and shown[1][2] == "—"  # free times now, in words
        assert "temai yra laisvo laiko: 1" in text_of(app, "#waitlist-summary")

        # A time is added for e-health elsewhere: the next poll shows it for Jonas.
        set_topic_scouts_active(demo, "e-health", True)
        await wait_until(pilot, lambda: "✔" in rows(app)[1][2])

        await pilot.click("#waitlist-book")  # the cursor is on Ona, the oldest
        await settle(pilot)
        assert isinstance(app.screen, WaitlistBookScreen)
        first = app.screen.query(SlotChoice).first()
        await pilot.click(first)
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        [booking] = demo.booking.bookings(status=BookingStatus.BOOKED)
        assert (booking.name, booking.phone, booking.topic, booking.start) == (
            "Ona",
            "+37061234567",
            "smartphone",
            first.slot.start.isoformat(),
        )
        assert booking.source == Source.LIBRARIAN
        assert booking.code in text_of(app, "#waitlist-message")
        assert [e.name for e in demo.waitlist.entries()] == ["Jonas"]
        await wait_until(pilot, lambda: [r[3] for r in rows(app)] == ["Jonas"])


async def test_remove_from_the_waiting_list_asks_first(demo: Services) -> None:
    set_pin(demo)
    demo.waitlist.add("smartphone", "Ona", "861234567")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, YesNoScreen)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert demo.waitlist.entries() == []
        assert rows(app) == []
        assert "Niekas nelaukia" in text_of(app, "#waitlist-summary")


async def test_next_session_from_today_in_two_taps(demo: Services) -> None:
    set_pin(demo)
    put_booking(
        demo,
        code="FOLLOW",
        start=NOW - timedelta(minutes=10),
        name="Ona",
        status=BookingStatus.CHECKED_IN,
    )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.click("#today-follow-up")  # tap 1
        await settle(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        choices = list(app.screen.query(SlotChoice))
        assert choices and choices[0].slot.scout == "lukas"  # the same e-scout first
        await pilot.click(choices[0])  # tap 2
        await settle(pilot)
        assert isinstance(app.screen, DeskTicketScreen)
        ticket = app.screen.ticket
        new = demo.booking.lookup(ticket.booking.code)
        assert (new.follows, new.name, new.topic) == ("id-FOLLOW", "Ona", "e-banking")
        assert " ".join(new.code) in text_of(app, "#deskticket-code")
        qr = app.screen.query_one("#deskticket-qr", QRCode)
        await wait_until(pilot, lambda: qr.matrix == qr_matrix(ticket.token))
        await pilot.click("#deskticket-close")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        assert new.code in text_of(app, "#today-message")


async def test_the_next_sessions_ticket_prints_on_the_receipt_printer(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a receipt printer set, the new ticket prints in the visitor's language."""
    printer = Dummy()
    settings = demo.catalog.settings()
    demo.catalog.save_settings(replace(settings, printer_kind="network", printer_host="192.0.2.10"))
    monkeypatch.setattr("kiosk.paper.printing.open_printer", lambda settings: printer)
    set_pin(demo)
    put_booking(
        demo,
        code="FOLLOW",
        start=NOW - timedelta(minutes=10),
        name="Ona",
        status=BookingStatus.CHECKED_IN,
    )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.click("#today-follow-up")
        await settle(pilot)
        await pilot.click(app.screen.query(SlotChoice).first())
        await settle(pilot)
        assert isinstance(app.screen, DeskTicketScreen)
        ticket = app.screen.ticket
        button = app.screen.query_one("#deskticket-print", Button)
        await wait_until(pilot, lambda: not button.disabled)
        await pilot.click("#deskticket-print")
        await wait_until(pilot, lambda: b"\x1dV" in printer.output)  # printed and cut
        assert ticket is not None and ticket.token.encode("ascii") in printer.output
        await wait_until(pilot, lambda: "atspausdintas" in text_of(app, "#deskticket-status"))


async def test_without_a_printer_the_next_sessions_ticket_saves_a_pdf(
    demo: Services,
) -> None:
    set_pin(demo)
    put_booking(
        demo,
        code="FOLLOW",
        start=NOW - timedelta(minutes=10),
        name="Ona",
        status=BookingStatus.CHECKED_IN,
    )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.click("#today-follow-up")
        await settle(pilot)
        await pilot.click(app.screen.query(SlotChoice).first())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DeskTicketScreen) and screen.ticket is not None
        token = screen.ticket.token
        qr = screen.query_one("#deskticket-qr", QRCode)
        await wait_until(pilot, lambda: qr.matrix == qr_matrix(token))
        # The desk ticket's own tests follow the PDF to the exports folder.
        button = screen.query_one("#deskticket-print", Button)
        await wait_until(pilot, lambda: not button.disabled)
        assert "PDF" in str(button.label)


async def test_next_session_after_saving_the_activity_form(demo: Services) -> None:
    set_pin(demo)
    put_booking(
        demo,
        code="ACT001",
        start=NOW - timedelta(minutes=10),
        name="Ona",
        status=BookingStatus.CHECKED_IN,
    )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        form.query_one("#age-65_74").value = True
        form.query_one("#outcome-follow_up").value = True
        form.query_one("#activity-note", Input).value = ""
        await pilot.click("#activity-save-next")  # saves, then offers the next times
        await settle(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        [record] = ActivityService(demo.store, demo.clock).records()
        assert record.booking_id == "id-ACT001"
        assert await pilot.click(app.screen.query(SlotChoice).first())
        await settle(pilot)
        assert isinstance(app.screen, DeskTicketScreen)
        new = demo.booking.lookup(app.screen.ticket.booking.code)
        assert new.follows == "id-ACT001"
        assert demo.booking.lookup("ACT001").status == "done"


async def test_a_form_without_a_booking_offers_no_next_session(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert not app.screen.query("#activity-save-next")


async def test_results_show_first_and_repeat_visits_apart(demo: Services) -> None:
    set_pin(demo)
    forms = ActivityService(demo.store, demo.clock)
    for first in (True, True, False):
        forms.record(
            ActivityDraft(NOW.date(), "lukas", 30, ["e-banking"], "65_74", "solved", first)
        )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert "Pirmą kartą: 2 · pakartotinai: 1" in text_of(app, "#results-visits")


async def test_the_waiting_list_shows_offers_sent_and_entries_served(demo: Services) -> None:
    set_pin(demo)
    slot = demo.booking.free_slots("smartphone")[0]
    code = demo.booking.book("smartphone", slot.start, "Petras", scout=slot.scout).booking.code
    demo.waitlist.add("smartphone", "Ona", "861234567", remind=True)
    demo.booking.cancel(code)  # the freed time is offered by the next `kiosk remind`
    [offer] = demo.remind.due().messages
    demo.remind.record(offer, ok=True)  # as `kiosk remind` records a text the gateway took
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert rows(app)[0][3] == "Ona ✉"
        await wait_until(pilot, lambda: "pasiūlymų: 1;" in text_of(app, "#waitlist-summary"))
        assert "sąrašo: 0." in text_of(app, "#waitlist-summary")
    [entry] = demo.waitlist.entries()
    demo.waitlist.book_for(entry.id, slot.start, scout=slot.scout)
    assert demo.remind.offers()[0].served_at is not None
