"""Shared bits of the librarian console: its words, a booking in words, refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

# Textual's own "which App runs this code" (``Widget.app`` reads it too): lets ``t()``
# find the console's language without every caller handing a widget over.
from textual._context import active_app
from textual.widgets import DataTable

from kiosk.domain.models import Booking, BookingStatus
from kiosk.i18n import DEFAULT_LANGUAGE, Translator
from screens.common import ConsoleWords, MessageLine, refusal_words

OVERDUE_MINUTES = 15
# Below this many columns (80x24 is the least) the console lays its panes out narrow.
NARROW_BELOW = 100

# The language of the console last shown in this process: what a thread worker (where
# Textual's active App is not known) puts its words in.
_last_language = DEFAULT_LANGUAGE


def use_console_language(lang: str) -> None:
    """Remember ``lang`` as the console's language for words made outside the UI thread."""
    global _last_language
    _last_language = lang


def console_language() -> str:
    """The console's language (chosen at the PIN prompt, kept for the session): the running
    App's ``console_lang``, so two Apps in one process (tests) never share it."""
    try:
        app = active_app.get()
    except LookupError:
        return _last_language
    return str(getattr(app, "console_lang", _last_language))


def console_words() -> Translator:
    return Translator(console_language())


def t(key: str, **values: object) -> str:
    """A console string (the librarian catalogue) in the console's language."""
    return console_words()(key, **values)


def refusal(exc: BaseException) -> str:
    """A refusal in the console's words (``lib.err.<code>``): ``refusal_words`` for staff."""
    return refusal_words(console_words(), exc, ("lib.err",), staff=True)


def status_words(booking: Booking, now: datetime) -> str:
    """The status in words (with a marker), never by colour alone."""
    if is_overdue(booking, now):
        return t("lib.status.overdue")
    return t(f"lib.status.{booking.status}")


def is_overdue(booking: Booking, now: datetime) -> bool:
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


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under ``table``'s cursor; ``None`` when there is no row."""
    if table.row_count == 0:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # noqa: BLE001 - an empty or just-cleared table has no cursor row
        return None
    return str(key) if key is not None else None


class ConsolePane(ConsoleWords):
    """A tab of the console: it reloads its data when asked (a change on disk, a login, a
    language) and says what happened on its message line, in its words (``self.t``).

    Put it after the container the pane is, ``class TodayPane(Vertical, ConsolePane)``:
    Textual takes a widget's default styles and CSS type names from its first base, so the
    pane stays a ``Vertical`` to the stylesheet (and to ``query``)."""

    def reload(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must say how it reloads")

    def say(self, text: str, error: bool = False) -> None:
        self.query_one(MessageLine).say(text, error)
