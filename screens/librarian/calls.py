"""Who to call: a booking with its visitor's phone, grouped for dialling."""

from __future__ import annotations

from kiosk.models import Booking
from kiosk.validation import display_phone
from screens.librarian.common import booking_line, t


def phone_of(booking: Booking) -> str:
    """The visitor's phone grouped (``+370 612 34567``), or empty (none, or erased)."""
    return "" if booking.erased_at else display_phone(booking.phone)


def call_line(booking: Booking) -> str:
    """A booking line for a list of people to call: with the phone, or saying there is none."""
    phone = phone_of(booking)
    return (
        f"{booking_line(booking)} · ☎ {phone}"
        if phone
        else (f"{booking_line(booking)} · {t('lib.call.no_phone')}")
    )
