"""Shared bits of the librarian console: a booking in words, refusals, the pane.

The console's words come from the widget that shows them (``ConsoleWords.t``); the helpers
here take that ``Translator`` as their first argument."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from textual.widgets import DataTable

from kiosk.domain.models import Booking, BookingStatus
from kiosk.i18n import Translator
from screens.common import ConsoleWords, MessageLine, refusal_words

OVERDUE_MINUTES = 15
# Below this many columns (80x24 is the least) the console lays its panes out narrow.
NARROW_BELOW = 100


def refusal(t: Translator, exc: BaseException) -> str:
    """A refusal in the console's words (``lib.err.<code>``): ``refusal_words`` for staff."""
    return refusal_words(t, exc, ("lib.err",), staff=True)


def status_words(t: Translator, booking: Booking, now: datetime) -> str:
    """The status in words (with a marker), never by colour alone."""
    if is_overdue(booking, now):
        return t("lib.status.overdue")
    return t(f"lib.status.{booking.status}")


def is_overdue(booking: Booking, now: datetime) -> bool:
    return booking.state is BookingStatus.BOOKED and now >= booking.starts + timedelta(
        minutes=OVERDUE_MINUTES
    )


def visitor_name(t: Translator, booking: Booking) -> str:
    return booking.name if booking.erased_at is None else t("lib.erased")


def booking_line(t: Translator, booking: Booking) -> str:
    return t(
        "lib.booking_line",
        day=f"{booking.starts:%Y-%m-%d}",
        time=f"{booking.starts:%H:%M}",
        code=booking.code,
        name=visitor_name(t, booking),
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
