"""A booking's ticket at the desk, to show the visitor and to print.

The QR (big enough to scan from the screen), the booking code, topic, time, place and
e-scout, in the visitor's language and from the same content as the kiosk's ticket. "Print"
sends it to the receipt printer when Settings name one, else saves it as an A6 PDF in the
exports folder and shows where. Only a booking still waiting for its visitor has a ticket.

The store keeps only the token's hash: a ticket opened for an existing booking is a new
token (the booking's earlier QR stops working; its code still checks in). Right after a
booking is made, the dialog shows the token that booking got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking, BookingStatus
from kiosk.domain.ticket_content import TicketContent
from kiosk.domain.tickets import qr_matrix
from kiosk.i18n import Translator
from kiosk.paper.printing import print_configured, printer_configured
from screens.common import plain, services_of, store_work
from screens.dialogs import Dialog
from screens.librarian.common import refusal
from screens.widgets import QRCode
from screens.widgets.words import Words, WordsLabel

# The ticket's lines the dialog shows beside the QR (directions and what to bring are on paper).
SHOWN_LINES = ("topic", "when", "place", "scout")


def no_ticket_reason(t: Translator, booking: Booking, now: datetime) -> str | None:
    """Why ``booking`` has no ticket to show (None: it has one): it must still be waiting for
    its visitor, and its time not over."""
    if booking.state is BookingStatus.BOOKED:
        return None if now < booking.ends else t("lib.ticket.past", code=booking.code)
    status = t(f"lib.status.{booking.status}")
    return t("lib.ticket.closed", code=booking.code, status=status)


class DeskTicketScreen(Dialog[None]):
    """The ticket of ``booking``: ``ticket`` when it was just made (its token is at hand),
    else a new token is issued when the dialog opens."""

    @dataclass
    class Ready(Message):
        ticket: Ticket
        content: TicketContent
        matrix: list[list[bool]]
        can_print: bool  # a receipt printer is configured; else "Print" saves a PDF
        reissued: bool

    @dataclass
    class Said(Message):
        """What printing (or the ticket itself) came to, in one calm line."""

        text: str
        error: bool = False

    def __init__(self, booking: Booking, ticket: Ticket | None = None) -> None:
        super().__init__(id="deskticket-screen")
        self.booking = booking
        self.ticket = ticket
        self.content: TicketContent | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="lib-dialog", id="deskticket-dialog"):
            yield WordsLabel(t("lib.ticket.title"), classes="lib-dialog-title", markup=False)
            with Horizontal(id="deskticket-main"):
                yield QRCode(id="deskticket-qr")
                with Vertical(id="deskticket-info"):
                    yield Words(plain(" ".join(self.booking.code)), id="deskticket-code")
                    for key in SHOWN_LINES:
                        yield Words("", id=f"deskticket-{key}")
                    yield Words(plain(t("lib.ticket.loading")), id="deskticket-note")
            with Horizontal(classes="lib-buttons", id="deskticket-buttons"):
                yield Button(t("lib.ticket.print"), id="deskticket-print", disabled=True)
                yield Button(t("lib.ticket.close"), id="deskticket-close", variant="primary")
                yield Words("", id="deskticket-status")

    def on_mount(self) -> None:
        self.query_one("#deskticket-close", Button).focus()
        self._prepare(self.t)

    @store_work(group="deskticket")
    def _prepare(self, t: Translator) -> None:
        services = services_of(self)
        ticket = self.ticket
        try:
            if ticket is None:
                # Read afresh: another desk or a kiosk may have checked it in meanwhile.
                booking = services.booking.lookup(self.booking.code)
                reason = no_ticket_reason(t, booking, services.booking.now())
                if reason is not None:
                    self.post_message(self.Said(reason, error=True))
                    return
                ticket = services.arrivals.reissue_ticket(booking.code)
            booking = ticket.booking
            content = services.catalog.ticket_content(booking, ticket.token, booking.language)
            can_print = printer_configured(services.catalog.settings())
        except KioskError as exc:
            self.post_message(self.Said(refusal(t, exc), error=True))
            return
        matrix = qr_matrix(ticket.token)
        self.post_message(self.Ready(ticket, content, matrix, can_print, self.ticket is None))

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        t = self.t
        self.ticket = message.ticket
        self.content = content = message.content
        self.query_one("#deskticket-qr", QRCode).set_matrix(message.matrix)
        self.query_one("#deskticket-code", Static).border_title = plain(
            content.code_label.rstrip(": ")
        )
        for key in SHOWN_LINES:
            box = self.query_one(f"#deskticket-{key}", Static)
            line = content.line(key)
            box.display = line is not None
            if line is not None:
                box.update(Content.assemble((line.label + " ", "bold"), plain(line.text)))
        note = t("lib.ticket.new_qr") if message.reissued else ""
        note_box = self.query_one("#deskticket-note", Static)
        note_box.update(plain(note))
        note_box.display = bool(note)
        button = self.query_one("#deskticket-print", Button)
        button.label = t("lib.ticket.print" if message.can_print else "lib.ticket.save_pdf")
        button.disabled = False
        button.refresh(layout=True)  # a label's change alone keeps the button's old width

    @on(Button.Pressed, "#deskticket-print")
    def _print_pressed(self) -> None:
        if self.content is None:
            return
        self.query_one("#deskticket-print", Button).disabled = True
        self._say(self.t("lib.ticket.printing"))
        self._print(self.t, self.content)

    @store_work(group="deskticket-print")
    def _print(self, t: Translator, content: TicketContent) -> None:
        """On the receipt printer as the kiosk prints it; without one, an A6 PDF among the
        exports (private: the ticket works for check-in)."""
        services = services_of(self)
        try:
            settings = services.catalog.settings()
            if printer_configured(settings):
                print_configured(content, settings)
                self.post_message(self.Said(t("lib.ticket.printed")))
                return
            from kiosk.paper.ticket_render import ticket_pdf  # fpdf2: only when asked

            stamp = services.booking.now().strftime("%Y%m%d-%H%M%S")
            name = f"ticket-{content.code}-{stamp}.pdf"
            path = services.maintenance.save_export(name, ticket_pdf(content))
        except KioskError as exc:
            self.post_message(self.Said(refusal(t, exc), error=True))
            return
        except OSError as exc:  # a full disk, a folder taken away: said, never a crash
            reason = exc.strerror or str(exc)
            self.post_message(self.Said(t("lib.ticket.not_saved", reason=reason), error=True))
            return
        self.post_message(self.Said(t("lib.ticket.saved", path=str(path))))

    @on(Said)
    def _said(self, message: Said) -> None:
        if self.content is None:  # no ticket at all: the reason stands where it would be
            note = self.query_one("#deskticket-note", Static)
            note.update(plain(message.text))
            note.set_class(message.error, "lib-error")
            return
        self.query_one("#deskticket-print", Button).disabled = False
        self._say(message.text, message.error)

    def _say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#deskticket-status", Static)
        status.update(plain(text))
        status.set_class(error, "lib-error")

    @on(Button.Pressed, "#deskticket-close")
    def _close(self) -> None:
        self.dismiss(None)
