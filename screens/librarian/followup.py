"""The next session for the same visitor and topic, in two taps, and the new ticket to show.

``open_follow_up`` is what Today and the activity form call: a list of the next free times
(the same e-scout's first); a tap books one and the new code and QR open in a dialog the
librarian can turn towards the visitor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking, Slot, Topic
from kiosk.i18n import Translator
from screens.common import cell, services_of, store_work
from screens.dialogs import Dialog
from screens.librarian.common import refusal, visitor_name
from screens.librarian.desk_ticket import DeskTicketScreen
from screens.widgets.words import Words, WordsLabel

if TYPE_CHECKING:
    from kiosk.services import Services

MAX_TIMES = 12  # the next dozen times are the choice at a desk; the walk-in form has them all


def slot_words(t: Translator, slot: Slot, scouts: dict[str, str]) -> str:
    """A time as the desk reads it: day, weekday, time, e-scout, place."""
    weekday = t(f"lib.weekday_short.{slot.start.weekday()}")
    scout = scouts.get(slot.scout, slot.scout)
    return f"{slot.start:%m-%d} {weekday} {slot.start:%H:%M} · {scout} · {slot.place}"


class SlotChoice(Button):
    """One free time to book with a single tap."""

    def __init__(self, slot: Slot, label: str, index: int) -> None:
        super().__init__(cell(label), id=f"slot-{index}", classes="lib-slot")
        self.slot = slot


class PickTimeScreen(Dialog[Ticket | None]):
    """Free times as one-tap buttons; a tap books one and answers with its ticket.

    Subclasses say what the dialog is about (``heading``), what the times are
    (``find_slots``) and how a tap books (``book_slot``); the last two run in a thread worker.
    """

    @dataclass
    class Loaded(Message):
        slots: list[Slot]
        scouts: dict[str, str]
        topic: Topic

    @dataclass
    class Booked(Message):
        ticket: Ticket

    @dataclass
    class Refused(Message):
        error: KioskError
        reload: bool = False  # a refused booking: the times may have changed

    def heading(self) -> tuple[str, str]:
        """The dialog's title and the hint under it."""
        raise NotImplementedError

    def find_slots(self, services: Services) -> tuple[list[Slot], Topic]:
        """The free times to offer and their topic (may raise ``KioskError``)."""
        raise NotImplementedError

    def book_slot(self, services: Services, slot: Slot) -> Ticket:
        """Book the tapped time (may raise ``KioskError``)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        t = self.t
        title, hint = self.heading()
        with Vertical(classes="lib-dialog lib-pick-time"):
            yield WordsLabel(title, classes="lib-dialog-title", markup=False)
            yield Words(cell(hint), classes="lib-pick-hint")
            yield Words(cell(t("lib.followup.loading")), classes="lib-pick-message")
            yield Words("", classes="lib-pick-error lib-error")
            yield VerticalScroll(classes="lib-pick-times")
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.back"), classes="lib-pick-cancel")

    def on_mount(self) -> None:
        self._load()

    @store_work(group="pick-time-load")
    def _load(self) -> None:
        services = services_of(self)
        try:
            slots, topic = self.find_slots(services)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        scouts = {s.id: s.name for s in services.booking.scouts()}
        self.post_message(self.Loaded(slots[:MAX_TIMES], scouts, topic))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        box = self.query_one(".lib-pick-times", VerticalScroll)
        await box.remove_children()
        t = self.t
        await box.mount_all(
            SlotChoice(slot, slot_words(t, slot, message.scouts), n)
            for n, slot in enumerate(message.slots)
        )
        key = "lib.followup.topic" if message.slots else "lib.followup.none"
        message_box = self.query_one(".lib-pick-message", Static)
        message_box.update(cell(t(key, topic=message.topic.name(t.lang))))
        message_box.set_class(not message.slots, "lib-error")
        if message.slots:
            box.query_one(SlotChoice).focus()

    @on(Button.Pressed, ".lib-slot")
    def _chosen(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, SlotChoice)
        for choice in self.query(SlotChoice):
            choice.disabled = True  # one booking per tap, however fast the second tap
        self._book(event.button.slot)

    @store_work(group="pick-time-book")
    def _book(self, slot: Slot) -> None:
        try:
            ticket = self.book_slot(services_of(self), slot)
        except KioskError as exc:
            self.post_message(self.Refused(exc, reload=True))
            return
        self.post_message(self.Booked(ticket))

    @on(Booked)
    def _booked(self, message: Booked) -> None:
        self.dismiss(message.ticket)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        if message.reload:  # the time may have just gone to a kiosk: show what is free now
            self._load()
        self.query_one(".lib-pick-error", Static).update(cell(refusal(self.t, message.error)))

    @on(Button.Pressed, ".lib-pick-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class FollowUpScreen(PickTimeScreen):
    """The next free times for the visitor of ``booking``, the same e-scout's first."""

    def __init__(self, booking: Booking) -> None:
        super().__init__(id="followup-screen")
        self.booking = booking

    def heading(self) -> tuple[str, str]:
        t = self.t
        return t("lib.followup.title", name=visitor_name(t, self.booking)), t("lib.followup.hint")

    def find_slots(self, services: Services) -> tuple[list[Slot], Topic]:
        slots = services.booking.follow_up_slots(self.booking.code)
        return slots, services.booking.topic(self.booking.topic)

    def book_slot(self, services: Services, slot: Slot) -> Ticket:
        return services.booking.book_follow_up(self.booking.code, slot.start, scout=slot.scout)


def open_follow_up(
    app: App[object], booking: Booking, booked: Callable[[Ticket], None] | None = None
) -> None:
    """Offer the next times for ``booking``'s visitor; a booked one shows its new ticket."""

    def chosen(ticket: Ticket | None) -> None:
        if ticket is None:
            return
        if booked is not None:
            booked(ticket)
        app.push_screen(DeskTicketScreen(ticket.booking, ticket))

    app.push_screen(FollowUpScreen(booking), chosen)
