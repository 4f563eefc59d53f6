"""Places in the library: each place's name and "how to find it", in every visitor language.

Weekly times and extra sessions name a place; the visitor's ticket shows its directions.
A place's Lithuanian name is its key (bookings keep the name they were made with), so
the form changes only the other names and the directions of a place already in use.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input

from kiosk.domain.models import Place
from kiosk.domain.validation import DIRECTIONS_MAX, PLACE_MAX, check_place_record
from kiosk.i18n import DEFAULT_LANGUAGE
from screens.common import cell, services_of, store_work
from screens.dialogs import FormScreen
from screens.librarian.common import ConsolePane, MessageLine, cursor_key
from screens.librarian.translations import LanguageTabs, missing_label, visitor_languages
from screens.widgets.words import Words, WordsLabel


class PlaceFormScreen(FormScreen[Place]):
    FORM_NAME = "place"

    def __init__(self, place: Place | None, languages: list[str] | None = None) -> None:
        super().__init__(id="place-form")
        self.place = place
        self.languages = visitor_languages(languages or [])

    def compose(self) -> ComposeResult:
        t = self.t
        p = self.place
        with Vertical(classes="lib-dialog lib-wide"):
            yield WordsLabel(
                t("lib.places.edit_title" if p else "lib.places.new_title"),
                classes="lib-dialog-title",
            )
            with VerticalScroll(id="place-body"):
                yield WordsLabel(t("lib.places.name_lt"))
                yield Input(
                    p.name if p else "",
                    id="place-name",
                    disabled=p is not None,
                    max_length=PLACE_MAX,
                    placeholder="Skaitykla, 2 stalas",
                )
                yield LanguageTabs(
                    "place", self.languages, ["#place-name-{lang}", "#place-directions-{lang}"]
                )
                yield Words(t("lib.translations.legend"), classes="lib-hint")
                for lang in self.languages:
                    with Vertical(classes=f"lib-lang-fields lang-{lang}"):
                        yield from self._fields(p, lang)
            yield from self.form_buttons()

    def _fields(self, p: Place | None, lang: str) -> ComposeResult:
        t = self.t
        if lang != DEFAULT_LANGUAGE:  # the Lithuanian name is the place's key, above
            yield WordsLabel(t("lib.places.name_in", lang=lang.upper()))
            yield Input(
                p.names.get(lang, "") if p else "", id=f"place-name-{lang}", max_length=PLACE_MAX
            )
        yield WordsLabel(t("lib.places.directions_in", lang=lang.upper(), most=DIRECTIONS_MAX))
        yield Input(
            p.directions.get(lang, "") if p else "",
            id=f"place-directions-{lang}",
            max_length=DIRECTIONS_MAX,
            placeholder=t("lib.places.directions_hint"),
        )

    @on(Input.Changed)
    def _typed(self) -> None:
        tabs = self.query_one(LanguageTabs)
        tabs.show(tabs.chosen)  # a text typed or emptied changes its language's mark

    def build(self) -> Place:
        others = [lang for lang in self.languages if lang != DEFAULT_LANGUAGE]
        name, names, directions = check_place_record(
            self.place.name if self.place else self.value("#place-name"),
            {lang: self.value(f"#place-name-{lang}") for lang in others},
            {lang: self.value(f"#place-directions-{lang}") for lang in self.languages},
        )
        if self.place is not None:  # languages the form does not show keep their texts
            names = {**_other(self.place.names, self.languages), **names}
            directions = {**_other(self.place.directions, self.languages), **directions}
        return Place(name, names, directions)


def _other(texts: dict[str, str], languages: list[str]) -> dict[str, str]:
    return {lang: text for lang, text in texts.items() if lang not in languages}


def place_missing(place: Place, languages: list[str]) -> list[str]:
    """The languages a place lacks its name or its directions in (Lithuanian: directions)."""
    return [
        lang
        for lang in languages
        if not place.directions.get(lang, "").strip()
        or (lang != DEFAULT_LANGUAGE and not place.names.get(lang, "").strip())
    ]


class PlacesPane(Vertical, ConsolePane):
    @dataclass
    class Loaded(Message):
        places: list[Place]
        languages: list[str]  # the languages the library offers

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.places: list[Place] = []
        self.languages: list[str] = []

    def compose(self) -> ComposeResult:
        t = self.t
        yield Words(t("lib.places.intro"), id="places-intro")
        yield DataTable(id="places-table", cursor_type="row", zebra_stripes=True)
        yield MessageLine(id="places-message", marks_success=False)
        with Horizontal(classes="lib-buttons"):
            yield Button(t("lib.places.edit"), id="places-edit")
            yield Button(t("lib.places.new"), id="places-new", variant="primary")

    def on_mount(self) -> None:
        t = self.t
        table = self.query_one("#places-table", DataTable)
        table.add_column(t("lib.places.col.name"), key="name", width=26)
        # Beside the name: in sight at 80x24 too.
        table.add_column(t("lib.col.translations"), key="translations", width=18)
        for key, width in (("name_en", 20), ("directions_lt", 40)):
            table.add_column(t(f"lib.places.col.{key}"), key=key, width=width)
        self.reload()

    def reload(self) -> None:
        self._load()

    @store_work(group="places-load")
    def _load(self) -> None:
        catalog = services_of(self).catalog
        self.post_message(self.Loaded(catalog.places(), catalog.settings().languages))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.places = message.places
        self.languages = message.languages
        languages = visitor_languages(self.languages)
        t = self.t
        table = self.query_one("#places-table", DataTable)
        table.clear()
        for p in self.places:
            directions = p.directions.get("lt", "")
            table.add_row(
                cell(p.name),
                cell(missing_label(t, place_missing(p, languages))),
                cell(p.names.get("en", "")),
                cell(directions or t("lib.places.no_directions"), "" if directions else "dim"),
                key=p.name,
            )

    def _selected(self) -> Place | None:
        key = cursor_key(self.query_one("#places-table", DataTable))
        if key is None:
            return None
        return next((p for p in self.places if p.name == key), None)

    @on(Button.Pressed, "#places-edit")
    def _edit(self) -> None:
        if (place := self._selected()) is not None:
            self._form(place)

    @on(Button.Pressed, "#places-new")
    def _new(self) -> None:
        self._form(None)

    def _form(self, place: Place | None) -> None:
        catalog = services_of(self).catalog

        def done(result: Place | None) -> None:
            if result is not None:
                self.write(lambda: catalog.save_place(result))

        self.app.push_screen(PlaceFormScreen(place, self.languages), done)
