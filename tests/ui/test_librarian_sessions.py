"""The console's weekly-time and extra-session forms: seats and a group's own topic, kept on
an edit and refused in the form when the e-scout does not cover it or the session has one seat."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from kiosk.domain.models import ExceptionKind
from kiosk.services import Services
from tests.conftest import set_pin
from tests.ui.conftest import login, make_console, settle, text_of

SIZE = (120, 40)


async def scouts_pane(pilot: Pilot[None], scout: str) -> None:
    await settle(pilot)
    await login(pilot)
    await pilot.press("f3")
    await settle(pilot)
    table = pilot.app.screen.query_one("#scouts-table", DataTable)
    table.move_cursor(row=table.get_row_index(scout))
    await settle(pilot)


async def save(pilot: Pilot[None]) -> None:
    await pilot.click(".lib-form-save")
    await settle(pilot)


async def test_a_group_weekly_time_gets_its_topic_in_the_console(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await scouts_pane(pilot, "ieva")
        before = {w.id for w in demo.catalog.weekly_times("ieva")}
        await pilot.click("#weekly-add")
        await settle(pilot)
        form = app.screen
        form.query_one("#weekly-weekday", Select).value = 2
        form.query_one("#weekly-start", Input).value = "10:00"
        form.query_one("#weekly-end", Input).value = "11:00"
        form.query_one("#weekly-place", Input).value = "Renginių salė"
        # Only the e-scout's own topics are offered.
        topic = form.query_one("#weekly-topic", Select)
        assert {value for _, value in topic._options if isinstance(value, str)} == set(
            demo.booking.scout("ieva").topics
        )
        topic.value = "photos"
        await save(pilot)
        assert "Grupės tema" in text_of(app, ".lib-form-message")  # one seat: no group topic
        form.query_one("#weekly-seats", Input).value = "4"
        await save(pilot)
        (new,) = [w for w in demo.catalog.weekly_times("ieva") if w.id not in before]
        assert (new.seats, new.topic) == (4, "photos")

        # An edit shows and keeps the seats and the topic.
        table = app.screen.query_one("#weekly-table", DataTable)
        table.move_cursor(row=table.get_row_index(new.id))
        await pilot.click("#weekly-edit")
        await settle(pilot)
        assert app.screen.query_one("#weekly-seats", Input).value == "4"
        assert app.screen.query_one("#weekly-topic", Select).value == "photos"
        app.screen.query_one("#weekly-end", Input).value = "11:30"
        await save(pilot)
        (edited,) = [w for w in demo.catalog.weekly_times("ieva") if w.id == new.id]
        assert (edited.end, edited.seats, edited.topic) == ("11:30", 4, "photos")


async def test_an_extra_group_session_gets_its_topic_in_the_console(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await scouts_pane(pilot, "ieva")
        await pilot.click("#exception-extra")
        await settle(pilot)
        form = app.screen
        form.query_one("#exception-date", Input).value = "2026-11-27"
        form.query_one("#exception-start", Input).value = "10:00"
        form.query_one("#exception-end", Input).value = "11:00"
        form.query_one("#exception-place", Input).value = "Renginių salė"
        form.query_one("#exception-seats", Input).value = "3"
        form.query_one("#exception-topic", Select).value = "email"
        await save(pilot)
        (extra,) = [e for e in demo.catalog.exceptions("ieva") if e.kind == ExceptionKind.EXTRA]
        assert (extra.seats, extra.topic) == (3, "email")
