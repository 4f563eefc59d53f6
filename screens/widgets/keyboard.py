"""An on-screen keyboard for a kiosk with no physical keyboard.

Keys never take focus, so the field being typed into keeps it; the keyboard only posts
``OnScreenKeyboard.Typed`` and the screen decides where the character goes. On a short screen
(``compact``) the keys come in pages of three rows, switched by a key, as on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button

BACKSPACE = "backspace"
SPACE = " "
SWITCH = "switch"

# Rows of keys; labels are shown upper-case, the screen decides the case it inserts.
LAYOUTS: dict[str, list[str]] = {
    # Names and phones: digits, the Lithuanian letters, QWERTY, hyphen and apostrophe.
    "text": ["1234567890+", "ąčęėįšųūž", "qwertyuiop", "asdfghjkl", "zxcvbnm-'"],
    # Booking codes: only the characters a code can hold (no look-alikes), QWERTY order.
    "code": ["34679", "QWERTYUP", "ADFGHJK", "XCVNM"],
}

# Compact pages: three rows each, at most 74 cells wide (78 columns less the body's padding).
# Text: Backspace ends the first row, Space and the page switch the last, on every page.
COMPACT_PAGES: dict[str, list[list[str]]] = {
    "text": [
        ["qwertyuiop", "asdfghjkl-", "zxcvbnm'"],
        ["1234567890", "ąčęėįšųūž", "+-'"],
    ],
    # Two rows of narrower keys: the answer to a check-in needs the rows below them.
    "code": [["34679QWERTYUP", "ADFGHJKXCVNM"]],
}
# What the page switch says: where it goes (the same in every language).
SWITCH_LABELS = ["ĄČ 123", "ABC"]


class KeyButton(Button, can_focus=False):
    """A key: pressing it never moves the focus away from the field."""

    key_value: str = ""  # what the key types (a letter, SPACE or BACKSPACE)

    def __init__(self, label: Content, *, classes: str = "", id: str | None = None) -> None:
        super().__init__(label, classes=classes, id=id)
        self.styles.line_pad = 0  # the letter in the middle of its key (CSS cannot say 0)


class OnScreenKeyboard(Widget):
    """Keys for ``layout`` plus Space (text layout) and Backspace."""

    DEFAULT_CSS = """
    OnScreenKeyboard {
        height: auto;
        width: auto;
        max-width: 100%;
        margin-bottom: 1;
    }
    OnScreenKeyboard > Horizontal {
        height: auto;
        width: auto;
    }
    OnScreenKeyboard KeyButton {
        min-width: 6;
        width: 6;
        height: 3;
        margin: 0 0;
        text-style: bold;
    }
    OnScreenKeyboard KeyButton.wide {
        width: 24;
    }
    OnScreenKeyboard KeyButton.medium {
        width: 14;
    }
    OnScreenKeyboard.-compact KeyButton.wide {
        width: 16;
    }
    OnScreenKeyboard KeyButton.switch {
        width: 10;
    }
    OnScreenKeyboard.-compact.-code KeyButton {
        min-width: 5;
        width: 5;
    }
    OnScreenKeyboard.-compact.-code KeyButton.medium {
        width: 11;
    }
    """

    compact: reactive[bool] = reactive(False, recompose=True)
    key_page: reactive[int] = reactive(0, recompose=True)

    @dataclass
    class Typed(Message):
        """A key was pressed: a character, or ``BACKSPACE``."""

        keyboard: OnScreenKeyboard
        key: str

        @property
        def control(self) -> OnScreenKeyboard:
            return self.keyboard

    def __init__(
        self,
        layout: str = "text",
        *,
        space_label: str = "Space",
        backspace_label: str = "Backspace",
        always_compact: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        # Compact at every size (code keys: two rows leave room for the answer below).
        self.always_compact = always_compact
        self.key_layout = layout
        self.space_label = space_label
        self.backspace_label = backspace_label

    def validate_compact(self, compact: bool) -> bool:
        return compact or getattr(self, "always_compact", False)

    def watch_compact(self, compact: bool) -> None:
        self.set_class(compact, "-compact")
        self.set_class(self.key_layout == "code", "-code")

    def compose(self) -> ComposeResult:
        if self.compact:
            yield from self._compose_page(COMPACT_PAGES[self.key_layout][self.key_page])
            return
        for row in LAYOUTS[self.key_layout]:
            with Horizontal():
                for char in row:
                    key = KeyButton(Content(char.upper()), classes="key")
                    key.key_value = char
                    yield key
        with Horizontal():
            if self.key_layout == "text":
                space = KeyButton(Content(self.space_label), classes="key wide", id="key-space")
                space.key_value = SPACE
                yield space
            back = KeyButton(
                Content("\u232b " + self.backspace_label), classes="key medium", id="key-backspace"
            )
            back.key_value = BACKSPACE
            yield back

    def _compose_page(self, rows: list[str]) -> ComposeResult:
        pages = len(COMPACT_PAGES[self.key_layout])
        for number, row in enumerate(rows):
            with Horizontal():
                for char in row:
                    key = KeyButton(Content(char.upper()), classes="key")
                    key.key_value = char
                    yield key
                if number == (0 if self.key_layout == "text" else len(rows) - 1):
                    yield self._special(
                        "\u232b " + self.backspace_label, BACKSPACE, "key-backspace", "medium"
                    )
                if number == len(rows) - 1:
                    if self.key_layout == "text":
                        yield self._special(self.space_label, SPACE, "key-space", "wide")
                    if pages > 1:
                        label = SWITCH_LABELS[min(self.key_page, len(SWITCH_LABELS) - 1)]
                        yield self._special(label, SWITCH, "key-switch", "switch")

    @staticmethod
    def _special(label: str, value: str, id: str, size: str) -> KeyButton:
        key = KeyButton(Content(label), classes=f"key {size}", id=id)
        key.key_value = value
        return key

    def page_of(self, char: str) -> int:
        """The compact page that holds ``char`` (0 when not compact)."""
        if not self.compact:
            return 0
        pages = COMPACT_PAGES[self.key_layout]
        order = [self.key_page, *(n for n in range(len(pages)) if n != self.key_page)]
        for number in order:
            if char == SPACE or any(char in row or char.upper() in row for row in pages[number]):
                return number
        raise LookupError(char)

    def key_button(self, char: str) -> KeyButton:
        """The key that types ``char`` (tests and callers that need to find one)."""
        for key in self.query(KeyButton):
            if key.key_value in (char, char.upper()):
                return key
        raise LookupError(char)

    @on(KeyButton.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if not isinstance(event.button, KeyButton):
            return
        if event.button.key_value == SWITCH:
            self.key_page = (self.key_page + 1) % len(COMPACT_PAGES[self.key_layout])
            return
        self.post_message(self.Typed(self, event.button.key_value))
