"""The e-scout activity form (after a consultation) and the list of forms filled."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    DataTable,
    Input,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
)

from kiosk.domain.activity import MINUTES_MAX, NOTE_MAX, ActivityDraft
from kiosk.domain.booking import BookingService
from kiosk.domain.errors import KioskError
from kiosk.domain.models import ActivityRecord, AgeGroup, Booking, Outcome, Scout, Submitter, Topic
from kiosk.domain.validation import parse_day
from kiosk.i18n import Translator
from screens.common import cell, safe_text, services_of, store_work
from screens.dialogs import FormScreen
from screens.librarian.common import (
    ConsolePane,
    MessageLine,
    booking_line,
    cursor_key,
    refusal,
)
from screens.librarian.followup import open_follow_up
from screens.widgets.words import Words, WordsLabel


@dataclass(frozen=True)
class FormChoices:
    """What the form offers to choose from (read in a worker before it opens)."""

    scouts: list[Scout]
    topics: list[Topic]

    @classmethod
    def load(cls, booking: BookingService) -> FormChoices:
        return cls(booking.scouts(), booking.topics(active_only=False))


class ActivityFormScreen(FormScreen[ActivityRecord]):
    """The form; prefilled from a booking, or blank for a consultation without one."""

    FORM_NAME = "activity"
    BINDINGS = [Binding("ctrl+s", "save", "lib.save", id="activity-save")]

    @dataclass
    class Recorded(Message):
        record: ActivityRecord

    @dataclass
    class Refused(Message):
        error: KioskError

    def __init__(self, draft: ActivityDraft, booking: Booking | None, choices: FormChoices) -> None:
        super().__init__(id="activity-screen")
        self.draft = draft
        self.booking = booking
        self.choices = choices
        self.then_follow_up = False  # "Save and next session": book the next one once saved

    def compose(self) -> ComposeResult:
        t = self.t
        scouts = self.choices.scouts
        topics = self.choices.topics
        d = self.draft
        with Vertical(classes="lib-dialog lib-wide", id="activity-dialog"):
            yield WordsLabel(t("lib.activity.title"), classes="lib-dialog-title")
            yield Words(
                cell(
                    booking_line(t, self.booking) if self.booking else t("lib.activity.no_booking")
                ),
                id="activity-booking",
            )
            with VerticalScroll(id="activity-body"):
                with Horizontal(classes="lib-row"):
                    with Vertical(classes="lib-col"):
                        yield WordsLabel(t("lib.activity.date"))
                        yield Input(d.date.isoformat(), id="activity-date", max_length=10)
                        yield WordsLabel(t("lib.activity.scout"))
                        yield Select(
                            [
                                (safe_text(s.name), s.id)
                                for s in scouts
                                if s.active or s.id == d.scout
                            ],
                            id="activity-scout",
                            value=d.scout or Select.NULL,
                            prompt=t("lib.activity.choose_scout"),
                        )
                        yield WordsLabel(t("lib.activity.minutes", max=MINUTES_MAX))
                        yield Input(
                            str(d.minutes), id="activity-minutes", restrict=r"[0-9]*", max_length=3
                        )
                        yield WordsLabel(t("lib.activity.visit"))
                        with RadioSet(id="activity-visit"):
                            yield RadioButton(
                                t("lib.activity.first"), value=d.first_visit, id="visit-first"
                            )
                            yield RadioButton(
                                t("lib.activity.repeat"), value=not d.first_visit, id="visit-repeat"
                            )
                    with Vertical(classes="lib-col"):
                        yield WordsLabel(t("lib.activity.topics"))
                        yield SelectionList[str](
                            *[
                                (
                                    safe_text(tp.name(t.lang)),
                                    tp.slug,
                                    tp.slug in d.topics,
                                )
                                for tp in topics
                            ],
                            id="activity-topics",
                        )
                with Horizontal(classes="lib-row"):
                    with Vertical(classes="lib-col"):
                        yield WordsLabel(t("lib.activity.age"))
                        with RadioSet(id="activity-age"):
                            for age in AgeGroup:
                                yield RadioButton(
                                    t(f"lib.age.{age}"), value=d.age_group == age, id=f"age-{age}"
                                )
                    with Vertical(classes="lib-col"):
                        yield WordsLabel(t("lib.activity.outcome"))
                        with RadioSet(id="activity-outcome"):
                            for outcome in Outcome:
                                yield RadioButton(
                                    t(f"lib.outcome.{outcome}"),
                                    value=d.outcome == outcome,
                                    id=f"outcome-{outcome}",
                                )
                yield WordsLabel(t("lib.activity.note", max=NOTE_MAX))
                yield Input(
                    d.note,
                    id="activity-note",
                    max_length=NOTE_MAX,
                    placeholder=t("lib.activity.note_ph"),
                )
            yield from self.form_buttons()

    def _pressed_id(self, radio_set: str, prefix: str) -> str:
        pressed = self.query_one(radio_set, RadioSet).pressed_button
        return pressed.id.removeprefix(prefix) if pressed is not None and pressed.id else ""

    def collect(self) -> ActivityDraft:
        """The draft the fields hold (the service checks it when it records)."""
        day = parse_day(self.value("#activity-date"))
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
            record_id=self.draft.record_id,
        )

    def save(self) -> None:
        try:
            draft = self.collect()
        except KioskError as exc:
            self.refuse(exc)
            return
        self._record(draft)

    @store_work(group="activity-record")
    def _record(self, draft: ActivityDraft) -> None:
        try:
            record = services_of(self).activity.record(draft)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Recorded(record))

    def on_mount(self) -> None:
        t = self.t
        if self.booking is not None:  # a next session needs a visitor and a topic
            self.query_one(".lib-buttons").mount(
                Button(t("lib.followup.save_next"), id="activity-save-next", variant="success"),
                before="#activity-cancel",
            )

    @on(Button.Pressed, "#activity-save-next")
    def _save_then_follow_up(self) -> None:
        self.then_follow_up = True
        self.save()

    @on(Recorded)
    def _recorded(self, message: Recorded) -> None:
        self.dismiss(message.record)
        if self.then_follow_up and self.booking is not None:
            # From the App's queue: this closing form cannot receive the times' answer.
            self.app.call_later(open_follow_up, self.app, self.booking)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.say(refusal(self.t, message.error))


@dataclass
class ActivityData:
    records: list[ActivityRecord]
    scouts: list[Scout]
    topics: list[Topic]


def _submitted_by(t: Translator, record: ActivityRecord) -> str:
    """Who filled the form: marked when an e-scout did, and when it was corrected since."""
    marks = [t("lib.activity.by_scout")] if record.submitted_by == Submitter.SCOUT else []
    if record.corrections:
        marks.append(t("lib.activity.corrected"))
    return ", ".join(marks)


class ActivityPane(Vertical, ConsolePane):
    """The forms filled, newest first; a new form for a consultation without a booking, and
    corrections of any form (e-scouts' forms are marked)."""

    BINDINGS = [Binding("f", "new_form", "lib.activity.new", id="activity-new")]

    @dataclass
    class Loaded(Message):
        data: ActivityData

    @dataclass
    class FormReady(Message):
        draft: ActivityDraft
        choices: FormChoices
        booking: Booking | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.records: list[ActivityRecord] = []

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(classes="lib-toolbar"):
            yield Button(t("lib.activity.new"), id="activity-new", variant="primary")
            # Forms e-scouts filled at the kiosk are marked; the librarian corrects any form.
            yield Button(t("lib.activity.correct"), id="activity-correct")
            yield Words(t("lib.activity.hint"), classes="lib-hint")
        yield DataTable(id="activity-table", cursor_type="row", zebra_stripes=True)
        yield MessageLine(id="activity-pane-message", marks_success=False)

    def on_mount(self) -> None:
        table = self.query_one("#activity-table", DataTable)
        for key, width in (
            ("date", 10),
            ("scout", 13),
            ("by", 10),
            ("minutes", 5),
            ("topics", 30),
            ("age", 7),
            ("outcome", 13),
            ("visit", 11),
            ("note", 30),
        ):
            table.add_column(self.t(f"lib.col.{key}"), key=key, width=width)
        self.reload()

    def reload(self) -> None:
        self._load()

    @store_work(group="activity-load")
    def _load(self) -> None:
        services = services_of(self)
        records = services.activity.records()
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
        self.records = data.records
        t = self.t
        scouts = {s.id: s.name for s in data.scouts}
        topics = {tp.slug: tp.name(t.lang) for tp in data.topics}
        table = self.query_one("#activity-table", DataTable)
        table.clear()
        for r in data.records:
            table.add_row(
                cell(r.date),
                cell(scouts.get(r.scout, r.scout)),
                cell(_submitted_by(t, r)),
                cell(str(r.minutes)),
                cell(", ".join(topics.get(s, s) for s in r.topics)),
                cell(t(f"lib.age.{r.age_group}")),
                cell(t(f"lib.outcome.{r.outcome}")),
                cell(t("lib.activity.first") if r.first_visit else t("lib.activity.repeat")),
                cell(r.note),
                key=r.id,
            )

    @on(Button.Pressed, "#activity-new")
    def action_new_form(self) -> None:
        self._prepare_form(None)

    @on(Button.Pressed, "#activity-correct")
    @on(DataTable.RowSelected, "#activity-table")
    def _correct(self) -> None:
        key = cursor_key(self.query_one("#activity-table", DataTable))
        if key is None:
            self.say(self.t("lib.activity.pick"))
            return
        record = next((r for r in self.records if r.id == key), None)
        if record is not None:
            self._prepare_form(record)

    @store_work(group="activity-form")
    def _prepare_form(self, record: ActivityRecord | None) -> None:
        services = services_of(self)
        activity = services.activity
        draft = activity.blank() if record is None else activity.draft_of(record)
        booking = None if record is None else activity.booking_of(record)
        self.post_message(self.FormReady(draft, FormChoices.load(services.booking), booking))

    @on(FormReady)
    def _form_ready(self, message: FormReady) -> None:
        def saved(record: ActivityRecord | None) -> None:
            if record is not None:
                self.say(self.t("lib.activity.saved"))
                self.reload()

        self.app.push_screen(
            ActivityFormScreen(message.draft, message.booking, message.choices), saved
        )
