"""An on-screen keyboard for a kiosk with no physical keyboard.

Keys never take focus, so the field being typed into keeps it; the keyboard only posts
``OnScreenKeyboard.Typed`` and the screen decides where the character goes. On a short screen
(``compact``) the keys come in pages of three rows, switched by a key, as on a phone.
Each language's letters come from its catalogue (``v.keyboard.*``); a language written in
other letters (Cyrillic) also gets a key to Latin and back, since a name may be written either way.
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

from kiosk.i18n import Translator

BACKSPACE = "backspace"
SPACE = " "
SWITCH = "switch"
ALPHABET = "alphabet"
SHIFT = "shift"
SHIFT_SIGN = "\u21e7"
ON_MARK = "\u25cf"  # a key that is on says so by a sign as well as by colour (as Welcome's)

DIGITS = "1234567890"
PUNCTUATION = "-'"  # inside names: Anna-Marija, O'Brien, Мар'яна
# Latin letters in QWERTY order: every language's way to type a name written in Latin.
LATIN_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# A compact row holds at most 74 cells (78 columns less the body's padding).
ROW_CELLS = 74
KEY_CELLS = 6  # a letter key; 5 when a language's letters only fit one page that way
FEW_EXTRA = 3  # extra letters up to this many end the full keyboard's last row (ru ё)
# A compact Space and the Shift beside it take what a wide Space did (16 cells).
SPECIAL_CELLS = {"medium": 14, "space": 10, "shift": 6, "switch": 10}


@dataclass(frozen=True)
class Alphabet:
    """The letters one language's keyboard shows; the catalogue holds them, not the code."""

    rows: tuple[str, ...]  # the language's letters, row by row, in its usual key order
    extra: str  # letters beyond those rows (lt ą č ę, pl ą ć ę ł), shown with the digits
    label: str  # what a key that brings these letters says ("ABC", "АБВ")

    @property
    def latin(self) -> bool:
        return self.rows == LATIN_ROWS

    @classmethod
    def of(cls, t: Translator) -> Alphabet:
        """The alphabet of ``t``'s language (``v.keyboard.*`` messages)."""
        rows = tuple(t("v.keyboard.letters").lower().split()) or LATIN_ROWS
        extra = "".join(t("v.keyboard.extra").lower().split())
        return cls(rows, extra, t("v.keyboard.abc"))


LATIN = Alphabet(LATIN_ROWS, "", "ABC")
# Without a language: Latin letters and the Lithuanian ones (the kiosk's own language).
DEFAULT_ALPHABET = Alphabet(LATIN_ROWS, "ąčęėįšųūž", "ABC")

# Booking codes: only the characters a code can hold (no look-alikes), QWERTY order; on a
# compact screen two rows of narrower keys, since the answer to a check-in needs the rows below.
CODE_ROWS = ["34679", "QWERTYUP", "ADFGHJK", "XCVNM"]
CODE_PAGE = ["34679QWERTYUP", "ADFGHJKXCVNM"]


@dataclass(frozen=True)
class Pages:
    """A compact text keyboard: pages of three rows and the width of a letter key."""

    pages: list[list[str]]
    key_cells: int
    letter_pages: int  # the first pages hold the letters; the last the digits and extras


def compact_pages(alphabet: Alphabet, with_alphabet_key: bool) -> Pages:
    """The letters packed into pages of three rows, then one page of digits and extras.

    Backspace ends the first row, the alphabet key (if any) the second, Shift starts the
    last and Space and the page switch end it; the letters keep their rows where they fit
    and flow on where they don't.
    Keys narrow from 6 to 5 cells when that keeps every letter on one page (Cyrillic).
    """
    for cells in (KEY_CELLS, KEY_CELLS - 1):
        caps = [
            (ROW_CELLS - SPECIAL_CELLS["medium"]) // cells,
            (ROW_CELLS - (SPECIAL_CELLS["switch"] if with_alphabet_key else 0)) // cells,
            (ROW_CELLS - SPECIAL_CELLS["shift"] - SPECIAL_CELLS["space"] - SPECIAL_CELLS["switch"])
            // cells,
        ]
        lines = _flow(alphabet.rows, caps)
        if len(lines) <= 3:
            break
    # The hyphen and apostrophe where a row has room, from the bottom up (also on the digits).
    for mark in reversed(PUNCTUATION):
        for number in reversed(range(len(lines))):
            if len(lines[number]) < caps[number % 3]:
                lines[number] += mark
                break
    while len(lines) % 3:
        lines.append("")
    pages = [lines[n : n + 3] for n in range(0, len(lines), 3)]
    return Pages([*pages, [DIGITS, alphabet.extra, "+" + PUNCTUATION]], cells, len(pages))


def _flow(rows: tuple[str, ...], caps: list[int]) -> list[str]:
    lines: list[str] = []
    carry = ""
    queue = list(rows)
    while queue or carry:
        text = carry + (queue.pop(0) if queue else "")
        cap = caps[len(lines) % 3]
        lines.append(text[:cap])
        carry = text[cap:]
    return lines


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
        width: 10;
    }
    OnScreenKeyboard KeyButton.shift {
        min-width: 6;
        width: 6;
    }
    OnScreenKeyboard KeyButton.shift.-on {
        background: $primary;
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
    OnScreenKeyboard.-narrow KeyButton.char {
        min-width: 5;
        width: 5;
    }
    """

    compact: reactive[bool] = reactive(False, recompose=True)
    key_page: reactive[int] = reactive(0, recompose=True)
    latin: reactive[bool] = reactive(False, recompose=True)  # Latin letters instead of own
    # Shift was tapped: the next letter is a capital (then it is off again).
    shifted: reactive[bool] = reactive(False)

    @dataclass
    class Typed(Message):
        """A key was pressed: a character, or ``BACKSPACE``; ``shift``: a capital wanted."""

        keyboard: OnScreenKeyboard
        key: str
        shift: bool = False

        @property
        def control(self) -> OnScreenKeyboard:
            return self.keyboard

    def __init__(
        self,
        layout: str = "text",
        *,
        space_label: str = "Space",
        backspace_label: str = "Backspace",
        alphabet: Alphabet = DEFAULT_ALPHABET,
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
        self.alphabet = alphabet

    @property
    def letters(self) -> Alphabet:
        """The alphabet shown now: the language's own, or Latin after the alphabet key."""
        return LATIN if self.latin else self.alphabet

    @property
    def switches_alphabet(self) -> bool:
        """A language written in other letters gets a key to Latin (a name may be either)."""
        return self.key_layout == "text" and not self.alphabet.latin

    def validate_compact(self, compact: bool) -> bool:
        return compact or getattr(self, "always_compact", False)

    def watch_compact(self, compact: bool) -> None:
        self.set_class(compact, "-compact")
        self.set_class(self.key_layout == "code", "-code")

    def watch_latin(self) -> None:
        self.key_page = 0

    def watch_shifted(self, shifted: bool) -> None:
        for key in self.query("#key-shift").results(KeyButton):
            self._show_shift(key)

    def _show_shift(self, key: KeyButton) -> None:
        key.label = Content(ON_MARK + SHIFT_SIGN if self.shifted else SHIFT_SIGN)
        key.set_class(self.shifted, "-on")

    def pages(self) -> list[list[str]]:
        """The compact pages of the keys shown now."""
        if self.key_layout == "code":
            return [CODE_PAGE]
        return compact_pages(self.letters, self.switches_alphabet).pages

    def compose(self) -> ComposeResult:
        if self.compact:
            narrow = False
            if self.key_layout == "text":
                packed = compact_pages(self.letters, self.switches_alphabet)
                narrow = packed.key_cells < KEY_CELLS
            self.set_class(narrow, "-narrow")
            pages = self.pages()
            yield from self._compose_page(pages[min(self.key_page, len(pages) - 1)])
            return
        self.set_class(False, "-narrow")
        for row in self._full_rows():
            with Horizontal():
                for char in row:
                    yield self._key(char)
        with Horizontal():
            if self.key_layout == "text":
                yield self._shift_key()
                yield self._special(self.space_label, SPACE, "key-space", "wide")
            yield self._special(
                "\u232b " + self.backspace_label, BACKSPACE, "key-backspace", "medium"
            )
            if self.switches_alphabet:
                yield self._alphabet_key()

    def _full_rows(self) -> list[str]:
        if self.key_layout == "code":
            return CODE_ROWS
        letters = self.letters
        # A letter or two more (ru ё, uk ґ) end the last row rather than stand alone.
        few = len(letters.extra) <= FEW_EXTRA
        last = letters.rows[-1] + (letters.extra if few else "") + PUNCTUATION
        rows = [DIGITS + "+", "" if few else letters.extra, *letters.rows[:-1], last]
        return [row for row in rows if row]

    def _compose_page(self, rows: list[str]) -> ComposeResult:
        pages = len(self.pages())
        for number, row in enumerate(rows):
            with Horizontal():
                if number == len(rows) - 1 and self.key_layout == "text":
                    yield self._shift_key()
                for char in row:
                    yield self._key(char)
                if number == (0 if self.key_layout == "text" else len(rows) - 1):
                    yield self._special(
                        "\u232b " + self.backspace_label, BACKSPACE, "key-backspace", "medium"
                    )
                if number == 1 and self.switches_alphabet:
                    yield self._alphabet_key()
                if number == len(rows) - 1:
                    if self.key_layout == "text":
                        yield self._special(self.space_label, SPACE, "key-space", "wide")
                    if pages > 1:
                        target = (self.key_page + 1) % pages
                        yield self._special(
                            self._page_label(target), SWITCH, "key-switch", "switch"
                        )

    def _page_label(self, page: int) -> str:
        """What the page switch says: where it goes (``ĄČ 123``, ``ABC``, ``АБВ``)."""
        letters = self.letters
        packed = compact_pages(letters, self.switches_alphabet)
        if page >= packed.letter_pages:
            return (letters.extra[:2] + " " + DIGITS[:3]).strip().upper()
        return letters.label if page == 0 else f"{letters.label} {page + 1}"

    def _shift_key(self) -> KeyButton:
        key = self._special(SHIFT_SIGN, SHIFT, "key-shift", "shift")
        self._show_shift(key)
        return key

    def _alphabet_key(self) -> KeyButton:
        label = self.alphabet.label if self.latin else LATIN.label
        return self._special(label, ALPHABET, "key-alphabet", "switch")

    @staticmethod
    def _key(char: str) -> KeyButton:
        key = KeyButton(Content(char.upper()), classes="key char")
        key.key_value = char
        return key

    @staticmethod
    def _special(label: str, value: str, id: str, size: str) -> KeyButton:
        key = KeyButton(Content(label), classes=f"key {size}", id=id)
        key.key_value = value
        return key

    def open_on(self, *, digits: bool) -> None:
        """Show the keys a field starts with: the digits' page for a phone number, else the
        letters' first page (the full keyboard shows both at once)."""
        if self.key_layout == "text":
            self.key_page = len(self.pages()) - 1 if digits else 0

    def page_of(self, char: str) -> int:
        """The compact page that holds ``char`` (0 when not compact)."""
        if not self.compact:
            return 0
        pages = self.pages()
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
            self.key_page = (self.key_page + 1) % len(self.pages())
            return
        if event.button.key_value == ALPHABET:
            self.latin = not self.latin
            return
        if event.button.key_value == SHIFT:
            self.shifted = not self.shifted
            return
        value = event.button.key_value
        shift = self.shifted and value.isalpha()
        if shift:
            self.shifted = False  # for one letter, as on a phone
        self.post_message(self.Typed(self, value, shift))
