"""The booking flow: topic -> time -> your details -> confirm -> ticket.

Every store call runs in a thread worker that only posts a message; the ``@on`` handler
updates the screen. The visitor's choices travel in one ``Draft`` from screen to screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import Conflict, ErrorCode, KioskError, ValidationError
from kiosk.domain.models import Slot, Topic
from kiosk.domain.ticket_content import TicketContent
from kiosk.domain.tickets import qr_matrix
from kiosk.domain.validation import NAME_MAX, clean_name, display_phone, normalize_phone
from kiosk.paper.printing import print_configured, printer_configured
from screens.common import host, plain, refusal_words, safe_text, services_of, store_work
from screens.visitor.common import (
    TALL_ROWS,
    Draft,
    TypingScreen,
    VisitorScreen,
    pager,
    summary_card,
    when_text,
)
from screens.widgets import Alphabet, OnScreenKeyboard, Pager, QRCode, Words
from screens.widgets.pager import PagerButton


@runtime_checkable
class IdleHost(Protocol):
    """An App with the visitor's quiet-spell timer (the ticket restarts it)."""

    def reset_idle(self) -> None: ...


# -- 2. Topic -------------------------------------------------------------------------


class TopicButton(Button):
    """A large topic button: name and its one-line description."""

    def __init__(self, topic: Topic, lang: str) -> None:
        label = Content.assemble(
            (safe_text(topic.name(lang)), "bold"), "\n", plain(topic.description(lang))
        )
        super().__init__(label, classes="v-topic", id=f"topic-{topic.slug}")
        self.topic = topic
        self.styles.line_pad = 0  # a tile: its lines line up on the left (CSS cannot say 0)


class TopicScreen(VisitorScreen):
    TITLE_KEY = "v.topic.title"

    @dataclass
    class Loaded(Message):
        topics: list[Topic]

    def compose_body(self) -> Iterable[Widget]:
        yield Static(plain(self.t("v.topic.intro")), classes="v-intro")
        yield Static(plain(self.t("v.loading")), id="topic-status", classes="v-status")
        # Pages instead of scrolling: a terminal does not scroll by dragging.
        yield pager(self.t, id="topic-grid", item_height=3, min_column_width=34)

    def on_mount(self) -> None:
        self._load()

    @store_work(group="topics")
    def _load(self) -> None:
        self.post_message(self.Loaded(services_of(self).booking.topics(active_only=True)))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        status = self.query_one("#topic-status", Static)
        if message.topics:
            status.display = False
        else:
            status.update(plain(self.t("v.topic.none")))
        grid = self.query_one("#topic-grid", Pager)
        await grid.set_items(TopicButton(topic, self.t.lang) for topic in message.topics)
        if message.topics:
            grid.items[0].focus()

    @on(Button.Pressed, ".v-topic")
    def _chosen(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, TopicButton)
        self.app.push_screen(TimeScreen(Draft(topic=event.button.topic)))


# -- 3. Time --------------------------------------------------------------------------


class SlotButton(Button):
    """One free time: the time, the day and where."""

    def __init__(
        self, slot: Slot, time_text: str, index: int, day_text: str = "", seats_text: str = ""
    ) -> None:
        label = Content.assemble(
            (time_text, "bold"),
            plain(f"  {seats_text}" if seats_text else ""),
            "\n",
            plain(day_text),
            "\n",
            plain(slot.place),
        )
        super().__init__(label, classes="v-slot", id=f"slot-{index}")
        self.slot = slot
        self.styles.line_pad = 0  # a tile: its lines line up on the left (CSS cannot say 0)


class TimeScreen(VisitorScreen):
    TITLE_KEY = "v.time.title"

    @dataclass
    class Loaded(Message):
        slots: list[Slot]
        today: date
        days: int
        scouts: dict[str, str]
        retention_days: int
        live: bool = False  # re-read because the data changed: keep the page and the focus

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.slots: list[Slot] = []

    def compose_body(self) -> Iterable[Widget]:
        yield Static(plain(self.draft.topic.name(self.t.lang)), id="time-topic", classes="v-sub")
        yield Static(id="time-notice", classes="v-notice")
        yield Static(plain(self.t("v.loading")), id="time-status", classes="v-status")
        yield Button("", id="time-first", classes="v-first")
        # One tile per free time, each with its day, in pages: nothing below the fold.
        yield pager(self.t, id="time-days", item_height=3, min_column_width=30)

    def bar_buttons(self) -> Iterable[Widget]:
        # Always in the bar: whether no time suits or there is none, it is one tap away.
        yield Button(
            plain("\u260e " + self.t("v.waitlist.offer")), id="time-waitlist", classes="v-next"
        )

    def on_mount(self) -> None:
        self.query_one("#time-notice").display = False
        self.query_one("#time-first").display = False
        self._load()
        # Another kiosk or the desk booked or freed a time: show the times as they are now.
        host(self).data_changed.subscribe(self, lambda _: self._load(live=True))

    @on(Button.Pressed, "#time-waitlist")
    def _waitlist(self) -> None:
        # Imported here: the waiting-list steps build on this module's details step.
        from screens.visitor.waitlist import WaitlistDetailsScreen

        self.app.push_screen(WaitlistDetailsScreen(self.draft))

    def reload_slots(self, notice: str = "") -> None:
        """Read the free times again (after a lost race), with an optional kind notice."""
        box = self.query_one("#time-notice", Static)
        box.update(plain(notice))
        box.display = bool(notice)
        self._load()

    @store_work(group="slots")
    def _load(self, live: bool = False) -> None:
        booking = services_of(self).booking
        # E-scouts who speak the visitor's language (all, with a note, when none does).
        slots = booking.free_slots(self.draft.topic.slug, language=self.t.lang)
        scouts = {s.id: s.public_name for s in booking.scouts()}
        settings = booking.settings()
        self.post_message(
            self.Loaded(
                slots,
                booking.now().date(),
                settings.horizon_days,
                scouts,
                settings.retention_days,
                live,
            )
        )

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        t = self.t
        self.slots = message.slots
        self.draft.scouts = message.scouts
        self.draft.retention_days = message.retention_days
        status = self.query_one("#time-status", Static)
        first = self.query_one("#time-first", Button)
        days_box = self.query_one("#time-days", Pager)
        if not message.slots:
            await days_box.set_items([])
            none = t.n("v.time.none_days", message.days)
            status.update(plain(f"{none}\n\n{t('v.waitlist.none_hint')}"))
            status.add_class("v-warn")
            status.display = True
            first.display = False
            self.query_one("#time-waitlist", Button).focus()
            return
        status.display = False
        if not message.slots[0].in_language:
            notice = self.query_one("#time-notice", Static)
            earlier = str(notice.render()) if notice.display else ""  # e.g. a lost race
            notice.update(plain("\n".join(filter(None, (earlier, t("v.time.other_language"))))))
            notice.display = True
        slot = message.slots[0]
        first.label = Content.assemble(
            ("\u25b6 " + t("v.time.first"), "bold"),
            "\n",
            plain(
                t(
                    "v.time.first_when",
                    day=t.day_label(slot.start.date()),
                    time=t.time(slot.start),
                    place=slot.place,
                )
            ),
        )
        first.display = True
        page = days_box.page
        await days_box.set_items(
            SlotButton(
                s,
                t.time(s.start),
                index,
                t.day_label(s.start.date()),
                t.n("v.time.free_seats", s.seats_left) if s.seats > 1 else "",
            )
            for index, s in enumerate(message.slots)
        )
        if message.live:
            days_box.page = min(page, days_box.page_count - 1)
            return
        first.focus()
        self.query_one("#v-body").scroll_home(animate=False)

    @on(Button.Pressed, "#time-first")
    def _first(self) -> None:
        if self.slots:
            self._choose(self.slots[0])

    @on(Button.Pressed, ".v-slot")
    def _slot(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, SlotButton)
        self._choose(event.button.slot)

    def _choose(self, slot: Slot) -> None:
        self.draft.slot = slot
        self.app.push_screen(DetailsScreen(self.draft))


# -- 4. Your details ------------------------------------------------------------------


class DetailsScreen(TypingScreen):
    TITLE_KEY = "v.details.title"
    # A booking checks the visitor's room for one more first; the waiting list does not.
    checks_room = True
    BINDINGS = [Binding("ctrl+j", "next", "v.details.next", id="details-next", show=False)]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        name = Input(
            self.draft.name, id="name", max_length=NAME_MAX, placeholder=t("v.details.name_hint")
        )
        phone = Input(
            self.draft.phone,
            id="phone",
            max_length=20,
            restrict=r"[0-9+ ()\-]*",
            placeholder=t("v.details.phone_hint"),
        )
        # The labels ride in the fields' top borders: a row saved for the keyboard.
        name.border_title = t("v.details.name")
        phone.border_title = t("v.details.phone")
        # Side by side: the fields and the keyboard fit on one screen without scrolling.
        with Horizontal(id="details-fields"):
            with Vertical(classes="v-field"):
                yield name
            with Vertical(classes="v-field"):
                yield phone
        yield Static(id="name-error", classes="v-error")
        yield Static(id="phone-error", classes="v-error")
        yield Words(
            plain(t.n("v.details.consent_days", self.draft.retention_days)),
            id="consent",
            classes="v-consent",
        )
        yield OnScreenKeyboard(
            "text",
            space_label=t("v.key.space"),
            backspace_label=t("v.key.backspace"),
            alphabet=Alphabet.of(t),
            id="details-keyboard",
        )

    def bar_buttons(self) -> Iterable[Widget]:
        yield Button(
            plain(self.t("v.details.next") + " \u25b6"),
            id="details-next",
            variant="primary",
            classes="v-next",
        )

    def on_mount(self) -> None:
        for error in self.query(".v-error"):
            error.display = False
        self.query_one("#name", Input).focus()

    def _capitalise(self, field: Input) -> bool:
        return field.id == "name"

    @dataclass
    class Checked(Message):
        """The visitor may book (``error`` is None) or holds as many bookings as allowed."""

        name: str
        phone: str
        error: KioskError | None

    @on(Input.Changed, "#name, #phone")
    def _typing(self, event: Input.Changed) -> None:
        """The visitor is fixing it: the error about this field is stale."""
        field = event.input.id or ""
        if self.query_one(f"#{field}-error").display:
            self._show_error(field, None)

    # Enter in either field is the same as Continue: the phone is optional, and the visitor
    # who typed a name and pressed Enter meant to go on.
    @on(Input.Submitted, "#name, #phone")
    @on(Button.Pressed, "#details-next")
    def action_next(self) -> None:
        name_field = self.query_one("#name", Input)
        phone_field = self.query_one("#phone", Input)
        name = phone = None
        try:
            name = clean_name(name_field.value)
            self._show_error("name", None)
        except ValidationError as exc:
            self._show_error("name", exc)
        try:
            phone = normalize_phone(phone_field.value)
            self._show_error("phone", None)
        except ValidationError as exc:
            self._show_error("phone", exc)
        if name is None:
            name_field.focus()
            return
        if self.query_one("#phone-error").display:
            phone_field.focus()
            return
        if not self.checks_room:
            self._go_on(name, phone or "")
            return
        self.query_one("#details-next", Button).disabled = True
        self._check_room(name, phone or "")

    @store_work(group="details-room")
    def _check_room(self, name: str, phone: str) -> None:
        try:
            services_of(self).booking.check_room(name, phone or None)
        except KioskError as exc:
            self.post_message(self.Checked(name, phone, exc))
            return
        self.post_message(self.Checked(name, phone, None))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        self.query_one("#details-next", Button).disabled = False
        if message.error is not None:
            # Said now, not after the visitor has confirmed everything.
            self._show_error("name", message.error)
            self.query_one("#name", Input).focus()
            return
        self._go_on(message.name, message.phone)

    def _go_on(self, name: str, phone: str) -> None:
        self.draft.name = name
        self.draft.phone = phone
        if (step := self.next_step()) is not None:
            self.app.push_screen(step)

    def next_step(self) -> Screen[None] | None:
        """Where the checked name and phone go next (None: stay, e.g. a further refusal)."""
        return ConfirmBookingScreen(self.draft)

    def _show_error(self, field: str, exc: KioskError | None) -> None:
        box = self.query_one(f"#{field}-error", Static)
        box.display = exc is not None
        if exc is not None:
            # A sign and words as well as colour: never meaning by colour alone.
            box.update(plain("\u26a0 " + refusal_words(self.t, exc)))
        self.query_one(f"#{field}", Input).set_class(exc is not None, "-invalid")
        # On a short screen an error takes the consent text's rows (it is back once fixed).
        shown = any(box.display for box in self.query(".v-error"))
        self.set_class(shown, "-has-error")

    def action_back(self) -> None:
        # Keep what was typed if the visitor comes back to this step.
        self.draft.name = self.query_one("#name", Input).value
        self.draft.phone = self.query_one("#phone", Input).value
        super().action_back()


# -- 5. Confirm -----------------------------------------------------------------------


class ConfirmBookingScreen(VisitorScreen):
    TITLE_KEY = "v.confirm.title"
    BACK_KEY = "v.confirm.change"

    @dataclass
    class Booked(Message):
        ticket: Ticket

    @dataclass
    class Refused(Message):
        error: KioskError

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        slot = self.draft.slot
        assert slot is not None
        rows = [
            ("v.confirm.topic", self.draft.topic.name(t.lang)),
            ("v.confirm.day", t.day_label(slot.start.date())),
            ("v.confirm.time", f"{t.time(slot.start)}\u2013{t.time(slot.end)}"),
            ("v.confirm.place", slot.place),
            ("v.confirm.scout", self.draft.scout_name(slot.scout)),
            ("v.confirm.name", self.draft.name),
        ]
        if self.draft.phone:
            rows.append(("v.confirm.phone", display_phone(self.draft.phone)))
        yield Static(plain(t("v.confirm.intro")), classes="v-intro")
        yield from summary_card(t, "confirm-summary", rows)
        yield Static(id="confirm-status", classes="v-notice")
        # One way to change: the bar's "Keisti" (Back) goes to the details.
        with Horizontal(classes="v-actions"):
            yield Button(
                plain("\u2714 " + t("v.confirm.ok")),
                id="confirm-ok",
                variant="primary",
                classes="v-big",
            )

    def on_mount(self) -> None:
        self.query_one("#confirm-status").display = False
        self.query_one("#confirm-ok", Button).focus()

    @on(Button.Pressed, "#confirm-ok")
    def _confirm(self) -> None:
        self.query_one("#confirm-ok", Button).disabled = True
        self._say(self.t("v.confirm.working"))
        self._book()

    def _say(self, text: str, warn: bool = False) -> None:
        box = self.query_one("#confirm-status", Static)
        box.update(plain(text))
        box.display = bool(text)
        box.set_class(warn, "v-warn")

    @store_work(group="book")
    def _book(self) -> None:
        draft = self.draft
        assert draft.slot is not None
        try:
            ticket = services_of(self).booking.book(
                draft.topic.slug,
                draft.slot.start,
                draft.name,
                phone=draft.phone or None,
                scout=draft.slot.scout,
                language=self.t.lang,
            )
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Booked(ticket))

    @on(Booked)
    def _booked(self, message: Booked) -> None:
        # The flow is over: nothing to go back to. The ticket goes on the start screen
        # once the steps above it are gone (popping runs after this handler).
        app = self.app
        app.screen_stack[0].pop_until_active()
        app.call_later(app.push_screen, TicketScreen(message.ticket, self.draft))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        error = message.error
        text = refusal_words(self.t, error)
        if isinstance(error, Conflict) and error.code == ErrorCode.SLOT_TAKEN:
            # Lost the race: kindly back to the times, read again.
            times = next((s for s in self.app.screen_stack if isinstance(s, TimeScreen)), None)
            if times is not None:
                times.pop_until_active()
                times.reload_slots(text)
            return
        self._say("\u26a0 " + text, warn=True)
        # A retry cannot help these; anything else (a store hiccup) may be tried again.
        final = error.code in (
            ErrorCode.TOO_MANY_BOOKINGS,
            ErrorCode.TOPIC_INACTIVE,
            ErrorCode.UNKNOWN_TOPIC,
        )
        self.query_one("#confirm-ok", Button).disabled = final
        self.query_one("#v-back", Button).focus()


# -- 6. Ticket ------------------------------------------------------------------------


class TicketScreen(VisitorScreen):
    """The visitor's ticket: it stays until "Done" (a senior photographs it, copies the
    code, asks for help); only after a long quiet spell does the "More time?" countdown come.

    On a short screen the ticket's text is in pages with big page buttons beside the QR;
    on a tall one everything shows at once. A configured receipt printer adds "Print"."""

    TITLE_KEY = "v.ticket.title"
    BACK_KEY = "v.ticket.done"
    BACK_SIGN = "\u2714 "
    PAGES = 4  # on a short screen: code and time / place / e-scout and what to bring / arrival
    PAIRED_ROWS = 22  # from this height two of those pages show at once (80x24: 2 pages)

    @dataclass
    class Ready(Message):
        matrix: list[list[bool]]
        content: TicketContent
        idle_seconds: float
        can_print: bool

    @dataclass
    class Printed(Message):
        error: KioskError | None = None

    def __init__(self, ticket: Ticket, draft: Draft) -> None:
        super().__init__()
        self.ticket = ticket
        self.draft = draft
        self.content: TicketContent | None = None
        self.page = 0
        # Read by the App's idle timer: the ticket waits longer than other screens.
        self.idle_limit: float | None = None

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        booking = self.ticket.booking
        with Horizontal(id="ticket-main"):
            with Vertical(id="ticket-qr-box"):
                yield QRCode(id="ticket-qr")
                yield Static(plain(t("v.ticket.scan_hint")), id="ticket-qr-hint", classes="v-small")
            with Vertical(id="ticket-info"):
                with Vertical(id="ticket-page-0", classes="ticket-page"):
                    yield Static(plain("\u2714 " + t("v.ticket.booked")), classes="v-sub")
                    yield Static(plain(t("v.ticket.code")), classes="v-field-label")
                    yield Static(plain(" ".join(booking.code)), id="ticket-code")
                    yield Static(id="ticket-topic", classes="v-line")
                    yield Static(
                        plain(when_text(t, booking.starts, booking.ends)),
                        id="ticket-when",
                        classes="v-line",
                    )
                with Vertical(id="ticket-page-1", classes="ticket-page"):
                    yield Static(plain(booking.place), id="ticket-where", classes="v-line")
                    yield Static(id="ticket-directions", classes="v-line")
                with Vertical(id="ticket-page-2", classes="ticket-page"):
                    yield Static(id="ticket-who", classes="v-line")
                    yield Static(id="ticket-bring", classes="v-line")
                with Vertical(id="ticket-page-3", classes="ticket-page"):
                    yield Static(id="ticket-arrive", classes="v-line")
                    yield Static(plain(t("v.ticket.photo")), id="ticket-photo", classes="v-line")
                # Only with a receipt printer; its answer beside it, in words.
                with Horizontal(id="ticket-print-row"):
                    yield Button(
                        plain(self.t("v.ticket.print")), id="ticket-print", variant="primary"
                    )
                    yield Static(id="ticket-print-status", classes="v-notice")
                with Horizontal(id="ticket-nav"):
                    yield PagerButton(plain(t("v.page.back")), id="ticket-page-back")
                    yield Static(id="ticket-page-count")
                    yield PagerButton(plain(t("v.page.more")), id="ticket-page-more")

    def on_mount(self) -> None:
        self.query_one("#ticket-print-row").display = False
        self.query_one("#ticket-print-status").display = False
        self._show_page()
        self.query_one("#v-back", Button).focus()
        self._prepare()

    @store_work(group="ticket")
    def _prepare(self) -> None:
        services = services_of(self)
        booking = self.ticket.booking
        matrix = qr_matrix(self.ticket.token)
        content = services.catalog.ticket_content(booking, self.ticket.token, self.t.lang)
        settings = services.catalog.settings()
        self.post_message(
            self.Ready(matrix, content, settings.ticket_idle_seconds, printer_configured(settings))
        )

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        self.content = content = message.content
        self.query_one("#ticket-qr", QRCode).set_matrix(message.matrix)
        for key in ("topic", "when", "directions", "bring"):
            self._line(f"#ticket-{key}", content, key)
        self._line("#ticket-where", content, "place")
        self._line("#ticket-who", content, "scout")
        self.query_one("#ticket-arrive", Static).update(plain(content.arrive))
        self.query_one("#ticket-print-row").display = message.can_print
        self.idle_limit = message.idle_seconds
        app = self.app
        if isinstance(app, IdleHost):
            app.reset_idle()  # the ticket's longer quiet spell starts now
        self._show_page()

    def _line(self, selector: str, content: TicketContent, key: str) -> None:
        """A labelled line of the ticket (hidden when the ticket has none, e.g. no directions)."""
        line = content.line(key)
        box = self.query_one(selector, Static)
        box.display = line is not None
        if line is not None:
            box.update(Content.assemble((line.label + " ", "bold"), plain(line.text)))

    # -- pages on a short screen --------------------------------------------------------

    def on_resize(self) -> None:
        self._show_page()

    @property
    def page_count(self) -> int:
        height = self.size.height
        if height >= TALL_ROWS:
            return 1
        return self.PAGES // 2 if height >= self.PAIRED_ROWS else self.PAGES

    def _show_page(self) -> None:
        pages = self.page_count
        self.page = min(self.page, pages - 1)
        per_page = self.PAGES // pages
        for n, part in enumerate(self.query(".ticket-page")):
            part.display = n // per_page == self.page
        self.query_one("#ticket-nav").display = pages > 1
        self.query_one("#ticket-page-count", Static).update(
            plain(self.t("v.page.count", page=self.page + 1, pages=pages))
        )
        self.query_one("#ticket-page-back", Button).disabled = self.page == 0
        self.query_one("#ticket-page-more", Button).disabled = self.page >= pages - 1

    @on(Button.Pressed, "#ticket-page-more")
    def _more(self) -> None:
        self.page = min(self.page + 1, self.page_count - 1)
        self._show_page()

    @on(Button.Pressed, "#ticket-page-back")
    def _less(self) -> None:
        self.page = max(self.page - 1, 0)
        self._show_page()

    # -- paper ticket ------------------------------------------------------------------

    @on(Button.Pressed, "#ticket-print")
    def _print_pressed(self) -> None:
        if self.content is None:
            return
        self.query_one("#ticket-print", Button).disabled = True
        self._say(self.t("v.ticket.printing"))
        self._print(self.content)

    @store_work(group="ticket-print")
    def _print(self, content: TicketContent) -> None:
        try:
            print_configured(content, services_of(self).catalog.settings())
        except KioskError as exc:
            self.post_message(self.Printed(exc))
            return
        self.post_message(self.Printed())

    @on(Printed)
    def _printed(self, message: Printed) -> None:
        self.query_one("#ticket-print", Button).disabled = False
        if message.error is None:
            self._say("\u2714 " + self.t("v.ticket.printed"))
        else:
            self._say("\u26a0 " + refusal_words(self.t, message.error), warn=True)

    def _say(self, text: str, warn: bool = False) -> None:
        box = self.query_one("#ticket-print-status", Static)
        box.update(plain(text))
        box.display = bool(text)
        box.set_class(warn, "v-warn")

    def action_back(self) -> None:
        self.post_message(self.ReturnToWelcome())
