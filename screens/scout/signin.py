"""The e-scout's sign-in after a card scan: "Hello, Ieva K.!", then the PIN on a big pad.

The card says who it is (``card_holder``); the PIN proves it (``sign_in``), with wrong tries
counted at this kiosk's place of entry, as the librarian's are. The pad's keys never take the
focus, so the PIN field keeps it and a physical keyboard works too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.auth import FREE_TRIES, place_for_mode
from kiosk.domain.clock import as_local
from kiosk.domain.models import Scout
from kiosk.domain.scout_access import ScoutSignIn
from screens.common import host, plain, services_of, store_work
from screens.scout.common import ScoutScreen, SignedIn, SignOut
from screens.widgets.keyboard import BACKSPACE, KeyButton
from screens.widgets.words import Words

PIN_MAX = 12
PAD_ROWS = ["123", "456", "789", "\u232b0"]


class PinPad(Widget):
    """Digits 0-9 and Delete in a 3 x 4 grid of 3-row keys; posts ``Typed``."""

    @dataclass
    class Typed(Message):
        key: str  # a digit or BACKSPACE

    def compose(self) -> ComposeResult:
        with Grid(id="s-pad-grid"):
            for row in PAD_ROWS:
                for char in row:
                    value = BACKSPACE if char == "\u232b" else char
                    key = KeyButton(Content(char), classes="key", id=f"s-pad-{value}")
                    key.key_value = value
                    yield key

    @on(KeyButton.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, KeyButton):
            self.post_message(self.Typed(event.button.key_value))


class ScoutSignInScreen(ScoutScreen):
    """Card scanned: greet its holder and take the PIN; Back returns to where we came from."""

    @dataclass
    class Holder(Message):
        scout: Scout | None

    @dataclass
    class Answer(Message):
        result: ScoutSignIn

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._known: bool | None = None  # None: still looking the card up

    def title_text(self) -> str:
        return self.t("s.signin.title")

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        with Horizontal(id="s-signin-row"):
            with Vertical(id="s-signin-left"):
                yield Words(plain(t("s.signin.checking")), id="s-signin-hello", classes="v-intro")
                yield Words(plain(""), id="s-signin-status", classes="v-status")
                yield Input(
                    placeholder=t("s.signin.placeholder"),
                    password=True,
                    restrict=r"[0-9]*",
                    max_length=PIN_MAX,
                    id="s-pin",
                )
                yield Button(
                    plain("\u2714 " + t("s.signin.ok")),
                    id="s-signin-ok",
                    variant="primary",
                    classes="v-big",
                )
            yield PinPad(id="s-pad")

    def bar_buttons(self) -> Iterable[Widget]:
        yield Button(plain(self.t("s.signin.other_lang")), id="s-lang")

    def on_mount(self) -> None:
        self.show_title()
        self.query_one("#s-pin", Input).focus()
        self._look_up()

    @store_work(group="scout-card")
    def _look_up(self) -> None:
        self.post_message(self.Holder(services_of(self).scout_access.card_holder(self.token)))

    @on(Holder)
    def _holder(self, message: Holder) -> None:
        self._known = message.scout is not None
        self.scout = message.scout
        self._show_holder()

    def _show_holder(self) -> None:
        t = self.t
        hello = self.query_one("#s-signin-hello", Static)
        if self.scout is None:
            hello.update(plain(""))
            if self._known is False:
                self._say(t("s.signin.unknown_card"), error=True)
                self._enable(False)
            return
        hello.update(plain(t("s.signin.hello", name=self.scout.name)))
        self._say(t("s.signin.prompt"))

    def _enable(self, on: bool) -> None:
        self.query_one("#s-pin", Input).disabled = not on
        self.query_one("#s-signin-ok", Button).disabled = not on
        for key in self.query(KeyButton):
            key.disabled = not on

    def _say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#s-signin-status", Static)
        status.update(plain(("\u26a0 " if error else "") + text))
        status.set_class(error, "v-warn")

    @on(PinPad.Typed)
    def _pad(self, event: PinPad.Typed) -> None:
        field = self.query_one("#s-pin", Input)
        if field.disabled:
            return
        if event.key == BACKSPACE:
            field.action_delete_left()
        else:
            field.insert_text_at_cursor(event.key)  # keeps the field's restrict and length
        field.focus()

    @on(Input.Submitted, "#s-pin")
    @on(Button.Pressed, "#s-signin-ok")
    def _submit(self) -> None:
        field = self.query_one("#s-pin", Input)
        pin = field.value
        field.value = ""
        if self.scout is None:
            return
        if not pin:
            self._say(self.t("s.signin.empty"), error=True)
            return
        self._sign_in(pin)

    @store_work(group="scout-sign-in")
    def _sign_in(self, pin: str) -> None:
        # Wrong tries count at this kiosk (or this console) only: see kiosk.domain.auth.
        place = place_for_mode(host(self).session.mode)
        result = services_of(self).scout_access.sign_in(self.token, pin, place=place)
        self.post_message(self.Answer(result))

    @on(Answer)
    def _answered(self, message: Answer) -> None:
        result = message.result
        if result.ok and result.scout is not None:
            self.post_message(SignedIn(result.scout))
            return
        t = self.t
        # A wrong PIN that starts a lock-out says so at once, with the time it ends.
        if result.locked_until is not None:
            until = t.time(as_local(result.locked_until))
            self._say(t("s.signin.locked", until=until), error=True)
        elif result.reason in ("unknown_card", "no_pin"):
            self._say(t(f"s.signin.{result.reason}"), error=True)
            self._enable(False)
        elif result.tries_left is not None and result.tries_left <= FREE_TRIES - 2:
            # From the second wrong try: how many are left before this kiosk locks.
            words = t("s.signin.wrong_pin") + " " + t.n("s.signin.tries_left", result.tries_left)
            self._say(words, error=True)
        else:
            self._say(t("s.signin.wrong_pin"), error=True)
        self.query_one("#s-pin", Input).focus()

    @on(Button.Pressed, "#s-lang")
    async def _other_language(self) -> None:
        # The e-scout's kiosk language: My day and the form follow it (topic names too).
        host(self).session.lang = "en" if self.t.lang == "lt" else "lt"
        await self.recompose()
        self.show_title()
        self._show_holder()
        if self._known is False:
            self._enable(False)
        self.query_one("#s-pin", Input).focus()

    def action_back(self) -> None:
        self.post_message(SignOut())
