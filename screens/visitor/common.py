"""Shared bits of the visitor screens: the draft, the frame with Back and help, typing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar, Protocol, runtime_checkable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking, Slot, Topic
from kiosk.domain.ticket_content import language_note
from kiosk.i18n import Translator
from kiosk.speech import text as speech
from screens.common import plain, refusal_words, translator
from screens.session import ScreenTraits
from screens.visitor.help import HelpButton
from screens.visitor.read_aloud import READ_ALOUD_KEY, ReadAloudButton
from screens.widgets import OnScreenKeyboard, Pager
from screens.widgets.keyboard import BACKSPACE
from screens.widgets.words import Words

# Below this many rows the visitor screens go compact: one-row title, three-row bar, compact
# keyboard. The shipped panels give 80x20 to 98x27; 78x18 is the smallest grid the visitor side
# supports (the browser page's choice on a panel too small for 80x24).
TALL_ROWS = 30
VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL_ROWS, "-tall")]


@runtime_checkable
class OffersTimes(Protocol):
    """The step that lists free times: a visitor who lost a time to someone else goes back
    to it, and it reads the times again with a kind notice."""

    def reload_slots(self, notice: str = "") -> None: ...


def show_status(box: Static, text: str, warn: bool = False) -> None:
    """A screen's status line under its card: ``text`` (hidden when empty), a warning in the
    warning style."""
    box.update(plain(text))
    box.display = bool(text)
    box.set_class(warn, "v-warn")


def when_text(t: Translator, start: datetime, end: datetime, today: date | None = None) -> str:
    """A booking's time: the one date form of kiosk/i18n/__init__.py (today/tomorrow when given)."""
    return t.when(start, end, today)


@dataclass
class Draft:
    """What the visitor has chosen so far in the booking flow (wiped with the screens)."""

    topic: Topic
    slot: Slot | None = None
    name: str = ""
    phone: str = ""
    remind: bool = False  # "Send me a text message the day before?" answered yes
    scouts: dict[str, str] = field(default_factory=dict)
    retention_days: int = 30
    today: date | None = None  # "Today"/"Tomorrow" on the steps after the times
    places: dict[str, str] = field(default_factory=dict)  # sign name -> visitor's words
    languages: dict[str, list[str]] = field(default_factory=dict)  # e-scout -> spoken

    def place(self, name: str) -> str:
        return self.places.get(name, name)

    def language_note(self, t: Translator, scout_id: str) -> str:
        """What the visitor must know of the e-scout's languages ("": they share ``t.lang``)."""
        return language_note(t, self.languages.get(scout_id, []))

    def scout_name(self, scout_id: str) -> str:
        return self.scouts.get(scout_id, "")


@dataclass(frozen=True)
class BookingView:
    """A booking with the names the visitor needs (looked up in a worker)."""

    booking: Booking
    topic: str
    scout: str
    place: str = ""  # in the visitor's language beside the sign's name ("": booking.place)
    may_cancel: bool = False  # the visitor may still cancel it here (before the cut-off)
    token: str = ""  # the ticket's QR, when the visitor scanned it

    @property
    def place_text(self) -> str:
        return self.place or self.booking.place


def summary_card(t: Translator, card_id: str, rows: list[tuple[str, str]]) -> Iterable[Widget]:
    """A card of label/value rows for the visitor to check (each value's id: its key)."""
    with Vertical(id=card_id, classes="v-card"):
        for key, value in rows:
            with Horizontal(classes="v-row"):
                yield Words(plain(t(key)), classes="v-row-label")
                yield Words(plain(value), classes="v-row-value", id=key.replace(".", "-"))


def pager(t: Translator, **kwargs: object) -> Pager:
    """A pager with the visitor's words on its page buttons."""
    return Pager(
        more_label=t("v.page.more"),
        back_label=t("v.page.back"),
        count_format=t("v.page.count", page="{page}", pages="{pages}"),
        **kwargs,  # type: ignore[arg-type]
    )


class Body(VerticalScroll, can_focus=False):
    """The scrolling middle of a visitor screen; never takes focus from a field."""


class VisitorScreen(Screen[None], ScreenTraits):
    """Title on top, scrolling body, and a bar with Back and the 'call the librarian' hint."""

    BINDINGS = [
        Binding("escape", "back", "v.back", id="visitor-back"),
        Binding(READ_ALOUD_KEY, "read_aloud", "v.read_aloud", id="visitor-read-aloud"),
    ]
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS
    TITLE_KEY = ""

    class ReturnToWelcome(Message):
        """The visit is over (the ticket is read, or Done was tapped): wipe it."""

    BACK_KEY = "v.back"
    BACK_SIGN = "\u25c0 "
    # A bar with a long button of its own (or the ticket's narrow one): "Read aloud" is its
    # sign alone there, so everything fits 78 columns in every language.
    READ_ALOUD_SIGN_ONLY: ClassVar[bool] = False
    # "Read aloud" is the visitor's; a screen of another person on this frame goes without.
    READ_ALOUD: ClassVar[bool] = True

    @property
    def t(self) -> Translator:
        return translator(self)

    def compose(self) -> ComposeResult:
        yield Words(self.t(self.TITLE_KEY), classes="v-title", id="v-title")
        with Body(classes="v-body", id="v-body"):
            yield from self.compose_body()
        with Horizontal(classes="v-bar", id="v-bar"):
            yield Button(
                plain(self.BACK_SIGN + self.t(self.BACK_KEY)), id="v-back", classes="v-back"
            )
            yield from self.bar_buttons()
            if self.READ_ALOUD:
                yield ReadAloudButton(self.t, sign_only=self.READ_ALOUD_SIGN_ONLY)
            yield HelpButton(self.t("v.help"))

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def spoken_text(self) -> str:
        """What "Read aloud" says: the title, then the body's words and buttons in sight,
        in the order they stand (a step with its own spoken form overrides this)."""
        lines = [
            str(widget.render())
            for widget in self.query_one("#v-body").query("Static, Button")
            if widget.display
            and widget.is_on_screen
            # The on-screen keys are not read out one by one.
            and not any(isinstance(a, OnScreenKeyboard) for a in widget.ancestors)
        ]
        return speech.screen(self.t, self.t(self.TITLE_KEY), lines)

    def action_read_aloud(self) -> None:
        for button in self.query(ReadAloudButton):
            button.toggle()

    def bar_buttons(self) -> Iterable[Widget]:
        return ()

    @on(Button.Pressed, "#v-back")
    def _back_pressed(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        self.app.pop_screen()


class ConfirmStep(VisitorScreen):
    """The last step before a store write: what the visitor chose, and one big button.

    A step names its ids' ``PREFIX`` and its ``INTRO_KEY`` and ``OK_KEY``, lists its
    ``rows()`` and makes the write in ``confirmed()`` (a worker that posts ``Refused`` or its
    own answer); ``finish(screen)`` shows the answer on the start screen."""

    BACK_KEY = "v.confirm.change"
    PREFIX: ClassVar[str]
    INTRO_KEY: ClassVar[str]
    OK_KEY: ClassVar[str]

    @dataclass
    class Refused(Message):
        error: KioskError

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft

    def rows(self) -> list[tuple[str, str]]:
        raise NotImplementedError(f"{type(self).__name__} must list what the visitor chose")

    def confirmed(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must say what confirming does")

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        yield Words(plain(t(self.INTRO_KEY)), classes="v-intro")
        yield from summary_card(t, f"{self.PREFIX}-summary", self.rows())
        yield Words(id=f"{self.PREFIX}-status", classes="v-notice")
        # One way to change: the bar's "Keisti" (Back) goes to the details.
        with Horizontal(classes="v-actions"):
            yield Button(
                plain("\u2714 " + t(self.OK_KEY)),
                id=f"{self.PREFIX}-ok",
                variant="primary",
                classes="v-big v-confirm",
            )

    def spoken_rows(self) -> list[tuple[str, str]]:
        """The rows as said aloud (label words, value): a step may say a value otherwise."""
        return [(self.t(key), value) for key, value in self.rows()]

    def spoken_text(self) -> str:
        t = self.t
        return speech.confirm(
            t, t(self.TITLE_KEY), t(self.INTRO_KEY), self.spoken_rows(), t(self.OK_KEY)
        )

    def on_mount(self) -> None:
        self.query_one(f"#{self.PREFIX}-status").display = False
        self.query_one(f"#{self.PREFIX}-ok", Button).focus()

    @on(Button.Pressed, ".v-confirm")
    def _confirm(self) -> None:
        self.query_one(f"#{self.PREFIX}-ok", Button).disabled = True
        self.confirmed()

    def say(self, text: str, warn: bool = False) -> None:
        show_status(self.query_one(f"#{self.PREFIX}-status", Static), text, warn)

    def finish(self, answer: Screen[None]) -> None:
        """The flow is over, nothing to go back to: ``answer`` goes on the start screen once
        the steps above it are gone (popping runs after this handler)."""
        app = self.app
        app.screen_stack[0].pop_until_active()
        app.call_later(app.push_screen, answer)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.refused(message.error)

    def refused(self, error: KioskError, final: bool = False) -> None:
        """Say the refusal under the card; unless ``final``, the visitor may try again."""
        self.say("\u26a0 " + refusal_words(self.t, error), warn=True)
        self.query_one(f"#{self.PREFIX}-ok", Button).disabled = final
        self.query_one("#v-back", Button).focus()


def starts_word(before: str) -> bool:
    """Does a letter typed after ``before`` start a word (and a name's word a capital)?

    After a space, yes; after an apostrophe or a hyphen inside a word (Дар'я, O'neil,
    Anna-marija) the letter goes on the same word: lower-case unless the visitor shifts."""
    return not before or before[-1].isspace()


class TypingScreen(VisitorScreen):
    """A visitor screen with fields that the on-screen keyboard types into."""

    UPPER_CASE = False  # code fields: everything upper-case
    # The least rows at which the whole keyboard (six rows of 3-row keys) fits under this
    # screen's fields; fewer, and the keys come in pages (kiosk fitcheck proves each screen).
    FULL_KEYS_ROWS: ClassVar[int] = TALL_ROWS

    def __init__(self) -> None:
        super().__init__()
        self._target: Input | None = None

    def on_resize(self, event: events.Resize) -> None:
        self._fit_keys(event.size.height)

    @on(events.Mount)
    def _fit_keys_at_start(self) -> None:
        # A screen shown at the size the last one had may get no Resize at all (in the
        # browser kiosk the check-in keys came full-size at 24 rows, half below the fold):
        # the keys fit the screen from the start, and again whenever it comes back.
        self._fit_keys(self.app.size.height)

    def on_screen_resume(self) -> None:
        self._fit_keys(self.app.size.height)

    def _fit_keys(self, rows: int) -> None:
        # Six rows of 3-row keys do not fit under the fields on a short screen: page the keys.
        for keyboard in self.query(OnScreenKeyboard):
            keyboard.compact = rows < self.FULL_KEYS_ROWS

    def on_descendant_focus(self, event: object) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused is not self._target:
            self._target = focused
            for keyboard in self.query(OnScreenKeyboard):
                keyboard.open_on(digits=self._digits_first(focused))

    def _digits_first(self, field: Input) -> bool:
        """Fields that take digits (a phone number) open the keyboard on its digits."""
        return False

    def _capitalise(self, field: Input) -> bool:
        """Name fields start each word with a capital."""
        return False

    @on(OnScreenKeyboard.Typed)
    def _typed(self, event: OnScreenKeyboard.Typed) -> None:
        target = self._target or next(iter(self.query(Input)), None)
        if target is None or target.disabled:
            return
        if event.key == BACKSPACE:
            target.action_delete_left()
        else:
            char = event.key
            before = target.value[: target.cursor_position]
            if self.UPPER_CASE or (
                char.isalpha()
                and (event.shift or (self._capitalise(target) and starts_word(before)))
            ):
                char = char.upper()
            target.insert_text_at_cursor(char)  # checks the field's restrict and max_length
        target.focus()
