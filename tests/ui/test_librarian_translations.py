"""The console's topic and place forms take every visitor language; what is missing is marked."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input

from kiosk.services import Services
from screens.librarian.places import PlaceFormScreen
from screens.librarian.topics import TopicFormScreen
from tests.conftest import set_pin
from tests.ui.conftest import click, login, make_console, settle

LANGUAGES = ["lt", "en", "ru", "uk", "pl"]


async def _console(pilot: Pilot[Any], key: str) -> None:
    await settle(pilot)
    await login(pilot)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


def _row_text(table: DataTable[Any], key: str) -> str:
    return " | ".join(str(value) for value in table.get_row(key))


def _shown_fields(pilot: Pilot[Any]) -> set[str]:
    return {
        field.id or "" for field in pilot.app.screen.query(Input) if field.display and field.region
    }


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_topic_form_edits_one_language_at_a_time(demo: Services, size: Any) -> None:
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=size) as pilot:
        await _console(pilot, "f4")
        app.screen.query_one("#topics-table", DataTable).focus()
        await click(pilot, "#topics-edit")
        form = app.screen
        assert isinstance(form, TopicFormScreen)
        tabs = [b.id for b in form.query("#topic-langs Button").results(Button)]
        assert tabs == [f"topic-lang-{lang}" for lang in LANGUAGES]
        # Three fields of one language, not fifteen: Lithuanian first.
        assert {"topic-name-lt", "topic-desc-lt", "topic-bring-lt"} <= _shown_fields(pilot)
        assert "topic-name-uk" not in _shown_fields(pilot)
        await click(pilot, "#topic-lang-uk")
        assert "topic-name-uk" in _shown_fields(pilot) and "topic-name-lt" not in _shown_fields(
            pilot
        )
        assert form.query_one("#topic-name-uk", Input).value == "Смартфон"
        form.query_one("#topic-name-uk", Input).value = ""
        await settle(pilot)
        # An emptied name marks its language: the visitor there would read Lithuanian.
        assert str(form.query_one("#topic-lang-uk", Button).label).endswith("UK*")
        await click(pilot, "#topic-lang-pl")
        form.query_one("#topic-name-pl", Input).value = "Smartfon i tablet"
        await click(pilot, "#topic-save")
        topic = demo.booking.topic("smartphone")
        assert topic.names["pl"] == "Smartfon i tablet" and "uk" not in topic.names
        assert topic.name("uk") == topic.names["lt"]  # the visitor sees Lithuanian
        table = app.screen.query_one("#topics-table", DataTable)
        assert "trūksta: UK" in _row_text(table, "smartphone")
        assert "✓ visi vertimai" in _row_text(table, "email")


async def test_topics_list_marks_a_topic_without_russian_and_polish_names(
    demo: Services,
) -> None:
    topic = demo.booking.topic("email")
    names = {k: v for k, v in topic.names.items() if k not in ("ru", "pl")}
    demo.catalog.save_topic(replace(topic, names=names))
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await _console(pilot, "f4")
        table = app.screen.query_one("#topics-table", DataTable)
        assert "trūksta: RU, PL" in _row_text(table, "email")
        assert "trūksta" not in _row_text(table, "smartphone")


async def test_topics_list_and_form_mark_a_missing_description_or_what_to_bring(
    demo: Services,
) -> None:
    # Names in every language, but no English description and no Polish "what to bring".
    topic = demo.booking.topic("email")
    descriptions = {k: v for k, v in topic.descriptions.items() if k != "en"}
    bring = {k: v for k, v in topic.what_to_bring.items() if k != "pl"}
    demo.catalog.save_topic(replace(topic, descriptions=descriptions, what_to_bring=bring))
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await _console(pilot, "f4")
        table = app.screen.query_one("#topics-table", DataTable)
        assert "trūksta: EN, PL" in _row_text(table, "email")
        table.focus()
        table.move_cursor(row=table.get_row_index("email"))
        await click(pilot, "#topics-edit")
        form = app.screen
        assert isinstance(form, TopicFormScreen)
        labels = {b.id: str(b.label) for b in form.query("#topic-langs Button").results(Button)}
        assert labels["topic-lang-en"].endswith("EN*") and labels["topic-lang-pl"].endswith("PL*")
        assert not labels["topic-lang-ru"].endswith("*")
        await click(pilot, "#topic-lang-en")
        form.query_one("#topic-desc-en", Input).value = "Writing, reading and sending e-mail"
        await settle(pilot)
        assert not str(form.query_one("#topic-lang-en", Button).label).endswith("*")
        await click(pilot, "#topic-save")
        assert "trūksta: PL" in _row_text(app.screen.query_one("#topics-table", DataTable), "email")


async def test_place_form_takes_names_and_directions_in_every_language(demo: Services) -> None:
    place = demo.catalog.place("Kompiuterių klasė")
    assert place is not None
    demo.catalog.save_place(replace(place, directions={"lt": place.directions["lt"]}))
    set_pin(demo)
    app = make_console(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await _console(pilot, "f10")
        table = app.screen.query_one("#places-table", DataTable)
        assert "trūksta: EN, RU, UK, PL" in _row_text(table, "Kompiuterių klasė")
        assert "✓ visi vertimai" in _row_text(table, "Renginių salė")
        table.focus()
        table.move_cursor(row=[p.name for p in demo.catalog.places()].index("Kompiuterių klasė"))
        await click(pilot, "#places-edit")
        form = app.screen
        assert isinstance(form, PlaceFormScreen)
        assert str(form.query_one("#place-lang-ru", Button).label) == "RU*"
        await click(pilot, "#place-lang-ru")
        assert form.query_one("#place-name-ru", Input).value == "Компьютерный класс"
        form.query_one("#place-directions-ru", Input).value = "1-й этаж, налево, кабинет 105."
        await click(pilot, "#place-save")
        saved = demo.catalog.place("Kompiuterių klasė")
        assert saved is not None and saved.how_to_find("ru") == "1-й этаж, налево, кабинет 105."
        assert saved.label("ru") == "Kompiuterių klasė (Компьютерный класс)"
        assert "trūksta: EN, UK, PL" in _row_text(
            app.screen.query_one("#places-table", DataTable), "Kompiuterių klasė"
        )
