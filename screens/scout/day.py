"""My day: the e-scout's consultations of today, "I am here", forms to fill, hours, Finish;
their coming shifts (two weeks) with "I can't come" and "Ask for cover", and the covers other
e-scouts ask for that they could take.

Only the e-scout's own consultations, with each visitor's first name (ScoutConsultation holds
no more). Live: a visitor who checks in here or at the desk shows as arrived without a reload
(the App's ``data_changed``). The list is paged with big buttons when it does not fit: a form
kept from an earlier sign-in, today's consultations, the forms of the last days not filled
yet, the coming shifts, then the covers asked by others. Places are named in the e-scout's
screen language. A quiet spell of ``scout_idle_seconds`` asks "more time?" first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_skeleton
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.clock import as_local
from kiosk.domain.covers import AbsenceReason, CoverRequest, CoverStatus
from kiosk.domain.errors import KioskError
from kiosk.domain.models import BookingStatus, Place, Scout, ShiftOutcome, Topic
from kiosk.domain.scout_day import ScoutConsultation, Shift
from kiosk.domain.shift_record import here_opens
from kiosk.i18n import Translator
from screens.common import host, plain, refusal_words, services_of, store_work, translator
from screens.scout.common import SCOUT_REFUSALS, ScoutScreen, SignOut
from screens.scout.form import ScoutFormScreen
from screens.scout.hours import HoursScreen
from screens.visitor.common import pager
from screens.visitor.ticket import IdleHost
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
    ahead: list[Shift] = field(default_factory=list)  # the coming shifts, two weeks
    forms_due: list[ScoutConsultation] = field(default_factory=list)  # last days, no form
    covers: list[CoverRequest] = field(default_factory=list)  # others' they could take
    places: dict[str, Place] = field(default_factory=dict)
    idle_seconds: float | None = None
    # A form half-filled at an earlier sign-in today: the draft, its step, its consultation.
    kept: tuple[ActivityDraft, int, ScoutConsultation] | None = None
    scouts: dict[str, str] = field(default_factory=dict)  # id -> display name


def place_name(places: dict[str, Place], name: str, lang: str) -> str:
    """A place in the e-scout's screen language: its name there, else the Lithuanian one."""
    place = places.get(name)
    return (place.names.get(lang) or name) if place is not None and lang != "lt" else name


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


def consultation_lines(
    t: Translator, c: ScoutConsultation, topic: str, place: str | None = None
) -> str:
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
    return f"{when}  {topic}\n{c.visitor} \u00b7 {place or c.place}\n{third}"


def short_day(t: Translator, day: date) -> str:
    """A coming or recent day, short enough for a list item: ``11-27, pn`` / ``Fri, Nov 27``."""
    return format_skeleton("MMMEd", day, locale=t.lang)


def form_due_lines(t: Translator, c: ScoutConsultation, topic: str) -> str:
    """A past day's consultation with no form yet: "not filled yet"; the day, time and
    topic; the visitor."""
    start = as_local(c.start)
    when = f"{short_day(t, start.date())} {t.time(start)}"
    return f"{t('s.day.form_not_yet')}\n{when} \u00b7 {topic}\n{c.visitor}"


def shift_lines(t: Translator, shift: Shift, place: str, taker: str) -> str:
    """A coming shift: the day and time; the place; a cover asked, taken or confirmed."""
    start, end = as_local(shift.start), as_local(shift.end)
    third = {
        CoverStatus.OPEN: t("s.week.cover_open"),
        CoverStatus.TAKEN: t("s.week.cover_taken", name=taker),
        CoverStatus.CONFIRMED: t("s.week.cover_confirmed", name=taker),
    }.get(CoverStatus(shift.cover or CoverStatus.WITHDRAWN), t("s.week.your_shift"))
    first = t("s.week.shift", day=short_day(t, start.date()), start=t.time(start), end=t.time(end))
    return f"{first}\n{place}\n{third}"


def cover_lines(t: Translator, request: CoverRequest, place: str) -> str:
    """Another e-scout's shift to cover: who asks; the day and time; the place."""
    start, end = as_local(request.shift.start), as_local(request.shift.end)
    when = t("s.week.shift", day=short_day(t, start.date()), start=t.time(start), end=t.time(end))
    return f"{t('s.week.cover_asked_by', name=request.scout.name)}\n{when}\n{place}"


class AbsenceScreen(ModalScreen[AbsenceReason | None]):
    """Why the e-scout cannot come to a shift: three big answers, or Back."""

    def __init__(self, when: str) -> None:
        super().__init__(id="s-absence", classes="v-modal")
        self.when = when

    def compose(self) -> ComposeResult:
        t = translator(self)
        with Vertical(classes="v-dialog", id="s-absence-box"):
            yield Words(plain(t("s.absence.title", when=self.when)), classes="v-dialog-title")
            with Horizontal(classes="v-dialog-buttons"):
                for reason in AbsenceReason:
                    yield Button(
                        plain(t(f"s.absence.{reason}")),
                        id=f"s-absence-{reason}",
                        classes="v-big s-absence-reason",
                    )
            with Horizontal(classes="v-dialog-buttons"):
                yield Button(plain(t("s.absence.back")), id="s-absence-back", classes="v-big")

    @on(Button.Pressed, ".s-absence-reason")
    def _reason(self, event: Button.Pressed) -> None:
        self.dismiss(AbsenceReason((event.button.id or "").removeprefix("s-absence-")))

    @on(Button.Pressed, "#s-absence-back")
    def _back(self) -> None:
        self.dismiss(None)


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
    class Done(Message):
        """An absence, a cover asked, withdrawn or taken: said in words, then a reload."""

        words: str

    @dataclass
    class FormReady(Message):
        draft: ActivityDraft
        consultation: ScoutConsultation
        topics: list[Topic]
        step: int = 0

    def __init__(self, scout: Scout) -> None:
        super().__init__(scout)
        self.scout_id = scout.id
        self._forms: dict[str, ScoutConsultation] = {}
        self._shift_buttons: dict[str, Shift] = {}
        self._cover_buttons: dict[str, CoverRequest] = {}
        self._view: DayView | None = None
        self._notice: tuple[str, bool] | None = None  # the last answer: words, and was it ok

    @property
    def idle_limit(self) -> float | None:
        """My day's own quiet spell (``scout_idle_seconds``), once read."""
        return self._view.idle_seconds if self._view is not None else None

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
        self.set_interval(30, self._tick)
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
        today = day.my_day(self.scout_id)
        forms_due = day.forms_due(self.scout_id)
        kept = None
        draft = day.kept_draft(self.scout_id)
        if draft is not None:
            due = [c for c in (*today, *forms_due) if c.form_allowed]
            match = next((c for c in due if c.booking_id == draft[0].booking_id), None)
            if match is None:
                day.drop_draft(self.scout_id)  # filled meanwhile (at the desk, elsewhere)
            else:
                kept = (draft[0], draft[1], match)
        view = DayView(
            today,
            day.shifts(self.scout_id),
            topics,
            as_local(services.clock.now()),
            day.here_before_minutes(),
            ahead=day.shifts_ahead(self.scout_id),
            forms_due=forms_due,
            covers=day.covers.open_to(self.scout_id),
            places=day.places(),
            idle_seconds=day.scout_idle_seconds(),
            kept=kept,
            scouts={s.id: s.name for s in services.catalog.scouts()},
        )
        self.post_message(self.Loaded(view))

    def _topic_name(self, slug: str) -> str:
        topic = self._view.topics.get(slug) if self._view else None
        return topic.name(self.t.lang) if topic is not None else slug

    def _place(self, name: str) -> str:
        return place_name(self._view.places if self._view else {}, name, self.t.lang)

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        first = self._view is None
        self._view = view = message.view
        if first and isinstance(self.app, IdleHost):
            self.app.reset_idle()  # My day's own quiet spell starts now
        self._show_shift()
        t = self.t
        items: list[Widget] = []
        self._forms = {}
        self._shift_buttons = {}
        self._cover_buttons = {}

        def form_button(number: int, c: ScoutConsultation, label: str) -> Button:
            button_id = f"s-form-{number}"
            self._forms[button_id] = c
            return Button(plain(label), id=button_id, classes="s-item-form")

        if view.kept is not None:
            _draft, _step, c = view.kept
            text = Words(
                plain(t("s.day.form_kept", name=c.visitor, time=t.time(as_local(c.start)))),
                classes="s-item-text",
            )
            items.append(
                Horizontal(text, form_button(0, c, t("s.day.form_continue")), classes="s-item")
            )
        for number, c in enumerate(view.consultations, start=1):
            place = self._place(c.place)
            text = Words(
                plain(consultation_lines(t, c, self._topic_name(c.topic), place)),
                classes="s-item-text",
            )
            parts: list[Widget] = [text]
            if c.form_allowed:
                parts.append(form_button(number, c, t("s.day.form")))
            items.append(Horizontal(*parts, classes="s-item"))
        for number, c in enumerate(view.forms_due, start=len(view.consultations) + 1):
            text = Words(
                plain(form_due_lines(t, c, self._topic_name(c.topic))), classes="s-item-text"
            )
            button = form_button(number, c, t("s.day.form"))
            items.append(Horizontal(text, button, classes="s-item"))
        for number, shift in enumerate(view.ahead):
            taker = view.scouts.get(shift.cover_taker or "", "")
            text = Words(
                plain(shift_lines(t, shift, self._place(shift.place), taker)),
                classes="s-item-text",
            )
            parts = [text]
            if as_local(shift.start) > view.now and shift.cover != CoverStatus.CONFIRMED:
                absent_id, cover_id = f"s-absent-{number}", f"s-cover-{number}"
                self._shift_buttons[absent_id] = self._shift_buttons[cover_id] = shift
                pending = shift.cover in (CoverStatus.OPEN, CoverStatus.TAKEN)
                parts.append(
                    Button(plain(t("s.week.absent")), id=absent_id, classes="s-item-act s-absent")
                )
                parts.append(
                    Button(
                        plain(t("s.week.withdraw" if pending else "s.week.ask_cover")),
                        id=cover_id,
                        classes="s-item-act " + ("s-withdraw" if pending else "s-ask-cover"),
                    )
                )
            items.append(Horizontal(*parts, classes="s-item s-week"))
        for number, request in enumerate(view.covers):
            text = Words(
                plain(cover_lines(t, request, self._place(request.shift.place))),
                classes="s-item-text",
            )
            take_id = f"s-take-{number}"
            self._cover_buttons[take_id] = request
            take = Button(plain(t("s.week.take")), id=take_id, classes="s-item-act s-take")
            items.append(Horizontal(text, take, classes="s-item s-cover-request"))
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
        if self._notice is not None:
            # The answer to the last tap (said, or refused) in place of the shift's words.
            words, ok = self._notice
            box.update(plain(words))
            box.set_class(ok, "v-ok")
            return
        if shift is None:
            box.update(plain(t("s.day.no_shift")))
            return
        text = t(
            "s.day.shift",
            start=t.time(as_local(shift.start)),
            end=t.time(as_local(shift.end)),
            place=self._place(shift.place),
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
        self._notice = None
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
        self._notice = ("\u26a0 " + refusal_words(self.t, message.error, SCOUT_REFUSALS), False)
        self._show_shift()

    @on(Done)
    def _done(self, message: Done) -> None:
        self._notice = ("\u2714 " + message.words, True)
        self.reload()

    def _tick(self) -> None:
        self._notice = None  # an answer stays until the next tick of the clock
        self._show_shift()

    @on(Button.Pressed, ".s-absent")
    def _absent(self, event: Button.Pressed) -> None:
        shift = self._shift_buttons.get(event.button.id or "")
        if shift is None:
            return
        start = as_local(shift.start)
        when = f"{self.t.day_label(start.date())} {self.t.time(start)}"

        def answered(reason: AbsenceReason | None) -> None:
            if reason is not None:
                self._report_absence(shift, reason)

        self.app.push_screen(AbsenceScreen(when), answered)

    @store_work(group="scout-week")
    def _report_absence(self, shift: Shift, reason: AbsenceReason) -> None:
        try:
            services_of(self).scout_day.covers.report_absence(self.scout_id, shift.start, reason)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Done(self.t("s.week.absent_done")))

    @on(Button.Pressed, ".s-ask-cover, .s-withdraw")
    def _cover_pressed(self, event: Button.Pressed) -> None:
        shift = self._shift_buttons.get(event.button.id or "")
        if shift is not None:
            self._ask_or_withdraw(shift, event.button.has_class("s-withdraw"))

    @store_work(group="scout-week")
    def _ask_or_withdraw(self, shift: Shift, withdraw: bool) -> None:
        covers = services_of(self).scout_day.covers
        try:
            if withdraw:
                covers.withdraw(self.scout_id, shift.start)
            else:
                covers.ask(self.scout_id, shift.start)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Done(self.t("s.week.withdrawn" if withdraw else "s.week.asked")))

    @on(Button.Pressed, ".s-take")
    def _take_pressed(self, event: Button.Pressed) -> None:
        request = self._cover_buttons.get(event.button.id or "")
        if request is not None:
            self._take(request)

    @store_work(group="scout-week")
    def _take(self, request: CoverRequest) -> None:
        try:
            services_of(self).scout_day.covers.take(
                self.scout_id, request.scout.id, request.shift.start
            )
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Done(self.t("s.week.taken", name=request.scout.name)))

    @on(Button.Pressed, ".s-item-form")
    def _open_form(self, event: Button.Pressed) -> None:
        consultation = self._forms.get(event.button.id or "")
        if consultation is not None:
            self._prepare_form(consultation)

    @store_work(group="scout-form-draft")
    def _prepare_form(self, consultation: ScoutConsultation) -> None:
        services = services_of(self)
        kept = services.scout_day.kept_draft(self.scout_id)
        step = 0
        try:
            if kept is not None and kept[0].booking_id == consultation.booking_id:
                draft, step = kept  # the form left half-filled: where it was left
            else:
                draft = services.scout_day.form_draft(self.scout_id, consultation.booking_id)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        topics = services.booking.topics(active_only=False)
        self.post_message(self.FormReady(draft, consultation, topics, step))

    @on(FormReady)
    def _form_ready(self, message: FormReady) -> None:
        assert self.scout is not None
        self.app.push_screen(
            ScoutFormScreen(
                self.scout, message.draft, message.consultation, message.topics, message.step
            )
        )

    @on(Button.Pressed, "#s-hours")
    def _hours(self) -> None:
        assert self.scout is not None
        self.app.push_screen(HoursScreen(self.scout))

    def action_back(self) -> None:
        self.post_message(SignOut())
