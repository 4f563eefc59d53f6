"""Pilot tests of the librarian console: login, Today actions, walk-in, set-up, forms, results."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from textual.widgets import Checkbox, DataTable, Input, Select, SelectionList, Static

from kiosk.app import ExitReason
from kiosk.domain.activity import ActivityService
from kiosk.domain.clock import TZ, FixedClock
from kiosk.domain.models import BookingStatus
from kiosk.services import Services, build_services
from screens.dialogs import YesNoScreen
from screens.librarian import ConsoleScreen, LoginScreen
from screens.librarian.desk_ticket import DeskTicketScreen
from screens.librarian.login import ConfirmQuit
from screens.librarian.today import TodayPane
from tests.conftest import NOW, put_booking, set_pin
from tests.ui.conftest import login, make_app, make_console, settle, text_of, wait_until

SIZE = (120, 40)


def table_rows(app, selector: str = "#today-table") -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_no_pin_tells_how_to_set_one(demo: Services) -> None:
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "kiosk set-pin" in text_of(app, "#login-status")
        await login(pilot, "1234")
        assert isinstance(app.screen, LoginScreen)
        assert "kiosk set-pin" in text_of(app, "#login-status")


async def test_no_pin_at_the_kiosk_names_no_command(demo: Services) -> None:
    """Anyone can open the kiosk's PIN prompt: it names nothing a visitor could not do."""
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        status = text_of(app, "#login-status")
        assert "administrator" in status and "kiosk set-pin" not in status


async def test_wrong_pins_lock_then_good_pin_after_wait(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "1111")
        assert "Liko bandymų: 4" in text_of(app, "#login-status")
        for _ in range(4):
            await login(pilot, "1111")
        assert "Per daug" in text_of(app, "#login-status")
        assert app.screen.query_one("#login-pin", Input).disabled
        # The clock moves past the lock; the prompt opens again and the right PIN works.
        demo.clock.advance(seconds=31)  # type: ignore[attr-defined]
        app.screen._unlock()  # what the lock timer calls
        await login(pilot)
        assert isinstance(app.screen, ConsoleScreen)


async def test_idle_logout_returns_to_the_pin_prompt(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        # Only now a short quiet spell: a busy machine cannot log out before the login is seen.
        app.librarian_idle_seconds = 0.2
        app.reset_idle()
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert not app.session.librarian


async def test_logout_key(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_escape_never_quits_the_console_and_quit_asks_first(demo: Services) -> None:
    """The PIN prompt is where the idle logout lands: a stray Escape there must not end the
    console for the day. Quit is a button, and it asks (Quit / Stay)."""
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        app.librarian_idle_seconds = 0.2  # the idle logout brings the prompt back
        app.reset_idle()
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.librarian_idle_seconds = 3600
        app.reset_idle()
        app.screen.query_one("#login-pin", Input).value = "12"
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#login-pin", Input).value == ""  # Escape empties the field

        await pilot.click("#login-quit")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("escape")  # backing out of the question stays too
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LoginScreen)
        await pilot.click("#login-quit")
        await settle(pilot)
        await pilot.click("#confirm-no")  # Stay
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LoginScreen)

        await pilot.click("#login-quit")
        await settle(pilot)
        await pilot.click("#confirm-yes")  # Quit
        await wait_until(pilot, lambda: not app.is_running)
    assert app.return_value is ExitReason.QUIT


async def test_escape_at_the_kiosk_prompt_goes_back_to_the_visitor(demo: Services) -> None:
    set_pin(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert not app.screen.query("#login-quit")  # the kiosk has no Quit
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and not isinstance(app.screen, LoginScreen)


async def console(pilot) -> TodayPane:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await login(pilot)
    assert isinstance(pilot.app.screen, ConsoleScreen)
    return pilot.app.screen.query_one(TodayPane)


async def test_today_table_actions_and_overdue(demo: Services) -> None:
    set_pin(demo)
    put_booking(demo, code="TARDY3", start=NOW - timedelta(minutes=30), name="Ona")
    put_booking(
        demo,
        code="NEXT34",
        start=NOW + timedelta(hours=6),
        name="Petras",
        scout="austeja",
        topic="email",
        place="Skaitykla, 1 stalas",
    )
    put_booking(demo, code="TMRW46", start=NOW + timedelta(days=1), name="Rytas")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await console(pilot)
        rows = table_rows(app)
        assert [r[1] for r in rows] == ["TARDY3", "NEXT34"]  # today only
        assert "VĖLUOJA" in rows[0][3]  # overdue shows in words, not only colour
        assert rows[1][3] == "Laukiama" and rows[1][2] == "Petras"
        assert "vėluoja 1" in text_of(app, "#today-summary")

        await pilot.press("i")  # check in the first row
        await settle(pilot)
        assert demo.booking.lookup("TARDY3").status == "checked_in"
        assert "atvyko" in text_of(app, "#today-message")
        await pilot.press("i")  # again: told plainly, nothing changes
        await settle(pilot)
        assert "Jau atvyko" in text_of(app, "#today-message")
        await pilot.press("d")
        await settle(pilot)
        assert demo.booking.lookup("TARDY3").status == "done"

        pane.query_one("#today-table", DataTable).move_cursor(row=1)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, YesNoScreen)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert demo.booking.lookup("NEXT34").status == "cancelled"
        await pilot.press("n")  # a cancelled booking cannot be a no-show: said plainly
        await settle(pilot)
        assert "Neatvykusiu" in text_of(app, "#today-message")

        await pilot.press("right_square_bracket")  # next day
        await settle(pilot)
        assert [r[1] for r in table_rows(app)] == ["TMRW46"]


async def test_filters(demo: Services) -> None:
    set_pin(demo)
    put_booking(demo, code="AAA111", start=NOW + timedelta(hours=6), name="Ona")
    put_booking(
        demo,
        code="BBB222",
        start=NOW + timedelta(hours=2),
        name="Jonas",
        scout="austeja",
        topic="email",
        status=BookingStatus.CANCELLED,
    )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await console(pilot)
        pane.query_one("#today-status", Select).value = "cancelled"
        await settle(pilot)
        assert [r[1] for r in table_rows(app)] == ["BBB222"]
        pane.query_one("#today-status", Select).clear()
        pane.query_one("#today-scout", Select).value = "lukas"
        await settle(pilot)
        assert [r[1] for r in table_rows(app)] == ["AAA111"]
        pane.query_one("#today-scout", Select).clear()
        pane.query_one("#today-topic", Select).value = "email"
        await settle(pilot)
        assert [r[1] for r in table_rows(app)] == ["BBB222"]


async def test_markup_in_a_name_shows_as_plain_text(demo: Services) -> None:
    set_pin(demo)
    odd = 'Ona, "[b]Jr[/b]" [red]x'
    put_booking(demo, code="MARK01", start=NOW + timedelta(hours=6), name=odd)
    app = make_console(demo)
    async with app.run_test(size=(160, 40)) as pilot:
        await console(pilot)
        table = app.screen.query_one("#today-table", DataTable)
        cell = table.get_row_at(0)[2]
        assert cell.plain == odd and not cell.spans


async def test_walk_in_booking(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#walkin-topic", Select).value = "e-banking"
        await settle(pilot)
        assert dialog.query_one("#walkin-slot", Select).value == "0"
        dialog.query_one("#walkin-name", Input).value = "Jo4nas"
        await pilot.click("#walkin-book")
        await settle(pilot)
        assert "skaičių" in text_of(app, "#walkin-message")  # refused plainly, dialog stays
        dialog.query_one("#walkin-name", Input).value = "Jonas"
        remind = dialog.query_one("#walkin-remind", Checkbox)
        assert remind.value is False  # the visitor's answer: No unless they agree
        remind.value = True
        await pilot.click("#walkin-book")
        await settle(pilot)
        assert "telefono" in text_of(app, "#walkin-message")  # a reminder needs the phone
        dialog.query_one("#walkin-phone", Input).value = "8 612 34567"
        await pilot.click("#walkin-book")
        await settle(pilot)
        assert isinstance(app.screen, DeskTicketScreen)  # the new booking's ticket, to show
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        (booking,) = demo.booking.bookings()
        assert booking.name == "Jonas" and booking.source == "librarian"
        assert booking.phone == "+37061234567" and booking.remind
        assert booking.code in text_of(app, "#today-message")


async def test_two_consoles_share_one_data_dir(demo: Services, data_dir: Path) -> None:
    set_pin(demo)
    other = build_services(data_dir, FixedClock(NOW))
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        assert table_rows(app) == []
        slot = other.booking.free_slots("e-banking")[0]
        ticket = other.booking.book("e-banking", slot.start, "Aldona")
        app.screen.check_for_changes()  # what the 2-second poll runs
        await settle(pilot)
        assert slot.start.date() != NOW.date() or ticket.booking.code in [
            r[1] for r in table_rows(app)
        ]
        # Show the slot's day, and the booking made by the other process is there.
        pane = app.screen.query_one(TodayPane)
        pane.day = slot.start.date()
        pane.reload()
        await settle(pilot)
        assert [r[1] for r in table_rows(app)] == [ticket.booking.code]
        other.booking.cancel(ticket.booking.code)
        app.screen.check_for_changes()
        await settle(pilot)
        assert "Atšaukta" in table_rows(app)[0][3]


async def test_file_events_pick_up_changes(demo: Services, data_dir: Path) -> None:
    set_pin(demo)
    other = build_services(data_dir, FixedClock(NOW))  # as another process would
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        assert app.watcher.mode == "events"
        put_booking(other, code="POLL01", start=NOW + timedelta(hours=3))
        await wait_until(pilot, lambda: bool(table_rows(app)), limit=5)
        assert [r[1] for r in table_rows(app)] == ["POLL01"]


async def test_polling_is_the_fallback(demo: Services, data_dir: Path) -> None:
    set_pin(demo)
    other = build_services(data_dir, FixedClock(NOW))
    app = make_console(demo, watch_events=False)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        assert app.watcher.mode == "polling"
        put_booking(other, code="POLL02", start=NOW + timedelta(hours=3))
        await wait_until(pilot, lambda: bool(table_rows(app)), limit=10)
        assert [r[1] for r in table_rows(app)] == ["POLL02"]


async def test_new_scout_with_weekly_time_and_warning(demo: Services) -> None:
    set_pin(demo)
    # Lukas works Tuesdays 15-18; a booking at 16:00 today.
    put_booking(demo, code="LUK001", start=NOW.replace(hour=16), name="Ona")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.click("#scouts-new")
        await settle(pilot)
        form = app.screen
        form.query_one("#scout-name", Input).value = "Rūta B."
        form.query_one("#scout-topics", SelectionList).select("email")
        await pilot.click(".lib-form-save")
        await settle(pilot)
        scout = next(s for s in demo.catalog.scouts() if s.name == "Rūta B.")
        assert scout.id == "rūta" and scout.topics == ["email"] and scout.languages == ["lt"]

        await pilot.click("#weekly-add")
        await settle(pilot)
        form = app.screen
        form.query_one("#weekly-weekday", Select).value = 3
        form.query_one("#weekly-start", Input).value = "9:00"
        await pilot.click(".lib-form-save")
        await settle(pilot)
        assert "14:00" in text_of(app, ".lib-form-message")  # "write times like 14:00"
        form.query_one("#weekly-start", Input).value = "13:00"
        form.query_one("#weekly-end", Input).value = "15:00"
        form.query_one("#weekly-place", Input).value = "Skaitykla, 3 stalas"
        await pilot.click(".lib-form-save")
        await settle(pilot)
        (weekly,) = demo.catalog.weekly_times("rūta")
        assert (weekly.weekday, weekly.start, weekly.end) == (3, "13:00", "15:00")
        assert any(s.scout == "rūta" for s in demo.booking.free_slots("email"))

        # Changing Lukas's Tuesday (which has a booking) warns and lists the booking.
        stable = app.screen.query_one("#scouts-table", DataTable)
        stable.move_cursor(row=stable.get_row_index("lukas"))
        await settle(pilot)
        wtable = app.screen.query_one("#weekly-table", DataTable)
        wtable.move_cursor(row=0)  # Tuesday 15-18
        await pilot.click("#weekly-edit")
        await settle(pilot)
        app.screen.query_one("#weekly-end", Input).value = "16:00"
        await pilot.click(".lib-form-save")
        await settle(pilot)
        assert isinstance(app.screen, YesNoScreen)
        assert "LUK001" in " ".join(str(s.render()) for s in app.screen.query(Static))
        await pilot.click("#confirm-no")
        await settle(pilot)
        assert next(w for w in demo.catalog.weekly_times("lukas") if w.weekday == 1).end == "18:00"


async def test_topics_toggle_reorder_and_edit(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("f4")
        await settle(pilot)
        app.screen.query_one("#topics-table", DataTable).focus()
        await pilot.press("space")
        await settle(pilot)
        assert not demo.catalog.topics()[0].active
        assert "smartphone" not in [t.slug for t in demo.booking.topics()]
        await pilot.press("j")
        await settle(pilot)
        assert [t.slug for t in demo.catalog.topics()][:2] == ["email", "smartphone"]
        await pilot.click("#topics-edit")
        await settle(pilot)
        app.screen.query_one("#topic-name-en", Input).value = "Phones"
        await pilot.click("#topic-save")
        await settle(pilot)
        assert demo.booking.topic("smartphone").names["en"] == "Phones"


async def test_settings_save_and_refuse(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("f7")
        await settle(pilot)
        app.screen.query_one("#set-retention_days", Input).value = "0"
        app.screen.query_one("#settings-save").press()  # below the fold: Settings opens at top
        await settle(pilot)
        assert "nuo 1 iki 365" in text_of(app, "#settings-message")
        app.screen.query_one("#set-retention_days", Input).value = "14"
        app.screen.query_one("#set-library_phone", Input).value = "8 5 21"
        app.screen.query_one("#settings-save").press()
        await settle(pilot)
        refused = text_of(app, "#settings-message")
        app.screen.query_one("#set-library_phone", Input).value = "8 5 212 3456"
        app.screen.query_one("#hours-6", Input).value = "11:00-15:00"
        app.screen.query_one("#settings-save").press()
        await settle(pilot)
        s = demo.catalog.settings()
        assert s.retention_days == 14 and s.hours_on(6).open == "11:00"  # type: ignore[union-attr]
        assert s.library_phone == "+37052123456"
        assert app.screen.query_one("#set-library_phone", Input).value == "+370 5 212 3456"
    assert "telefon" in refused.lower(), refused


async def test_activity_form_from_booking_and_standalone(demo: Services) -> None:
    set_pin(demo)
    put_booking(
        demo,
        code="ACT001",
        start=NOW - timedelta(minutes=10),
        name="Ona",
        status=BookingStatus.CHECKED_IN,
        minutes=45,
    )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#activity-minutes", Input).value == "45"
        assert form.query_one("#activity-scout", Select).value == "lukas"
        assert form.query_one("#activity-topics", SelectionList).selected == ["e-banking"]
        form.query_one("#age-65_74").value = True
        form.query_one("#outcome-solved").value = True
        form.query_one("#activity-note", Input).value = "skambinti 861234567"
        form.query_one("#activity-save").press()
        await settle(pilot)
        assert "telefono" in text_of(app, "#activity-message")  # refused: personal data
        form.query_one("#activity-note", Input).value = "Įdiegė banko programėlę"
        form.query_one("#activity-save").press()
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        (record,) = ActivityService(demo.store, demo.clock).records()
        assert (record.minutes, record.age_group, record.outcome, record.booking_id) == (
            45,
            "65_74",
            "solved",
            "id-ACT001",
        )
        assert demo.booking.lookup("ACT001").status == "done"

        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        form = app.screen
        form.query_one("#activity-scout", Select).value = "ieva"
        form.query_one("#activity-topics", SelectionList).select("photos")
        form.query_one("#age-75_plus").value = True
        form.query_one("#outcome-follow_up").value = True
        form.query_one("#visit-repeat").value = True
        form.query_one("#activity-save").press()
        await settle(pilot)
        records = ActivityService(demo.store, demo.clock).records()
        assert len(records) == 2
        new = next(r for r in records if r.booking_id is None)
        assert (new.scout, new.topics, new.first_visit) == ("ieva", ["photos"], False)
        assert len(table_rows(app, "#activity-table")) == 2


async def test_results_and_export_from_the_screen(demo: Services) -> None:
    set_pin(demo)
    put_booking(demo, code="RES001", start=NOW - timedelta(days=2), status=BookingStatus.NO_SHOW)
    put_booking(
        demo,
        code="RES002",
        start=NOW - timedelta(days=1),
        status=BookingStatus.DONE,
        name='Ona, "Jr"',
    )
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert "neatvyko 50,0 %" in text_of(app, "#results-totals")  # a decimal comma
        await pilot.click("#results-csv")
        await settle(pilot)
        path = Path(app.screen.query_one("#results-pane").last_export)
        assert path.name == "rezultatai-2026-11-01-2026-11-30.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        await pilot.click("#results-bookings")  # XLSX first: phones as text cells
        await settle(pilot)
        path = Path(app.screen.query_one("#results-pane").last_export)
        assert path.name == "registracijos-2026-11-01-2026-11-30.xlsx"
        sheet = load_workbook(path).active
        assert sheet.cell(row=1, column=8).value == "Vardas"  # headers in the console's words
        assert [r[7].value for r in sheet.iter_rows(min_row=2)] == ["Ona", 'Ona, "Jr"']
        await pilot.click("#results-bookings-csv")
        await settle(pilot)
        path = Path(app.screen.query_one("#results-pane").last_export)
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
        assert rows[0][7] == "Vardas"
        assert [r[7] for r in rows[1:]] == ["Ona", 'Ona, "Jr"']


async def test_privacy_purge_and_backup_restore(demo: Services) -> None:
    set_pin(demo)
    put_booking(demo, code="OLD001", start=datetime(2026, 9, 1, 10, tzinfo=TZ), name="Ona")
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)  # opening the console runs the retention purge
        assert demo.booking.lookup("OLD001").name == ""
        await pilot.press("f8")
        await settle(pilot)
        assert "OLD001" in " ".join(r[2] for r in table_rows(app, "#purge-table"))
        await pilot.click("#backup-make")
        await settle(pilot)
        assert len(table_rows(app, "#backup-table")) >= 1
        put_booking(demo, code="NEW001", start=NOW + timedelta(hours=6))
        app.screen.check_for_changes()
        await settle(pilot)
        table = app.screen.query_one("#backup-table", DataTable)
        made = [i for i, r in enumerate(table_rows(app, "#backup-table")) if "manual" in r[0]]
        table.move_cursor(row=made[0])
        await pilot.click("#backup-restore")
        await settle(pilot)
        assert isinstance(app.screen, YesNoScreen)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert "NEW001" not in [b.code for b in demo.booking.bookings()]
        assert "Atkurta" in text_of(app, "#privacy-message")


async def test_an_e_scouts_first_day_is_set_in_the_form_and_bounds_the_activity_form(
    demo: Services,
) -> None:
    """A new e-scout's first day is today unless typed; one that is no date is refused in
    words; a form dated before it is refused on screen and nothing is saved."""
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await console(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.click("#scouts-new")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#scout-first-day", Input).value == NOW.date().isoformat()
        form.query_one("#scout-name", Input).value = "Rūta B."
        form.query_one("#scout-topics", SelectionList).select("email")
        form.query_one("#scout-first-day", Input).value = "2026-13-01"
        await pilot.click(".lib-form-save")
        await settle(pilot)
        assert text_of(app, ".lib-form-message")  # refused in words, the form stays
        assert not any(s.id == "rūta" for s in demo.catalog.scouts())
        form.query_one("#scout-first-day", Input).value = "2026-11-02"
        await pilot.click(".lib-form-save")
        await settle(pilot)
        await wait_until(pilot, lambda: any(s.id == "rūta" for s in demo.catalog.scouts()))
        assert demo.booking.scout("rūta").first_day == "2026-11-02"

        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        form = app.screen
        form.query_one("#activity-date", Input).value = "2026-11-01"
        form.query_one("#activity-scout", Select).value = "rūta"
        form.query_one("#activity-topics", SelectionList).select("email")
        form.query_one("#age-75_plus").value = True
        form.query_one("#outcome-solved").value = True
        form.query_one("#activity-save").press()
        await settle(pilot)
        said = text_of(app, "#activity-message")
        assert "2026-11-01" in said and "2026-11-02" in said, said
        assert ActivityService(demo.store, demo.clock).records() == []
