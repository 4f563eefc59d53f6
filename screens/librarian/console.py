"""The librarian console: one screen of tabs over the shared data dir.

Several consoles and kiosks may share the data dir. When the App's watcher says the data
file changed (file events, or its polling fallback), the console compares the file's
identity (inode, size, mtime) with the last one it showed and reloads its panes (each in a
thread worker) only when it differs. Nothing is read while nothing changes; only the
clock in the header ticks.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Static, TabbedContent, TabPane

from kiosk.domain.errors import KioskError
from kiosk.domain.helpcalls import HelpCall
from kiosk.domain.scout_day import MissedShift
from screens.common import ConsoleWords, cell, host, services_of, store_work
from screens.librarian.activity import ActivityPane
from screens.librarian.calls import MissedShiftsBox
from screens.librarian.common import NARROW_BELOW, ConsolePane
from screens.librarian.places import PlacesPane
from screens.librarian.privacy import PrivacyPane
from screens.librarian.results import ResultsPane
from screens.librarian.scouts import ScoutsPane
from screens.librarian.settings import SettingsPane
from screens.librarian.today import TodayPane
from screens.librarian.topics import TopicsPane
from screens.librarian.waitlist import WaitlistPane
from screens.widgets.keybar import KeyBar, KeyEntry
from screens.widgets.words import Words

CLOCK_SECONDS = 10.0  # the header shows minutes
PURGE_EVERY_SECONDS = 3600.0
MISSED_EVERY_SECONDS = 30.0
# New tabs come last so the tabs before them keep the F-keys librarians know: the waiting
# list is F9, the places F10 (logging out moved to F12, the key that opens the console).
PANES: list[tuple[str, type[ConsolePane]]] = [  # the tab, its pane; F2, F3, ... in this order
    ("today", TodayPane),
    ("scouts", ScoutsPane),
    ("topics", TopicsPane),
    ("activity", ActivityPane),
    ("results", ResultsPane),
    ("settings", SettingsPane),
    ("privacy", PrivacyPane),
    ("waitlist", WaitlistPane),
    ("places", PlacesPane),
]
TABS = [tab for tab, _ in PANES]
TAB_OF_BINDING = {f"console-tab-{tab}": tab for tab in TABS}
# binding id -> the catalogue key of the one key-bar entry its keys share
KEY_GROUPS = {"today-prev": "lib.keys.day", "today-next": "lib.keys.day"}


def entry_field(pane: Widget) -> Widget | None:
    """Where the keys go when a pane opens: its first table, else its first field.

    Only what is on show counts, and a table inside a scrolling pane does not: focusing it
    would scroll the pane down to it, so such a pane (Settings) opens at its top field."""
    fields = [w for w in pane.query("DataTable, Input") if w.focusable and _on_show(w, pane)]
    for widget in fields:
        if isinstance(widget, DataTable) and not _scrolls(widget, pane):
            return widget
    return fields[0] if fields else None


def _on_show(widget: Widget, pane: Widget) -> bool:
    node: DOMNode | None = widget
    while node is not None and node is not pane:
        if not node.display:
            return False
        node = node.parent
    return True


def _scrolls(widget: Widget, pane: Widget) -> bool:
    """Whether ``widget`` sits in a scrolling container inside ``pane``."""
    for node in widget.ancestors:
        if node is pane:
            return False
        if isinstance(node, ScrollableContainer):
            return True
    return False


class ConsoleTabs(TabbedContent):
    """The console's tabs: a tab key always wins over focus moves still on their way.

    TabbedContent shows whichever pane reports a newly focused descendant. That report is a
    few messages behind the focus itself, and two focus moves land in panes being hidden:
    when a pane hides, Textual hands its focused field's focus to a neighbour in the same
    (now hidden) pane; and a focus queued for one tab lands after the next tab key. Followed,
    such a report shows the old tab again, whose activation focuses into it once more, and
    with a few quick keys the tabs cycle among themselves for ever.
    """

    def show(self, tab: str) -> None:
        """Show ``tab`` with the focus in it, wherever the focus was."""
        pane = self.get_pane(tab)
        focused = self.screen.focused
        # Before the switch, so no focused field is left in the pane that hides.
        if focused is None or pane not in focused.ancestors:
            self.screen.set_focus(entry_field(pane), scroll_visible=False)
        self.active = tab

    @on(TabPane.Focused)
    def _follow_current_focus_only(self, event: TabPane.Focused) -> None:
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors:
            event.prevent_default()  # the focus has moved on: TabbedContent must not follow
            event.stop()


class ConsoleScreen(Screen[None], ConsoleWords):
    # console.tcss lays panes out afresh below 100 columns (80x24 is the least supported)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    # Descriptions are catalogue keys, put into words when the footer shows them.
    BINDINGS = [
        *[
            Binding(f"f{n}", f"tab('{tab}')", f"lib.tab.{tab}", id=f"console-tab-{tab}")
            for n, tab in enumerate(TABS, start=2)
        ],
        Binding("f12", "logout", "lib.logout", id="console-logout"),
    ]

    class LogoutRequested(Message):
        """The librarian logged out (F12 or the button): the App ends the session."""

    @dataclass
    class Polled(Message):
        """What the poll read from the data dir: its identity and the header's words."""

        identity: tuple[int, int, int] | None
        library: str
        now: datetime
        calls: list[HelpCall]
        missed: list[MissedShift] = field(default_factory=list)

    def __init__(self) -> None:
        super().__init__(id="console")
        self._identity: tuple[int, int, int] | None = None
        self._first_poll = True
        self._wanted_tab: str | None = None  # a tab key's tab, until it is shown

    def key_entries(self) -> list[KeyEntry]:
        """What the key bar names, in the console's words: each tab key with its tab's
        names (full, short, the bar's own shortest), then the shown pane's keys.

        A key whose button is on show (its label names the key) stays off the bar; the
        day keys share one entry."""
        t = self.t
        tabs: list[KeyEntry] = []
        others: list[KeyEntry] = []
        groups: dict[str, list[tuple[str, str]]] = {}
        # One walk, not a query per key: the bar asks at every focus move.
        buttons = {button.id for button in self.walk_children(Button) if button.id}
        for key, active in self.active_bindings.items():
            binding = active.binding
            if not binding.show or binding.id in buttons:
                continue
            shown = self.app.get_key_display(binding)
            if re.fullmatch(r"f\d+", shown):
                shown = shown.upper()
            tab = TAB_OF_BINDING.get(binding.id or "")
            group = KEY_GROUPS.get(binding.id or "")
            if tab is not None:
                names = (t(f"lib.tab.{tab}"), t(f"lib.tab.{tab}.short"), t(f"lib.keys.tab.{tab}"))
                tabs.append(KeyEntry(((shown, key),), names))
            elif group is not None:
                groups.setdefault(group, []).append((shown, key))
            else:
                others.append(KeyEntry(((shown, key),), (t(binding.description),), optional=True))
        grouped = [
            KeyEntry(tuple(keys), (t(group),), optional=True) for group, keys in groups.items()
        ]
        return tabs + grouped + others

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="console-top"):
            yield Words("", id="console-title")
            yield Words("", id="console-clock")
            yield Button(t("lib.logout_b"), id="console-logout", classes="lib-small")
        # Visitors who tapped "Need help?" at a kiosk: shown until a librarian answers.
        yield Vertical(id="console-help-calls")
        # E-scouts not here 10 minutes into a shift with bookings: who to call.
        yield MissedShiftsBox(id="console-missed-shifts")
        with ConsoleTabs(initial="today", id="console-tabs"):
            for tab, pane in PANES:
                with TabPane(t(f"lib.tab.{tab}"), id=tab):
                    yield pane(id=f"{tab}-pane")
        yield KeyBar(self.key_entries, id="console-keys")

    def on_resize(self) -> None:
        """Below 100 columns the tabs take their short names, so all of them show."""
        suffix = ".short" if self.size.width < NARROW_BELOW else ""
        tabs = self.query_one(ConsoleTabs)
        for tab in TABS:
            tabs.get_tab(tab).label = self.t(f"lib.tab.{tab}{suffix}")

    def on_mount(self) -> None:
        self.check_for_changes()
        host(self).data_changed.subscribe(self, self._data_changed)
        self.set_interval(CLOCK_SECONDS, self._tick, name="console-clock")
        self.set_interval(PURGE_EVERY_SECONDS, self._purge, name="console-purge")
        # A shift becomes missed by the clock alone, with no change to the data file.
        self.set_interval(MISSED_EVERY_SECONDS, self.check_for_changes, name="console-missed")
        self._purge()
        self.query_one("#today-table").focus()

    @store_work(group="console-purge")
    def _purge(self) -> None:
        """Retention runs on its own while a console is open (and by ``kiosk purge``)."""
        services = services_of(self)
        if services.retention.purge().count:
            self.app.call_from_thread(self.check_for_changes)

    def _data_changed(self, _: None) -> None:
        self.check_for_changes()

    def _tick(self) -> None:
        now = services_of(self).booking.now()
        self.query_one("#console-clock", Static).update(cell(f"{now:%Y-%m-%d %H:%M}"))

    def check_for_changes(self) -> None:
        """Reload every pane if another process (or this one) changed the data file."""
        self._poll()

    @store_work(group="console-poll")
    def _poll(self) -> None:
        services = services_of(self)
        identity = services.maintenance.identity()
        library = services.booking.settings().library_name
        calls = services.helpcalls.open_calls()
        # A missed shift's visitors are marked "to call" (once) as soon as a console sees it.
        services.scout_day.mark_missed_calls()
        missed = services.scout_day.missed_shifts()
        self.post_message(self.Polled(identity, library, services.booking.now(), calls, missed))

    @on(Polled)
    def _polled(self, message: Polled) -> None:
        self.query_one("#console-title", Static).update(
            cell(self.t("lib.title", library=message.library))
        )
        self.query_one("#console-clock", Static).update(cell(f"{message.now:%Y-%m-%d %H:%M}"))
        self._show_calls(message.calls)
        self.query_one(MissedShiftsBox).show(message.missed)
        first, self._first_poll = self._first_poll, False
        if message.identity == self._identity:
            return
        self._identity = message.identity
        if not first:  # the panes load themselves when they mount
            self.reload_all()

    def _show_calls(self, calls: list[HelpCall]) -> None:
        box = self.query_one("#console-help-calls", Vertical)
        shown = [row.id for row in box.children]
        wanted = [f"help-call-{call.id}" for call in calls]
        if shown == wanted:
            return
        box.remove_children()
        t = self.t
        for call in calls:
            words = t("lib.help.called", kiosk=call.kiosk, at=f"{call.called:%H:%M}")
            box.mount(
                Horizontal(
                    Words(cell("\u26a0 " + words), classes="lib-help-text"),
                    Button(t("lib.help.answer"), id=f"answer-{call.id}", variant="warning"),
                    id=f"help-call-{call.id}",
                    classes="lib-help-call",
                )
            )
        box.display = bool(calls)

    @on(MissedShiftsBox.Dismissed)
    def _missed_dismissed(self) -> None:
        self.check_for_changes()

    @on(Button.Pressed, ".lib-help-call Button")
    def _answer_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._answer((event.button.id or "").removeprefix("answer-"))

    @store_work(group="console-help-answer", exclusive=False)
    def _answer(self, call_id: str) -> None:
        # Expired or answered at another console meanwhile: the poll tidies up.
        with contextlib.suppress(KioskError):
            services_of(self).helpcalls.answer(call_id)
        self.app.call_from_thread(self.check_for_changes)

    def reload_all(self) -> None:
        for _, pane in PANES:
            self.query_one(pane).reload()

    def action_tab(self, tab: str) -> None:
        """Show ``tab``. Keys that come faster than tabs can be shown (a burst typed ahead)
        are taken together: only the last one's tab is shown, once."""
        pending = self._wanted_tab is not None
        self._wanted_tab = tab
        if not pending:
            self.call_later(self._show_wanted_tab)

    def _show_wanted_tab(self) -> None:
        tab, self._wanted_tab = self._wanted_tab, None
        if tab is not None:
            self.query_one(ConsoleTabs).show(tab)

    @on(TabbedContent.TabActivated)
    def _focus_pane(self, event: TabbedContent.TabActivated) -> None:
        """Put the keys to work at once (e.g. after a click on a tab): focus the pane's field."""
        pane = event.pane
        if event.tabbed_content.active != pane.id:
            return  # a later tab key has already shown another tab
        focused = self.focused
        target = entry_field(pane)
        if target is not None and (focused is None or pane not in focused.ancestors):
            self.set_focus(target, scroll_visible=False)
        self.call_after_refresh(self._scroll_to_focus, pane)

    def _scroll_to_focus(self, pane: TabPane) -> None:
        """Once the shown pane is laid out, bring its focused field into view."""
        focused = self.focused
        if focused is not None and pane in focused.ancestors and not self.can_view_entire(focused):
            self.scroll_to_center(focused, origin_visible=True)

    @on(Button.Pressed, "#console-logout")
    def action_logout(self) -> None:
        self.post_message(self.LogoutRequested())
