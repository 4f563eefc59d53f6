"""The E-scouts tab's card and PIN buttons, every button in reach at 80x24 and 120x40, and
the missed-shift notice on every open console."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input

from kiosk.domain.clock import TZ
from kiosk.services import Services, build_services
from screens.librarian import ConsoleScreen
from screens.librarian.scouts import ScoutsPane
from tests.conftest import NOW, put_booking, set_pin
from tests.ui.conftest import (
    BIG,
    SMALL,
    click,
    login,
    make_console,
    settle,
    side_by_side,
    text_of,
    wait_until,
)

SCOUT_PIN = "13579"


async def _open_scouts(pilot: Pilot[Any], scout: str = "lukas") -> None:
    await settle(pilot)
    await login(pilot)
    await pilot.press("f3")
    await settle(pilot)
    table = pilot.app.screen.query_one("#scouts-table", DataTable)
    table.move_cursor(row=table.get_row_index(scout))
    await settle(pilot)


@pytest.mark.parametrize("size", [SMALL, BIG])
async def test_every_button_of_the_pane_is_in_reach(demo: Services, size: tuple[int, int]) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=size) as pilot:
        await _open_scouts(pilot)
        pane = app.screen.query_one(ScoutsPane)
        buttons = list(pane.query(Button))
        assert len(buttons) == 13
        for button in buttons:
            region = button.region
            label = str(button.label)
            assert region.width >= len(label), (label, region)  # the whole label on show
            middle = (region.x + region.width // 2, region.y + region.height // 2)
            found, _ = app.screen.get_widget_at(*middle)
            assert found is button, (label, region, found)
        for row in pane.query(".lib-buttons"):
            assert row.virtual_size.width <= row.size.width  # nothing to scroll sideways to


async def test_pin_card_reissue_and_revoke_from_the_console(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SMALL) as pilot:
        await _open_scouts(pilot)
        assert "PIN: Ne" in text_of(app, "#scouts-access")

        await click(pilot, "#scouts-pin")
        app.screen.query_one("#scout-pin-first", Input).value = SCOUT_PIN
        app.screen.query_one("#scout-pin-again", Input).value = "97531"
        await click(pilot, "#scout-pin-save")
        assert "nesutampa" in text_of(app, "#scout-pin-message")
        app.screen.query_one("#scout-pin-again", Input).value = SCOUT_PIN
        await click(pilot, "#scout-pin-save")
        await wait_until(pilot, lambda: "PIN: Taip" in text_of(app, "#scouts-access"))
        assert demo.scout_access.has_pin("lukas")

        # No receipt printer: the card is saved as an SVG and a PDF among the exports.
        await click(pilot, "#scouts-card")
        await wait_until(pilot, lambda: "Kortelė: Taip" in text_of(app, "#scouts-access"))
        message = text_of(app, "#scouts-message")
        files = sorted((demo.data_dir / "exports").glob("card-lukas-*"))
        assert [p.suffix for p in files] == [".pdf", ".svg"]
        assert str(files[0]) in message or str(files[1]) in message
        first = demo.scout_access.credentials()["lukas"].card_hash

        await click(pilot, "#scouts-card")  # there is a card: asked first
        await click(pilot, "#confirm-yes")
        await wait_until(pilot, lambda: demo.scout_access.credentials()["lukas"].card_hash != first)

        await click(pilot, "#scouts-card-revoke")
        await click(pilot, "#confirm-yes")
        await wait_until(pilot, lambda: "Kortelė: Ne" in text_of(app, "#scouts-access"))
        assert not demo.scout_access.has_card("lukas")


def _missed(app: Any) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(".lib-missed Static"))


async def test_a_missed_shift_shows_in_every_console_until_dismissed(demo: Services) -> None:
    set_pin(demo)
    # 15:10 on Tuesday: Lukas's shift began at 15:00 and he has not said "here".
    demo.clock.advance(seconds=(datetime(2026, 11, 24, 15, 10, tzinfo=TZ) - NOW).total_seconds())  # type: ignore[attr-defined]
    first = make_console(build_services(demo.data_dir, demo.clock))
    second = make_console(build_services(demo.data_dir, demo.clock))
    async with side_by_side(first, second, sizes=[BIG, SMALL]) as apps:
        c1, c2 = apps.pilots
        for console in (c1, c2):
            await apps.on(console, settle(console))
            await apps.on(console, login(console))
            assert isinstance(console.app.screen, ConsoleScreen)
            assert _missed(console.app) == ""
        put_booking(
            demo,
            code="CALLME",
            start=datetime(2026, 11, 24, 15, 30, tzinfo=TZ),
            name="Ona",
            phone="+37061234567",
        )
        for console in (c1, c2):
            await apps.on(
                console, wait_until(console, lambda app=console.app: "Lukas P." in _missed(app))
            )
            text = _missed(console.app)
            assert "15:00–18:00" in text and "Ona" in text and "+370 612 34567" in text
        await apps.on(c2, click(c2, "#missed-0"))
        for console in (c1, c2):
            await apps.on(console, wait_until(console, lambda app=console.app: _missed(app) == ""))
        assert demo.scout_day.missed_shifts() == []


async def test_saying_here_clears_the_notice(demo: Services) -> None:
    set_pin(demo)
    demo.clock.advance(seconds=(datetime(2026, 11, 24, 15, 10, tzinfo=TZ) - NOW).total_seconds())  # type: ignore[attr-defined]
    put_booking(demo, code="CALLME", start=datetime(2026, 11, 24, 15, 30, tzinfo=TZ))
    app = make_console(build_services(demo.data_dir, demo.clock))
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        await wait_until(pilot, lambda: "Lukas P." in _missed(app))
        demo.scout_day.say_here("lukas")  # at the kiosk, another process
        await wait_until(pilot, lambda: _missed(app) == "")


async def test_the_activity_pane_marks_escouts_forms_and_corrects_them(demo: Services) -> None:
    from kiosk.domain.models import BookingStatus

    set_pin(demo)
    start = datetime(2026, 11, 24, 8, 30, tzinfo=TZ)
    booking = put_booking(demo, code="DONE33", start=start, status=BookingStatus.CHECKED_IN)
    draft = demo.scout_day.form_draft("lukas", booking.id)
    draft.age_group, draft.outcome = "65_74", "solved"
    demo.scout_day.submit_form("lukas", draft)
    app = make_console(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await login(pilot)
        await pilot.press("f5")
        await settle(pilot)
        table = app.screen.query_one("#activity-table", DataTable)
        assert str(table.get_row_at(0)[2]) == "E.\xa0sk."
        await click(pilot, "#activity-correct")
        minutes = app.screen.query_one("#activity-minutes", Input)
        assert minutes.value == "30"
        minutes.value = "40"
        await click(pilot, "#activity-save")
        await wait_until(pilot, lambda: "taisyta" in str(table.get_row_at(0)[2]))
    (record,) = demo.activity.records()
    assert record.minutes == 40 and record.submitted_by == "scout"
    assert [c["by"] for c in record.corrections] == ["librarian"]


async def test_with_a_receipt_printer_the_card_is_printed_not_saved(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from escpos.printer import Dummy

    from kiosk.domain.catalog import CatalogService

    printer = Dummy()
    monkeypatch.setattr("kiosk.paper.printing.open_printer", lambda settings: printer)
    catalog = CatalogService(demo.store, demo.clock)
    settings = dataclasses.replace(
        catalog.settings(), printer_kind="network", printer_host="10.0.0.9"
    )
    catalog.save_settings(settings)
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SMALL) as pilot:
        await _open_scouts(pilot)
        await click(pilot, "#scouts-card")
        await wait_until(pilot, lambda: "atspausdinta" in text_of(app, "#scouts-message"))
    assert b"Lukas P." in printer.output and demo.scout_access.has_card("lukas")
    assert not list((demo.data_dir / "exports").glob("card-*"))
