"""Pilot tests of the librarian's desk: no lost updates, phones, moves, warnings, Today's lists."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk.domain.clock import FixedClock
from kiosk.domain.models import BookingStatus as S
from kiosk.domain.models import DatedException, ExceptionKind
from kiosk.services import Services, build_services
from screens.dialogs import YesNoScreen
from screens.librarian import ConsoleScreen
from screens.librarian.activity import ActivityFormScreen
from screens.librarian.slots import SlotPicker
from screens.librarian.today import TodayPane
from screens.librarian.today_lists import MoveScreen, NoFormScreen, ReasonScreen, UnrecordedScreen
from screens.librarian.walkin import WalkInScreen
from tests.conftest import NOW, put_booking, set_pin
from tests.ui.conftest import click, login, make_console, settle, text_of, value_of, wait_until

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
        # A's librarian is typing (a focused field is never refreshed under their hands);
        # meanwhile B saves a new retention period; then A saves its older form.
        app_a.screen.query_one("#set-library_name", Input).focus()
        await settle(a)
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
        # Column 6: who covers the topic (3 is which translations are missing).
        assert all("⚠" not in r[6] for r in rows(app, "#topics-table"))
        await click(pilot, "#topics-new")
        assert not app.screen.query("#topic-slug")  # no key to think up
        app.screen.query_one("#topic-name-lt", Input).value = "Žemėlapiai ir kelionės"
        await click(pilot, "#topic-save")
        topic = next(t for t in demo.catalog.topics() if t.names["lt"].startswith("Žemėlapiai"))
        assert topic.slug == "zemelapiai-ir-keliones"
        row = next(r for r in rows(app, "#topics-table") if r[1] == topic.slug)
        # Nobody covers it yet: visitors would find no time.
        assert "Nėra e. skauto" in row[6].replace("\xa0", " ")


def select_row(app: Any, selector: str, code: str) -> None:
    table = app.screen.query_one(selector, DataTable)
    table.move_cursor(row=table.get_row_index(code))


async def test_today_shows_phones_the_absent_escout_counts_and_forms_to_fill(
    demo: Services,
) -> None:
    set_pin(demo)
    put_booking(demo, code="CALL01", start=NOW.replace(hour=15), phone="+37061234567")
    put_booking(demo, code="DONE01", start=NOW - timedelta(hours=1), status=S.DONE)
    put_booking(demo, code="NOSH01", start=NOW - timedelta(hours=2), status=S.NO_SHOW)
    put_booking(demo, code="WAIT01", start=NOW.replace(hour=16), scout="dominykas")
    day = NOW.date().isoformat()
    demo.catalog.save_exception(DatedException("abs", "lukas", day, ExceptionKind.ABSENT))
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        table = {r[1]: r for r in rows(app, "#today-table")}
        assert table["CALL01"][7] == "+370 612 34567"  # grouped, never raw
        assert "NĖRA" in table["CALL01"][5] and "NĖRA" not in table["WAIT01"][5]  # e-scout
        summary = text_of(app, "#today-summary").replace("\xa0", " ")
        for part in ("laukiama 2", "įvyko 1", "neatvyko 1", "e. skauto nebus: 1"):
            assert part in summary
        select_row(app, "#today-table", "CALL01")
        await click(pilot, "#today-copy-phone")
        assert app.clipboard == "+37061234567"
        assert "Nukopijuota: +370 612 34567" in text_of(app, "#today-message")
        # The consultation that took place without a form is listed, and its form opens.
        assert "Be veiklos formos: 1" in str(app.screen.query_one("#today-noform", Button).label)
        await click(pilot, "#today-noform")
        assert isinstance(app.screen, NoFormScreen)
        assert [r[2] for r in rows(app, "#noform-table")] == ["DONE01"]
        await click(pilot, "#noform-fill")
        assert isinstance(app.screen, ActivityFormScreen)


async def test_undo_asks_why_and_the_not_recorded_list_is_cleared(demo: Services) -> None:
    set_pin(demo)
    put_booking(demo, code="UNDO01", start=NOW - timedelta(minutes=30))
    demo.desk.mark_no_show("UNDO01")
    put_booking(demo, code="PAST01", start=NOW - timedelta(days=1))
    put_booking(demo, code="PAST02", start=NOW - timedelta(days=2), status=S.CHECKED_IN)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        select_row(app, "#today-table", "UNDO01")
        await click(pilot, "#today-undo")
        assert isinstance(app.screen, ReasonScreen)
        await click(pilot, "#reason-save")
        assert isinstance(app.screen, ReasonScreen)  # a reason is required
        app.screen.query_one("#reason-input", Input).value = "Ji laukė skaitykloje"
        await click(pilot, "#reason-save")
        undone = demo.booking.lookup("UNDO01")
        assert undone.state is S.BOOKED and undone.changes[-1]["reason"] == "Ji laukė skaitykloje"
        assert "UNDO01" in text_of(app, "#today-message")

        assert "Nepažymėtos: 2" in str(app.screen.query_one("#today-unrecorded", Button).label)
        await click(pilot, "#today-unrecorded")
        assert isinstance(app.screen, UnrecordedScreen)
        assert [r[2] for r in rows(app, "#unrecorded-table")] == ["PAST02", "PAST01"]
        select_row(app, "#unrecorded-table", "PAST02")
        await click(pilot, "#unrecorded-done")
        assert demo.booking.lookup("PAST02").state is S.DONE
        select_row(app, "#unrecorded-table", "PAST01")
        await click(pilot, "#unrecorded-clear")
        assert demo.booking.lookup("PAST01").cleared_at is not None
        assert rows(app, "#unrecorded-table") == []
        await click(pilot, "#unrecorded-close")
        assert "Nepažymėtos: 0" in str(app.screen.query_one("#today-unrecorded", Button).label)


async def test_move_a_booking_from_today(demo: Services) -> None:
    set_pin(demo)
    ticket = demo.booking.book("e-banking", NOW.replace(hour=15), "Ona")
    wednesday = (NOW + timedelta(days=1)).replace(hour=10)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        select_row(app, "#today-table", ticket.booking.code)
        await click(pilot, "#today-move")
        dialog = app.screen
        assert isinstance(dialog, MoveScreen)
        picker = dialog.query_one(SlotPicker)
        await wait_until(pilot, lambda: bool(picker.slots))
        target = next(
            n for n, s in enumerate(picker.slots) if s.start == wednesday and s.scout == "dominykas"
        )
        picker.value = str(target)
        await click(pilot, "#move-ok")
        assert isinstance(app.screen, ConsoleScreen)
        moved = demo.booking.lookup(ticket.booking.code)
        assert (moved.starts, moved.scout, moved.token_hash) == (
            wednesday,
            "dominykas",
            ticket.booking.token_hash,
        )
        assert "perkelta" in text_of(app, "#today-message")
        assert rows(app, "#today-table") == []  # no longer today


async def test_a_walk_in_is_offered_a_time_within_the_minimum_notice(demo: Services) -> None:
    set_pin(demo)
    assert isinstance(demo.clock, FixedClock)
    demo.clock.current = NOW.replace(hour=15, minute=10)  # the kiosk's first time is 16:00
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WalkInScreen)
        dialog.query_one("#walkin-topic", Select).value = "e-banking"
        picker = dialog.query_one(SlotPicker)
        await wait_until(pilot, lambda: bool(picker.slots))
        assert picker.slots[0].start == NOW.replace(hour=15, minute=30)


async def test_who_to_call_and_two_escouts_at_one_place(demo: Services) -> None:
    set_pin(demo)
    put_booking(demo, code="CALL02", start=NOW.replace(hour=16), phone="+447911123456")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("f3")
        await settle(pilot)
        select_row(app, "#scouts-table", "lukas")
        await settle(pilot)
        await click(pilot, "#exception-absent")
        await click(pilot, ".lib-form-save")  # today, all day
        assert isinstance(app.screen, YesNoScreen)
        lines = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "CALL02" in lines and "+44 7911 123456" in lines
        await click(pilot, "#confirm-yes")
        assert demo.catalog.exceptions("lukas")
        # Ieva works Mondays 14-17 at "Skaitykla, 2 stalas": Lukas there at 16:30 clashes.
        await click(pilot, "#weekly-add")
        form = app.screen
        form.query_one("#weekly-start", Input).value = "16:30"
        form.query_one("#weekly-end", Input).value = "18:00"
        form.query_one("#weekly-place", Input).value = "Skaitykla, 2 stalas"
        await click(pilot, ".lib-form-save")
        assert isinstance(app.screen, YesNoScreen)
        lines = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Ieva K." in lines and "14:00–17:00" in lines
        await click(pilot, "#confirm-yes")  # the librarian may still save
        assert any(w.weekday == 0 for w in demo.catalog.weekly_times("lukas"))
