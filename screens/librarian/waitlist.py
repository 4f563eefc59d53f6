"""Who waits for a time (oldest first), whether their topic has a free time now, book or remove.

The pane reloads with the console's poll, so a time freed or added anywhere (a cancel at
the kiosk, a new weekly time) highlights the entries it could serve within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import KioskError
from kiosk.domain.models import Slot, Topic, WaitlistEntry
from kiosk.domain.validation import display_phone
from kiosk.i18n import Translator
from screens.common import cell, services_of, store_work
from screens.dialogs import YesNoScreen
from screens.librarian.common import (
    ConsolePane,
    MessageLine,
    cursor_key,
    refusal,
)
from screens.librarian.followup import PickTimeScreen
from screens.widgets.words import Words

if TYPE_CHECKING:
    from kiosk.services import Services

FREE_STYLE = "bold green"


@dataclass(frozen=True)
class WaitlistData:
    entries: list[WaitlistEntry]
    free: dict[str, int]  # topic -> free times now (only topics somebody waits for)
    topics: dict[str, str]  # slug -> name
    # Texts offering a freed time (`kiosk remind`), and how many of those entries were then
    # booked from the list.
    offers_sent: int = 0
    offers_served: int = 0


class WaitlistBookScreen(PickTimeScreen):
    """The free times of a waiting visitor's topic; a tap books it and the entry leaves."""

    def __init__(self, entry: WaitlistEntry) -> None:
        super().__init__(id="waitlist-book-screen")
        self.entry = entry

    def heading(self) -> tuple[str, str]:
        t = self.t
        return t("lib.waitlist.book_title", name=self.entry.name), t("lib.waitlist.book_hint")

    def find_slots(self, services: Services) -> tuple[list[Slot], Topic]:
        slots = services.booking.free_slots(self.entry.topic)
        return slots, services.booking.topic(self.entry.topic)

    def book_slot(self, services: Services, slot: Slot) -> Ticket:
        return services.waitlist.book_for(self.entry.id, slot.start, scout=slot.scout)


class WaitlistPane(Vertical, ConsolePane):
    """The waiting list as a table; entries whose topic has a free time now stand out."""

    BINDINGS = [
        Binding("r", "book", "lib.waitlist.book", id="waitlist-book"),
        Binding("delete", "remove", "lib.waitlist.remove", id="waitlist-remove"),
    ]

    @dataclass
    class Loaded(Message):
        data: WaitlistData

    @dataclass
    class ActionDone(Message):
        text: str
        error: bool = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: WaitlistData | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Words(t("lib.waitlist.hint"), id="waitlist-hint", classes="lib-hint")
        table: DataTable[Text] = DataTable(
            id="waitlist-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Words("", id="waitlist-summary")
        yield MessageLine(id="waitlist-message")
        with Horizontal(classes="lib-buttons"):
            yield Button(t("lib.waitlist.book_b"), id="waitlist-book", variant="primary")
            yield Button(t("lib.waitlist.remove_b"), id="waitlist-remove", variant="error")

    def on_mount(self) -> None:
        t = self.t
        table = self.query_one("#waitlist-table", DataTable)
        # Whether a time is free comes right after the topic: it is what the desk acts on.
        for key, width in (
            ("since", 11),
            ("topic", 14),
            ("free", 12),
            ("name", 11),
            ("phone", 15),
            ("lang", 4),
        ):
            table.add_column(t(f"lib.waitlist.col.{key}"), key=key, width=width)
        self.reload()

    def reload(self) -> None:
        self._load(self.t.lang)

    @store_work(group="waitlist-load")
    def _load(self, lang: str) -> None:
        services = services_of(self)
        entries = services.waitlist.entries()
        free = {w.topic: w.free_times for w in services.waitlist.waiting_with_free_times()}
        topics = {tp.slug: tp.name(lang) for tp in services.booking.topics(active_only=False)}
        offers = [o for o in services.remind.offers() if o.status == "sent"]
        served = sum(1 for o in offers if o.served_at)
        self.post_message(self.Loaded(WaitlistData(entries, free, topics, len(offers), served)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        t = self.t
        data = self.data = message.data
        table = self.query_one("#waitlist-table", DataTable)
        keep = self.selected_id()
        table.clear()
        for entry in data.entries:
            free = data.free.get(entry.topic, 0)
            # Words as well as the colour: never meaning by colour alone.
            style = FREE_STYLE if free else ""
            table.add_row(
                cell(f"{entry.created:%m-%d %H:%M}", style),
                cell(data.topics.get(entry.topic, entry.topic), style),
                cell(t("lib.waitlist.free", n=free) if free else "—", style),
                # ✉: a text offering a freed time went to this visitor.
                cell(f"{entry.name} \u2709" if entry.offered_at else entry.name, style),
                cell(display_phone(entry.phone) or "—", style),
                cell(entry.language.upper(), style),
                key=entry.id,
            )
        ids = [e.id for e in data.entries]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        ready = sum(1 for e in data.entries if data.free.get(e.topic))
        summary = t("lib.waitlist.summary", total=len(data.entries), ready=ready)
        if not data.entries:
            summary = t("lib.waitlist.empty")
        if data.offers_sent:
            offers = t("lib.waitlist.offers", sent=data.offers_sent, served=data.offers_served)
            summary = f"{summary} {offers}"
        self.query_one("#waitlist-summary", Static).update(cell(summary))

    def selected_id(self) -> str | None:
        return cursor_key(self.query_one("#waitlist-table", DataTable))

    def selected_entry(self) -> WaitlistEntry | None:
        entry_id = self.selected_id()
        if entry_id is None or self.data is None:
            self.say(self.t("lib.waitlist.choose_row"), error=True)
            return None
        return next((e for e in self.data.entries if e.id == entry_id), None)

    @on(Button.Pressed, "#waitlist-book")
    def action_book(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        t = self.t

        def booked(ticket: Ticket | None) -> None:
            if ticket is None:
                return
            b = ticket.booking
            self.say(
                t(
                    "lib.waitlist.did_book",
                    code=b.code,
                    time=f"{b.starts:%Y-%m-%d %H:%M}",
                    name=b.name,
                    phone=display_phone(b.phone) or "—",
                )
            )
            self.reload()

        self.app.push_screen(WaitlistBookScreen(entry), booked)

    @on(Button.Pressed, "#waitlist-remove")
    def action_remove(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        t = self.t

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(t, entry.id)

        self.app.push_screen(
            YesNoScreen(
                t("lib.waitlist.remove_title"),
                t("lib.waitlist.remove_body"),
                [f"{entry.name} · {display_phone(entry.phone) or '—'}"],
                yes=t("lib.waitlist.remove_yes"),
            ),
            answered,
        )

    @store_work(group="waitlist-action", exclusive=False)
    def _remove(self, t: Translator, entry_id: str) -> None:
        try:
            entry = services_of(self).waitlist.remove(entry_id)
        except KioskError as exc:
            self.post_message(self.ActionDone(refusal(t, exc), error=True))
            return
        self.post_message(self.ActionDone(t("lib.waitlist.did_remove", name=entry.name)))

    @on(ActionDone)
    def _after_action(self, message: ActionDone) -> None:
        self.say(message.text, error=message.error)
        self.reload()
