"""Library settings: name, opening hours, booking rules, retention, idle times, closures."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, Static

from kiosk.catalog import check_span, new_id, parse_day
from kiosk.errors import KioskError, ValidationError
from kiosk.models import Closure, OpeningHours, Settings
from screens.librarian.common import (
    ConfirmScreen,
    booking_line,
    error_text,
    plain,
    services_of,
    t,
)

# field, lowest, highest
NUMBERS: list[tuple[str, int, int]] = [
    ("slot_minutes", 10, 120),
    ("horizon_days", 1, 90),
    ("min_notice_minutes", 0, 1440),
    ("max_future_bookings", 1, 10),
    ("retention_days", 1, 365),
    ("idle_seconds", 20, 600),
    ("idle_countdown_seconds", 5, 120),
    ("ticket_return_seconds", 10, 600),
    ("librarian_idle_seconds", 30, 3600),
    ("backups_keep", 1, 100),
]


@dataclass
class SettingsData:
    settings: Settings
    closures: list[Closure]


class SettingsPane(VerticalScroll):
    @dataclass
    class Loaded(Message):
        data: SettingsData

    def compose(self) -> ComposeResult:
        yield Label(t("lib.settings.library"), classes="lib-heading")
        with Grid(id="settings-grid", classes="lib-grid"):
            yield Label(t("lib.settings.library_name"))
            yield Input(id="set-library_name", max_length=100)
            yield Label(t("lib.settings.languages"))
            yield Input(id="set-languages", max_length=40, placeholder="lt, en")
            for name, low, high in NUMBERS:
                yield Label(t(f"lib.settings.{name}", low=low, high=high))
                yield Input(id=f"set-{name}", restrict=r"[0-9]*", max_length=4)
        yield Label(t("lib.settings.hours"), classes="lib-heading")
        with Grid(id="hours-grid", classes="lib-grid"):
            for day in range(7):
                yield Label(t(f"lib.weekday.{day}"))
                yield Input(id=f"hours-{day}", max_length=11, placeholder=t("lib.settings.closed"))
        with Horizontal(classes="lib-buttons"):
            yield Button(t("lib.save"), id="settings-save", variant="primary")
        yield Static("", id="settings-message")
        yield Label(t("lib.settings.closures"), classes="lib-heading")
        yield DataTable(id="closures-table", cursor_type="row")
        with Horizontal(classes="lib-toolbar", id="closure-form"):
            yield Input(id="closure-first", placeholder=t("lib.settings.first"), max_length=10)
            yield Input(id="closure-last", placeholder=t("lib.settings.last"), max_length=10)
            yield Input(id="closure-reason", placeholder=t("lib.settings.reason"), max_length=60)
            yield Button(t("lib.settings.add_closure"), id="closure-add", variant="primary")
            yield Button(t("lib.settings.remove_closure"), id="closure-remove", variant="error")

    def on_mount(self) -> None:
        self.query_one("#closures-table", DataTable).add_columns(
            t("lib.settings.first"), t("lib.settings.last"), t("lib.settings.reason")
        )
        self.reload()

    def reload(self) -> None:
        if any(i.has_focus for i in self.query(Input)):
            return  # don't overwrite what the librarian is typing
        self._load()

    @work(thread=True, exclusive=True, group="settings-load")
    def _load(self) -> None:
        c = services_of(self).catalog
        self.post_message(self.Loaded(SettingsData(c.settings(), c.closures())))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        s = message.data.settings
        self.query_one("#set-library_name", Input).value = s.library_name
        self.query_one("#set-languages", Input).value = ", ".join(s.languages)
        for name, _, _ in NUMBERS:
            self.query_one(f"#set-{name}", Input).value = str(getattr(s, name))
        for day in range(7):
            hours = s.hours_on(day)
            self.query_one(f"#hours-{day}", Input).value = (
                f"{hours.open}-{hours.close}" if hours else ""
            )
        table = self.query_one("#closures-table", DataTable)
        table.clear()
        for c in message.data.closures:
            table.add_row(plain(c.first), plain(c.last), plain(c.reason), key=c.id)

    def _say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#settings-message", Static)
        msg.update(plain(text))
        msg.set_class(error, "lib-error")
        msg.set_class(not error, "lib-ok")

    def collect(self, current: Settings) -> Settings:
        changes: dict[str, object] = {}
        name = self.query_one("#set-library_name", Input).value.strip()
        if not name:
            raise ValidationError("library_name", "library_name", "Enter the library's name.")
        changes["library_name"] = name
        languages = [
            x.strip().lower() for x in self.query_one("#set-languages", Input).value.split(",")
        ]
        languages = [x for x in languages if x]
        if not languages or any(not (x.isalpha() and len(x) == 2) for x in languages):
            raise ValidationError("languages", "bad_languages", "Languages: two-letter codes.")
        changes["languages"] = languages
        for field, low, high in NUMBERS:
            text = self.query_one(f"#set-{field}", Input).value.strip()
            if not text.isdigit() or not low <= int(text) <= high:
                raise ValidationError(
                    field,
                    "number_range",
                    t(
                        "lib.settings.range",
                        field=t(f"lib.settings.{field}", low=low, high=high),
                        low=low,
                        high=high,
                    ),
                )
            changes[field] = int(text)
        hours = []
        for day in range(7):
            text = self.query_one(f"#hours-{day}", Input).value.strip()
            if not text:
                continue
            if "-" not in text:
                raise ValidationError("hours", "bad_hours", t("lib.settings.bad_hours"))
            start, end = check_span(*text.split("-", 1))
            hours.append(OpeningHours(day, start, end))
        changes["opening_hours"] = hours
        return replace(current, **changes)  # type: ignore[arg-type]

    @on(Button.Pressed, "#settings-save")
    def save(self) -> None:
        catalog = services_of(self).catalog
        try:
            settings = self.collect(catalog.settings())
        except KioskError as exc:
            self._say(error_text(exc), error=True)
            return
        catalog.save_settings(settings)
        self._say(t("lib.saved"))

    @on(Button.Pressed, "#closure-add")
    def _add_closure(self) -> None:
        catalog = services_of(self).catalog
        try:
            first = parse_day(self.query_one("#closure-first", Input).value)
            last_text = self.query_one("#closure-last", Input).value.strip()
            last = parse_day(last_text) if last_text else first
            if last < first:
                raise ValidationError(
                    "last", "end_before_start", "The end must be after the start."
                )
        except KioskError as exc:
            self._say(error_text(exc), error=True)
            return
        closure = Closure(
            new_id(),
            first.isoformat(),
            last.isoformat(),
            self.query_one("#closure-reason", Input).value.strip(),
        )

        def save(yes: bool | None = True) -> None:
            if yes:
                catalog.save_closure(closure)
                for sel in ("#closure-first", "#closure-last", "#closure-reason"):
                    self.query_one(sel, Input).value = ""
                self._say(t("lib.saved"))
                self._load()

        affected = catalog.affected_by_closure(closure)
        if affected:
            self.app.push_screen(
                ConfirmScreen(
                    t("lib.scouts.affected_title", n=len(affected)),
                    t("lib.settings.closure_affected"),
                    [booking_line(b) for b in affected],
                    yes=t("lib.scouts.save_anyway"),
                ),
                save,
            )
        else:
            save()

    @on(Button.Pressed, "#closure-remove")
    def _remove_closure(self) -> None:
        table = self.query_one("#closures-table", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            services_of(self).catalog.remove_closure(str(key))
            self._say(t("lib.saved"))
            self._load()
