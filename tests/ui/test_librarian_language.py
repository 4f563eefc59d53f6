"""The console's language: chosen on the PIN prompt, kept for the session, every pane's
words (tabs, columns, statuses, results) in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    RadioSet,
    Select,
    SelectionList,
    TabbedContent,
)

from kiosk.domain.models import BookingStatus
from kiosk.services import Services
from tests.conftest import NOW, put_booking, set_pin
from tests.ui.conftest import click, login, make_app, make_console, settle, text_of


def _cells(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    return [str(c) for row in range(table.row_count) for c in table.get_row_at(row)]


async def test_english_is_chosen_at_the_prompt_and_kept(demo: Services) -> None:
    set_pin(demo)
    put_booking(demo, code="NOSHOW", start=NOW - timedelta(hours=1), status=BookingStatus.NO_SHOW)
    app = make_console(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.console_lang == "lt"  # the default
        await click(pilot, "#login-lang-en")
        await settle(pilot)
        assert app.session.console_lang == "en"
        assert "Librarian login" in str(app.screen.query_one("#login-title", Label).render())
        assert str(app.screen.query_one("#login-ok", Button).label) == "Log in"
        assert app.screen.query_one("#login-pin", Input).has_focus  # the PIN keeps the keys
        await login(pilot)
        tabs = app.screen.query_one(TabbedContent)
        assert str(tabs.get_tab("today").label) == "Today"
        cells = _cells(app.screen.query_one("#today-table", DataTable))
        assert "✗ No-show" in cells and "no_show" not in cells
        app.screen.query_one(TabbedContent).active = "results"
        await settle(pilot)
        assert "Different visitors" in text_of(app, "#results-visitors")
        months = app.screen.query_one("#results-months-table", DataTable)
        assert [str(c.label) for c in months.columns.values()][-1] == "Total"
        assert str(app.screen.query_one("#results-view-months", Button).label).strip() == "Months"
        # Logging out and in again keeps the session's language.
        await pilot.press("f12")
        await settle(pilot)
        assert str(app.screen.query_one("#login-ok", Button).label) == "Log in"


async def test_lithuanian_is_the_default_and_apps_do_not_share_a_choice(demo: Services) -> None:
    set_pin(demo)
    first = make_console(demo)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await click(pilot, "#login-lang-en")
        await settle(pilot)
    second = make_app(demo)
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert str(second.screen.query_one("#login-ok", Button).label) == "Prisijungti"
        assert "✓ Lietuviškai" in str(second.screen.query_one("#login-lang-lt", Button).label)


# -- where the keys go when a pane or a dialog opens ------------------------------------

FIELDS = (Input, Button, DataTable, Select, SelectionList, RadioSet, Checkbox)


async def _opened(pilot, *keys_or_buttons: str) -> None:  # type: ignore[no-untyped-def]
    for step in keys_or_buttons:
        if step.startswith("#"):
            pilot.app.screen.query_one(step, Button).press()
        else:
            await pilot.press(step)
        await settle(pilot)


@pytest.mark.parametrize(
    "steps",
    [
        ("w",),
        ("f3", "e"),
        ("f3", "#scouts-new"),
        ("f3", "#weekly-add"),
        ("f3", "#exception-absent"),
        ("f4", "#topics-edit"),
        ("f5", "f"),
        ("down", "x"),
    ],
    ids=lambda steps: "-".join(s.strip("#") for s in steps),
)
async def test_every_dialog_opens_with_a_field_or_button_focused(
    demo: Services, steps: tuple[str, ...]
) -> None:
    set_pin(demo)
    put_booking(demo, code="LATER1", start=NOW + timedelta(hours=3), name="Ona")
    app = make_console(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await login(pilot)
        before = app.screen
        await _opened(pilot, *steps)
        assert app.screen is not before  # the dialog is open
        assert isinstance(app.screen.focused, FIELDS), app.screen.focused


async def test_settings_opens_at_its_top(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await login(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#set-library_name", Input)
        assert app.screen.query_one("#settings-pane").scroll_y == 0
