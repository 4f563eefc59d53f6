"""The waiting list at the kiosk: no time suits -> name and phone -> confirm -> "we will call".

The name and phone step is the booking's own (``DetailsScreen``) with the phone required:
the library calls when a time frees up, so an entry without a phone would be of no use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.errors import ErrorCode, KioskError, ValidationError
from kiosk.domain.models import WaitlistEntry
from kiosk.domain.validation import display_phone
from screens.common import plain, services_of, store_work
from screens.visitor.common import ConfirmStep, Draft, VisitorScreen
from screens.visitor.details import DetailsScreen
from screens.visitor.remind import RemindScreen
from screens.widgets.words import Words


class WaitlistDetailsScreen(DetailsScreen):
    """First name and phone (required here) for the waiting list."""

    TITLE_KEY = "v.waitlist.title"
    checks_room = False  # waiting takes no time: the limit on bookings does not apply

    @dataclass
    class Kept(Message):
        days: int

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#phone", Input).border_title = self.t("v.waitlist.phone")
        self._load_days()

    @store_work(group="waitlist-days")
    def _load_days(self) -> None:
        self.post_message(self.Kept(services_of(self).booking.settings().waitlist_days))

    @on(Kept)
    def _kept(self, message: Kept) -> None:
        consent = self.query_one("#consent", Static)
        consent.update(plain(self.t.n("v.waitlist.consent_days", message.days)))

    def _show_error(self, field: str, exc: KioskError | None) -> None:
        super()._show_error(field, exc)
        if exc is not None and exc.code == ErrorCode.PHONE_INVALID:
            # The booking's sentence says the phone may be left out: not on this list.
            box = self.query_one("#phone-error", Static)
            box.update(plain("\u26a0 " + self.t("v.waitlist.phone_invalid")))

    def next_step(self) -> Screen[None] | None:
        if not self.draft.phone:
            self._show_error(
                "phone",
                ValidationError(
                    ErrorCode.PHONE_REQUIRED,
                    "The waiting list needs a phone number to call.",
                    field="phone",
                ),
            )
            self.query_one("#phone", Input).focus()
            return None
        return RemindScreen(self.draft, WaitlistConfirmScreen, "v.remind.offer_question")


class WaitlistConfirmScreen(ConfirmStep):
    """What goes on the list, and one big button to put it there."""

    TITLE_KEY = "v.waitlist.confirm_title"
    PREFIX = "waitlist"
    INTRO_KEY = "v.waitlist.intro"
    OK_KEY = "v.waitlist.ok"

    @dataclass
    class Added(Message):
        entry: WaitlistEntry

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("v.confirm.topic", self.draft.topic.name(self.t.lang)),
            ("v.confirm.name", self.draft.name),
            ("v.confirm.phone", display_phone(self.draft.phone)),
        ]

    def confirmed(self) -> None:
        self._add(self.t.lang)

    @store_work(group="waitlist-add")
    def _add(self, lang: str) -> None:
        draft = self.draft
        try:
            entry = services_of(self).waitlist.add(
                draft.topic.slug, draft.name, draft.phone, language=lang, remind=draft.remind
            )
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Added(entry))

    @on(Added)
    def _added(self, message: Added) -> None:
        self.finish(WaitlistDoneScreen(message.entry, self.draft))


class WaitlistDoneScreen(VisitorScreen):
    """On the list: the library will call this phone when a time frees up."""

    TITLE_KEY = "v.waitlist.done_title"
    BACK_KEY = "v.ticket.done"
    BACK_SIGN = "\u2714 "

    @dataclass
    class Ready(Message):
        return_seconds: float

    def __init__(self, entry: WaitlistEntry, draft: Draft) -> None:
        super().__init__()
        self.entry = entry
        self.draft = draft

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        with Vertical(id="waitlist-done", classes="v-card v-ok"):
            yield Words(plain("\u2714 " + t("v.waitlist.done")), classes="v-sub")
            yield Words(
                plain(
                    t(
                        "v.waitlist.will_call",
                        topic=self.draft.topic.name(t.lang),
                        phone=display_phone(self.entry.phone),
                    )
                ),
                id="waitlist-call",
                classes="v-line",
            )
        yield Words(plain(t("v.waitlist.meanwhile")), classes="v-line")

    def on_mount(self) -> None:
        self.query_one("#v-back", Button).focus()
        self._prepare()

    @store_work(group="waitlist-done")
    def _prepare(self) -> None:
        self.post_message(self.Ready(services_of(self).booking.settings().ticket_return_seconds))

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        self.set_timer(message.return_seconds, self._auto_return)

    def _auto_return(self) -> None:
        if self.app.screen is self:
            self.post_message(self.ReturnToWelcome())

    def action_back(self) -> None:
        self.post_message(self.ReturnToWelcome())
