"""The console at a desk's smallest terminal (80x24): every tab and every filter on show.

A mouse cannot scroll a tab bar or a toolbar sideways, so what a librarian clicks must lie
inside the screen as it is. At 120 columns the tabs keep their full names.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, Select
from textual.widgets._tabbed_content import ContentTab

from kiosk.services import Services
from screens.librarian.console import TABS
from tests.conftest import set_pin
from tests.ui.conftest import login, make_console, settle

SMALL = (80, 24)
BIG = (120, 40)


def _inside(pilot: Pilot[Any], widget: Widget) -> bool:
    screen = pilot.app.screen.region
    region = widget.region
    return region.width > 0 and screen.contains_region(region)


async def _console(pilot: Pilot[Any], lang: str) -> None:
    await settle(pilot)
    pilot.app.screen.query_one(f"#login-lang-{lang}").press()
    await settle(pilot)
    await login(pilot)


@pytest.mark.parametrize("lang", ["lt", "en"])
async def test_every_tab_and_today_filter_is_on_screen_at_80x24(demo: Services, lang: str) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SMALL) as pilot:
        await _console(pilot, lang)
        for tab in TABS:  # whichever tab shows, the others stay in view
            await pilot.press(f"f{TABS.index(tab) + 2}")
            await settle(pilot, rounds=1)
            tabs = list(app.screen.query(ContentTab))
            assert len(tabs) == len(TABS)
            assert [t for t in tabs if not _inside(pilot, t)] == [], tab
        await pilot.press("f2")
        await settle(pilot)
        filters = app.screen.query_one("#today-filters")
        widgets = list(filters.query(Button)) + list(filters.query(Input))
        widgets += list(filters.query(Select))
        assert len(widgets) == 8  # the day and its buttons, who to call, three filters
        assert [w.id for w in widgets if not _inside(pilot, w)] == []
        # On two lines, not six: the table keeps its rows.
        assert filters.region.height == 2


async def test_tabs_keep_their_full_names_at_120_columns(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=BIG) as pilot:
        await _console(pilot, "lt")
        labels = [str(tab.label) for tab in app.screen.query(ContentTab)]
        assert "Privatumas, kopijos" in labels and "Laukiantieji" in labels
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        labels = [str(tab.label) for tab in app.screen.query(ContentTab)]
        assert "Privatumas" in labels and "Eilė" in labels
