"""'Need help?': a big button on every visitor screen that calls the librarian.

The call is recorded in the shared store (kiosk/domain/helpcalls.py); every open librarian console
shows it on its next poll until someone answers. The visitor hears that help is coming.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button

from kiosk.domain.helpcalls import kiosk_name
from kiosk.i18n import Translator
from screens.common import plain, services_of, store_work, translator
from screens.widgets.words import Words

HELP_SIGN = "? "


class HelpButton(Button):
    """Calls the librarian when tapped, then says so."""

    class Called(Message):
        """The call is in the store: tell the visitor."""

    def __init__(self, label: str) -> None:
        super().__init__(plain(HELP_SIGN + label), id="v-help", classes="v-help-button")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._call()

    @store_work(group="help-call")
    def _call(self) -> None:
        services = services_of(self)
        services.helpcalls.call(kiosk_name(), services.booking.settings().library_name)
        self.post_message(self.Called())

    @on(Called)
    def _called(self) -> None:
        self.app.push_screen(HelpCalledScreen())


class HelpCalledScreen(ModalScreen[None]):
    """'The librarian is coming': one button closes it."""

    BINDINGS = [Binding("escape", "close", "v.help.ok", id="help-called-close")]

    def __init__(self) -> None:
        super().__init__(id="help-called", classes="v-modal")

    @property
    def t(self) -> Translator:
        return translator(self)

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="v-dialog", id="help-called-box"):
            yield Words(plain("\u2714 " + t("v.help.called_title")), classes="v-dialog-title")
            yield Words(plain(t("v.help.called_body")), id="help-called-body", classes="v-line")
            with Horizontal(classes="v-dialog-buttons"):
                yield Button(
                    plain(t("v.help.ok")), id="help-called-ok", variant="primary", classes="v-big"
                )

    def on_mount(self) -> None:
        self.query_one("#help-called-ok", Button).focus()

    @on(Button.Pressed, "#help-called-ok")
    def action_close(self) -> None:
        self.dismiss(None)
