"""A booking made at the desk: a walk-in or a phone call. Same rules as the kiosk."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select

from kiosk.domain.booking import BookingService
from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking, Slot, Source, Topic
from kiosk.i18n import Translator
from screens.common import safe_text, services_of, store_work
from screens.dialogs import Dialog
from screens.librarian.common import MessageLine, refusal
from screens.librarian.slots import SlotPicker


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


class WalkInScreen(Dialog[Booking | None]):
    @dataclass
    class SlotsLoaded(Message):
        slots: list[Slot]

    @dataclass
    class Result(Message):
        booking: Booking | None
        error: str = ""

    def __init__(self, choices: WalkInChoices) -> None:
        super().__init__(id="walkin-screen")
        self.choices = choices

    def compose(self) -> ComposeResult:
        t = self.t
        topics = self.choices.topics
        languages = self.choices.languages
        default_language = languages[0] if languages else t.lang
        with VerticalScroll(classes="lib-dialog lib-form", id="walkin-dialog"):
            yield Label(t("lib.walkin.title"), classes="lib-dialog-title")
            yield Label(t("lib.walkin.topic"))
            yield Select(
                [(safe_text(tp.name(t.lang)), tp.slug) for tp in topics],
                id="walkin-topic",
                prompt=t("lib.walkin.choose_topic"),
            )
            yield Label(t("lib.walkin.slot"))
            yield SlotPicker(self.choices.scouts, id="walkin-slot")
            yield Label(t("lib.walkin.name"))
            yield Input(id="walkin-name", max_length=40, placeholder=t("lib.walkin.name_ph"))
            yield Label(t("lib.walkin.phone"))
            yield Input(id="walkin-phone", max_length=20, placeholder="+370 612 34567")
            yield Label(t("lib.walkin.language"))
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
            self._load_slots(event.value)

    @store_work(group="walkin-slots")
    def _load_slots(self, topic: str) -> None:
        # The visitor is at the desk: any time not yet begun, whatever the minimum notice.
        slots = services_of(self).booking.free_slots(topic, ignore_notice=True)
        self.post_message(self.SlotsLoaded(slots))

    @on(SlotsLoaded)
    def _slots(self, message: SlotsLoaded) -> None:
        if not self.query_one(SlotPicker).offer(message.slots):
            self.query_one(MessageLine).say(self.t("lib.walkin.no_slots"), error=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#walkin-book")
    def _book(self) -> None:
        t = self.t
        topic = self.query_one("#walkin-topic", Select).value
        slot = self.query_one(SlotPicker).chosen
        if not isinstance(topic, str):
            self.query_one(MessageLine).say(t("lib.walkin.choose_topic"), error=True)
            return
        if slot is None:
            self.query_one(MessageLine).say(t("lib.walkin.choose_slot"), error=True)
            return
        lang = self.query_one("#walkin-lang", Select).value
        self._submit(
            t,
            topic,
            slot,
            self.query_one("#walkin-name", Input).value,
            self.query_one("#walkin-phone", Input).value or None,
            lang if isinstance(lang, str) else t.lang,
        )

    @store_work(group="walkin-book")
    def _submit(
        self, t: Translator, topic: str, slot: Slot, name: str, phone: str | None, lang: str
    ) -> None:
        try:
            ticket = services_of(self).booking.book(
                topic,
                slot.start,
                name,
                phone=phone,
                scout=slot.scout,
                language=lang,
                source=Source.LIBRARIAN,
                ignore_notice=True,
            )
        except KioskError as exc:
            self.post_message(self.Result(None, refusal(t, exc)))
            return
        self.post_message(self.Result(ticket.booking))

    @on(Result)
    def _result(self, message: Result) -> None:
        if message.booking is not None:
            self.dismiss(message.booking)
            return
        self.query_one(MessageLine).say(message.error, error=True)
        topic = self.query_one("#walkin-topic", Select).value
        if isinstance(topic, str):
            self._load_slots(topic)  # the time may just have been taken by a kiosk

    @on(Button.Pressed, "#walkin-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
