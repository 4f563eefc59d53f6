"""Today: the day's bookings with filters and the desk actions."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.arrivals import CheckIn
from kiosk.domain.booking import Ticket
from kiosk.domain.catalog import absence_covers
from kiosk.domain.errors import KioskError
from kiosk.domain.models import ActivityRecord, Booking, BookingStatus, DatedException, Scout, Topic
from kiosk.i18n import Translator
from screens.common import cell, services_of, store_work
from screens.dialogs import YesNoScreen
from screens.librarian.activity import ActivityFormScreen, FormChoices
from screens.librarian.calls import CallsScreen, phone_of
from screens.librarian.common import (
    NARROW_BELOW,
    ConsolePane,
    MessageLine,
    booking_line,
    cursor_key,
    is_overdue,
    refusal,
    status_words,
    visitor_name,
)
from screens.librarian.desk_ticket import DeskTicketScreen, no_ticket_reason
from screens.librarian.followup import open_follow_up
from screens.librarian.today_lists import MoveScreen, NoFormScreen, ReasonScreen, UnrecordedScreen
from screens.librarian.walkin import WalkInChoices, open_walk_in
from screens.widgets.words import Words

ALL = "*"


@dataclass
class TodayData:
    day: date
    now: datetime
    bookings: list[Booking]
    scouts: list[Scout]
    topics: list[Topic]
    absences: list[DatedException] = field(default_factory=list)  # on this day
    with_form: set[str] = field(default_factory=set)  # ids of bookings with an activity form
    unrecorded: int = 0  # past days' bookings nobody closed
    to_call: list[Booking] = field(default_factory=list)  # marked "to call", any day

    def needs_call(self, booking: Booking) -> bool:
        return any(b.id == booking.id for b in self.to_call)

    def scout_absent(self, booking: Booking) -> bool:
        """The booking's e-scout has an absence over its time: call the visitor."""
        return booking.state.is_open and any(absence_covers(e, booking) for e in self.absences)

    def without_form(self) -> list[Booking]:
        """Consultations that took place but have no activity form yet."""
        return [
            b for b in self.bookings if b.state is BookingStatus.DONE and b.id not in self.with_form
        ]


class TodayPane(Vertical, ConsolePane):
    """The table of one day's bookings (today unless chosen), filters and actions."""

    BINDINGS = [
        Binding("i", "check_in", "lib.today.check_in", id="today-check-in"),
        Binding("d", "done", "lib.today.done", id="today-done"),
        Binding("n", "no_show", "lib.today.no_show", id="today-no-show"),
        Binding("x", "cancel_booking", "lib.today.cancel", id="today-cancel"),
        Binding("w", "walk_in", "lib.today.walk_in", id="today-walk-in"),
        Binding("a", "activity", "lib.today.activity", id="today-activity"),
        Binding("m", "move_booking", "lib.today.move", id="today-move"),
        Binding("z", "undo_change", "lib.today.undo", id="today-undo"),
        Binding("c", "copy_phone", "lib.today.copy_phone", id="today-copy-phone"),
        Binding("k", "follow_up", "lib.followup.next", id="today-follow-up"),
        Binding("t", "ticket", "lib.today.ticket", id="today-ticket"),
        Binding("left_square_bracket", "day(-1)", "lib.today.prev", id="today-prev"),
        Binding("right_square_bracket", "day(1)", "lib.today.next", id="today-next"),
    ]

    @dataclass
    class Loaded(Message):
        data: TodayData

    @dataclass
    class ActionDone(Message):
        text: str
        error: bool = False

    @dataclass
    class WalkInReady(Message):
        choices: WalkInChoices

    @dataclass
    class ActivityReady(Message):
        draft: ActivityDraft
        booking: Booking | None
        choices: FormChoices

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.day: date | None = None
        self.data: TodayData | None = None
        self._filters_ready = False

    def compose(self) -> ComposeResult:
        t = self.t
        # One row at 120 columns; below 100 the day and the filters take a line each.
        with Horizontal(id="today-filters", classes="lib-toolbar"):
            with Horizontal(id="today-day-nav"):
                yield Button("◀", id="today-prev-day", classes="lib-small")
                yield Input(id="today-day", placeholder="YYYY-MM-DD", max_length=10)
                yield Button("▶", id="today-next-day", classes="lib-small")
                yield Button(t("lib.today.today"), id="today-today", classes="lib-small")
                # Who to call, any day: on the day's line, so the table keeps its rows.
                yield Button(t("lib.today.calls_b", n="…"), id="today-calls", classes="lib-small")
            with Horizontal(id="today-selects"):
                yield Select(
                    [(t(f"lib.status.{s}"), str(s)) for s in BookingStatus],
                    prompt=t("lib.today.any_status"),
                    id="today-status",
                )
                yield Select([], prompt=t("lib.today.any_scout"), id="today-scout")
                yield Select([], prompt=t("lib.today.any_topic"), id="today-topic")
        table: DataTable[Text] = DataTable(id="today-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Words("", id="today-summary")
        yield MessageLine(id="today-message")
        with Horizontal(id="today-actions", classes="lib-buttons"):
            yield Button(t("lib.today.check_in_b"), id="today-check-in", variant="success")
            yield Button(t("lib.today.done_b"), id="today-done", variant="primary")
            yield Button(t("lib.today.no_show_b"), id="today-no-show", variant="warning")
            yield Button(t("lib.today.cancel_b"), id="today-cancel", variant="error")
            yield Button(t("lib.today.walk_in_b"), id="today-walk-in", variant="primary")
            yield Button(t("lib.today.activity_b"), id="today-activity")
        yield from self._desk_buttons()

    def _desk_buttons(self) -> ComposeResult:
        """The second row: move, undo, the phone, and the lists to clear."""
        t = self.t
        # One row high: the table keeps its room at 80x24.
        with Horizontal(id="today-desk-actions", classes="lib-buttons"):
            yield Button(t("lib.today.move_b"), id="today-move", compact=True)
            yield Button(t("lib.today.undo_b"), id="today-undo", compact=True)
            yield Button(t("lib.today.copy_phone_b"), id="today-copy-phone", compact=True)
            yield Button(t("lib.today.unrecorded_b", n="…"), id="today-unrecorded", compact=True)
            yield Button(t("lib.today.noform_b", n="…"), id="today-noform", compact=True)
            yield Button(t("lib.followup.next_b"), id="today-follow-up", compact=True)
            yield Button(t("lib.today.ticket_b"), id="today-ticket", compact=True)

    def on_resize(self) -> None:
        """Below 100 columns the filter widgets go without borders: two lines, not six."""
        narrow = self.app.size.width < NARROW_BELOW
        for widget in self.query_one("#today-filters").query("Button, Input, Select"):
            if isinstance(widget, (Button, Input, Select)):
                widget.compact = narrow

    def on_mount(self) -> None:
        table = self.query_one("#today-table", DataTable)
        # Who and in what state come first: at 80 columns they are what still shows.
        for key, width in (
            # Narrow enough that the phone, last, still shows at 120 columns.
            ("time", 11),
            ("code", 7),
            ("name", 14),
            ("status", 13),
            ("topic", 14),
            ("scout", 13),
            ("place", 14),
            ("phone", 15),
        ):
            table.add_column(self.t(f"lib.col.{key}"), key=key, width=width)
        self.reload()

    # -- loading ------------------------------------------------------------------------

    def reload(self) -> None:
        self._load(self.day)

    @store_work(group="today-load")
    def _load(self, day: date | None) -> None:
        services = services_of(self)
        now = services.booking.now()
        wanted = day or now.date()
        data = TodayData(
            day=wanted,
            now=now,
            bookings=services.booking.bookings(day=wanted),
            scouts=services.booking.scouts(),
            topics=services.booking.topics(active_only=False),
            absences=[e for e in services.catalog.exceptions() if e.day == wanted],
            with_form={
                r.booking_id for r in services.activity.records(wanted, wanted) if r.booking_id
            },
            unrecorded=len(services.desk.unrecorded()),
            to_call=services.desk.to_call(),
        )
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        self.day = message.data.day
        day_input = self.query_one("#today-day", Input)
        if day_input.value != self.day.isoformat() and not day_input.has_focus:
            day_input.value = self.day.isoformat()
        if not self._filters_ready:
            self._filters_ready = True
            self.query_one("#today-scout", Select).set_options(
                [(s.name, s.id) for s in message.data.scouts]
            )
            self.query_one("#today-topic", Select).set_options(
                [(tp.name(self.t.lang), tp.slug) for tp in message.data.topics]
            )
        self._fill()

    def _selected(self, select_id: str) -> str | None:
        value = self.query_one(select_id, Select).value
        return value if isinstance(value, str) else None

    def _visible(self) -> list[Booking]:
        if self.data is None:
            return []
        status = self._selected("#today-status")
        scout = self._selected("#today-scout")
        topic = self._selected("#today-topic")
        return [
            b
            for b in self.data.bookings
            if (status is None or b.status == status)
            and (scout is None or b.scout == scout)
            and (topic is None or b.topic == topic)
        ]

    def _fill(self) -> None:
        data = self.data
        if data is None:
            return
        table = self.query_one("#today-table", DataTable)
        keep = self.selected_code()
        table.clear()
        t = self.t
        scouts = {s.id: s.name for s in data.scouts}
        topics = {tp.slug: tp.name(t.lang) for tp in data.topics}
        shown = self._visible()
        overdue = 0
        for b in shown:
            late = is_overdue(b, data.now)
            overdue += late
            style = "bold red" if late else ("dim" if b.state is BookingStatus.CANCELLED else "")
            name_style = style + (" italic" if b.erased_at else "")
            table.add_row(
                cell(f"{b.starts:%H:%M}–{b.ends:%H:%M}", style),
                cell(b.code, style),
                cell(visitor_name(t, b), name_style.strip()),
                cell(self._status(data, b), style),
                cell(topics.get(b.topic, b.topic), style),
                self._scout_cell(data, b, scouts.get(b.scout, b.scout), style),
                cell(b.place, style),
                cell(phone_of(b), style),
                key=b.code,
            )
        if keep is not None:
            codes = [b.code for b in shown]
            if keep in codes:
                table.move_cursor(row=codes.index(keep))
        self.query_one("#today-summary", Static).update(cell(self._summary(data, shown, overdue)))
        self._fill_desk_buttons(data)

    def _status(self, data: TodayData, booking: Booking) -> str:
        """The status in words; "☎" after it when the visitor is to be called (the
        summary says what it means)."""
        words = status_words(self.t, booking, data.now)
        return f"{words} ☎" if data.needs_call(booking) else words

    def _scout_cell(self, data: TodayData, booking: Booking, name: str, style: str) -> Text:
        """The e-scout's name, flagged in words when they are absent at the booking's time."""
        if data.scout_absent(booking):
            return cell(self.t("lib.today.scout_absent", name=name), "bold red")
        return cell(name, style)

    def _summary(self, data: TodayData, shown: list[Booking], overdue: int) -> str:
        t = self.t
        calls = " · " + t("lib.today.calls_count", n=len(data.to_call)) if data.to_call else ""
        if not shown:
            return t("lib.today.empty", day=data.day.isoformat()) + calls
        count = Counter(b.state for b in shown)
        summary = t(
            "lib.today.summary",
            day=data.day.isoformat(),
            total=len(shown),
            waiting=count[BookingStatus.BOOKED],
            here=count[BookingStatus.CHECKED_IN],
            done=count[BookingStatus.DONE],
            no_show=count[BookingStatus.NO_SHOW],
            overdue=overdue,
        )
        absent = sum(1 for b in shown if data.scout_absent(b))
        if absent:
            summary += " · " + t("lib.today.absent_count", n=absent)
        return summary + calls

    def _fill_desk_buttons(self, data: TodayData) -> None:
        t = self.t
        self.query_one("#today-unrecorded", Button).label = t(
            "lib.today.unrecorded_b", n=data.unrecorded
        )
        self.query_one("#today-noform", Button).label = t(
            "lib.today.noform_b", n=len(data.without_form())
        )
        self.query_one("#today-calls", Button).label = t("lib.today.calls_b", n=len(data.to_call))

    # -- filters ------------------------------------------------------------------------

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#today-day")
    def _day_typed(self, event: Input.Submitted) -> None:
        try:
            self.day = date.fromisoformat(event.value.strip())
        except ValueError:
            self.say(self.t("lib.err.bad_date"), error=True)
            return
        self.reload()

    @on(Button.Pressed, "#today-prev-day")
    def _prev(self) -> None:
        self.action_day(-1)

    @on(Button.Pressed, "#today-next-day")
    def _next(self) -> None:
        self.action_day(1)

    @on(Button.Pressed, "#today-today")
    def _today(self) -> None:
        self.day = None
        self.query_one("#today-day", Input).value = ""
        self.reload()

    def action_day(self, delta: int) -> None:
        base = self.day or services_of(self).booking.now().date()
        self.day = base + timedelta(days=delta)
        self.query_one("#today-day", Input).value = self.day.isoformat()
        self.reload()

    # -- actions ------------------------------------------------------------------------

    def selected_code(self) -> str | None:
        return cursor_key(self.query_one("#today-table", DataTable))

    def selected_booking(self) -> Booking | None:
        code = self.selected_code()
        if code is None or self.data is None:
            return None
        return next((b for b in self.data.bookings if b.code == code), None)

    def _need_selection(self) -> Booking | None:
        booking = self.selected_booking()
        if booking is None:
            self.say(self.t("lib.today.choose_row"), error=True)
        return booking

    @on(Button.Pressed, "#today-check-in")
    def action_check_in(self) -> None:
        if (b := self._need_selection()) is not None:
            self._run(self.t, "check_in", b.code)

    @on(Button.Pressed, "#today-done")
    def action_done(self) -> None:
        if (b := self._need_selection()) is not None:
            self._run(self.t, "done", b.code)

    @on(Button.Pressed, "#today-no-show")
    def action_no_show(self) -> None:
        if (b := self._need_selection()) is not None:
            self._run(self.t, "no_show", b.code)

    @on(Button.Pressed, "#today-cancel")
    def action_cancel_booking(self) -> None:
        b = self._need_selection()
        if b is None:
            return
        t = self.t

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(t, "cancel", b.code)

        self.app.push_screen(
            YesNoScreen(
                t("lib.today.cancel_title"),
                t("lib.today.cancel_body"),
                [booking_line(t, b)],
                yes=t("lib.today.cancel_yes"),
            ),
            answered,
        )

    @store_work(group="today-action", exclusive=False)
    def _run(self, t: Translator, action: str, code: str) -> None:
        services = services_of(self)
        try:
            if action == "check_in":
                outcome: CheckIn = services.arrivals.check_in(
                    code, anytime=True
                )  # the desk decides
                if not outcome.ok:
                    extra = ""
                    if outcome.booking is not None and outcome.booking.checked_in_at:
                        extra = outcome.booking.checked_in_at[11:16]
                    text = t(f"lib.checkin.{outcome.result.value}", at=extra)
                    self.post_message(self.ActionDone(text, error=True))
                    return
                booking = outcome.booking
            elif action == "done":
                booking = services.desk.mark_done(code)
            elif action == "no_show":
                booking = services.desk.mark_no_show(code)
            else:
                booking = services.booking.cancel(code)
        except KioskError as exc:
            self.post_message(self.ActionDone(refusal(t, exc), error=True))
            return
        assert booking is not None
        self.post_message(
            self.ActionDone(
                t(f"lib.today.did_{action}", code=booking.code, name=visitor_name(t, booking))
            )
        )

    @on(ActionDone)
    def _after_action(self, message: ActionDone) -> None:
        self.say(message.text, error=message.error)
        self.reload()

    @on(Button.Pressed, "#today-walk-in")
    def action_walk_in(self) -> None:
        self._prepare_walk_in()

    @store_work(group="today-dialog")
    def _prepare_walk_in(self) -> None:
        self.post_message(self.WalkInReady(WalkInChoices.load(services_of(self).booking)))

    @on(WalkInReady)
    def _walk_in_ready(self, message: WalkInReady) -> None:
        def booked(booking: Booking | None) -> None:
            if booking is not None:
                self.say(
                    self.t(
                        "lib.today.did_book",
                        code=booking.code,
                        time=f"{booking.starts:%Y-%m-%d %H:%M}",
                        name=booking.name,
                        place=booking.place,
                    )
                )
                self.reload()

        open_walk_in(self.app, message.choices, booked)

    @on(Button.Pressed, "#today-activity")
    def action_activity(self) -> None:
        self._prepare_activity(self.selected_booking())

    @store_work(group="today-dialog")
    def _prepare_activity(self, booking: Booking | None) -> None:
        services = services_of(self)
        activity = services.activity
        draft = activity.prefill(booking) if booking is not None else activity.blank()
        choices = FormChoices.load(services.booking)
        self.post_message(self.ActivityReady(draft, booking, choices))

    @on(ActivityReady)
    def _activity_ready(self, message: ActivityReady) -> None:
        booking = message.booking

        def saved(record: ActivityRecord | None) -> None:
            if record is None:
                return
            if booking is not None and booking.state.is_open:
                self._close_after_activity(self.t, booking.code)
            else:
                self.say(self.t("lib.activity.saved"))
                self.reload()

        self.app.push_screen(ActivityFormScreen(message.draft, booking, message.choices), saved)

    @store_work(group="today-action", exclusive=False)
    def _close_after_activity(self, t: Translator, code: str) -> None:
        """The form is filled: the consultation happened, so an open booking is done."""
        with contextlib.suppress(KioskError):  # closed meanwhile at another desk
            services_of(self).desk.mark_done(code)
        self.post_message(self.ActionDone(t("lib.activity.saved")))

    # -- the desk: move, undo, the phone, the lists to clear ----------------------------

    @on(Button.Pressed, "#today-move")
    def action_move_booking(self) -> None:
        b = self._need_selection()
        if b is None or self.data is None:
            return
        scouts = {s.id: s.name for s in self.data.scouts}

        def moved(booking: Booking | None) -> None:
            if booking is not None:
                self.say(
                    self.t(
                        "lib.today.did_move",
                        code=booking.code,
                        time=f"{booking.starts:%Y-%m-%d %H:%M}",
                        scout=scouts.get(booking.scout, booking.scout),
                        place=booking.place,
                    )
                )
                self.reload()

        self.app.push_screen(MoveScreen(b, scouts), moved)

    @on(Button.Pressed, "#today-undo")
    def action_undo_change(self) -> None:
        b = self._need_selection()
        if b is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._undo(self.t, b.code, reason)

        self.app.push_screen(ReasonScreen(b), answered)

    @store_work(group="today-action", exclusive=False)
    def _undo(self, t: Translator, code: str, reason: str) -> None:
        try:
            booking = services_of(self).desk.undo(code, reason)
        except KioskError as exc:
            self.post_message(self.ActionDone(refusal(t, exc), error=True))
            return
        status = t(f"lib.status.{booking.status}")
        self.post_message(self.ActionDone(t("lib.today.did_undo", code=code, status=status)))

    @on(Button.Pressed, "#today-copy-phone")
    def action_copy_phone(self) -> None:
        b = self._need_selection()
        if b is None:
            return
        t = self.t
        phone = phone_of(b)
        if not phone:
            self.say(t("lib.today.no_phone", code=b.code), error=True)
            return
        self.app.copy_to_clipboard(b.phone or phone)  # E.164: pastes into any dialler
        self.say(t("lib.today.copied", phone=phone, name=visitor_name(t, b)))

    @on(Button.Pressed, "#today-unrecorded")
    def _show_unrecorded(self) -> None:
        self.app.push_screen(UnrecordedScreen(), lambda _: self.reload())

    @on(Button.Pressed, "#today-calls")
    def _show_calls(self) -> None:
        self.app.push_screen(CallsScreen(), lambda _: self.reload())

    @on(Button.Pressed, "#today-noform")
    def _show_without_form(self) -> None:
        if self.data is None:
            return

        def chosen(booking: Booking | None) -> None:
            if booking is not None:
                self._prepare_activity(booking)

        self.app.push_screen(NoFormScreen(self.data.without_form()), chosen)

    @on(Button.Pressed, "#today-ticket")
    def action_ticket(self) -> None:
        """The selected booking's ticket, to show the visitor or print; else why it has none."""
        if (b := self._need_selection()) is not None:
            reason = no_ticket_reason(self.t, b, services_of(self).booking.now())
            if reason is None:
                self.app.push_screen(DeskTicketScreen(b))
            else:
                self.say(reason, error=True)

    # -- the next session (follow-up) ---------------------------------------------------

    @on(Button.Pressed, "#today-follow-up")
    def action_follow_up(self) -> None:
        if (b := self._need_selection()) is not None:
            open_follow_up(self.app, b, self._followed_up)

    def _followed_up(self, ticket: Ticket) -> None:
        booking = ticket.booking
        t = self.t
        self.say(t("lib.followup.did", code=booking.code, time=f"{booking.starts:%Y-%m-%d %H:%M}"))
        self.reload()
