"""Shared bits of the librarian console: a booking in words, refusals, the pane.

The console's words come from the widget that shows them (``ConsoleWords.t``); the helpers
here take that ``Translator`` as their first argument."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable
from textual.widgets.button import ButtonVariant

from kiosk.domain.errors import KioskError
from kiosk.domain.models import Booking, BookingStatus
from kiosk.i18n import Translator
from screens.common import ConsoleWords, MessageLine, cell, refusal_words, services_of, store_work
from screens.dialogs import Dialog
from screens.widgets.words import Words, WordsLabel

if TYPE_CHECKING:
    from kiosk.services import Services

Item = TypeVar("Item")  # what a ListToClear lists: a booking, a cover request

OVERDUE_MINUTES = 15
# Below this many columns (80x24 is the least) the console lays its panes out narrow.
NARROW_BELOW = 100


def refusal(t: Translator, exc: BaseException) -> str:
    """A refusal in the console's words (``lib.err.<code>``): ``refusal_words`` for staff."""
    return refusal_words(t, exc, ("lib.err",), staff=True)


def status_words(t: Translator, booking: Booking, now: datetime) -> str:
    """The status in words (with a marker), never by colour alone."""
    if is_overdue(booking, now):
        return t("lib.status.overdue")
    return t(f"lib.status.{booking.status}")


def is_overdue(booking: Booking, now: datetime) -> bool:
    return booking.state is BookingStatus.BOOKED and now >= booking.starts + timedelta(
        minutes=OVERDUE_MINUTES
    )


def visitor_name(t: Translator, booking: Booking) -> str:
    return booking.name if booking.erased_at is None else t("lib.erased")


def booking_line(t: Translator, booking: Booking) -> str:
    return t(
        "lib.booking_line",
        day=f"{booking.starts:%Y-%m-%d}",
        time=f"{booking.starts:%H:%M}",
        code=booking.code,
        name=visitor_name(t, booking),
        place=booking.place,
    )


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under ``table``'s cursor; ``None`` when there is no row."""
    if table.row_count == 0:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # noqa: BLE001 - an empty or just-cleared table has no cursor row
        return None
    return str(key) if key is not None else None


class ConsolePane(ConsoleWords):
    """A tab of the console: it reloads its data when asked (a change on disk, a login, a
    language) and says what happened on its message line, in its words (``self.t``).

    Put it after the container the pane is, ``class TodayPane(Vertical, ConsolePane)``:
    Textual takes a widget's default styles and CSS type names from its first base, so the
    pane stays a ``Vertical`` to the stylesheet (and to ``query``)."""

    def reload(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must say how it reloads")

    def say(self, text: str, error: bool = False) -> None:
        self.query_one(MessageLine).say(text, error)

    @dataclass
    class Written(Message, bubble=False):
        """A change made in a worker ended: what to say, and the refusal if it was refused."""

        text: str
        refused: KioskError | None = None
        then: Callable[[], object] | None = None

    def write(
        self,
        change: Callable[[], object],
        done: str | None = None,
        *,
        then: Callable[[], object] | None = None,
    ) -> None:
        """Make ``change`` (a store call) in a worker; then say ``done`` ("Saved." unless
        given) or the refusal in the console's words, run ``then`` after a success, and
        ``after_write``."""
        t = self.t
        self._change(t, change, done if done is not None else t("lib.saved"), then)

    @store_work(group="console-write")
    def _change(
        self,
        t: Translator,
        change: Callable[[], object],
        done: str,
        then: Callable[[], object] | None,
    ) -> None:
        try:
            change()
        except KioskError as exc:
            self.post_message(ConsolePane.Written(refusal(t, exc), refused=exc))
            return
        self.post_message(ConsolePane.Written(done, then=then))

    @on(Written)
    def _written(self, message: Written) -> None:
        self.say(message.text, error=message.refused is not None)
        if message.refused is None and message.then is not None:
            message.then()
        self.after_write(message.refused)

    def after_write(self, refused: KioskError | None) -> None:
        """Read the pane again, after a refusal too: a save refused as stale then shows the
        fresh values. A pane whose form must keep what was typed says otherwise."""
        self.reload()


class ListToClear(Dialog[None], Generic[Item]):
    """A list the desk works through, one action at a time (bookings to call, covers to
    confirm): the list is read in a worker, each action runs in one and says what it did, and
    the list is read again. What an action did stays in sight when the list empties.

    A subclass names its ``prefix`` (ids ``<prefix>-dialog``, ``-table``, ``-message``,
    ``-close``, ``-<action>``), its words (``title_key``, ``body_key``, ``none_key``:
    catalogue keys), the ``actions`` as (action, label key, variant), and fills in ``read``
    (the items), ``key_of`` (an item's row key), ``fill`` (the table) and ``act`` (an action
    on one row's key: the words of what it did; a ``KioskError`` is said as a refusal)."""

    prefix = ""
    title_key = body_key = none_key = ""
    actions: tuple[tuple[str, str, ButtonVariant], ...] = ()

    @dataclass
    class Loaded(Message):
        items: list[Any]

    @dataclass
    class Acted(Message):
        text: str
        error: bool = False

    def __init__(self) -> None:
        super().__init__(id=f"{self.prefix}-screen")
        self.items: list[Item] = []
        self._acted_once = False

    def compose(self) -> ComposeResult:
        t, p = self.t, self.prefix
        with Vertical(classes="lib-dialog lib-wide", id=f"{p}-dialog"):
            yield WordsLabel(t(self.title_key), classes="lib-dialog-title")
            yield Words(cell(t(self.body_key)))
            yield DataTable(id=f"{p}-table", cursor_type="row")
            yield MessageLine(id=f"{p}-message", marks_success=False)
            with Horizontal(classes="lib-buttons"):
                for action, label, variant in self.actions:
                    yield Button(t(label), id=f"{p}-{action}", variant=variant)
                yield Button(t("lib.back"), id=f"{p}-close")

    def on_mount(self) -> None:
        self._load()

    def read(self, services: Services) -> list[Item]:
        raise NotImplementedError

    def key_of(self, item: Item) -> str:
        raise NotImplementedError

    def fill(self, table: DataTable[Text]) -> None:
        raise NotImplementedError

    def act(self, t: Translator, services: Services, action: str, key: str) -> str:
        raise NotImplementedError

    @store_work(group="to-clear-load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self.read(services_of(self))))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.items = message.items
        table: DataTable[Text] = self.query_one(f"#{self.prefix}-table", DataTable)
        keep = cursor_key(table)
        self.fill(table)
        keys = [self.key_of(item) for item in self.items]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        if not self.items and not self._acted_once:
            self.query_one(MessageLine).say(self.t(self.none_key))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        action = str(event.button.id).removeprefix(f"{self.prefix}-")
        if action == "close":
            self.dismiss(None)
            return
        if action not in {a for a, _, _ in self.actions}:
            return
        event.stop()
        key = cursor_key(self.query_one(f"#{self.prefix}-table", DataTable))
        if key is None or key not in {self.key_of(item) for item in self.items}:
            self.query_one(MessageLine).say(self.t("lib.today.choose_row"), error=True)
            return
        self._run(self.t, action, key)

    @store_work(group="to-clear-act")
    def _run(self, t: Translator, action: str, key: str) -> None:
        try:
            said = self.act(t, services_of(self), action, key)
        except KioskError as exc:
            self.post_message(self.Acted(refusal(t, exc), error=True))
            return
        self.post_message(self.Acted(said))

    @on(Acted)
    def _acted(self, message: Acted) -> None:
        self._acted_once = True
        self.query_one(MessageLine).say(message.text, error=message.error)
        self._load()


class BookingsToClear(ListToClear[Booking]):
    """A list of bookings to work through; each row is keyed by its booking's code."""

    @property
    def bookings(self) -> list[Booking]:
        return self.items

    def key_of(self, item: Booking) -> str:
        return item.code
