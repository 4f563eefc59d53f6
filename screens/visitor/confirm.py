"""Booking, step 5: the visitor sees what they chose and confirms; the booking is made."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import Conflict, ErrorCode, KioskError
from kiosk.domain.validation import display_phone
from screens.common import plain, refusal_words, services_of, store_work
from screens.visitor.common import Draft, OffersTimes, VisitorScreen, summary_card
from screens.visitor.ticket import TicketScreen


class ConfirmBookingScreen(VisitorScreen):
    TITLE_KEY = "v.confirm.title"
    BACK_KEY = "v.confirm.change"

    @dataclass
    class Booked(Message):
        ticket: Ticket

    @dataclass
    class Refused(Message):
        error: KioskError

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        slot = self.draft.slot
        assert slot is not None
        rows = [
            ("v.confirm.topic", self.draft.topic.name(t.lang)),
            ("v.confirm.day", t.day_label(slot.start.date())),
            ("v.confirm.time", f"{t.time(slot.start)}\u2013{t.time(slot.end)}"),
            ("v.confirm.place", slot.place),
            ("v.confirm.scout", self.draft.scout_name(slot.scout)),
            ("v.confirm.name", self.draft.name),
        ]
        if self.draft.phone:
            rows.append(("v.confirm.phone", display_phone(self.draft.phone)))
        yield Static(plain(t("v.confirm.intro")), classes="v-intro")
        yield from summary_card(t, "confirm-summary", rows)
        yield Static(id="confirm-status", classes="v-notice")
        # One way to change: the bar's "Keisti" (Back) goes to the details.
        with Horizontal(classes="v-actions"):
            yield Button(
                plain("\u2714 " + t("v.confirm.ok")),
                id="confirm-ok",
                variant="primary",
                classes="v-big",
            )

    def on_mount(self) -> None:
        self.query_one("#confirm-status").display = False
        self.query_one("#confirm-ok", Button).focus()

    @on(Button.Pressed, "#confirm-ok")
    def _confirm(self) -> None:
        self.query_one("#confirm-ok", Button).disabled = True
        self._say(self.t("v.confirm.working"))
        self._book()

    def _say(self, text: str, warn: bool = False) -> None:
        box = self.query_one("#confirm-status", Static)
        box.update(plain(text))
        box.display = bool(text)
        box.set_class(warn, "v-warn")

    @store_work(group="book")
    def _book(self) -> None:
        draft = self.draft
        assert draft.slot is not None
        try:
            ticket = services_of(self).booking.book(
                draft.topic.slug,
                draft.slot.start,
                draft.name,
                phone=draft.phone or None,
                scout=draft.slot.scout,
                language=self.t.lang,
            )
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Booked(ticket))

    @on(Booked)
    def _booked(self, message: Booked) -> None:
        # The flow is over: nothing to go back to. The ticket goes on the start screen
        # once the steps above it are gone (popping runs after this handler).
        app = self.app
        app.screen_stack[0].pop_until_active()
        app.call_later(app.push_screen, TicketScreen(message.ticket, self.draft))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        error = message.error
        text = refusal_words(self.t, error)
        if isinstance(error, Conflict) and error.code == ErrorCode.SLOT_TAKEN:
            # Lost the race: kindly back to the times, read again.
            times = next((s for s in self.app.screen_stack if isinstance(s, OffersTimes)), None)
            if times is not None:
                times.pop_until_active()
                times.reload_slots(text)
            return
        self._say("\u26a0 " + text, warn=True)
        # A retry cannot help these; anything else (a store hiccup) may be tried again.
        final = error.code in (
            ErrorCode.TOO_MANY_BOOKINGS,
            ErrorCode.TOPIC_INACTIVE,
            ErrorCode.UNKNOWN_TOPIC,
        )
        self.query_one("#confirm-ok", Button).disabled = final
        self.query_one("#v-back", Button).focus()
