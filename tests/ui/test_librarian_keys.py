"""The console's tab keys (F2..F8) work from any tab, any focus, any number of times, at any speed.

A tab key switches tabs while the focus may sit in a field of the tab being hidden, and
focus moves reach TabbedContent a few messages late; neither may show an old tab again.
"""

from __future__ import annotations

import random
import re
import resource
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, TabbedContent, TabPane

from kiosk.app import KioskApp
from kiosk.services import Services
from screens.librarian import ConsoleScreen
from screens.librarian.console import TABS
from screens.widgets.keybar import KeyBar, choose_layout, line_width
from tests.conftest import set_pin
from tests.ui.conftest import SMALL, click, login, make_console, settle, wait_until

SIZE = (120, 40)
KEY = {tab: f"f{n}" for n, tab in enumerate(TABS, start=2)}
FIELD_KINDS: dict[str, type[Widget]] = {"Input": Input, "Select": Select, "DataTable": DataTable}
# The kinds of field each tab has (kept in step with the panes by the test that checks it).
FIELDS = {
    "today": ["Input", "Select", "DataTable"],
    "scouts": ["DataTable"],
    "topics": ["DataTable"],
    "activity": ["DataTable"],
    "results": ["Input", "DataTable"],
    "settings": ["Input", "Select", "DataTable"],
    "privacy": ["DataTable"],
    "waitlist": ["DataTable"],
    "places": ["DataTable"],
}
# A run of 50 tab keys may add caches and first-time layouts; a tab cycle grew by hundreds.
MEMORY_SLACK_BYTES = 40 * 2**20


def tabs_of(app: KioskApp) -> TabbedContent:
    return app.screen.query_one("#console-tabs", TabbedContent)


def pane_of(app: KioskApp, tab: str) -> TabPane:
    return app.screen.query_one(f"#{tab}", TabPane)


def field_in(app: KioskApp, tab: str, kind: str) -> Widget:
    return next(w for w in pane_of(app, tab).query(FIELD_KINDS[kind]) if w.focusable)


def shown(app: KioskApp) -> list[str]:
    """The tabs whose panes are on screen (exactly one when all is well)."""
    return [tab for tab in TABS if pane_of(app, tab).display]


def assert_tab_shown(app: KioskApp, tab: str) -> None:
    assert tabs_of(app).active == tab
    assert shown(app) == [tab]
    focused = app.focused
    assert focused is not None and pane_of(app, tab) in focused.ancestors, (
        f"the keys do not go to {tab}: the focus is on {focused!r}"
    )


async def open_console(pilot: Pilot[Any]) -> KioskApp:
    await settle(pilot)
    await login(pilot)
    app = pilot.app
    assert isinstance(app, KioskApp) and isinstance(app.screen, ConsoleScreen)
    return app


async def focus_field(pilot: Pilot[Any], app: KioskApp, tab: str, kind: str) -> Widget:
    """Put the focus in the first field of ``kind`` on ``tab`` (its tab follows the focus)."""
    field = field_in(app, tab, kind)
    field.focus()
    await wait_until(pilot, lambda: app.focused is field and shown(app) == [tab])
    assert_tab_shown(app, tab)
    return field


def rss_bytes() -> int:
    """The process's resident memory now (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


# The tabs in three runs of the console: one run for all took 100 s on one worker.
THIRDS = [TABS[n::3] for n in range(3)]


@pytest.mark.parametrize("tabs", THIRDS, ids=lambda tabs: ",".join(tabs))
async def test_every_tab_key_works_from_every_field_of_every_tab(
    demo: Services, tabs: list[str]
) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_console(pilot)
        # FIELDS lists each kind of field each pane has, so no kind is missed below.
        for tab in tabs:
            kinds = [
                name
                for name, kind in FIELD_KINDS.items()
                if any(w.focusable for w in pane_of(app, tab).query(kind))
            ]
            assert kinds == FIELDS[tab], tab
        for tab in tabs:
            kinds = FIELDS[tab]
            # Every other tab's key once, each from the next kind of field in turn: every
            # key and every kind of field is tried, without each key from each field.
            others = [other for other in TABS if other != tab]
            for n, other in enumerate(others):
                await focus_field(pilot, app, tab, kinds[n % len(kinds)])
                await pilot.press(KEY[other])
                await settle(pilot, rounds=1)
                assert_tab_shown(app, other)
            for kind in kinds:
                # The tab's own key leaves the focus where the librarian put it.
                field = await focus_field(pilot, app, tab, kind)
                await pilot.press(KEY[tab])
                await settle(pilot, rounds=1)
                assert_tab_shown(app, tab)
                assert app.focused is field, (tab, kind)


async def test_tab_keys_work_with_a_select_list_open(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_console(pilot)
        select = await focus_field(pilot, app, "today", "Select")
        await pilot.press("enter")
        await wait_until(pilot, lambda: select.expanded)  # type: ignore[attr-defined]
        await pilot.press(KEY["results"])
        await settle(pilot, rounds=1)
        assert_tab_shown(app, "results")


async def test_fifty_quick_tab_keys_end_on_the_last_one_and_stay(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_console(pilot)
        for tab in TABS:  # every pane laid out once, so memory counts only what keys add
            await pilot.press(KEY[tab])
            await settle(pilot, rounds=1)
            assert_tab_shown(app, tab)
        await focus_field(pilot, app, "results", "Input")  # where the runaway began
        await settle(pilot)
        tabs = tabs_of(app)
        changes: list[str] = []
        app.screen.watch(tabs, "active", lambda tab: changes.append(tab), init=False)
        before = rss_bytes()

        rnd = random.Random(1)  # fixed, so a failure replays
        keys = [KEY[rnd.choice(TABS)] for _ in range(50)]
        for key in keys:  # all at once, as a terminal delivers keys typed faster than shown
            app.post_message(events.Key(key, None))
        last = TABS[list(KEY.values()).index(keys[-1])]
        await wait_until(pilot, lambda: tabs.active == last and app.focused is not None, 60)
        await settle(pilot)
        assert_tab_shown(app, last)

        # Keys typed ahead are taken together: the burst shows far fewer tabs than it has keys.
        shown_tabs = len(changes)
        assert shown_tabs <= len(keys) // 5, f"{shown_tabs} tabs shown for {len(keys)} keys"

        # Idle for a while: nothing switches tabs on its own any more.
        changes.clear()
        seen = []
        for _ in range(10):
            await pilot.pause(0.05)
            seen.append(tabs.active)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert seen == [last] * 10
        assert changes == [], f"tabs kept switching by themselves: {changes[:12]}"
        assert_tab_shown(app, last)
        grown = rss_bytes() - before
        assert grown < MEMORY_SLACK_BYTES, f"memory grew by {grown / 2**20:.0f} MB"

        # And the console still answers keys and taps.
        other = "topics" if last != "topics" else "scouts"
        await pilot.press(KEY[other])
        await settle(pilot, rounds=1)
        assert_tab_shown(app, other)
        await click(pilot, f"#--content-tab-{last}")
        assert_tab_shown(app, last)


def watcher_count(app: KioskApp) -> int:
    """Every watcher Textual keeps on the App and on the nodes of every screen on the stack."""
    nodes: list[Any] = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    return sum(
        len(watchers) for node in nodes for watchers in getattr(node, "__watchers", {}).values()
    )


async def switch_tabs(pilot: Pilot[Any], app: KioskApp, count: int, rnd: random.Random) -> None:
    """``count`` tab switches, each to another tab, each shown before the next key comes
    (keys typed ahead are taken together, so each must land to count as a switch)."""
    for _ in range(count):
        tab = rnd.choice([tab for tab in TABS if tab != tabs_of(app).active])
        app.post_message(events.Key(KEY[tab], None))
        await wait_until(pilot, lambda tab=tab: tabs_of(app).active == tab)  # type: ignore[misc]
    await settle(pilot)


async def test_tab_switches_leave_no_watchers_behind(demo: Services) -> None:
    """A console stays open all day: its watchers must not grow with each tab switch (the
    Footer's per-key widgets left one watcher each behind at every switch)."""
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SMALL) as pilot:
        await open_console(pilot)
        for tab in TABS:  # every tab mounted once: what a tab builds the first time stays
            if tabs_of(app).active != tab:
                app.post_message(events.Key(KEY[tab], None))
                await wait_until(pilot, lambda tab=tab: tabs_of(app).active == tab)  # type: ignore[misc]
        rnd = random.Random(2)
        await switch_tabs(pilot, app, 20, rnd)
        warm = watcher_count(app)
        # The Footer left about 18 watchers behind per switch: any leak shows within these.
        await switch_tabs(pilot, app, 100, rnd)
        assert watcher_count(app) == warm


def bar_of(app: KioskApp) -> KeyBar:
    return app.screen.query_one(KeyBar)


def assert_names_every_tab_key(app: KioskApp, width: int) -> None:
    """Every tab key with its tab's name (at the level the bar chose), on one line that fits."""
    bar = bar_of(app)
    text = bar.text
    words = app.console_t
    layout = choose_layout(bar.entries, width)
    assert line_width(bar.entries, layout) <= width, text
    levels = ("lib.tab.{}", "lib.tab.{}.short", "lib.keys.tab.{}")
    for n, tab in enumerate(TABS, start=2):
        name = words(levels[layout.level].format(tab))
        assert re.search(rf"F{n} ?{re.escape(name)}( |$)", text), (tab, text)


async def test_the_key_bar_names_its_keys_at_80_columns_and_wide(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SMALL) as pilot:
        await open_console(pilot)
        bar = bar_of(app)
        assert bar.text.startswith("F2Šiand. F3Skaut. F4Temos")
        assert_names_every_tab_key(app, SMALL[0])
        app.session.console_lang = "en"
        bar.update_entries()
        await settle(pilot, rounds=1)
        assert_names_every_tab_key(app, SMALL[0])
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert "F7Settings" in bar.text.replace(" ", "")
        assert_names_every_tab_key(app, SIZE[0])
        app.session.console_lang = "lt"
        bar.update_entries()
        await settle(pilot, rounds=1)
        assert_names_every_tab_key(app, SIZE[0])
        assert "Diena" in bar.text  # the day keys too, where there is room

        # A click on a key presses it.
        start, end, key = next(span for span in bar._spans if span[2] == KEY["results"])
        await pilot.click(bar, offset=(start + 1, 0))
        await settle(pilot, rounds=1)
        assert_tab_shown(app, "results")
