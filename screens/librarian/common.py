"""Shared bits of the librarian console: its words, a booking in words, refusals."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.i18n import DEFAULT_LANGUAGE, Translator
from kiosk.models import Booking, BookingStatus
from screens.common import error_text

OVERDUE_MINUTES = 15

# The console speaks the catalogue's default language; the App's ``console_t`` is the same.
CONSOLE = Translator(DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    """A console string (``kiosk/locales/<lang>/librarian.json``)."""
    return CONSOLE(key, **values)


def console_language() -> str:
    """The language the console shows topic names in."""
    return CONSOLE.lang


def refusal(exc: BaseException) -> str:
    """A refusal in the console's words: ``lib.err.<code>``, else the error's own message."""
    return error_text(CONSOLE, exc, "lib.err")


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
