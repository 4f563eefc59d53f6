"""An on-screen keyboard for a kiosk with no physical keyboard.

Keys never take focus, so the field being typed into keeps it; the keyboard only posts
``OnScreenKeyboard.Typed`` and the screen decides where the character goes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

BACKSPACE = "backspace"
SPACE = " "

# Rows of keys; labels are shown upper-case, the screen decides the case it inserts.
LAYOUTS: dict[str, list[str]] = {
    # Names and phones: digits, the Lithuanian letters, QWERTY, hyphen and apostrophe.
    "text": ["1234567890+", "ąčęėįšųūž", "qwertyuiop", "asdfghjkl", "zxcvbnm-'"],
    # Booking codes: only the characters a code can hold (no look-alikes), QWERTY order.
    "code": ["34679", "QWERTYUP", "ADFGHJK", "XCVNM"],
}


class KeyButton(Button, can_focus=False):
    """A key: pressing it never moves the focus away from the field."""

    key_value: str = ""  # what the key types (a letter, SPACE or BACKSPACE)


class OnScreenKeyboard(Widget):
    """Keys for ``layout`` plus Space (text layout) and Backspace."""

    DEFAULT_CSS = """
    OnScreenKeyboard {
        height: auto;
        width: auto;
        max-width: 100%;
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
    """

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
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.key_layout = layout
        self.space_label = space_label
        self.backspace_label = backspace_label

    def compose(self) -> ComposeResult:
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

    def key_button(self, char: str) -> KeyButton:
        """The key that types ``char`` (tests and callers that need to find one)."""
        for key in self.query(KeyButton):
            if key.key_value in (char, char.upper()):
                return key
        raise LookupError(char)

    @on(KeyButton.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, KeyButton):
            self.post_message(self.Typed(self, event.button.key_value))
