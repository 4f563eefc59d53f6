"""The librarian edits places and their directions, what to bring per topic, and the printer."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from kiosk.services import Services
from screens.librarian.places import PlaceFormScreen
from tests.conftest import set_pin
from tests.ui.conftest import login, make_console, settle, text_of

SIZE = (120, 40)


async def _console(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await login(pilot)
    await settle(pilot)


async def test_places_tab_edits_directions_and_adds_a_place(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f10")
        await settle(pilot)
        table = app.screen.query_one("#places-table", DataTable)
        assert table.row_count == len(demo.catalog.places())
        table.focus()
        await pilot.click("#places-edit")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlaceFormScreen) and form.place is not None
        name = form.place.name
        assert form.query_one("#place-name", Input).disabled  # the key of bookings' history
        form.query_one("#place-directions-lt", Input).value = "Antras aukštas, kairėje"
        form.query_one("#place-directions-en", Input).value = "Second floor, on the left"
        await pilot.click("#place-save")
        await settle(pilot)
        saved = demo.catalog.place(name)
        assert saved is not None and saved.how_to_find("en") == "Second floor, on the left"
        assert saved.how_to_find("lt") == "Antras aukštas, kairėje"

        await pilot.click("#places-new")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlaceFormScreen)
        await pilot.click("#place-save")  # no name: refused in words, the form stays
        await settle(pilot)
        assert app.screen is form and "vietą" in text_of(app, "#place-message")
        form.query_one("#place-name", Input).value = "Palėpė"
        form.query_one("#place-name-en", Input).value = "Attic"
        form.query_one("#place-directions-lt", Input).value = "4 aukštas"
        await pilot.click("#place-save")
        await settle(pilot)
        added = demo.catalog.place("Palėpė")
        assert added is not None and added.label("en") == "Palėpė (Attic)"


async def test_topic_form_edits_what_to_bring(demo: Services) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f4")
        await settle(pilot)
        app.screen.query_one("#topics-table", DataTable).focus()
        await pilot.click("#topics-edit")
        await settle(pilot)
        field = app.screen.query_one("#topic-bring-lt", Input)
        assert field.value == demo.booking.topic("smartphone").bring("lt")
        field.value = "Telefoną, įkroviklį ir akinius"
        app.screen.query_one("#topic-bring-en", Input).value = ""
        await pilot.click("#topic-save")
        await settle(pilot)
        topic = demo.booking.topic("smartphone")
        # The English text emptied is gone; the other languages' texts are kept.
        assert topic.what_to_bring["lt"] == "Telefoną, įkroviklį ir akinius"
        assert "en" not in topic.what_to_bring and topic.what_to_bring["uk"]


async def test_settings_pane_saves_a_network_printer_and_refuses_half_a_usb_one(
    demo: Services,
) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=SIZE) as pilot:
        await _console(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#set-printer_kind", Select).value = "usb"
        screen.query_one("#set-printer_usb_vendor", Input).value = "04b8"
        screen.query_one("#settings-save").press()
        await settle(pilot)
        assert "spausdintuvo" in text_of(app, "#settings-message")
        assert demo.catalog.settings().printer_kind == "none"
        screen.query_one("#set-printer_kind", Select).value = "network"
        screen.query_one("#set-printer_host", Input).value = "192.0.2.10"
        screen.query_one("#set-ticket_idle_seconds", Input).value = "240"
        screen.query_one("#settings-save").press()
        await settle(pilot)
        s = demo.catalog.settings()
        assert (s.printer_kind, s.printer_host, s.printer_port) == ("network", "192.0.2.10", 9100)
        assert s.ticket_idle_seconds == 240
