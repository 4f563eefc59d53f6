"""The librarian PIN prompt: a modal that answers True on a good PIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from kiosk.domain.auth import FailureBurst, LoginResult, place_for_mode
from kiosk.domain.clock import as_local
from kiosk.domain.scout_access import CARD_PREFIX, is_card_token
from kiosk.domain.tickets import TOKEN_LENGTH, normalize_ticket_input
from screens.common import ConsoleWords, host, services_of, store_work
from screens.dialogs import YesNoScreen
from screens.librarian.common import MessageLine
from screens.scout.card import CardScanned
from screens.session import ScreenTraits
from screens.widgets.words import Words, WordsLabel

LANGUAGES = ("lt", "en")  # the console's languages, each a button named in its own words
# The field also takes an e-scout's card from a scanner (letters too): it opens their sign-in.
CARD_LENGTH = len(CARD_PREFIX) + TOKEN_LENGTH


class ConfirmQuit(YesNoScreen):
    """Quit or Stay: the standalone console ends only when the librarian says so twice."""

    def __init__(self) -> None:
        t = self.t
        super().__init__(t("lib.quit.title"), t("lib.quit.body"), id="confirm-quit")

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="lib-dialog", id="confirm-dialog"):
            yield WordsLabel(t("lib.quit.title"), classes="lib-dialog-title")
            yield Words(t("lib.quit.body"), classes="lib-dialog-body")
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.quit"), id=self.YES_ID, variant="error")
                yield Button(t("lib.quit.stay"), id=self.NO_ID, variant="primary")


class LoginScreen(ModalScreen[bool], ConsoleWords, ScreenTraits):
    """PIN prompt. ``standalone``: the console alone (Quit) or over the kiosk (Back).

    Escape never ends the standalone console (its prompt is where an idle logout lands, so
    a stray key would close it for the day): there it empties the field. Quit is a button
    that asks first."""

    TAKES_SCANS = True  # every key is the PIN's: never held back as a possible ticket scan
    BINDINGS = [Binding("escape", "back", "lib.back", id="login-back")]

    @dataclass
    class PinChecked(Message):
        result: LoginResult
        burst: FailureBurst | None = None

    @dataclass
    class BurstRead(Message):
        """Wrong PINs across all places, when there were a burst of them (or None)."""

        burst: FailureBurst | None

    class NoPinSet(Message):
        """No PIN has been set yet (``kiosk set-pin``)."""

    class QuitRequested(Message):
        """Quit at the standalone console's prompt: the App ends."""

    def __init__(self, standalone: bool = False) -> None:
        super().__init__(id="login-screen", classes="lib-modal")
        self.standalone = standalone
        self._unlock_timer: Timer | None = None
        self._no_pin = False
        self._burst: FailureBurst | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="login-box", classes="lib-dialog"):
            with Horizontal(id="login-languages"):
                for lang in LANGUAGES:
                    yield Button(
                        t(f"lib.login.{lang}"), id=f"login-lang-{lang}", classes="lib-small"
                    )
            yield WordsLabel(t("lib.login.title"), id="login-title", classes="lib-dialog-title")
            yield MessageLine(t("lib.login.prompt"), id="login-status", marks_success=False)
            # Shown after a burst of wrong PINs anywhere: how many and when (every console).
            notice = MessageLine(id="login-notice", marks_success=False)
            notice.display = False
            yield notice
            yield Input(
                placeholder=t("lib.login.placeholder"),
                password=True,
                restrict=r"[0-9A-Za-z]*",
                max_length=CARD_LENGTH,
                id="login-pin",
            )
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.login.enter"), id="login-ok", variant="primary")
                if self.standalone:
                    yield Button(t("lib.quit"), id="login-quit")
                else:
                    yield Button(t("lib.back"), id="login-back")

    def on_mount(self) -> None:
        self._show_language()
        self.query_one("#login-pin", Input).focus()
        self._check_pin_set()

    @on(Button.Pressed, "#login-languages Button")
    def _choose_language(self, event: Button.Pressed) -> None:
        """The console's language for this session: the prompt changes its words at once."""
        lang = (event.button.id or "").removeprefix("login-lang-")
        host(self).session.console_lang = lang
        self._show_language()
        self.query_one("#login-pin", Input).focus()

    def _show_language(self) -> None:
        chosen = host(self).session.console_lang
        t = self.t
        for lang in LANGUAGES:
            button = self.query_one(f"#login-lang-{lang}", Button)
            mark = "✓ " if lang == chosen else ""  # the choice shown in words, not colour alone
            button.label = mark + t(f"lib.login.{lang}")
            button.variant = "primary" if lang == chosen else "default"
        self.query_one("#login-title", Label).update(t("lib.login.title"))
        status = self.query_one("#login-status", Static)
        if self._no_pin:
            self.query_one("#login-status", MessageLine).say(self._no_pin_text(), error=True)
        elif not status.has_class("lib-error"):
            status.update(t("lib.login.prompt"))
        self._show_burst()
        self.query_one("#login-pin", Input).placeholder = t("lib.login.placeholder")
        self.query_one("#login-ok", Button).label = t("lib.login.enter")
        back = self.query_one("#login-quit" if self.standalone else "#login-back", Button)
        back.label = t("lib.quit") if self.standalone else t("lib.back")

    @store_work(group="login-pin-set")
    def _check_pin_set(self) -> None:
        auth = services_of(self).auth
        if not auth.is_set():
            self.post_message(self.NoPinSet())
        self.post_message(self.BurstRead(auth.failure_burst()))

    @on(BurstRead)
    def _burst_read(self, message: BurstRead) -> None:
        self._burst = message.burst
        self._show_burst()

    def _show_burst(self) -> None:
        notice = self.query_one("#login-notice", MessageLine)
        burst = self._burst
        notice.display = burst is not None
        if burst is None:
            return
        today = as_local(services_of(self).clock.now()).date()

        def when(moment: datetime) -> str:  # short enough for one line of the prompt's box
            moment = as_local(moment)
            return f"{moment:%H:%M}" if moment.date() == today else f"{moment:%m-%d %H:%M}"

        text = self.t(
            "lib.login.burst", count=burst.count, since=when(burst.since), last=when(burst.last)
        )
        notice.say("⚠ " + text, error=True)

    @on(NoPinSet)
    def _no_pin_set(self) -> None:
        self._no_pin = True
        self.query_one("#login-status", MessageLine).say(self._no_pin_text(), error=True)

    def _no_pin_text(self) -> str:
        # At the kiosk anyone may open this prompt: name no command they cannot run there.
        t = self.t
        return t("lib.login.no_pin") if self.standalone else t("lib.login.no_pin_kiosk")

    @on(Input.Submitted, "#login-pin")
    @on(Button.Pressed, "#login-ok")
    def _submit(self) -> None:
        pin_input = self.query_one("#login-pin", Input)
        pin = pin_input.value
        pin_input.value = ""
        if is_card_token(normalize_ticket_input(pin)):
            self.post_message(CardScanned(normalize_ticket_input(pin)))
            return
        if not pin:
            self.query_one("#login-status", MessageLine).say(self.t("lib.login.empty"), error=True)
            return
        self._check(pin)

    @store_work(group="login")
    def _check(self, pin: str) -> None:
        # The kiosk's gesture and each console count wrong PINs apart (see kiosk.domain.auth).
        place = place_for_mode(host(self).session.mode)
        auth = services_of(self).auth
        result = auth.login(pin, place=place)
        self.post_message(self.PinChecked(result, None if result.ok else auth.failure_burst()))

    @on(PinChecked)
    def _checked(self, message: PinChecked) -> None:
        result = message.result
        if result.ok:
            if result.short_pin:
                # Set before the 6-digit rule: it still works, and the console asks for a
                # longer one at every login until it is changed.
                self.app.notify(self.t("lib.login.short_pin"), severity="warning", timeout=60)
            self.dismiss(True)
            return
        self._burst = message.burst
        self._show_burst()
        if result.no_pin_set:
            self.query_one("#login-status", MessageLine).say(self._no_pin_text(), error=True)
        elif result.no_pepper is not None:
            self.query_one("#login-status", MessageLine).say(
                self.t("lib.login.no_pepper"), error=True
            )
        elif result.locked_until is not None:
            self._lock(result)
        else:
            self.query_one("#login-status", MessageLine).say(
                self.t("lib.login.wrong", left=result.tries_left or 0), error=True
            )
        self.query_one("#login-pin", Input).focus()

    def _lock(self, result: LoginResult) -> None:
        assert result.locked_until is not None
        until = as_local(result.locked_until)
        self.query_one("#login-status", MessageLine).say(
            self.t("lib.login.locked", until=f"{until:%H:%M:%S}"), error=True
        )
        pin = self.query_one("#login-pin", Input)
        pin.disabled = True
        self.query_one("#login-ok", Button).disabled = True
        now = as_local(services_of(self).clock.now())
        wait = max((until - now).total_seconds(), 0.5)
        if self._unlock_timer is not None:
            self._unlock_timer.stop()
        self._unlock_timer = self.set_timer(wait, self._unlock)

    def _unlock(self) -> None:
        self.query_one("#login-pin", Input).disabled = False
        self.query_one("#login-ok", Button).disabled = False
        self.query_one("#login-status", MessageLine).say(self.t("lib.login.prompt"))
        self.query_one("#login-pin", Input).focus()

    @on(Button.Pressed, "#login-back")
    def action_back(self) -> None:
        """Escape (or Back at the kiosk): back to the visitor screens; alone, empty the field."""
        if self.standalone:
            self.query_one("#login-pin", Input).value = ""
        else:
            self.dismiss(False)

    @on(Button.Pressed, "#login-quit")
    def _quit_pressed(self) -> None:
        self.app.push_screen(ConfirmQuit(), self._quit_answered)

    def _quit_answered(self, quit: bool | None) -> None:
        if quit:
            self.post_message(self.QuitRequested())
        else:
            self.query_one("#login-pin", Input).focus()
