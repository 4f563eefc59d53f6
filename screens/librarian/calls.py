"""Who to call: a booking with its visitor's phone, grouped for dialling; and the notice of
an e-scout who has not come for a shift, with the visitors to call."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button

from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking
from kiosk.domain.scout_day import MissedShift
from kiosk.domain.validation import display_phone
from kiosk.i18n import Translator
from screens.common import ConsoleWords, cell, services_of, store_work
from screens.librarian.common import booking_line
from screens.widgets.words import Words


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


class MissedShiftsBox(Vertical, ConsoleWords):
    """E-scouts not "here" 10 minutes into a shift with bookings, with the visitors to call.

    Every open console shows the same notices (each reads the shared store when it polls)
    until the e-scout says "I am here" at the kiosk or a librarian taps "Seen".
    """

    @dataclass
    class Dismissed(Message):
        """A librarian dismissed a notice: the console reads the store again at once."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shifts: dict[str, tuple[str, datetime]] = {}  # button id -> (e-scout, start)
        self._shown: list[tuple[str, datetime, list[str]]] = []

    def show(self, missed: list[MissedShift]) -> None:
        wanted = {f"missed-{n}": (m.scout.id, m.shift.start) for n, m in enumerate(missed)}
        shown = [(m.scout.id, m.shift.start, [b.id for b in m.bookings]) for m in missed]
        if shown == self._shown:
            return
        self._shown = shown
        self._shifts = wanted
        self.remove_children()
        t = self.t
        for n, m in enumerate(missed):
            title = t(
                "lib.missed.title",
                name=m.scout.name,
                start=f"{m.shift.start:%H:%M}",
                end=f"{m.shift.end:%H:%M}",
                place=m.shift.place,
            )
            self.mount(
                Vertical(
                    Horizontal(
                        Words(cell("\u26a0 " + title), classes="lib-missed-text"),
                        Button(t("lib.missed.dismiss"), id=f"missed-{n}", variant="warning"),
                        classes="lib-missed-head",
                    ),
                    Words(cell(t("lib.missed.call")), classes="lib-missed-line"),
                    *[Words(cell(call_line(t, b)), classes="lib-missed-line") for b in m.bookings],
                    classes="lib-missed",
                )
            )
        self.display = bool(missed)

    @on(Button.Pressed, ".lib-missed Button")
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
