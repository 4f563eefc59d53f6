"""Booking, step 5: the visitor sees what they chose and confirms; the booking is made."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.message import Message

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import Conflict, ErrorCode, KioskError
from kiosk.domain.ticket_content import group_text
from kiosk.domain.validation import display_phone
from kiosk.speech import text as speech
from screens.common import refusal_words, services_of, store_work
from screens.visitor.common import ConfirmStep, OffersTimes
from screens.visitor.ticket import TicketScreen


class ConfirmBookingScreen(ConfirmStep):
    TITLE_KEY = "v.confirm.title"
    PREFIX = "confirm"
    INTRO_KEY = "v.confirm.intro"
    OK_KEY = "v.confirm.ok"

    @dataclass
    class Booked(Message):
        ticket: Ticket

    def rows(self) -> list[tuple[str, str]]:
        t = self.t
        slot = self.draft.slot
        assert slot is not None
        draft = self.draft
        rows = [
            ("v.confirm.topic", draft.topic.name(t.lang)),
            ("v.confirm.day", t.day_text(slot.start.date(), draft.today)),
            ("v.confirm.time", f"{t.time(slot.start)}\u2013{t.time(slot.end)}"),
        ]
        if slot.seats > 1:
            rows.append(("v.confirm.group", group_text(t, slot.seats, slot.seats_left)))
        rows += [
            ("v.confirm.place", draft.place(slot.place)),
            ("v.confirm.scout", draft.scout_name(slot.scout)),
        ]
        if draft.language_note(t, slot.scout):
            rows.append(("v.confirm.language", draft.language_note(t, slot.scout)))
        rows.append(("v.confirm.name", draft.name))
        if self.draft.phone:
            rows.append(("v.confirm.phone", display_phone(self.draft.phone)))
        return rows

    def spoken_rows(self) -> list[tuple[str, str]]:
        slot = self.draft.slot
        assert slot is not None
        return speech.booking_rows(self.t, self.rows(), slot.start, slot.end, self.draft.today)

    def confirmed(self) -> None:
        self.say(self.t("v.confirm.working"))
        self._book(self.t.lang)

    @store_work(group="book")
    def _book(self, lang: str) -> None:
        draft = self.draft
        assert draft.slot is not None
        try:
            ticket = services_of(self).booking.book(
                draft.topic.slug,
                draft.slot.start,
                draft.name,
                phone=draft.phone or None,
                scout=draft.slot.scout,
                language=lang,
                remind=draft.remind and bool(draft.phone),
            )
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Booked(ticket))

    @on(Booked)
    def _booked(self, message: Booked) -> None:
        self.finish(TicketScreen(message.ticket, self.draft))

    def refused(self, error: KioskError, final: bool = False) -> None:
        if isinstance(error, Conflict) and error.code == ErrorCode.SLOT_TAKEN:
            # Lost the race: kindly back to the times, read again.
            times = next((s for s in self.app.screen_stack if isinstance(s, OffersTimes)), None)
            if times is not None:
                times.pop_until_active()
                times.reload_slots(refusal_words(self.t, error))
            return
        # A retry cannot help these; anything else (a store hiccup) may be tried again.
        final = error.code in (
            ErrorCode.TOO_MANY_BOOKINGS,
            ErrorCode.TOPIC_INACTIVE,
            ErrorCode.UNKNOWN_TOPIC,
        )
        super().refused(error, final)
