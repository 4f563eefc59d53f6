"""The desk's one way to pick a free time: moving a booking and booking a walk-in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Select

from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking, Slot
from kiosk.i18n import Translator
from screens.common import ConsoleWords, MessageLine, safe_text, store_work
from screens.dialogs import Dialog
from screens.librarian.common import refusal

MAX_SLOTS = 60  # a list longer than this is no help at the desk


class SlotPicker(Select[str], ConsoleWords):
    """Free times as the desk reads them: day, weekday, time, e-scout and place; the first
    one chosen. The caller loads the times (in a worker) and hands them to ``offer``."""

    def __init__(self, scouts: dict[str, str], *, id: str) -> None:
        super().__init__([], id=id)
        self.scouts = scouts
        self.slots: list[Slot] = []

    def compose(self) -> ComposeResult:
        self.prompt = self.t("lib.walkin.choose_slot")  # once in the console: its words
        yield from super().compose()

    def offer(self, slots: list[Slot]) -> bool:
        """Show ``slots`` (the first ``MAX_SLOTS``); False when there is none to offer."""
        self.slots = slots[:MAX_SLOTS]
        self.set_options([(self._label(slot), str(n)) for n, slot in enumerate(self.slots)])
        if self.slots:
            self.value = "0"
        return bool(self.slots)

    @property
    def chosen(self) -> Slot | None:
        value = self.value
        return self.slots[int(value)] if isinstance(value, str) else None

    def _label(self, slot: Slot) -> str:
        start = slot.start
        weekday = self.t(f"lib.weekday_short.{start.weekday()}")
        scout = self.scouts.get(slot.scout, slot.scout)
        return safe_text(f"{start:%m-%d} {weekday} {start:%H:%M} · {scout} · {slot.place}")


class PickATime(Dialog[Booking | None]):
    """A desk dialog that ends in a booking at a free time: it offers the times on its
    ``SlotPicker``, books in a worker, and on a refusal says why and offers the times again
    (the time may just have been taken at a kiosk or another desk)."""

    @dataclass
    class SlotsLoaded(Message):
        slots: list[Slot]

    @dataclass
    class Result(Message):
        booking: Booking | None
        error: str = ""

    def slot_source(self) -> Callable[[], list[Slot]] | None:
        """The store call that lists the times to offer now; None: nothing to offer yet."""
        raise NotImplementedError(f"{type(self).__name__} must say where its times come from")

    def load_slots(self) -> None:
        source = self.slot_source()
        if source is not None:
            self._load_slots(source)

    @store_work(group="pick-a-time-slots")
    def _load_slots(self, source: Callable[[], list[Slot]]) -> None:
        self.post_message(self.SlotsLoaded(source()))

    @on(SlotsLoaded)
    def _slots_loaded(self, message: SlotsLoaded) -> None:
        if not self.query_one(SlotPicker).offer(message.slots):
            self.query_one(MessageLine).say(self.t("lib.walkin.no_slots"), error=True)

    def chosen_slot(self) -> Slot | None:
        """The time chosen; None (and the dialog asks for one) when there is none."""
        slot = self.query_one(SlotPicker).chosen
        if slot is None:
            self.query_one(MessageLine).say(self.t("lib.walkin.choose_slot"), error=True)
        return slot

    def book(self, make: Callable[[], Booking]) -> None:
        """Make the booking (``make``, a store call) in a worker; the dialog answers it."""
        self._booking_worker(self.t, make)

    @store_work(group="pick-a-time-book")
    def _booking_worker(self, t: Translator, make: Callable[[], Booking]) -> None:
        try:
            booking = make()
        except KioskError as exc:
            self.post_message(self.Result(None, refusal(t, exc)))
            return
        self.post_message(self.Result(booking))

    @on(Result)
    def _result(self, message: Result) -> None:
        if message.booking is not None:
            self.dismiss(message.booking)
            return
        self.query_one(MessageLine).say(message.error, error=True)
        self.load_slots()
