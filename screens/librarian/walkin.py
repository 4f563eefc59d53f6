"""A booking made at the desk: a walk-in or a phone call. Same rules as the kiosk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Select

from kiosk.domain.booking import BookingService, Ticket
from kiosk.domain.models import Booking, Slot, Source, Topic
from screens.common import safe_text, services_of
from screens.librarian.common import MessageLine
from screens.librarian.desk_ticket import DeskTicketScreen
from screens.librarian.slots import PickATime, SlotPicker
from screens.widgets.words import WordsLabel


@dataclass(frozen=True)
class WalkInChoices:
    """Topics, e-scouts' names and languages to offer (read in a worker before it opens)."""

    topics: list[Topic]
    scouts: dict[str, str]
    languages: list[str]

    @classmethod
    def load(cls, booking: BookingService) -> WalkInChoices:
        scouts = {s.id: s.name for s in booking.scouts()}
        return cls(booking.topics(), scouts, booking.settings().languages)


class WalkInScreen(PickATime):
    def __init__(self, choices: WalkInChoices) -> None:
        super().__init__(id="walkin-screen")
        self.choices = choices
        self.ticket: Ticket | None = None  # the booking's ticket once made: its token is here

    def compose(self) -> ComposeResult:
        t = self.t
        topics = self.choices.topics
        languages = self.choices.languages
        default_language = languages[0] if languages else t.lang
        with VerticalScroll(classes="lib-dialog lib-form", id="walkin-dialog"):
            yield WordsLabel(t("lib.walkin.title"), classes="lib-dialog-title")
            yield WordsLabel(t("lib.walkin.topic"))
            yield Select(
                [(safe_text(tp.name(t.lang)), tp.slug) for tp in topics],
                id="walkin-topic",
                prompt=t("lib.walkin.choose_topic"),
            )
            yield WordsLabel(t("lib.walkin.slot"))
            yield SlotPicker(self.choices.scouts, id="walkin-slot")
            yield WordsLabel(t("lib.walkin.name"))
            yield Input(id="walkin-name", max_length=40, placeholder=t("lib.walkin.name_ph"))
            yield WordsLabel(t("lib.walkin.phone"))
            yield Input(id="walkin-phone", max_length=20, placeholder="+370 612 34567")
            # The kiosk's question, asked at the desk: No unless the visitor agrees.
            yield Checkbox(t("lib.walkin.remind"), False, id="walkin-remind")
            yield WordsLabel(t("lib.walkin.language"))
            yield Select(
                [(lang.upper(), lang) for lang in languages],
                id="walkin-lang",
                value=default_language,
                allow_blank=False,
            )
            yield MessageLine(id="walkin-message", marks_success=False)
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.walkin.book"), id="walkin-book", variant="primary")
                yield Button(t("lib.back"), id="walkin-cancel")

    @on(Select.Changed, "#walkin-topic")
    def _topic(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one(MessageLine).say("")
            self.load_slots()

    def slot_source(self) -> Callable[[], list[Slot]] | None:
        topic = self.query_one("#walkin-topic", Select).value
        if not isinstance(topic, str):
            return None
        booking = services_of(self).booking
        # The visitor is at the desk: any time not yet begun, whatever the minimum notice.
        return lambda: booking.free_slots(topic, ignore_notice=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#walkin-book")
    def _book(self) -> None:
        t = self.t
        topic = self.query_one("#walkin-topic", Select).value
        if not isinstance(topic, str):
            self.query_one(MessageLine).say(t("lib.walkin.choose_topic"), error=True)
            return
        slot = self.chosen_slot()
        if slot is None:
            return
        chosen_lang = self.query_one("#walkin-lang", Select).value
        lang = chosen_lang if isinstance(chosen_lang, str) else t.lang
        name = self.query_one("#walkin-name", Input).value
        phone = self.query_one("#walkin-phone", Input).value or None
        remind = self.query_one("#walkin-remind", Checkbox).value
        booking = services_of(self).booking

        def book() -> Booking:
            self.ticket = booking.book(
                topic,
                slot.start,
                name,
                phone=phone,
                scout=slot.scout,
                language=lang,
                source=Source.LIBRARIAN,
                ignore_notice=True,
                remind=remind,
            )
            return self.ticket.booking

        self.book(book)

    @on(Button.Pressed, "#walkin-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def open_walk_in(
    app: App[object], choices: WalkInChoices, booked: Callable[[Booking | None], None]
) -> None:
    """The walk-in form; a booking made there opens its ticket, to show the visitor or print."""
    screen = WalkInScreen(choices)

    def done(booking: Booking | None) -> None:
        booked(booking)
        if booking is not None and screen.ticket is not None:
            app.push_screen(DeskTicketScreen(booking, screen.ticket))

    app.push_screen(screen, done)
