"""Pilot tests of the librarian's desk: no lost updates, phones, moves, warnings, Today's lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from kiosk.clock import FixedClock
from kiosk.services import Services, build_services
from screens.librarian import ConsoleScreen
from screens.librarian.today import TodayPane
from tests.conftest import NOW, set_pin
from tests.ui.conftest import click, login, make_console, settle, text_of, value_of

SIZE = (120, 40)


async def console(pilot: Pilot[Any]) -> TodayPane:
    await settle(pilot)
    await login(pilot)
    assert isinstance(pilot.app.screen, ConsoleScreen)
    return pilot.app.screen.query_one(TodayPane)


def rows(app: Any, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_an_older_settings_save_is_refused_and_shows_the_fresh_values(
    demo: Services, data_dir: Path
) -> None:
    set_pin(demo)
    other = build_services(data_dir, FixedClock(NOW))
    app_a, app_b = make_console(demo), make_console(other)
    async with app_a.run_test(size=SIZE) as a, app_b.run_test(size=SIZE) as b:
        for pilot in (a, b):
            await console(pilot)
            await pilot.press("f7")
            await settle(pilot)
        # B saves a new retention period; A, which loaded the settings before, then saves
        # its own (older) form with another change.
        app_b.screen.query_one("#set-retention_days", Input).value = "14"
        app_b.screen.query_one("#settings-save").press()
        await settle(b)
        assert demo.catalog.settings().retention_days == 14
        app_a.screen.query_one("#set-library_name", Input).value = "Senoji biblioteka"
        app_a.screen.query_one("#settings-save").press()
        await settle(a)
        assert "Kažkas kitas" in text_of(app_a, "#settings-message")
        stored = demo.catalog.settings()
        assert stored.retention_days == 14 and stored.library_name != "Senoji biblioteka"
        assert value_of(app_a, "#set-retention_days") == "14"  # A shows B's value
        # Saved again from the fresh values, A's change goes through and keeps B's.
        app_a.screen.query_one("#set-library_name", Input).value = "Senoji biblioteka"
        app_a.screen.query_one("#settings-save").press()
        await settle(a)
        stored = demo.catalog.settings()
        assert (stored.retention_days, stored.library_name) == (14, "Senoji biblioteka")


async def test_a_new_topic_gets_its_key_from_its_name_and_is_marked_without_an_escout(
    demo: Services,
) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert all("⚠" not in r[5] for r in rows(app, "#topics-table"))
        await click(pilot, "#topics-new")
        assert not app.screen.query("#topic-slug")  # no key to think up
        app.screen.query_one("#topic-name-lt", Input).value = "Žemėlapiai ir kelionės"
        await click(pilot, "#topic-save")
        topic = next(t for t in demo.catalog.topics() if t.names["lt"].startswith("Žemėlapiai"))
        assert topic.slug == "zemelapiai-ir-keliones"
        row = next(r for r in rows(app, "#topics-table") if r[1] == topic.slug)
        assert "Nėra e. skauto" in row[5]  # nobody covers it yet: visitors would find no time
