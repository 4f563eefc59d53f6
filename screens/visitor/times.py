"""Booking, step 3: a free time of an e-scout who covers the topic, or the waiting list
when there is none."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.domain.models import Slot
from kiosk.domain.ticket_content import group_text, place_text, place_tile_text, speaks_text
from kiosk.i18n import Translator
from kiosk.speech import text as speech
from screens.common import host, plain, services_of, store_work
from screens.visitor.common import (
    Draft,
    VisitorScreen,
    pager,
)
from screens.visitor.details import DetailsScreen
from screens.visitor.waitlist import WaitlistDetailsScreen
from screens.widgets import Pager
from screens.widgets.words import Words


def short_day(t: Translator, day: date, today: date) -> str:
    """A time's day on a tile: "Today" or "Tomorrow" alone when true (the date beside them
    would not fit a tile's line), else the day label; Confirm shows the day in full."""
    relative = {today: "v.day.today", today + timedelta(days=1): "v.day.tomorrow"}.get(day)
    return t(relative) if relative else t.day_label(day)


class SlotButton(Button):
    """One free time: the time, the day and where."""

    def __init__(
        self,
        slot: Slot,
        time_text: str,
        index: int,
        day_text: str = "",
        seats_text: str = "",
        place: str = "",
    ) -> None:
        label = Content.assemble(
            (time_text, "bold"),
            plain(f"  {seats_text}" if seats_text else ""),
            "\n",
            plain(day_text),
            "\n",
            plain(place or slot.place),
        )
        super().__init__(label, classes="v-slot", id=f"slot-{index}")
        self.slot = slot
        self.styles.line_pad = 0  # a tile: its lines line up on the left (CSS cannot say 0)


class TimeScreen(VisitorScreen):
    TITLE_KEY = "v.time.title"
    READ_ALOUD_SIGN_ONLY = True

    @dataclass
    class Loaded(Message):
        slots: list[Slot]
        today: date
        days: int
        scouts: dict[str, str]
        retention_days: int
        places: dict[str, str]  # sign name -> the visitor's words for it
        tiles: dict[str, str]  # the same, the visitor's own first (a narrow tile)
        languages: dict[str, list[str]]  # e-scout -> languages spoken
        live: bool = False  # re-read because the data changed: keep the page and the focus

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.slots: list[Slot] = []
        self._today: date | None = None
        self._days = 0

    def compose_body(self) -> Iterable[Widget]:
        yield Words(plain(self.draft.topic.name(self.t.lang)), id="time-topic", classes="v-sub")
        yield Words(id="time-notice", classes="v-notice")
        yield Words(plain(self.t("v.loading")), id="time-status", classes="v-status")
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
        people = booking.scouts()
        settings = booking.settings()
        lang = self.t.lang
        places = services_of(self).catalog.places()
        labels = {p.name: place_text(p, p.name, lang) for p in places}
        tiles = {p.name: place_tile_text(p, p.name, lang) for p in places}
        self.post_message(
            self.Loaded(
                slots,
                booking.now().date(),
                settings.horizon_days,
                {s.id: s.public_name for s in people},
                settings.retention_days,
                labels,
                tiles,
                {s.id: list(s.languages) for s in people},
                live,
            )
        )

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        t = self.t
        self.slots = message.slots
        draft = self.draft
        draft.scouts = message.scouts
        draft.retention_days = message.retention_days
        draft.today = message.today
        self._today, self._days = message.today, message.days
        draft.places = message.places
        draft.languages = message.languages
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
        notes = {draft.language_note(t, s.scout) for s in message.slots}
        if notes - {""}:
            # Nobody speaks the visitor's language: say what the e-scouts do speak (one
            # sentence when they all speak the same; else each time says it).
            notice = self.query_one("#time-notice", Static)
            earlier = str(notice.render()) if notice.display else ""  # e.g. a lost race
            note = notes.pop() if len(notes) == 1 else t("v.time.other_language_each")
            notice.update(plain("\n".join(filter(None, (earlier, note)))))
            notice.display = True
        slot = message.slots[0]
        first.label = Content.assemble(
            ("\u25b6 " + t("v.time.first"), "bold"),
            "\n",
            plain(
                t(
                    "v.time.first_when",
                    day=short_day(t, slot.start.date(), message.today),
                    time=t.time(slot.start),
                    place=draft.place(slot.place),
                )
            ),
        )
        first.display = True
        page = days_box.page
        mixed = len(notes) > 1
        await days_box.set_items(
            SlotButton(
                s,
                t.time(s.start),
                index,
                short_day(t, s.start.date(), message.today),
                " ".join(
                    filter(
                        None,
                        (
                            group_text(t, s.seats, s.seats_left, "v.group.tile"),
                            speaks_text(draft.languages.get(s.scout, [])) if mixed else "",
                        ),
                    )
                ),
                message.tiles.get(s.place, s.place),
            )
            for index, s in enumerate(message.slots)
        )
        if message.live:
            days_box.page = min(page, days_box.page_count - 1)
            return
        first.focus()
        self.query_one("#v-body").scroll_home(animate=False)

    def spoken_text(self) -> str:
        t, draft = self.t, self.draft
        notice = self.query_one("#time-notice", Static)
        grid = self.query_one("#time-days", Pager)

        def told(slot: Slot) -> speech.TimeChoice:
            return speech.TimeChoice(slot, draft.place(slot.place))

        shown = [told(i.slot) for i in grid.page_items() if isinstance(i, SlotButton)]
        return speech.times(
            t,
            draft.topic.name(t.lang),
            shown,
            self._today or self.draft.today or date.min,
            first=told(self.slots[0]) if self.slots else None,
            notice=str(notice.render()) if notice.display else "",
            days=self._days,
            page=grid.page,
            pages=grid.page_count,
        )

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
