"""The code entry shared by look-up and check-in: what a scanner or a person may type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input
from textual.widgets.input import Selection

from kiosk.domain.scout_access import is_card_token
from kiosk.domain.tickets import INPUT_ALPHABET, TOKEN_LENGTH, normalize_ticket_input
from screens.common import plain
from screens.scout.card import CardScanned
from screens.widgets.words import WordsLabel

# Both alphabets in either case, plus the spaces and dashes people put in codes.
CODE_RESTRICT = rf"[{re.escape(INPUT_ALPHABET + INPUT_ALPHABET.lower())} \-]*"


class CodeInput(Input):
    """A booking code or a scanned ticket token; upper-cased as typed."""

    def __init__(self, placeholder: str = "", *, id: str | None = None) -> None:
        super().__init__(
            placeholder=placeholder,
            restrict=CODE_RESTRICT,
            max_length=TOKEN_LENGTH + 8,
            id=id,
            classes="v-code-input",
        )

    def restricted(self) -> None:
        """No bell on a refused character: a quiet kiosk."""

    def replace(self, text: str, start: int, end: int) -> None:
        """Every way of typing (keys, on-screen keys, a scanner, a paste) ends here: a code
        shows in capitals, as printed on the ticket, whatever case it was typed in."""
        super().replace(text.upper(), start, end)

    def insert_text_at_cursor(self, text: str) -> None:
        """A selected code (the last one entered) is replaced by what comes next, on-screen
        keys included, as a physical key or a scanner already replaces it."""
        if self.selection.is_empty:
            super().insert_text_at_cursor(text)
        else:
            self.replace(text, *sorted(self.selection))

    def select_everything(self) -> None:
        self.selection = Selection(0, len(self.value))


class CodeEntry(Vertical):
    """Prompt, code field and its button; posts ``Entered`` with the tidied code.

    ``name`` gives the ids (``<name>-code`` for the field). After each entry the code stays
    in the field, selected: a visitor sees the typo the answer is about, and the next key,
    tap or scan replaces it.
    """

    DEFAULT_CSS = """
    CodeEntry {
        height: auto;
    }
    .v-code-row {
        height: auto;
    }
    .v-code-input {
        width: 1fr;
        max-width: 40;
    }
    .v-find {
        height: 3;
        margin-left: 1;
    }
    """

    @dataclass
    class Entered(Message):
        entry: CodeEntry
        text: str  # normalised; empty when nothing usable was typed

        @property
        def control(self) -> CodeEntry:
            return self.entry

    def __init__(
        self, name: str, *, prompt: str, placeholder: str, button: str, button_id: str
    ) -> None:
        super().__init__(id=f"{name}-entry")
        self._name = name
        self._prompt = prompt
        self._placeholder = placeholder
        self._button = button
        self._button_id = button_id

    def compose(self) -> ComposeResult:
        yield WordsLabel(plain(self._prompt), classes="v-field-label")
        with Horizontal(classes="v-code-row"):
            yield CodeInput(self._placeholder, id=f"{self._name}-code")
            yield Button(
                plain(self._button), id=self._button_id, variant="primary", classes="v-find"
            )

    @property
    def field(self) -> CodeInput:
        return self.query_one(CodeInput)

    def focus_field(self) -> None:
        """Focus the code field, once it exists: the screen may mount before this composed."""
        found = self.query(CodeInput)
        if found:
            found.first().focus()
        elif self.is_attached:
            self.call_after_refresh(self.focus_field)

    @on(CodeInput.Submitted)
    @on(Button.Pressed)
    def submit(self, event: Message | None = None) -> None:
        """Post what was typed (Enter, the button, or a scanner's line feed)."""
        if event is not None:
            event.stop()
        field = self.field
        text = normalize_ticket_input(field.value)
        if is_card_token(text):
            # An e-scout's card, not a ticket: the App opens their sign-in instead.
            field.value = ""
            self.post_message(CardScanned(text))
            return
        field.focus()
        field.select_everything()
        self.post_message(self.Entered(self, text))

    def clear(self) -> None:
        """Empty the field (the answer has gone: the next visitor starts afresh)."""
        self.field.value = ""
