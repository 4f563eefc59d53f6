"""My day: the e-scout's consultations of today, "I am here", forms to fill, hours, Finish.

Only the e-scout's own consultations, with each visitor's first name (ScoutConsultation holds
no more). Live: a visitor who checks in here or at the desk shows as arrived without a reload
(the App's ``data_changed``). The list is paged with big buttons when it does not fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.clock import as_local
from kiosk.domain.errors import KioskError
from kiosk.domain.models import BookingStatus, Scout, ShiftOutcome, Topic
from kiosk.domain.scout_day import ScoutConsultation, Shift
from kiosk.domain.shift_record import here_opens
from kiosk.i18n import Translator
from screens.common import host, plain, refusal_words, services_of, store_work
from screens.scout.common import SCOUT_REFUSALS, ScoutScreen, SignOut
from screens.scout.form import ScoutFormScreen
from screens.scout.hours import HoursScreen
from screens.visitor.common import pager
from screens.widgets import Pager
from screens.widgets.words import Words


@dataclass(frozen=True)
class DayView:
    """What My day shows, read in one worker."""

    consultations: list[ScoutConsultation]
    shifts: list[Shift]
    topics: dict[str, Topic]
    now: datetime
    here_before: int  # minutes before a shift "I am here" opens


def shift_now(shifts: list[Shift], now: datetime) -> Shift | None:
    """The shift "I am here" is about: the current one, else the next, else the last."""
    for shift in shifts:
        if as_local(shift.end) > now:
            return shift
    return shifts[-1] if shifts else None


def here_label(t: Translator, shift: Shift | None, now: datetime, here_before: int) -> str:
    """The "I am here" button's words: when it opens if it is not open yet, or that there is
    no shift now once the day's last one has ended."""
    if shift is None or as_local(shift.end) <= now:
        return t("s.day.no_shift_now")
    opens = here_opens(as_local(shift.start), here_before)
    if shift.here_at is None and now < opens:
        return t("s.day.here_from", time=t.time(opens))
    return t("s.day.here")


def consultation_lines(t: Translator, c: ScoutConsultation, topic: str) -> str:
    """Three short lines: time and topic; the visitor and place; arrived and form."""
    if c.arrived:
        came = t("s.day.arrived")
    elif c.status == BookingStatus.NO_SHOW:
        came = t("s.day.no_show")
    elif c.status == BookingStatus.CANCELLED:
        came = t("s.day.cancelled")
    else:
        came = t("s.day.waiting")
    form = t("s.day.form_done") if c.has_form else (t("s.day.form_due") if c.arrived else "")
    when = f"{t.time(as_local(c.start))}\u2013{t.time(as_local(c.end))}"
    third = f"{came} \u00b7 {form}" if form else came
    return f"{when}  {topic}\n{c.visitor} \u00b7 {c.place}\n{third}"


class MyDayScreen(ScoutScreen):
    """The e-scout's home for the shift."""

    BACK_KEY = "s.day.finish"

    @dataclass
    class Loaded(Message):
        view: DayView

    @dataclass
    class Here(Message):
        shift: Shift

    @dataclass
    class Refused(Message):
        error: KioskError

    @dataclass
    class FormReady(Message):
        draft: ActivityDraft
        consultation: ScoutConsultation
        topics: list[Topic]

    def __init__(self, scout: Scout) -> None:
        super().__init__(scout)
        self.scout_id = scout.id
        self._forms: dict[str, ScoutConsultation] = {}
        self._view: DayView | None = None

    def title_text(self) -> str:
        assert self.scout is not None
        return self.t("s.day.title", name=self.scout.name)

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        with Horizontal(id="s-day-top"):
            yield Button(plain(t("s.day.here")), id="s-here", variant="primary", classes="v-big")
            yield Words(id="s-shift")
        yield Words(plain(t("s.day.empty")), id="s-day-empty", classes="v-notice")
        yield pager(t, item_height=3, min_column_width=56, max_columns=2, id="s-day-list")

    def bar_buttons(self) -> Iterable[Widget]:
        yield Button(plain(self.t("s.day.hours")), id="s-hours")

    def on_mount(self) -> None:
        self.show_title()
        self.query_one("#s-day-empty").display = False
        host(self).data_changed.subscribe(self, lambda _: self.reload())
        # The button's words follow the clock ("from 14:30", then "I am here", then "no
        # shift now") while nothing in the data changes.
        self.set_interval(30, self._show_shift)
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()  # back from the form: it shows "form done" at once

    def reload(self) -> None:
        self._load()

    @store_work(group="scout-day")
    def _load(self) -> None:
        services = services_of(self)
        day = services.scout_day
        topics = {tp.slug: tp for tp in services.booking.topics(active_only=False)}
        view = DayView(
            day.my_day(self.scout_id),
            day.shifts(self.scout_id),
            topics,
            as_local(services.clock.now()),
            day.here_before_minutes(),
        )
        self.post_message(self.Loaded(view))

    def _topic_name(self, slug: str) -> str:
        topic = self._view.topics.get(slug) if self._view else None
        return topic.name(self.t.lang) if topic is not None else slug

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        self._view = view = message.view
        self._show_shift()
        t = self.t
        items: list[Widget] = []
        self._forms = {}
        for number, c in enumerate(view.consultations):
            text = Words(
                plain(consultation_lines(t, c, self._topic_name(c.topic))), classes="s-item-text"
            )
            parts: list[Widget] = [text]
            if c.form_allowed:
                button_id = f"s-form-{number}"
                self._forms[button_id] = c
                parts.append(Button(plain(t("s.day.form")), id=button_id, classes="s-item-form"))
            items.append(Horizontal(*parts, classes="s-item"))
        self.query_one("#s-day-empty").display = not items
        list_pager = self.query_one("#s-day-list", Pager)
        page = list_pager.page
        await list_pager.set_items(items)
        list_pager.page = page  # a live update keeps the page the e-scout is on

    def _show_shift(self) -> None:
        view = self._view
        if view is None:
            return
        t = self.t
        now = as_local(services_of(self).clock.now())
        shift = shift_now(view.shifts, now)
        button = self.query_one("#s-here", Button)
        box = self.query_one("#s-shift", Static)
        label = plain(here_label(t, shift, now, view.here_before))
        if str(button.label) != str(label):
            button.label = label
            button.refresh(layout=True)  # the button is as wide as its words
        button.disabled = shift is None or as_local(shift.end) <= now
        if shift is None:
            box.update(plain(t("s.day.no_shift")))
            return
        text = t(
            "s.day.shift",
            start=t.time(as_local(shift.start)),
            end=t.time(as_local(shift.end)),
            place=shift.place,
        )
        if shift.here_at is not None:
            text += "\n" + t("s.day.here_at", time=t.time(as_local(shift.here_at)))
            late = as_local(shift.here_at) - as_local(shift.start)
            if shift.outcome is ShiftOutcome.LATE:
                text += " \u00b7 " + t("s.day.late", minutes=int(late.total_seconds() // 60))
        box.update(plain(text))
        box.set_class(shift.here_at is not None, "v-ok")

    @on(Button.Pressed, "#s-here")
    def _say_here(self) -> None:
        self._here()

    @store_work(group="scout-here")
    def _here(self) -> None:
        try:
            shift = services_of(self).scout_day.say_here(self.scout_id)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Here(shift))

    @on(Here)
    def _here_said(self) -> None:
        self.reload()

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        box = self.query_one("#s-shift", Static)
        box.update(plain("\u26a0 " + refusal_words(self.t, message.error, SCOUT_REFUSALS)))
        box.set_class(False, "v-ok")

    @on(Button.Pressed, ".s-item-form")
    def _open_form(self, event: Button.Pressed) -> None:
        consultation = self._forms.get(event.button.id or "")
        if consultation is not None:
            self._prepare_form(consultation)

    @store_work(group="scout-form-draft")
    def _prepare_form(self, consultation: ScoutConsultation) -> None:
        services = services_of(self)
        try:
            draft = services.scout_day.form_draft(self.scout_id, consultation.booking_id)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        topics = services.booking.topics(active_only=False)
        self.post_message(self.FormReady(draft, consultation, topics))

    @on(FormReady)
    def _form_ready(self, message: FormReady) -> None:
        assert self.scout is not None
        self.app.push_screen(
            ScoutFormScreen(self.scout, message.draft, message.consultation, message.topics)
        )

    @on(Button.Pressed, "#s-hours")
    def _hours(self) -> None:
        assert self.scout is not None
        self.app.push_screen(HoursScreen(self.scout))

    def action_back(self) -> None:
        self.post_message(SignOut())
