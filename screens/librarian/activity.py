"""The e-scout activity form (after a consultation) and the list of forms filled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from kiosk.activity import MINUTES_MAX, NOTE_MAX, ActivityDraft, ActivityService
from kiosk.errors import KioskError, ValidationError
from kiosk.models import ActivityRecord, AgeGroup, Booking, Outcome, Scout, Topic
from screens.librarian.common import booking_line, error_text, plain, services_of, t


class ActivityFormScreen(ModalScreen[ActivityRecord | None]):
    """The form; prefilled from a booking, or blank for a consultation without one."""

    BINDINGS = [
        Binding("escape", "close", t("lib.back"), id="activity-close"),
        Binding("ctrl+s", "save", t("lib.save"), id="activity-save"),
    ]

    def __init__(self, draft: ActivityDraft, booking: Booking | None = None) -> None:
        super().__init__(id="activity-screen", classes="lib-modal")
        self.draft = draft
        self.booking = booking

    def compose(self) -> ComposeResult:
        services = services_of(self)
        scouts = services.booking.scouts()
        topics = services.booking.topics(active_only=False)
        d = self.draft
        with Vertical(classes="lib-dialog lib-wide", id="activity-dialog"):
            yield Label(t("lib.activity.title"), classes="lib-dialog-title")
            yield Static(
                plain(booking_line(self.booking) if self.booking else t("lib.activity.no_booking")),
                id="activity-booking",
            )
            with VerticalScroll(id="activity-body"):
                with Horizontal(classes="lib-row"):
                    with Vertical(classes="lib-col"):
                        yield Label(t("lib.activity.date"))
                        yield Input(d.date.isoformat(), id="activity-date", max_length=10)
                        yield Label(t("lib.activity.scout"))
                        yield Select(
                            [(s.name, s.id) for s in scouts if s.active or s.id == d.scout],
                            id="activity-scout",
                            value=d.scout or Select.NULL,
                            prompt=t("lib.activity.choose_scout"),
                        )
                        yield Label(t("lib.activity.minutes", max=MINUTES_MAX))
                        yield Input(
                            str(d.minutes), id="activity-minutes", restrict=r"[0-9]*", max_length=3
                        )
                        yield Label(t("lib.activity.visit"))
                        with RadioSet(id="activity-visit"):
                            yield RadioButton(
                                t("lib.activity.first"), value=d.first_visit, id="visit-first"
                            )
                            yield RadioButton(
                                t("lib.activity.repeat"), value=not d.first_visit, id="visit-repeat"
                            )
                    with Vertical(classes="lib-col"):
                        yield Label(t("lib.activity.topics"))
                        yield SelectionList[str](
                            *[(tp.name("lt"), tp.slug, tp.slug in d.topics) for tp in topics],
                            id="activity-topics",
                        )
                with Horizontal(classes="lib-row"):
                    with Vertical(classes="lib-col"):
                        yield Label(t("lib.activity.age"))
                        with RadioSet(id="activity-age"):
                            for age in AgeGroup:
                                yield RadioButton(
                                    t(f"lib.age.{age}"), value=d.age_group == age, id=f"age-{age}"
                                )
                    with Vertical(classes="lib-col"):
                        yield Label(t("lib.activity.outcome"))
                        with RadioSet(id="activity-outcome"):
                            for outcome in Outcome:
                                yield RadioButton(
                                    t(f"lib.outcome.{outcome}"),
                                    value=d.outcome == outcome,
                                    id=f"outcome-{outcome}",
                                )
                yield Label(t("lib.activity.note", max=NOTE_MAX))
                yield Input(
                    d.note,
                    id="activity-note",
                    max_length=NOTE_MAX,
                    placeholder=t("lib.activity.note_ph"),
                )
            yield Static("", id="activity-message")
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.save"), id="activity-save", variant="primary")
                yield Button(t("lib.back"), id="activity-cancel")

    def _say(self, text: str) -> None:
        msg = self.query_one("#activity-message", Static)
        msg.update(plain(text))
        msg.add_class("lib-error")

    def _pressed_id(self, radio_set: str, prefix: str) -> str:
        pressed = self.query_one(radio_set, RadioSet).pressed_button
        return pressed.id.removeprefix(prefix) if pressed is not None and pressed.id else ""

    def collect(self) -> ActivityDraft:
        try:
            day = date.fromisoformat(self.query_one("#activity-date", Input).value.strip())
        except ValueError:
            raise ValidationError("date", "bad_date", "Not a date (YYYY-MM-DD).") from None
        minutes_text = self.query_one("#activity-minutes", Input).value.strip()
        scout = self.query_one("#activity-scout", Select).value
        return ActivityDraft(
            date=day,
            scout=scout if isinstance(scout, str) else "",
            minutes=int(minutes_text) if minutes_text else 0,
            topics=list(self.query_one("#activity-topics", SelectionList).selected),
            age_group=self._pressed_id("#activity-age", "age-"),
            outcome=self._pressed_id("#activity-outcome", "outcome-"),
            first_visit=self._pressed_id("#activity-visit", "visit-") != "repeat",
            note=self.query_one("#activity-note", Input).value,
            booking_id=self.draft.booking_id,
        )

    @on(Button.Pressed, "#activity-save")
    def action_save(self) -> None:
        try:
            draft = self.collect()
            services = services_of(self)
            record = ActivityService(services.store, services.clock).record(draft)
        except KioskError as exc:
            self._say(error_text(exc))
            return
        self.dismiss(record)

    @on(Button.Pressed, "#activity-cancel")
    def action_close(self) -> None:
        self.dismiss(None)


@dataclass
class ActivityData:
    records: list[ActivityRecord]
    scouts: list[Scout]
    topics: list[Topic]


class ActivityPane(Vertical):
    """The forms filled, newest first; a new form for a consultation without a booking."""

    BINDINGS = [Binding("f", "new_form", t("lib.activity.new"), id="activity-new")]

    @dataclass
    class Loaded(Message):
        data: ActivityData

    def compose(self) -> ComposeResult:
        with Horizontal(classes="lib-toolbar"):
            yield Button(t("lib.activity.new"), id="activity-new", variant="primary")
            yield Static(t("lib.activity.hint"), classes="lib-hint")
        yield DataTable(id="activity-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="activity-pane-message")

    def on_mount(self) -> None:
        table = self.query_one("#activity-table", DataTable)
        for key, width in (
            ("date", 10),
            ("scout", 13),
            ("minutes", 5),
            ("topics", 30),
            ("age", 7),
            ("outcome", 13),
            ("visit", 11),
            ("note", 30),
        ):
            table.add_column(t(f"lib.col.{key}"), key=key, width=width)
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="activity-load")
    def _load(self) -> None:
        services = services_of(self)
        records = ActivityService(services.store, services.clock).records()
        self.post_message(
            self.Loaded(
                ActivityData(
                    records, services.booking.scouts(), services.booking.topics(active_only=False)
                )
            )
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        data = message.data
        scouts = {s.id: s.name for s in data.scouts}
        topics = {tp.slug: tp.name("lt") for tp in data.topics}
        table = self.query_one("#activity-table", DataTable)
        table.clear()
        for r in data.records:
            table.add_row(
                plain(r.date),
                plain(scouts.get(r.scout, r.scout)),
                plain(str(r.minutes)),
                plain(", ".join(topics.get(s, s) for s in r.topics)),
                plain(t(f"lib.age.{r.age_group}")),
                plain(t(f"lib.outcome.{r.outcome}")),
                plain(t("lib.activity.first") if r.first_visit else t("lib.activity.repeat")),
                plain(r.note),
                key=r.id,
            )

    @on(Button.Pressed, "#activity-new")
    def action_new_form(self) -> None:
        services = services_of(self)
        draft = ActivityService(services.store, services.clock).blank()

        def saved(record: ActivityRecord | None) -> None:
            if record is not None:
                msg = self.query_one("#activity-pane-message", Static)
                msg.update(plain(t("lib.activity.saved")))
                self.reload()

        self.app.push_screen(ActivityFormScreen(draft), saved)
