"""Booking, step 6: the ticket: QR code, booking code, when and where; print it or take a
photo of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual import on
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import KioskError
from kiosk.domain.ticket_content import TicketContent
from kiosk.domain.tickets import qr_matrix
from kiosk.paper.printing import print_configured, printer_configured
from kiosk.speech import text as speech
from screens.common import plain, refusal_words, services_of, store_work
from screens.visitor.common import (
    TALL_ROWS,
    Body,
    Draft,
    VisitorScreen,
    show_status,
    when_text,
)
from screens.widgets import QRCode
from screens.widgets.pager import PagerButton
from screens.widgets.words import Words


@runtime_checkable
class IdleHost(Protocol):
    """An App with the visitor's quiet-spell timer (the ticket restarts it)."""

    def reset_idle(self) -> None: ...


class TicketScreen(VisitorScreen):
    """The visitor's ticket: it stays until "Done" (a senior photographs it, copies the
    code, asks for help); only after a long quiet spell does the "More time?" countdown come.

    One whole screen from 80x20 up: the ticket's stub on the left (the QR, with the booking
    code boxed under it) and beside it what, when, where, who, what to bring and how to check
    in, in four short parts. Only where they do not fit (78x18, or a library's long
    directions) do the parts go in pages, the first with the time and the place; the code
    stays in sight under the QR on every page. A configured receipt printer adds "Print"."""

    TITLE_KEY = "v.ticket.title"
    BACK_KEY = "v.ticket.done"
    BACK_SIGN = "\u2714 "
    READ_ALOUD_SIGN_ONLY = True
    # The QR and its boxed code need 20 rows: below that the code is one line under the QR.
    # At TALL_ROWS the title and the bar take their own rows, as on every visitor screen.
    STUB_ROWS = 20
    VERTICAL_BREAKPOINTS = [(0, "-shortest"), (STUB_ROWS, "-short"), (TALL_ROWS, "-tall")]
    PAGINGS = (1, 2, 4)  # the parts in one page, then two, then one a page

    @dataclass
    class Ready(Message):
        matrix: list[list[bool]]
        content: TicketContent
        idle_seconds: float
        can_print: bool

    @dataclass
    class Printed(Message):
        error: KioskError | None = None

    # The quiet-spell prompt here: the booking is kept whatever happens (only the screen goes).
    IDLE_WORDS = "v.more.ticket_left"
    IDLE_NO_KEY = "v.more.done"

    def __init__(self, ticket: Ticket, draft: Draft | None = None, reissued: bool = False) -> None:
        super().__init__()
        self.ticket = ticket
        self.draft = draft
        self.reissued = reissued  # shown again from the look-up with a new QR
        self.content: TicketContent | None = None
        self.page = 0
        self.page_count = 1
        self._fitting = 0  # counts the fits begun (after each resize, and the ticket's words)
        self._idle_limit: float | None = None  # the library's, once the ticket is ready

    @property
    def idle_limit(self) -> float | None:
        """The ticket waits longer than other screens: the visitor reads it, photographs it."""
        return self._idle_limit

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        booking = self.ticket.booking
        code_label = t("v.ticket.code")
        with Horizontal(id="ticket-main"):
            with Vertical(id="ticket-stub"):
                yield QRCode(id="ticket-qr")
                yield Words(plain(t("v.ticket.scan_hint")), id="ticket-qr-hint", classes="v-small")
                with Horizontal(id="ticket-code-box") as code_box:
                    # The label is the box's title; on the shortest screens, a word beside it.
                    code_box.border_title = plain(code_label.rstrip(": "))
                    yield Words(plain(code_label), id="ticket-code-label")
                    yield Words(plain(" ".join(booking.code)), id="ticket-code")
            with Vertical(id="ticket-info"):
                with Vertical(id="ticket-part-what", classes="ticket-part"):
                    yield Words(plain("\u2714 " + t("v.ticket.booked")), classes="v-sub")
                    yield Words(id="ticket-topic", classes="v-line")
                    yield Words(
                        plain(when_text(t, booking.starts, booking.ends)),
                        id="ticket-when",
                        classes="v-line",
                    )
                with Vertical(id="ticket-part-where", classes="ticket-part"):
                    yield Words(plain(booking.place), id="ticket-where", classes="v-line")
                    yield Words(id="ticket-directions", classes="v-line")
                with Vertical(id="ticket-part-who", classes="ticket-part"):
                    yield Words(id="ticket-who", classes="v-line")
                    yield Words(id="ticket-bring", classes="v-line")
                with Vertical(id="ticket-part-arrive", classes="ticket-part"):
                    yield Words(id="ticket-arrive", classes="v-line")
                    yield Words(plain(t("v.ticket.photo")), id="ticket-photo", classes="v-line")
                    if self.reissued:
                        yield Words(
                            plain("\u26a0 " + t("v.ticket.reissued")),
                            id="ticket-reissued",
                            classes="v-line v-warn",
                        )
                    # Only with a receipt printer; its answer beside it, in words.
                    with Horizontal(id="ticket-print-row"):
                        yield Button(
                            plain(self.t("v.ticket.print")), id="ticket-print", variant="primary"
                        )
                        yield Words(id="ticket-print-status", classes="v-notice")
                with Horizontal(id="ticket-nav"):
                    yield PagerButton(plain(t("v.page.back")), id="ticket-page-back")
                    yield Words(id="ticket-page-count")
                    yield PagerButton(plain(t("v.page.more")), id="ticket-page-more")

    def on_mount(self) -> None:
        self.query_one("#ticket-print-row").display = False
        self.query_one("#ticket-print-status").display = False
        self._fit()
        self.query_one("#v-back", Button).focus()
        self._prepare()

    @store_work(group="ticket")
    def _prepare(self) -> None:
        services = services_of(self)
        booking = self.ticket.booking
        matrix = qr_matrix(self.ticket.token)
        content = services.catalog.ticket_content(booking, self.ticket.token, self.t.lang)
        settings = services.catalog.settings()
        self.post_message(
            self.Ready(matrix, content, settings.ticket_idle_seconds, printer_configured(settings))
        )

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        self.content = content = message.content
        self.query_one("#ticket-qr", QRCode).set_matrix(message.matrix)
        for key in ("topic", "when", "directions", "bring"):
            self._line(f"#ticket-{key}", content, key)
        self._line("#ticket-where", content, "place")
        self._line("#ticket-who", content, "scout")
        # A group session and the e-scout's languages are said after the time and the name:
        # no lines of their own, so the ticket stays one screen on the smallest panels.
        self._after("#ticket-when", content, "when", "group")
        self._after("#ticket-who", content, "scout", "language")
        self.query_one("#ticket-arrive", Static).update(plain(content.arrive))
        self.query_one("#ticket-print-row").display = message.can_print
        self._idle_limit = message.idle_seconds
        app = self.app
        if isinstance(app, IdleHost):
            app.reset_idle()  # the ticket's longer quiet spell starts now
        self._fit()

    def _after(self, selector: str, content: TicketContent, key: str, extra: str) -> None:
        """Line ``key`` with line ``extra``'s words after it, when the ticket has both."""
        line, more = content.line(key), content.line(extra)
        if line is not None and more is not None:
            text = plain(f"{line.text} \u00b7 {more.text}")
            self.query_one(selector, Static).update(
                Content.assemble((line.label + " ", "bold"), text)
            )

    def _line(self, selector: str, content: TicketContent, key: str) -> None:
        """A labelled line of the ticket (hidden when the ticket has none, e.g. no directions)."""
        line = content.line(key)
        box = self.query_one(selector, Static)
        box.display = line is not None
        if line is not None:
            box.update(Content.assemble((line.label + " ", "bold"), plain(line.text)))

    def spoken_text(self) -> str:
        booking = self.ticket.booking
        if self.content is None:  # the ticket's lines are still coming: the code and time
            t = self.t
            return speech.sentences(
                [
                    t("v.ticket.title"),
                    f"{t('v.ticket.code').rstrip(': ')}: {speech.spell_code(t, booking.code)}",
                    speech.spoken_when(t, booking.starts, booking.ends),
                ]
            )
        today = self.draft.today if self.draft is not None else None
        return speech.ticket(
            self.t, self.content, booking.starts, booking.ends, today, self.reissued
        )

    # -- pages, only where the parts do not fit ----------------------------------------

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show every part at once; once laid out at this size, page them if they do not fit."""
        self._fitting += 1  # a resize or the ticket's words: any check still waiting is stale
        self._show_page(self.PAGINGS[0])
        self.call_after_refresh(self._check_fit, self._fitting)

    def _check_fit(self, fitting: int) -> None:
        """The fewest pages whose every page fits the body's height at the text's width.

        Measured by Textual's own layout of the text column (its rules and wrapping), each
        page in turn, not by waiting for a repaint per try."""
        if fitting != self._fitting or not self.is_mounted:
            return
        body = self.query_one("#v-body", Body)
        info = self.query_one("#ticket-info")
        room = body.content_region.height - info.styles.gutter.height
        page = self.page
        for pages in self.PAGINGS:
            if self._tallest_page(pages, info, body) <= room:
                break
        self.page = min(page, self.page_count - 1)
        self._show_page()

    def _tallest_page(self, pages: int, info: Widget, body: Widget) -> int:
        """The text column's height for its tallest page when the parts go in ``pages``."""
        tallest = 0
        for page in range(pages):
            self.page = page
            self._show_page(pages)
            height = info.get_content_height(body.size, self.size, info.content_region.width)
            tallest = max(tallest, height)
        return tallest

    def _show_page(self, pages: int | None = None) -> None:
        if pages is not None:
            self.page_count = pages
        pages = self.page_count
        self.page = min(self.page, pages - 1)
        parts = list(self.query(".ticket-part"))
        per_page = len(parts) // pages
        for n, part in enumerate(parts):
            part.display = n // per_page == self.page
        self.query_one("#ticket-nav").display = pages > 1
        self.query_one("#ticket-page-count", Static).update(
            plain(self.t("v.page.count", page=self.page + 1, pages=pages))
        )
        self.query_one("#ticket-page-back", Button).disabled = self.page == 0
        self.query_one("#ticket-page-more", Button).disabled = self.page >= pages - 1

    @on(Button.Pressed, "#ticket-page-more")
    def _more(self) -> None:
        self.page = min(self.page + 1, self.page_count - 1)
        self._show_page()

    @on(Button.Pressed, "#ticket-page-back")
    def _less(self) -> None:
        self.page = max(self.page - 1, 0)
        self._show_page()

    # -- paper ticket ------------------------------------------------------------------

    @on(Button.Pressed, "#ticket-print")
    def _print_pressed(self) -> None:
        if self.content is None:
            return
        self.query_one("#ticket-print", Button).disabled = True
        self._say(self.t("v.ticket.printing"))
        self._print(self.content)

    @store_work(group="ticket-print")
    def _print(self, content: TicketContent) -> None:
        try:
            print_configured(content, services_of(self).catalog.settings())
        except KioskError as exc:
            self.post_message(self.Printed(exc))
            return
        self.post_message(self.Printed())

    @on(Printed)
    def _printed(self, message: Printed) -> None:
        self.query_one("#ticket-print", Button).disabled = False
        if message.error is None:
            self._say("\u2714 " + self.t("v.ticket.printed"))
        else:
            self._say("\u26a0 " + refusal_words(self.t, message.error), warn=True)

    def _say(self, text: str, warn: bool = False) -> None:
        show_status(self.query_one("#ticket-print-status", Static), text, warn)

    def action_back(self) -> None:
        self.post_message(self.ReturnToWelcome())
