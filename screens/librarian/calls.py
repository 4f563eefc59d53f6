"""Who to call: a booking with its visitor's phone, grouped for dialling; the list of
bookings marked "to call" (kept in the data file until a librarian says the visitor was
told); and the notice of an e-scout who has not come for a shift, with the visitors to call."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable

from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking, CallOutcome, CallReason, Scout
from kiosk.domain.scout_day import MissedShift
from kiosk.domain.validation import display_phone
from kiosk.i18n import Translator
from screens.common import ConsoleWords, cell, services_of, store_work
from screens.librarian.common import (
    BookingsToClear,
    MessageLine,
    booking_line,
    visitor_name,
)
from screens.widgets.words import Words

if TYPE_CHECKING:
    from kiosk.services import Services


def phone_of(booking: Booking) -> str:
    """The visitor's phone grouped (``+370 612 34567``), or empty (none, or erased)."""
    return "" if booking.erased_at else display_phone(booking.phone)


def call_line(t: Translator, booking: Booking) -> str:
    """A booking line for a list of people to call: with the phone, or saying there is none."""
    phone = phone_of(booking)
    return (
        f"{booking_line(t, booking)} · ☎ {phone}"
        if phone
        else (f"{booking_line(t, booking)} · {t('lib.call.no_phone')}")
    )


def call_reason(t: Translator, booking: Booking, scout_name: str = "") -> str:
    """Why the visitor is to be called, in words ("" when nobody is to call); a shift
    taken over names the e-scout the visitor now meets (``scout_name``, when known)."""
    if booking.to_call == CallReason.COVER and scout_name:
        return t("lib.call.reason.cover_by", name=scout_name)
    return t(f"lib.call.reason.{booking.to_call}") if booking.to_call else ""


def scout_with_contact(t: Translator, scout: Scout) -> str:
    """The e-scout's name and their contact (a phone, grouped, or as typed), to call them."""
    if not scout.contact:
        return scout.name
    contact = display_phone(scout.contact) or scout.contact
    return t("lib.missed.name_contact", name=scout.name, contact=contact)


class CallsScreen(BookingsToClear):
    """The bookings marked "to call", with phones and why; each marked called (or told
    another way) here, recorded with when and where."""

    prefix = "calls"
    title_key, body_key, none_key = "lib.calls.title", "lib.calls.body", "lib.calls.none"
    actions = (
        ("called", "lib.calls.called", "primary"),
        ("other-way", "lib.calls.other_way", "default"),
        ("sorry", "lib.calls.sorry", "default"),
    )
    # One key queues the "sorry, moved or cancelled" text to the chosen visitor (if they
    # agreed to texts); the next `kiosk remind` run sends it and clears the mark.
    BINDINGS = [Binding("s", "sorry", "lib.calls.sorry", id="calls-sorry-key")]
    # A "sorry" text's state beside the reason: queued, sent, or not sent.
    SORRY_MARKS = {"queued": "SMS …", "sent": "SMS ✓", "retry": "SMS …"}

    def __init__(self) -> None:
        super().__init__()
        self.sorry: dict[str, str] = {}  # booking code -> its sorry text's state
        self.failed = 0  # messages that gave up, for a time still ahead
        self.names: dict[str, str] = {}  # e-scout id -> display name

    def action_sorry(self) -> None:
        self.query_one("#calls-sorry", Button).press()

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one("#calls-table", DataTable)
        for key, width in (
            ("date", 11),
            ("time", 6),
            ("code", 7),
            ("name", 14),
            ("phone", 16),
            ("reason", 28),
        ):
            table.add_column(self.t(f"lib.col.{key}"), key=key, width=width)
        super().on_mount()

    def read(self, services: Services) -> list[Booking]:
        self.sorry = services.remind.sorry_for()
        self.failed = len(services.remind.failed())
        self.names = {s.id: s.name for s in services.catalog.scouts()}
        return services.desk.to_call()

    def _reason(self, t: Translator, booking: Booking) -> str:
        state = self.sorry.get(booking.code)
        reason = call_reason(t, booking, self.names.get(booking.scout, ""))
        if state is None:
            return reason
        return f"{reason} · {self.SORRY_MARKS.get(state, 'SMS ✗')}"

    def fill(self, table: DataTable[Text]) -> None:
        t = self.t
        table.clear()
        for b in self.bookings:
            table.add_row(
                cell(f"{b.starts:%Y-%m-%d}"),
                cell(f"{b.starts:%H:%M}"),
                cell(b.code),
                cell(visitor_name(t, b)),
                cell(phone_of(b) or t("lib.call.no_phone")),
                cell(self._reason(t, b)),
                key=b.code,
            )
        if self.failed:
            self.query_one(MessageLine).say(t("lib.calls.failed", count=self.failed), error=True)

    def act(self, t: Translator, services: Services, action: str, code: str) -> str:
        if action == "sorry":
            services.remind.queue_sorry(code)
            return t("lib.calls.did_sorry", code=code)
        how = CallOutcome.CALLED if action == "called" else CallOutcome.OTHER_WAY
        services.desk.mark_called(code, how, by="console")
        return t(f"lib.calls.did_{how.value}", code=code)


class MissedShiftsBox(Vertical, ConsoleWords):
    """E-scouts not "here" 10 minutes into a shift with bookings, with their own contact (to
    call them) and the visitors to call.

    Every open console shows the same notices (each reads the shared store when it polls)
    until the e-scout says "I am here" at the kiosk, a librarian taps "Seen", or the shift
    ends (the e-scout's record then says "missed"; the visitors stay in the list to call).
    Each notice is redrawn whenever anything it says changes (a booking moved within the
    shift, a new phone, a visitor called: "✓"), not only when its bookings come or go. Below
    100 columns only each notice's head shows (console.tcss): the visitors are a tap away in
    the list.
    """

    @dataclass
    class Dismissed(Message):
        """A librarian dismissed a notice (or closed the list to call opened from one): the
        console reads the store again at once."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shifts: dict[str, tuple[str, datetime]] = {}  # button id -> (e-scout, start)
        # Each notice's words and each one's count still to call, as last drawn.
        self._shown: list[list[str] | list[int]] = []

    def show(self, missed: list[MissedShift]) -> None:
        t = self.t
        notices = [
            [
                t(
                    "lib.missed.title",
                    name=scout_with_contact(t, m.scout),
                    start=f"{m.shift.start:%H:%M}",
                    end=f"{m.shift.end:%H:%M}",
                    place=m.shift.place,
                ),
                *[call_line(t, b) if b.to_call else f"✓ {call_line(t, b)}" for b in m.bookings],
            ]
            for m in missed
        ]
        to_call = [sum(1 for b in m.bookings if b.to_call) for m in missed]
        if [*notices, to_call] == self._shown:
            return
        self._shown = [*notices, to_call]
        self._shifts = {f"missed-{n}": (m.scout.id, m.shift.start) for n, m in enumerate(missed)}
        self.remove_children()
        for n, (title, *lines) in enumerate(notices):
            self.mount(
                Vertical(
                    Horizontal(
                        Words(cell("\u26a0 " + title), classes="lib-missed-text"),
                        Button(
                            t("lib.missed.open", n=to_call[n]),
                            id=f"missed-calls-{n}",
                            classes="lib-missed-calls",
                        ),
                        Button(
                            t("lib.missed.dismiss"),
                            id=f"missed-{n}",
                            variant="warning",
                            classes="lib-missed-dismiss",
                        ),
                        classes="lib-missed-head",
                    ),
                    Words(cell(t("lib.missed.call")), classes="lib-missed-line"),
                    *[Words(cell(line), classes="lib-missed-line") for line in lines],
                    classes="lib-missed",
                )
            )
        self.display = bool(missed)

    @on(Button.Pressed, ".lib-missed Button.lib-missed-calls")
    def _calls_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        # Calls marked in the list: the console reads the store again when it closes.
        self.app.push_screen(CallsScreen(), self._calls_closed)

    def _calls_closed(self, _: None) -> None:
        self.post_message(self.Dismissed())

    @on(Button.Pressed, ".lib-missed Button.lib-missed-dismiss")
    def _dismiss_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        shift = self._shifts.get(event.button.id or "")
        if shift is not None:
            self._dismiss(*shift)

    @store_work(group="console-missed-dismiss", exclusive=False)
    def _dismiss(self, scout_id: str, start: datetime) -> None:
        # Dismissed at another console meanwhile, or the shift is gone: the poll tidies up.
        with contextlib.suppress(KioskError):
            services_of(self).scout_day.dismiss_missed(scout_id, start)
        self.post_message(self.Dismissed())
