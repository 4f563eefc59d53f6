"""Shared bits of the visitor screens: the draft, the frame with Back and help, typing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.models import Booking, Slot, Topic
from kiosk.i18n import Translator
from screens.common import plain, translator
from screens.session import ScreenTraits
from screens.visitor.help import HelpButton
from screens.widgets import OnScreenKeyboard, Pager
from screens.widgets.keyboard import BACKSPACE

# Below this many rows the visitor screens go compact: one-row title, three-row bar, compact
# keyboard. The shipped panel gives 79x18; 78x18 is the smallest grid the visitor side supports.
TALL_ROWS = 30
VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL_ROWS, "-tall")]


@runtime_checkable
class OffersTimes(Protocol):
    """The step that lists free times: a visitor who lost a time to someone else goes back
    to it, and it reads the times again with a kind notice."""

    def reload_slots(self, notice: str = "") -> None: ...


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
    scouts: dict[str, str] = field(default_factory=dict)
    retention_days: int = 30

    def scout_name(self, scout_id: str) -> str:
        return self.scouts.get(scout_id, "")


@dataclass(frozen=True)
class BookingView:
    """A booking with the names the visitor needs (looked up in a worker)."""

    booking: Booking
    topic: str
    scout: str


def summary_card(t: Translator, card_id: str, rows: list[tuple[str, str]]) -> Iterable[Widget]:
    """A card of label/value rows for the visitor to check (each value's id: its key)."""
    with Vertical(id=card_id, classes="v-card"):
        for key, value in rows:
            with Horizontal(classes="v-row"):
                yield Static(plain(t(key)), classes="v-row-label")
                yield Static(plain(value), classes="v-row-value", id=key.replace(".", "-"))


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

    BINDINGS = [Binding("escape", "back", "v.back", id="visitor-back")]
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS
    TITLE_KEY = ""

    class ReturnToWelcome(Message):
        """The visit is over (the ticket is read, or Done was tapped): wipe it."""

    BACK_KEY = "v.back"
    BACK_SIGN = "\u25c0 "

    @property
    def t(self) -> Translator:
        return translator(self)

    def compose(self) -> ComposeResult:
        yield Static(self.t(self.TITLE_KEY), classes="v-title", id="v-title")
        with Body(classes="v-body", id="v-body"):
            yield from self.compose_body()
        with Horizontal(classes="v-bar", id="v-bar"):
            yield Button(
                plain(self.BACK_SIGN + self.t(self.BACK_KEY)), id="v-back", classes="v-back"
            )
            yield from self.bar_buttons()
            yield HelpButton(self.t("v.help"))

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def bar_buttons(self) -> Iterable[Widget]:
        return ()

    @on(Button.Pressed, "#v-back")
    def _back_pressed(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        self.app.pop_screen()


class TypingScreen(VisitorScreen):
    """A visitor screen with fields that the on-screen keyboard types into."""

    UPPER_CASE = False  # code fields: everything upper-case

    def __init__(self) -> None:
        super().__init__()
        self._target: Input | None = None

    def on_resize(self, event: events.Resize) -> None:
        # Six rows of 3-row keys do not fit under the fields on a short screen: page the keys.
        for keyboard in self.query(OnScreenKeyboard):
            keyboard.compact = event.size.height < TALL_ROWS

    def on_descendant_focus(self, event: object) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self._target = focused

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
            if self.UPPER_CASE:
                char = char.upper()
            elif char.isalpha() and self._capitalise(target):
                before = target.value[: target.cursor_position]
                if not before or before[-1] in " -'":
                    char = char.upper()
            target.insert_text_at_cursor(char)  # checks the field's restrict and max_length
        target.focus()
