"""Look up a booking by its code (typed or scanned) and cancel it after a confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import KioskError, NotFound
from kiosk.domain.models import Booking, BookingStatus
from kiosk.domain.ticket_content import place_text
from kiosk.domain.tickets import is_token, normalize_ticket_input
from kiosk.i18n import Translator
from kiosk.services import Services
from screens.common import plain, refusal_words, services_of, store_work, translator
from screens.dialogs import YesNoScreen
from screens.visitor.codeentry import CodeEntry
from screens.visitor.common import BookingView, TypingScreen, show_status, when_text
from screens.visitor.ticket import TicketScreen
from screens.widgets import OnScreenKeyboard
from screens.widgets.words import Words


def booking_view(
    services: Services, booking: Booking, lang: str = "", token: str = ""
) -> BookingView:
    """The booking with its topic, place and e-scout names (store calls: run in a worker).

    The topic and the place are named in ``lang``, the language of the person at the kiosk
    now (who may not be the one who booked), else in the booking's own language."""
    lang = lang or booking.language
    try:
        topic = services.booking.topic(booking.topic).name(lang)
    except KioskError:
        topic = booking.topic
    try:
        scout = services.booking.scout(booking.scout).public_name
    except KioskError:
        scout = ""
    place = place_text(services.catalog.place(booking.place), booking.place, lang)
    may_cancel = services.booking.visitor_may_cancel(booking)
    return BookingView(booking, topic, scout, place, may_cancel, token)


def find_booking(services: Services, text: str) -> tuple[Booking, str]:
    """By short code, or by a scanned ticket token (returned too: its QR still works).
    Raises NotFound."""
    wanted = normalize_ticket_input(text)
    if is_token(wanted):
        found = services.arrivals.verify(wanted).booking
        if found is None:
            raise NotFound("unknown_code", "no booking for this ticket")
        return found, wanted
    return services.booking.lookup(wanted), ""


class ConfirmCancelScreen(YesNoScreen):
    """'Cancel this booking?' True = yes, cancel it. The visitor's look and words."""

    YES_ID = "cancel-yes"
    NO_ID = "cancel-no"
    DEFAULT_CLASSES = "v-modal"

    def __init__(self, view: BookingView) -> None:
        super().__init__("", id="confirm-cancel")
        self.view = view

    @property
    def t(self) -> Translator:
        return translator(self)

    def compose(self) -> ComposeResult:
        t = self.t
        booking = self.view.booking
        with Vertical(classes="v-dialog"):
            yield Words(plain(t("v.cancel.title")), classes="v-dialog-title")
            yield Words(plain(self.view.topic), classes="v-line")
            today = services_of(self).booking.now().date()
            yield Words(plain(when_text(t, booking.starts, booking.ends, today)), classes="v-line")
            yield Words(plain(self.view.place_text), classes="v-line")
            with Horizontal(classes="v-dialog-buttons"):
                yield Button(
                    plain("\u2716 " + t("v.cancel.yes")),
                    id=self.YES_ID,
                    variant="error",
                    classes="v-big",
                )
                yield Button(
                    plain("\u25c0 " + t("v.cancel.no")),
                    id=self.NO_ID,
                    variant="primary",
                    classes="v-big",
                )


class LookupScreen(TypingScreen):
    TITLE_KEY = "v.lookup.title"
    UPPER_CASE = True
    TAKES_SCANS = True  # a scanned ticket looks the booking up here
    BINDINGS = [Binding("ctrl+j", "find", "v.lookup.find", id="lookup-find-lf", show=False)]

    @dataclass
    class Found(Message):
        view: BookingView

    @dataclass
    class Refused(Message):
        """Not found, or (with the booking's ``view``) the cancel or the ticket was refused."""

        error: KioskError
        view: BookingView | None = None

    @dataclass
    class TicketReady(Message):
        ticket: Ticket
        reissued: bool  # a new QR: the one on the visitor's earlier ticket no longer works

    @dataclass
    class Cancelled(Message):
        view: BookingView

    def __init__(self) -> None:
        super().__init__()
        self.view: BookingView | None = None

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        yield CodeEntry(
            "lookup",
            prompt=t("v.lookup.prompt"),
            placeholder=t("v.lookup.placeholder"),
            button=t("v.lookup.find"),
            button_id="lookup-find",
        )
        # The answers come under the keys (or over them, on a short screen): the keys never
        # move under a finger.
        yield OnScreenKeyboard(
            "code",
            backspace_label=t("v.key.backspace"),
            always_compact=True,
            id="lookup-keyboard",
        )
        yield Words(id="lookup-status", classes="v-notice")
        with Vertical(id="lookup-result", classes="v-card"):
            yield Words(id="lookup-details")
            # What the visitor can or cannot do with it, inside the card: on a short screen
            # the card lies over the keys and the status line under them.
            yield Words(id="lookup-note", classes="v-notice")
            with Horizontal(id="lookup-actions"):
                yield Button(
                    plain("\u25a3 " + t("v.lookup.show_ticket")),
                    id="lookup-ticket",
                    variant="primary",
                    classes="v-big",
                )
                yield Button(
                    plain("\u2716 " + t("v.lookup.cancel")),
                    id="lookup-cancel",
                    variant="error",
                    classes="v-big",
                )

    def on_mount(self) -> None:
        self.query_one("#lookup-status").display = False
        self.query_one("#lookup-result").display = False
        self.query_one(CodeEntry).focus_field()

    def action_find(self) -> None:
        self.query_one(CodeEntry).submit()

    @on(Input.Changed, "#lookup-code")
    def _typing(self) -> None:
        """The visitor types again: the answer about the last code is stale."""
        self._say("")
        self.query_one("#lookup-result").display = False
        self.view = None

    @on(CodeEntry.Entered)
    def _entered(self, event: CodeEntry.Entered) -> None:
        if not event.text:
            self._say(self.t("v.lookup.empty"), warn=True)
            return
        self._say(self.t("v.loading"))
        self._find(event.text)

    @store_work(group="lookup")
    def _find(self, text: str) -> None:
        services = services_of(self)
        try:
            booking, token = find_booking(services, text)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Found(booking_view(services, booking, self.t.lang, token)))

    def _say(self, text: str, warn: bool = False) -> None:
        show_status(self.query_one("#lookup-status", Static), text, warn)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        if message.view is not None:
            # The cancel was refused: the booking stays in sight, with the reason.
            self._show(message.view, "\u26a0 " + refusal_words(self.t, message.error), True)
            return
        self.view = None
        self.query_one("#lookup-result").display = False
        self._say("\u26a0 " + refusal_words(self.t, message.error), warn=True)
        self.query_one(CodeEntry).focus_field()

    @on(Found)
    def _found(self, message: Found) -> None:
        self._show(message.view)

    def _show(self, view: BookingView, notice: str = "", warn: bool = False) -> None:
        t = self.t
        self.view = view
        booking = view.booking
        cancelled = booking.state is BookingStatus.CANCELLED
        booked = booking.state is BookingStatus.BOOKED
        lines = [
            # One line for both: the card must fit a short screen with its note and buttons.
            t("v.lookup.code", code=booking.code)
            + " \u00b7 "
            + t("v.lookup.status", status=t(f"v.status.{booking.status}")),
            view.topic,
            when_text(t, booking.starts, booking.ends, services_of(self).booking.now().date()),
            t("v.ticket.where", place=view.place_text),
        ]
        if cancelled:
            # Nobody will meet a cancelled booking: say so instead of naming the e-scout.
            lines.insert(0, "\u2716 " + t("v.lookup.is_cancelled"))
        elif view.scout:
            lines.append(t("v.ticket.who", scout=view.scout))
        if booked and not view.may_cancel and not notice:
            # Too close to the start to cancel here: said from the start, not after a tap.
            notice, warn = "\u260e " + t("v.lookup.ask_librarian"), False
        self.query_one("#lookup-details", Static).update(plain("\n".join(lines)))
        self.query_one("#lookup-result").display = True
        cancel = self.query_one("#lookup-cancel", Button)
        cancel.display = booked and view.may_cancel
        ticket = self.query_one("#lookup-ticket", Button)
        ticket.display = booked
        show_status(self.query_one("#lookup-note", Static), notice, warn)
        self._say("")
        if ticket.display:
            ticket.focus()

    @on(Button.Pressed, "#lookup-ticket")
    def _ticket_pressed(self) -> None:
        if self.view is not None:
            self.query_one("#lookup-ticket", Button).disabled = True
            self._ticket(self.view)

    @store_work(group="lookup")
    def _ticket(self, view: BookingView) -> None:
        """The scanned ticket's own QR; for a typed code a new one (the store keeps only the
        token's hash), so the earlier QR stops working while the code stays the same."""
        if view.token:
            self.post_message(self.TicketReady(Ticket(view.booking, view.token), False))
            return
        try:
            ticket = services_of(self).arrivals.reissue_ticket(view.booking.code)
        except KioskError as exc:
            self.post_message(self.Refused(exc, view))
            return
        self.post_message(self.TicketReady(ticket, True))

    @on(TicketReady)
    def _ticket_ready(self, message: TicketReady) -> None:
        self.query_one("#lookup-ticket", Button).disabled = False
        if self.view is not None:
            # The scan or the new token is this ticket's QR from now on (shown again: the same).
            self.view = replace(self.view, token=message.ticket.token)
        self.app.push_screen(TicketScreen(message.ticket, reissued=message.reissued))

    @on(Button.Pressed, "#lookup-cancel")
    def _ask_cancel(self) -> None:
        if self.view is not None:
            self.app.push_screen(ConfirmCancelScreen(self.view), self._after_ask)

    def _after_ask(self, yes: bool | None) -> None:
        if yes and self.view is not None:
            self._cancel(self.view)

    @store_work(group="lookup")
    def _cancel(self, view: BookingView) -> None:
        services = services_of(self)
        try:
            booking = services.booking.cancel_by_visitor(view.booking.code)
        except KioskError as exc:
            self.post_message(self.Refused(exc, replace(view, may_cancel=False)))
            return
        self.post_message(self.Cancelled(replace(view, booking=booking, may_cancel=False)))

    @on(Cancelled)
    def _cancelled(self, message: Cancelled) -> None:
        self._show(message.view, "\u2714 " + self.t("v.lookup.cancelled"))
        self.query_one("#v-back", Button).focus()
