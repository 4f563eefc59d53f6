"""Today's desk dialogs: move a booking, why a change is undone, and the lists to clear
(past bookings nobody recorded, consultations without an activity form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input

from kiosk.domain.desk import REASON_MAX
from kiosk.domain.errors import ErrorCode, KioskError
from kiosk.domain.models import Booking, Slot
from kiosk.domain.validation import required_text
from kiosk.i18n import Translator
from screens.common import cell, services_of, store_work
from screens.dialogs import Dialog, FormScreen
from screens.librarian.calls import phone_of
from screens.librarian.common import MessageLine, booking_line, cursor_key, refusal, visitor_name
from screens.librarian.slots import PickATime, SlotPicker
from screens.widgets.words import Words, WordsLabel


class ReasonScreen(FormScreen[str]):
    """Why the last status change of a booking is taken back (kept in its record)."""

    FORM_NAME = "reason"

    def __init__(self, booking: Booking) -> None:
        super().__init__(id="reason-form")
        self.booking = booking

    def compose(self) -> ComposeResult:
        t = self.t
        last = self.booking.last_change
        with Vertical(classes="lib-dialog"):
            yield WordsLabel(t("lib.undo.title"), classes="lib-dialog-title")
            yield Words(cell(booking_line(t, self.booking)))
            yield Words(
                cell(
                    t(
                        "lib.undo.change",
                        was=t(f"lib.status.{last['from']}"),
                        now=t(f"lib.status.{last['to']}"),
                    )
                )
            )
            yield WordsLabel(t("lib.undo.reason"))
            yield Input(id="reason-input", max_length=REASON_MAX)
            yield from self.form_buttons()

    def build(self) -> str:
        return required_text(
            self.value("#reason-input"),
            ErrorCode.REASON_REQUIRED,
            "Say why the change is undone.",
            "reason",
        )


class MoveScreen(PickATime):
    """Move a booking to another free time (any e-scout who covers its topic)."""

    def __init__(self, booking: Booking, scouts: dict[str, str]) -> None:
        super().__init__(id="move-screen")
        self.booking = booking
        self.scouts = scouts

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="lib-dialog lib-wide", id="move-dialog"):
            yield WordsLabel(t("lib.move.title"), classes="lib-dialog-title")
            yield Words(cell(booking_line(t, self.booking)))
            yield WordsLabel(t("lib.move.to"))
            yield SlotPicker(self.scouts, id="move-slot")
            yield MessageLine(id="move-message", marks_success=False)
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.move.ok"), id="move-ok", variant="primary")
                yield Button(t("lib.back"), id="move-cancel")

    def on_mount(self) -> None:
        self.load_slots()

    def slot_source(self) -> Callable[[], list[Slot]]:
        booking, code = services_of(self).booking, self.booking.code
        return lambda: booking.move_slots(code)

    @on(Button.Pressed, "#move-ok")
    def _move(self) -> None:
        if (slot := self.chosen_slot()) is not None:
            booking, code = services_of(self).booking, self.booking.code
            self.book(lambda: booking.move(code, slot.start, scout=slot.scout))

    @on(Button.Pressed, "#move-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def _booking_table(
    t: Translator, table: DataTable[Text], bookings: list[Booking], now_words: bool
) -> None:
    """Fill a small table of bookings: when, code, visitor, phone (and status)."""
    table.clear(columns=True)
    for key, width in (("date", 11), ("time", 6), ("code", 7), ("name", 16), ("phone", 17)):
        table.add_column(t(f"lib.col.{key}"), key=key, width=width)
    if now_words:
        table.add_column(t("lib.col.status"), key="status", width=14)
    for b in bookings:
        row = [
            cell(f"{b.starts:%Y-%m-%d}"),
            cell(f"{b.starts:%H:%M}"),
            cell(b.code),
            cell(visitor_name(t, b)),
            cell(phone_of(b)),
        ]
        if now_words:
            row.append(cell(t(f"lib.status.{b.status}")))
        table.add_row(*row, key=b.code)


class UnrecordedScreen(Dialog[None]):
    """Past days' bookings nobody closed: mark each done or no-show, or clear it."""

    @dataclass
    class Loaded(Message):
        bookings: list[Booking]

    @dataclass
    class Acted(Message):
        text: str
        error: bool = False

    def __init__(self) -> None:
        super().__init__(id="unrecorded-screen")
        self.bookings: list[Booking] = []

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="lib-dialog lib-wide", id="unrecorded-dialog"):
            yield WordsLabel(t("lib.unrecorded.title"), classes="lib-dialog-title")
            yield Words(cell(t("lib.unrecorded.body")))
            yield DataTable(id="unrecorded-table", cursor_type="row")
            yield MessageLine(id="unrecorded-message", marks_success=False)
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.today.done_b"), id="unrecorded-done", variant="primary")
                yield Button(t("lib.today.no_show_b"), id="unrecorded-no-show", variant="warning")
                yield Button(t("lib.unrecorded.clear"), id="unrecorded-clear")
                yield Button(t("lib.back"), id="unrecorded-close")

    def on_mount(self) -> None:
        self._load()

    @store_work(group="unrecorded-load")
    def _load(self) -> None:
        self.post_message(self.Loaded(services_of(self).desk.unrecorded()))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.bookings = message.bookings
        t = self.t
        _booking_table(t, self.query_one("#unrecorded-table", DataTable), self.bookings, True)
        if not self.bookings:
            self.query_one(MessageLine).say(t("lib.unrecorded.none"))

    @on(Button.Pressed, "#unrecorded-done, #unrecorded-no-show, #unrecorded-clear")
    def _act(self, event: Button.Pressed) -> None:
        code = cursor_key(self.query_one("#unrecorded-table", DataTable))
        if code is None:
            self.query_one(MessageLine).say(self.t("lib.today.choose_row"), error=True)
            return
        self._run(self.t, str(event.button.id).removeprefix("unrecorded-"), code)

    @store_work(group="unrecorded-act")
    def _run(self, t: Translator, action: str, code: str) -> None:
        desk = services_of(self).desk
        try:
            if action == "done":
                desk.mark_done(code)
            elif action == "no-show":
                desk.mark_no_show(code)
            else:
                desk.clear_unrecorded(code)
        except KioskError as exc:
            self.post_message(self.Acted(refusal(t, exc), error=True))
            return
        self.post_message(
            self.Acted(t(f"lib.unrecorded.did_{action.replace('-', '_')}", code=code))
        )

    @on(Acted)
    def _acted(self, message: Acted) -> None:
        self.query_one(MessageLine).say(message.text, error=message.error)
        self._load()

    @on(Button.Pressed, "#unrecorded-close")
    def _close(self) -> None:
        self.dismiss(None)


class NoFormScreen(Dialog[Booking | None]):
    """Consultations that took place without an activity form; answers the one to fill."""

    def __init__(self, bookings: list[Booking]) -> None:
        super().__init__(id="noform-screen")
        self.bookings = bookings

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="lib-dialog lib-wide", id="noform-dialog"):
            yield WordsLabel(t("lib.noform.title"), classes="lib-dialog-title")
            yield DataTable(id="noform-table", cursor_type="row")
            if not self.bookings:
                yield Words(cell(t("lib.noform.none")))
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.noform.fill"), id="noform-fill", variant="primary")
                yield Button(t("lib.back"), id="noform-close")

    def on_mount(self) -> None:
        _booking_table(self.t, self.query_one("#noform-table", DataTable), self.bookings, False)

    @on(Button.Pressed, "#noform-fill")
    def _fill(self) -> None:
        code = cursor_key(self.query_one("#noform-table", DataTable))
        self.dismiss(next((b for b in self.bookings if b.code == code), None))

    @on(Button.Pressed, "#noform-close")
    def _close(self) -> None:
        self.dismiss(None)
