"""'Please ask the librarian': the calm screen shown when something failed underneath."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from kiosk.i18n import Translator
from screens.common import plain, translator
from screens.widgets.words import Words


class TroubleScreen(ModalScreen[None]):
    """Covers whatever failed; its one button goes back to the start (or the console)."""

    BINDINGS = [Binding("escape", "back", "v.trouble.back", id="trouble-back")]

    def __init__(self, librarian: bool = False) -> None:
        super().__init__(id="trouble", classes="v-modal")
        self.librarian = librarian

    @property
    def t(self) -> Translator:
        return translator(self)

    def compose(self) -> ComposeResult:
        t = self.t
        back = t("v.trouble.retry") if self.librarian else t("v.trouble.back")
        with Vertical(classes="v-dialog", id="trouble-box"):
            yield Words(plain(t("v.trouble.title")), classes="v-dialog-title")
            yield Words(plain(t("v.trouble.body")), id="trouble-body", classes="v-line")
            with Horizontal(classes="v-dialog-buttons"):
                yield Button(
                    plain("\u21ba " + back), id="trouble-ok", variant="primary", classes="v-big"
                )

    def on_mount(self) -> None:
        self.query_one("#trouble-ok", Button).focus()

    @on(Button.Pressed, "#trouble-ok")
    def action_back(self) -> None:
        self.dismiss(None)
