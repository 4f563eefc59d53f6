"""Library settings: name, opening hours, booking rules, retention, idle times, closures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Select

from kiosk.domain.catalog import StaleSave, new_id
from kiosk.domain.errors import KioskError
from kiosk.domain.models import SETTING_RANGES, Booking, Closure, OpeningHours, Settings
from kiosk.domain.validation import (
    check_hours,
    check_library_name,
    check_period,
    display_phone,
    normalize_phone,
    parse_languages,
    parse_setting,
)
from kiosk.paper.printing import PrinterKind, check_printer_settings
from screens.common import cell, services_of, store_work
from screens.dialogs import YesNoScreen
from screens.librarian.calls import call_line
from screens.librarian.common import ConsolePane, MessageLine, cursor_key, refusal
from screens.librarian.translations import visitor_languages
from screens.widgets.words import WordsLabel

# The receipt printer's text settings: field, longest, allowed characters (None: any).
PRINTER_TEXTS: list[tuple[str, int, str | None]] = [
    ("printer_usb_vendor", 6, r"[0-9a-fA-Fx]*"),
    ("printer_usb_product", 6, r"[0-9a-fA-Fx]*"),
    ("printer_serial_device", 60, None),
    ("printer_host", 100, None),
    ("printer_profile", 40, None),
]
# field, lowest, highest: the ranges are the domain's (SETTING_RANGES), the one table a
# restore, a start and the command line check too.
PRINTER_NUMBERS: list[tuple[str, int, int]] = [
    (name, *SETTING_RANGES[name]) for name in ("printer_serial_baudrate", "printer_port")
]
NUMBERS: list[tuple[str, int, int]] = [
    (name, *SETTING_RANGES[name])
    for name in (
        "slot_minutes",
        "horizon_days",
        "min_notice_minutes",
        "max_future_bookings",
        "retention_days",
        "idle_seconds",
        "idle_countdown_seconds",
        "poster_after_seconds",
        "poster_turn_seconds",
        "ticket_return_seconds",
        "ticket_idle_seconds",
        "librarian_idle_seconds",
        "speech_volume",
        "speech_rate",
        "web_max_sessions",
        "backups_keep",
    )
]


@dataclass
class SettingsData:
    settings: Settings
    closures: list[Closure]


class SettingsPane(VerticalScroll, ConsolePane):
    @dataclass
    class Loaded(Message):
        data: SettingsData

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # The settings the fields were filled from: a save is based on this copy (its
        # version), never on whatever the store holds at save time.
        self.loaded: Settings | None = None

    @dataclass
    class ClosureChecked(Message):
        closure: Closure
        affected: list[Booking]

    def compose(self) -> ComposeResult:
        t = self.t
        yield WordsLabel(t("lib.settings.library"), classes="lib-heading")
        with Grid(id="settings-grid", classes="lib-grid"):
            yield WordsLabel(t("lib.settings.library_name"))
            yield Input(id="set-library_name", max_length=100)
            yield WordsLabel(t("lib.settings.library_phone"))
            yield Input(id="set-library_phone", max_length=20)
            yield WordsLabel(t("lib.settings.languages"))
            # Every language the kiosk has visitor words for, in the Welcome buttons' order.
            languages = ", ".join(visitor_languages(["en", "ru", "uk", "pl"]))
            yield Input(id="set-languages", max_length=40, placeholder=languages)
            for name, low, high in NUMBERS:
                yield WordsLabel(t(f"lib.settings.{name}", low=low, high=high))
                yield Input(id=f"set-{name}", restrict=r"[0-9]*", max_length=4)
            yield WordsLabel(t("lib.settings.speech_on"))
            yield Select(
                [(t(f"lib.settings.speech_on.{word}"), word) for word in ("on", "off")],
                id="set-speech_on",
                allow_blank=False,
                value="on",
            )
        yield WordsLabel(t("lib.settings.hours"), classes="lib-heading")
        with Grid(id="hours-grid", classes="lib-grid"):
            for day in range(7):
                yield WordsLabel(t(f"lib.weekday.{day}"))
                yield Input(id=f"hours-{day}", max_length=11, placeholder=t("lib.settings.closed"))
        yield WordsLabel(t("lib.settings.printer"), classes="lib-heading")
        with Grid(id="printer-grid", classes="lib-grid"):
            yield WordsLabel(t("lib.settings.printer_kind"))
            yield Select(
                [(t(f"lib.settings.printer_kind.{kind}"), str(kind)) for kind in PrinterKind],
                id="set-printer_kind",
                allow_blank=False,
                value=str(PrinterKind.NONE),
            )
            for name, longest, allowed in PRINTER_TEXTS:
                yield WordsLabel(t(f"lib.settings.{name}"))
                yield Input(id=f"set-{name}", max_length=longest, restrict=allowed)
            for name, low, high in PRINTER_NUMBERS:
                yield WordsLabel(t(f"lib.settings.{name}", low=low, high=high))
                yield Input(id=f"set-{name}", restrict=r"[0-9]*", max_length=6)
        with Horizontal(classes="lib-buttons"):
            yield Button(t("lib.save"), id="settings-save", variant="primary")
        yield MessageLine(id="settings-message")
        yield WordsLabel(t("lib.settings.closures"), classes="lib-heading")
        yield DataTable(id="closures-table", cursor_type="row")
        with Horizontal(classes="lib-toolbar", id="closure-form"):
            yield Input(id="closure-first", placeholder=t("lib.settings.first"), max_length=10)
            yield Input(id="closure-last", placeholder=t("lib.settings.last"), max_length=10)
            yield Input(id="closure-reason", placeholder=t("lib.settings.reason"), max_length=60)
            yield Button(t("lib.settings.add_closure"), id="closure-add", variant="primary")
            yield Button(t("lib.settings.remove_closure"), id="closure-remove", variant="error")

    def on_mount(self) -> None:
        t = self.t
        self.query_one("#closures-table", DataTable).add_columns(
            t("lib.settings.first"), t("lib.settings.last"), t("lib.settings.reason")
        )
        self.reload()

    def reload(self) -> None:
        if any(i.has_focus for i in self.query(Input)):
            return  # don't overwrite what the librarian is typing
        self._load()

    @store_work(group="settings-load")
    def _load(self) -> None:
        c = services_of(self).catalog
        self.post_message(self.Loaded(SettingsData(c.settings(), c.closures())))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        s = message.data.settings
        self.loaded = s
        self.query_one("#set-library_name", Input).value = s.library_name
        self.query_one("#set-library_phone", Input).value = display_phone(s.library_phone)
        self.query_one("#set-languages", Input).value = ", ".join(s.languages)
        for name, _, _ in NUMBERS:
            self.query_one(f"#set-{name}", Input).value = str(getattr(s, name))
        self.query_one("#set-speech_on", Select).value = "on" if s.speech_on else "off"
        for day in range(7):
            hours = s.hours_on(day)
            self.query_one(f"#hours-{day}", Input).value = (
                f"{hours.open}-{hours.close}" if hours else ""
            )
        kind = s.printer_kind if s.printer_kind in set(PrinterKind) else PrinterKind.NONE
        self.query_one("#set-printer_kind", Select).value = str(kind)
        for name, _, _ in PRINTER_TEXTS:
            self.query_one(f"#set-{name}", Input).value = str(getattr(s, name))
        for name, _, _ in PRINTER_NUMBERS:
            self.query_one(f"#set-{name}", Input).value = str(getattr(s, name))
        table = self.query_one("#closures-table", DataTable)
        table.clear()
        for c in message.data.closures:
            table.add_row(cell(c.first), cell(c.last), cell(c.reason), key=c.id)

    def collect(self, current: Settings) -> Settings:
        """The settings the fields hold, checked by the rules in kiosk/domain/validation.py."""
        t = self.t
        numbers: dict[str, Any] = {
            field: parse_setting(
                field,
                self.query_one(f"#set-{field}", Input).value,
                t(f"lib.settings.{field}", low=low, high=high),
            )
            for field, low, high in NUMBERS
        }
        hours = []
        for day in range(7):
            span = check_hours(self.query_one(f"#hours-{day}", Input).value)
            if span is not None:
                hours.append(OpeningHours(day, *span))
        printer: dict[str, Any] = {
            name: self.query_one(f"#set-{name}", Input).value.strip()
            for name, _, _ in PRINTER_TEXTS
        }
        for name, low, high in PRINTER_NUMBERS:
            printer[name] = parse_setting(
                name,
                self.query_one(f"#set-{name}", Input).value,
                t(f"lib.settings.{name}", low=low, high=high),
            )
        printer["printer_kind"] = str(self.query_one("#set-printer_kind", Select).value)
        return check_printer_settings(
            replace(
                current,
                library_name=check_library_name(self.query_one("#set-library_name", Input).value),
                library_phone=normalize_phone(self.query_one("#set-library_phone", Input).value)
                or "",
                languages=parse_languages(self.query_one("#set-languages", Input).value),
                opening_hours=hours,
                speech_on=self.query_one("#set-speech_on", Select).value == "on",
                **numbers,
                **printer,
            )
        )

    def after_write(self, refused: KioskError | None) -> None:
        # A refused form keeps what was typed, to be put right; a save refused because
        # another desk saved meanwhile shows the fresh values.
        if refused is None or isinstance(refused, StaleSave):
            self._load()

    def _clear_closure_form(self) -> None:
        for sel in ("#closure-first", "#closure-last", "#closure-reason"):
            self.query_one(sel, Input).value = ""

    @on(Button.Pressed, "#settings-save")
    def save(self) -> None:
        if self.loaded is None:
            return
        try:
            settings = self.collect(self.loaded)
        except KioskError as exc:
            self.say(refusal(self.t, exc), error=True)
            return
        catalog = services_of(self).catalog
        self.write(lambda: catalog.save_settings(settings))

    @on(Button.Pressed, "#closure-add")
    def _add_closure(self) -> None:
        try:
            first, last = check_period(
                self.query_one("#closure-first", Input).value,
                self.query_one("#closure-last", Input).value,
            )
        except KioskError as exc:
            self.say(refusal(self.t, exc), error=True)
            return
        closure = Closure(
            new_id(),
            first.isoformat(),
            last.isoformat(),
            self.query_one("#closure-reason", Input).value.strip(),
        )
        self._check_closure(closure)

    @store_work(group="settings-write")
    def _check_closure(self, closure: Closure) -> None:
        affected = services_of(self).catalog.affected_by_closure(closure)
        self.post_message(self.ClosureChecked(closure, affected))

    @on(ClosureChecked)
    def _closure_checked(self, message: ClosureChecked) -> None:
        catalog = services_of(self).catalog
        closure = message.closure
        t = self.t

        def save(yes: bool | None = True) -> None:
            if yes:
                self.write(lambda: catalog.save_closure(closure), then=self._clear_closure_form)

        if message.affected:
            self.app.push_screen(
                YesNoScreen(
                    t.n("lib.scouts.affected", len(message.affected)),
                    t("lib.settings.closure_affected"),
                    [call_line(t, b) for b in message.affected],
                    yes=t("lib.scouts.save_anyway"),
                ),
                save,
            )
        else:
            save()

    @on(Button.Pressed, "#closure-remove")
    def _remove_closure(self) -> None:
        key = cursor_key(self.query_one("#closures-table", DataTable))
        if key is not None:
            catalog = services_of(self).catalog
            self.write(lambda: catalog.remove_closure(key))
