"""Booking, step 2: the visitor chooses what they need help with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.domain.models import Topic
from kiosk.speech import text as speech
from screens.common import plain, safe_text, services_of, store_work
from screens.visitor.common import (
    Draft,
    VisitorScreen,
    pager,
)
from screens.visitor.times import TimeScreen
from screens.widgets import Pager
from screens.widgets.words import Words


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
        yield Words(plain(self.t("v.topic.intro")), classes="v-intro")
        yield Words(plain(self.t("v.loading")), id="topic-status", classes="v-status")
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

    def spoken_text(self) -> str:
        grid = self.query_one("#topic-grid", Pager)
        shown = [item.topic for item in grid.page_items() if isinstance(item, TopicButton)]
        return speech.topics(self.t, shown, grid.page, grid.page_count)

    @on(Button.Pressed, ".v-topic")
    def _chosen(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, TopicButton)
        self.app.push_screen(TimeScreen(Draft(topic=event.button.topic)))
