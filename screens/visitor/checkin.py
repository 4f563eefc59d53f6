"""Check in on arrival: scan the QR (the scanner types the token + Enter) or type the code."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from kiosk.domain.arrivals import CheckIn
from kiosk.domain.clock import as_local
from kiosk.domain.tickets import VerifyResult
from kiosk.i18n import Translator
from screens.common import plain, services_of, store_work
from screens.visitor.codeentry import CodeEntry
from screens.visitor.common import BookingView, TypingScreen
from screens.visitor.lookup import booking_view
from screens.visitor.ticket import IdleHost
from screens.widgets import OnScreenKeyboard
from screens.widgets.words import Words

# A sentence's full stop right after a value that ends in one (an e-scout's initial, "Ieva K.";
# a place written as a sentence): one dot is enough. An ellipsis stays.
DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def one_full_stop(text: str) -> str:
    """``text`` without a doubled full stop where a value ended a sentence."""
    return DOUBLE_STOP.sub(".", text)


def result_text(
    t: Translator, result: VerifyResult, view: BookingView | None, opens_at: datetime | None = None
) -> str:
    """The visitor's answer for each verify reason, in plain words."""
    if view is None:
        return t(f"v.verify.{result.value}")
    booking = view.booking
    name = t.greeting_name(booking.name)
    values: dict[str, object] = {
        # Lithuanian greets in the vocative ("Sveiki, Jonai!"), or without a name it cannot
        # put in that case.
        "greeting": t("v.verify.hello_name", name=name) if name else t("v.verify.hello"),
        "topic": view.topic,
        "place": view.place_text,
        "scout": view.scout or t("v.verify.an_escout"),
        "time": t.time(booking.starts),
        "end": t.time(booking.ends),
        "day": t.day_on(booking.starts.date()),
        "opens": t.time(opens_at) if opens_at is not None else "",
        "checked_in_at": "",
    }
    if booking.checked_in_at:
        values["checked_in_at"] = t.time(as_local(datetime.fromisoformat(booking.checked_in_at)))
    return one_full_stop(t(f"v.verify.{result.value}", **values))


class CheckInScreen(TypingScreen):
    TITLE_KEY = "v.checkin.title"
    UPPER_CASE = True
    TAKES_SCANS = True  # its focused field takes a scanner's keys itself
    # A scanner whose suffix is a line feed sends ctrl+j instead of Enter.
    BINDINGS = [Binding("ctrl+j", "check", "v.checkin.go", id="checkin-lf", show=False)]

    @dataclass
    class Answered(Message):
        """The answer to one ticket or code, with the booking's names when there is one."""

        result: VerifyResult
        view: BookingView | None
        clear_after: float
        opens_at: datetime | None = None

    def __init__(self, scanned: str | None = None) -> None:
        super().__init__()
        self._clear_timer: Timer | None = None
        self._scanned = scanned  # a ticket scanned on another screen: check it in at once
        self._answered_code = ""
        self._answer_seconds: float | None = None  # an answer shows, for this long

    @property
    def idle_limit(self) -> float | None:
        """While an answer shows, no "More time?": the answer itself goes back to Welcome."""
        return None if self._answer_seconds is None else self._answer_seconds + 60

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        yield CodeEntry(
            "checkin",
            prompt=t("v.checkin.prompt"),
            placeholder=t("v.checkin.placeholder"),
            button=t("v.checkin.go"),
            button_id="checkin-go",
        )
        yield Words(id="checkin-result", classes="v-card v-result")
        yield OnScreenKeyboard(
            "code",
            backspace_label=t("v.key.backspace"),
            always_compact=True,
            id="checkin-keyboard",
        )

    def on_mount(self) -> None:
        # Hidden, not removed: its rows stay reserved, so the keys never move under a finger.
        self.query_one("#checkin-result").visible = False
        # Focused on arrival: a USB scanner works without touching anything.
        self.query_one(CodeEntry).focus_field()
        if self._scanned:
            self._check(self._scanned)

    def action_check(self) -> None:
        self.query_one(CodeEntry).submit()

    @on(CodeEntry.Entered)
    def _entered(self, event: CodeEntry.Entered) -> None:
        self._answered_code = self.query_one(CodeEntry).field.value
        if event.text:
            self._check(event.text)

    @store_work(group="checkin", exclusive=False)
    def _check(self, text: str) -> None:
        services = services_of(self)
        outcome: CheckIn = services.arrivals.check_in(text)
        lang = self.t.lang
        view = booking_view(services, outcome.booking, lang) if outcome.booking else None
        clear_after = services.booking.settings().ticket_return_seconds
        self.post_message(self.Answered(outcome.result, view, clear_after, outcome.opens_at))

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        box = self.query_one("#checkin-result", Static)
        ok = message.result is VerifyResult.OK
        sign = "\u2714 " if ok else "\u26a0 "
        box.update(
            plain(sign + result_text(self.t, message.result, message.view, message.opens_at))
        )
        box.set_class(ok, "v-ok")
        box.set_class(not ok, "v-warn")
        box.visible = True
        self.query_one(CodeEntry).focus_field()
        # The next person at the door should not read this visitor's name and place: the
        # answer goes back to Welcome by itself (the library's ticket_return_seconds).
        self._stop_answer_timer()
        self._answer_seconds = message.clear_after
        if isinstance(self.app, IdleHost):
            self.app.reset_idle()  # the answer's own spell, with no prompt before it ends
        self._clear_timer = self.set_timer(message.clear_after, self._answer_read)

    def _stop_answer_timer(self) -> None:
        if self._clear_timer is not None:
            self._clear_timer.stop()
            self._clear_timer = None
        self._answer_seconds = None

    def _answer_read(self) -> None:
        self._clear_timer = None
        self.post_message(self.ReturnToWelcome())

    @on(Input.Changed, "#checkin-code")
    def _typing(self, event: Input.Changed) -> None:
        """The visitor types again: the last answer is stale."""
        if event.value != self._answered_code:
            self.query_one("#checkin-result").visible = False
            self._stop_answer_timer()  # someone types: the quiet-spell prompt guards again
