"""Look up a booking by its code (typed or scanned) and cancel it after a confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from kiosk.errors import KioskError, NotFound
from kiosk.models import Booking, BookingStatus
from kiosk.services import Services
from kiosk.tickets import is_token, normalize_ticket_input
from screens.visitor.codeinput import CodeInput
from screens.visitor.common import (
    BookingView,
    TypingScreen,
    error_text,
    plain,
    services_of,
    translator,
    when_text,
)
from screens.widgets import OnScreenKeyboard


def booking_view(services: Services, booking: Booking) -> BookingView:
    """The booking with its topic and e-scout names (store calls: run in a worker)."""
    try:
        topic = services.booking.topic(booking.topic).name(booking.language)
    except KioskError:
        topic = booking.topic
    try:
        scout = services.booking.scout(booking.scout).name
    except KioskError:
        scout = ""
    return BookingView(booking, topic, scout)


def find_booking(services: Services, text: str) -> Booking:
    """By short code, or by a scanned ticket token. Raises NotFound."""
    wanted = normalize_ticket_input(text)
    if is_token(wanted):
        found = services.booking.verify(wanted).booking
        if found is None:
            raise NotFound("unknown_code", "no booking for this ticket")
        return found
    return services.booking.lookup(wanted)


class ConfirmCancelScreen(ModalScreen[bool]):
    """'Cancel this booking?' True = yes, cancel it."""

    BINDINGS = [Binding("escape", "keep", "Keep the booking", id="cancel-keep")]

    def __init__(self, view: BookingView) -> None:
        super().__init__(id="confirm-cancel", classes="v-modal")
        self.view = view

    def compose(self) -> ComposeResult:
        t = translator(self)
        booking = self.view.booking
        with Vertical(classes="v-dialog"):
            yield Static(plain(t("v.cancel.title")), classes="v-dialog-title")
            yield Static(plain(self.view.topic), classes="v-line")
            yield Static(plain(when_text(t, booking.starts, booking.ends)), classes="v-line")
            yield Static(plain(booking.place), classes="v-line")
            with Horizontal(classes="v-dialog-buttons"):
                yield Button(
                    plain("\u2716 " + t("v.cancel.yes")),
                    id="cancel-yes",
                    variant="error",
                    classes="v-big",
                )
                yield Button(
                    plain("\u25c0 " + t("v.cancel.no")),
                    id="cancel-no",
                    variant="primary",
                    classes="v-big",
                )

    def on_mount(self) -> None:
        self.query_one("#cancel-no", Button).focus()

    @on(Button.Pressed, "#cancel-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel-no")
    def action_keep(self) -> None:
        self.dismiss(False)


@dataclass
class Found(Message):
    view: BookingView


@dataclass
class LookupFailed(Message):
    error: KioskError


@dataclass
class Cancelled(Message):
    view: BookingView


class LookupScreen(TypingScreen):
    TITLE_KEY = "v.lookup.title"
    UPPER_CASE = True
    BINDINGS = [Binding("ctrl+j", "find", "Find", id="lookup-find-lf", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.view: BookingView | None = None

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        yield Label(plain(t("v.lookup.prompt")), classes="v-field-label")
        with Horizontal(classes="v-code-row"):
            yield CodeInput(t("v.lookup.placeholder"), id="lookup-code")
            yield Button(
                plain(t("v.lookup.find")), id="lookup-find", variant="primary", classes="v-find"
            )
        yield Static(id="lookup-status", classes="v-notice")
        with Vertical(id="lookup-result", classes="v-card"):
            yield Static(id="lookup-details")
            yield Button(
                plain("\u2716 " + t("v.lookup.cancel")),
                id="lookup-cancel",
                variant="error",
                classes="v-big",
            )
        yield OnScreenKeyboard("code", backspace_label=t("v.key.backspace"), id="lookup-keyboard")

    def on_mount(self) -> None:
        self.query_one("#lookup-status").display = False
        self.query_one("#lookup-result").display = False
        self.query_one("#lookup-code", CodeInput).focus()

    @on(CodeInput.Submitted, "#lookup-code")
    @on(Button.Pressed, "#lookup-find")
    def action_find(self) -> None:
        field = self.query_one("#lookup-code", CodeInput)
        text = normalize_ticket_input(field.value)
        if not text:
            self._say(self.t("v.lookup.empty"), warn=True)
            field.focus()
            return
        self._say(self.t("v.loading"))
        self._find(text)

    @work(thread=True, exclusive=True, group="lookup")
    def _find(self, text: str) -> None:
        services = services_of(self)
        try:
            booking = find_booking(services, text)
        except KioskError as exc:
            self.post_message(LookupFailed(exc))
            return
        self.post_message(Found(booking_view(services, booking)))

    def _say(self, text: str, warn: bool = False) -> None:
        box = self.query_one("#lookup-status", Static)
        box.update(plain(text))
        box.display = bool(text)
        box.set_class(warn, "v-warn")

    @on(LookupFailed)
    def _failed(self, message: LookupFailed) -> None:
        self.view = None
        self.query_one("#lookup-result").display = False
        self._say("\u26a0 " + error_text(self.t, message.error), warn=True)
        self.query_one("#lookup-code", CodeInput).focus()

    @on(Found)
    def _found(self, message: Found) -> None:
        self._show(message.view)

    def _show(self, view: BookingView, notice: str = "") -> None:
        t = self.t
        self.view = view
        booking = view.booking
        lines = [
            t("v.lookup.code", code=booking.code),
            t("v.lookup.status", status=t(f"v.status.{booking.status}")),
            view.topic,
            when_text(t, booking.starts, booking.ends),
            t("v.ticket.where", place=booking.place),
        ]
        if view.scout:
            lines.append(t("v.ticket.who", scout=view.scout))
        self.query_one("#lookup-details", Static).update(plain("\n".join(lines)))
        self.query_one("#lookup-result").display = True
        cancel = self.query_one("#lookup-cancel", Button)
        cancel.display = booking.state is BookingStatus.BOOKED
        self._say(notice)
        if cancel.display:
            cancel.focus()

    @on(Button.Pressed, "#lookup-cancel")
    def _ask_cancel(self) -> None:
        if self.view is not None:
            self.app.push_screen(ConfirmCancelScreen(self.view), self._after_ask)

    def _after_ask(self, yes: bool | None) -> None:
        if yes and self.view is not None:
            self._cancel(self.view)

    @work(thread=True, exclusive=True, group="lookup")
    def _cancel(self, view: BookingView) -> None:
        services = services_of(self)
        try:
            booking = services.booking.cancel(view.booking.code)
        except KioskError as exc:
            self.post_message(LookupFailed(exc))
            return
        self.post_message(Cancelled(BookingView(booking, view.topic, view.scout)))

    @on(Cancelled)
    def _cancelled(self, message: Cancelled) -> None:
        self._show(message.view, "\u2714 " + self.t("v.lookup.cancelled"))
        self.query_one("#v-back", Button).focus()
