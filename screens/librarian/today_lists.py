"""Today's desk dialogs: move a booking, why a change is undone, and the lists to clear
(past bookings nobody recorded, consultations without an activity form)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input

from kiosk.domain.desk import REASON_MAX
from kiosk.domain.errors import ErrorCode
from kiosk.domain.models import Booking, Slot
from kiosk.domain.validation import required_text
from kiosk.i18n import Translator
from screens.common import cell, services_of
from screens.dialogs import Dialog, FormScreen
from screens.librarian.calls import phone_of
from screens.librarian.common import (
    BookingsToClear,
    MessageLine,
    booking_line,
    cursor_key,
    visitor_name,
)
from screens.librarian.slots import PickATime, SlotPicker
from screens.widgets.words import Words, WordsLabel

if TYPE_CHECKING:
    from kiosk.services import Services


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


class UnrecordedScreen(BookingsToClear):
    """Past days' bookings nobody closed: mark each done or no-show, or clear it."""

    prefix = "unrecorded"
    title_key = "lib.unrecorded.title"
    body_key, none_key = "lib.unrecorded.body", "lib.unrecorded.none"
    actions = (
        ("done", "lib.today.done_b", "primary"),
        ("no-show", "lib.today.no_show_b", "warning"),
        ("clear", "lib.unrecorded.clear", "default"),
    )

    def read(self, services: Services) -> list[Booking]:
        return services.desk.unrecorded()

    def fill(self, table: DataTable[Text]) -> None:
        _booking_table(self.t, table, self.bookings, True)

    def act(self, t: Translator, services: Services, action: str, code: str) -> str:
        if action == "done":
            services.desk.mark_done(code)
        elif action == "no-show":
            services.desk.mark_no_show(code)
        else:
            services.desk.clear_unrecorded(code)
        return t(f"lib.unrecorded.did_{action.replace('-', '_')}", code=code)


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
