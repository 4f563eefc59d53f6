"""Shared bits of the librarian console: translation, plain text, confirm dialog, messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from kiosk.errors import KioskError
from kiosk.i18n import Translator
from kiosk.models import Booking, BookingStatus

if TYPE_CHECKING:
    from kiosk.services import Services

CONSOLE_LANGUAGE = "lt"  # the librarian console speaks Lithuanian first
OVERDUE_MINUTES = 15

_translator = Translator(CONSOLE_LANGUAGE)


def t(key: str, **values: object) -> str:
    """A console string (``kiosk/locales/<lang>/librarian.json``)."""
    return _translator(key, **values)


def set_console_language(lang: str) -> None:
    _translator.lang = lang


def plain(text: str | None, style: str = "") -> Text:
    """Text shown exactly as typed: never parsed as markup."""
    return Text(text or "", style=style, no_wrap=True, overflow="ellipsis")


def services_of(widget: Widget) -> Services:
    return widget.app.services  # type: ignore[attr-defined,no-any-return]


def error_text(exc: BaseException) -> str:
    """A refusal in plain words: the catalogue's sentence for its code, else its message."""
    if isinstance(exc, KioskError):
        key = f"lib.err.{exc.code}"
        text = t(key, **{k: v for k, v in exc.details.items() if isinstance(v, str | int)})
        return exc.message if text == key else text
    return str(exc)


def status_words(booking: Booking, now: Any) -> str:
    """The status in words (with a marker), never by colour alone."""
    if is_overdue(booking, now):
        return t("lib.status.overdue")
    return t(f"lib.status.{booking.status}")


def is_overdue(booking: Booking, now: Any) -> bool:
    from datetime import timedelta

    return booking.state is BookingStatus.BOOKED and now >= booking.starts + timedelta(
        minutes=OVERDUE_MINUTES
    )


def visitor_name(booking: Booking) -> str:
    return booking.name if booking.erased_at is None else t("lib.erased")


def booking_line(booking: Booking) -> str:
    return t(
        "lib.booking_line",
        day=f"{booking.starts:%Y-%m-%d}",
        time=f"{booking.starts:%H:%M}",
        code=booking.code,
        name=visitor_name(booking),
        place=booking.place,
    )


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question with an optional list of plain lines (e.g. bookings affected)."""

    BINDINGS = [Binding("escape", "no", t("lib.no"), id="confirm-no")]

    def __init__(
        self, title: str, body: str, lines: list[str] | None = None, yes: str | None = None
    ) -> None:
        super().__init__(classes="lib-modal")
        self._title = title
        self._body = body
        self._lines = lines or []
        self._yes = yes or t("lib.yes")

    def compose(self) -> ComposeResult:
        with Vertical(classes="lib-dialog", id="confirm-dialog"):
            yield Label(self._title, classes="lib-dialog-title", markup=False)
            yield Static(plain(self._body), classes="lib-dialog-body")
            if self._lines:
                with VerticalScroll(classes="lib-affected"):
                    for line in self._lines:
                        yield Static(plain("• " + line))
            with Horizontal(classes="lib-buttons"):
                yield Button(self._yes, id="confirm-yes", variant="error")
                yield Button(t("lib.no"), id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)
