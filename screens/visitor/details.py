"""Booking, step 4: the visitor's first name and (optional) phone, checked before going on.

The waiting list asks the same with the phone required (``screens/visitor/waitlist.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.validation import NAME_MAX, clean_name, normalize_phone
from kiosk.speech import text as speech
from screens.common import plain, refusal_words, services_of, store_work
from screens.visitor.common import (
    Draft,
    TypingScreen,
)
from screens.visitor.confirm import ConfirmBookingScreen
from screens.visitor.remind import RemindScreen
from screens.widgets import Alphabet, OnScreenKeyboard, Words


class DetailsScreen(TypingScreen):
    TITLE_KEY = "v.details.title"
    # Two fields, the consent line and room for an error: the whole keyboard needs 34 rows.
    FULL_KEYS_ROWS = 34
    # A booking checks the visitor's room for one more first; the waiting list does not.
    checks_room = True
    BINDINGS = [Binding("ctrl+j", "next", "v.details.next", id="details-next", show=False)]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        name = Input(
            self.draft.name, id="name", max_length=NAME_MAX, placeholder=t("v.details.name_hint")
        )
        phone = Input(
            self.draft.phone,
            id="phone",
            max_length=20,
            restrict=r"[0-9+ ()\-]*",
            placeholder=t("v.details.phone_hint"),
        )
        # The labels ride in the fields' top borders: a row saved for the keyboard.
        name.border_title = t("v.details.name")
        phone.border_title = t("v.details.phone")
        # Side by side: the fields and the keyboard fit on one screen without scrolling.
        with Horizontal(id="details-fields"):
            with Vertical(classes="v-field"):
                yield name
            with Vertical(classes="v-field"):
                yield phone
        yield Words(id="name-error", classes="v-error")
        yield Words(id="phone-error", classes="v-error")
        yield Words(
            plain(t.n("v.details.consent_days", self.draft.retention_days)),
            id="consent",
            classes="v-consent",
        )
        yield OnScreenKeyboard(
            "text",
            space_label=t("v.key.space"),
            backspace_label=t("v.key.backspace"),
            alphabet=Alphabet.of(t),
            id="details-keyboard",
        )

    def bar_buttons(self) -> Iterable[Widget]:
        yield Button(
            plain(self.t("v.details.next") + " \u25b6"),
            id="details-next",
            variant="primary",
            classes="v-next",
        )

    def on_mount(self) -> None:
        for error in self.query(".v-error"):
            error.display = False
        self.query_one("#name", Input).focus()

    def spoken_text(self) -> str:
        consent = self.query_one("#consent", Static)
        return speech.details(
            self.t,
            self.t(self.TITLE_KEY),
            str(self.query_one("#name", Input).border_title or ""),
            str(self.query_one("#phone", Input).border_title or ""),
            str(consent.render()) if consent.display else "",
        )

    def _capitalise(self, field: Input) -> bool:
        return field.id == "name"

    def _digits_first(self, field: Input) -> bool:
        return field.id == "phone"

    @dataclass
    class Checked(Message):
        """The visitor may book (``error`` is None) or holds as many bookings as allowed."""

        name: str
        phone: str
        error: KioskError | None

    @on(Input.Changed, "#name, #phone")
    def _typing(self, event: Input.Changed) -> None:
        """The visitor is fixing it: the error about this field is stale."""
        field = event.input.id or ""
        if self.query_one(f"#{field}-error").display:
            self._show_error(field, None)

    # Enter in either field is the same as Continue: the phone is optional, and the visitor
    # who typed a name and pressed Enter meant to go on.
    @on(Input.Submitted, "#name, #phone")
    @on(Button.Pressed, "#details-next")
    def action_next(self) -> None:
        name_field = self.query_one("#name", Input)
        phone_field = self.query_one("#phone", Input)
        name = phone = None
        try:
            name = clean_name(name_field.value)
            self._show_error("name", None)
        except ValidationError as exc:
            self._show_error("name", exc)
        try:
            phone = normalize_phone(phone_field.value)
            self._show_error("phone", None)
        except ValidationError as exc:
            self._show_error("phone", exc)
        if name is None:
            name_field.focus()
            return
        if self.query_one("#phone-error").display:
            phone_field.focus()
            return
        if not self.checks_room:
            self._go_on(name, phone or "")
            return
        self.query_one("#details-next", Button).disabled = True
        self._check_room(name, phone or "")

    @store_work(group="details-room")
    def _check_room(self, name: str, phone: str) -> None:
        try:
            services_of(self).booking.check_room(name, phone or None)
        except KioskError as exc:
            self.post_message(self.Checked(name, phone, exc))
            return
        self.post_message(self.Checked(name, phone, None))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        self.query_one("#details-next", Button).disabled = False
        if message.error is not None:
            # Said now, not after the visitor has confirmed everything.
            self._show_error("name", message.error)
            self.query_one("#name", Input).focus()
            return
        self._go_on(message.name, message.phone)

    def _go_on(self, name: str, phone: str) -> None:
        self.draft.name = name
        self.draft.phone = phone
        if (step := self.next_step()) is not None:
            self.app.push_screen(step)

    def next_step(self) -> Screen[None] | None:
        """Where the checked name and phone go next (None: stay, e.g. a further refusal):
        with a phone, the question about a reminder first."""
        if not self.draft.phone:
            self.draft.remind = False
            return ConfirmBookingScreen(self.draft)
        return RemindScreen(self.draft, ConfirmBookingScreen)

    def _show_error(self, field: str, exc: KioskError | None) -> None:
        box = self.query_one(f"#{field}-error", Static)
        box.display = exc is not None
        if exc is not None:
            # A sign and words as well as colour: never meaning by colour alone.
            box.update(plain("\u26a0 " + refusal_words(self.t, exc)))
        self.query_one(f"#{field}", Input).set_class(exc is not None, "-invalid")
        # On a short screen an error takes the consent text's rows (it is back once fixed).
        shown = any(box.display for box in self.query(".v-error"))
        self.set_class(shown, "-has-error")

    def action_back(self) -> None:
        # Keep what was typed if the visitor comes back to this step.
        self.draft.name = self.query_one("#name", Input).value
        self.draft.phone = self.query_one("#phone", Input).value
        super().action_back()
