"""'Do you need more time?': the idle prompt with a visible countdown (WCAG 2.2.1)."""

from __future__ import annotations

import math
from time import monotonic

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.i18n import Translator
from screens.common import plain, translator
from screens.widgets.words import Words


class MoreTimeScreen(ModalScreen[bool]):
    """Answers True for more time; False (or the countdown running out) wipes the visit."""

    BINDINGS = [
        Binding("escape", "more", "v.more.yes", id="more-time"),
        Binding("enter", "more", "v.more.yes", id="more-time-enter", show=False),
    ]

    def __init__(self, countdown_seconds: float) -> None:
        super().__init__(id="more-time", classes="v-modal")
        self.countdown_seconds = countdown_seconds
        self._deadline = 0.0
        # What running out does, in the words of the screen it covers (a ticket's booking
        # is kept; elsewhere what was typed is cleared).
        self._words_key = "v.more.seconds_left"
        self._no_key = "v.more.no"

    def _words_of_screen_below(self) -> None:
        below = [s for s in self.app.screen_stack if s is not self]
        if below:
            self._words_key = getattr(below[-1], "IDLE_WORDS", self._words_key)
            self._no_key = getattr(below[-1], "IDLE_NO_KEY", self._no_key)

    @property
    def t(self) -> Translator:
        return translator(self)

    def compose(self) -> ComposeResult:
        self._words_of_screen_below()
        with Vertical(classes="v-dialog", id="more-box"):
            yield Words(plain(self.t("v.more.title")), classes="v-dialog-title")
            self._deadline = monotonic() + self.countdown_seconds
            yield Words(self._countdown(), id="more-countdown", classes="v-countdown")
            with Horizontal(classes="v-dialog-buttons"):
                yield Button(
                    plain("\u2714 " + self.t("v.more.yes")),
                    id="more-yes",
                    variant="primary",
                    classes="v-big",
                )
                yield Button(plain("\u21ba " + self.t(self._no_key)), id="more-no", classes="v-big")

    def on_mount(self) -> None:
        self.set_interval(min(1.0, max(self.countdown_seconds / 4, 0.05)), self._tick)
        self.set_timer(self.countdown_seconds, self._expired)
        self.query_one("#more-yes", Button).focus()

    def seconds_left(self) -> int:
        return max(0, math.ceil(self._deadline - monotonic()))

    def _countdown(self) -> Content:
        return plain(self.t.n(self._words_key, self.seconds_left()))

    def _tick(self) -> None:
        self.query_one("#more-countdown", Static).update(self._countdown())

    def _expired(self) -> None:
        if self.is_active or self in self.app.screen_stack:
            self.dismiss(False)

    @on(Button.Pressed, "#more-yes")
    def action_more(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#more-no")
    def _no(self) -> None:
        self.dismiss(False)
