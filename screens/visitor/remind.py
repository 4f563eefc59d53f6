"""Booking, step 4b (only when a phone was given): "Send me a text message the day before?"

One question, two big answers, "No" chosen unless the visitor says yes. The waiting list
asks its own question here too: one text when a time frees up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import on
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button

from kiosk.domain.validation import display_phone
from screens.common import plain
from screens.visitor.common import Draft, VisitorScreen
from screens.widgets.words import Words


class RemindScreen(VisitorScreen):
    TITLE_KEY = "v.remind.title"

    def __init__(
        self,
        draft: Draft,
        following: Callable[[Draft], Screen[None]],
        question_key: str = "v.remind.question",
    ) -> None:
        super().__init__()
        self.draft = draft
        self.following = following
        self.question_key = question_key

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        yield Words(plain(t(self.question_key)), id="remind-question", classes="v-intro")
        yield Words(
            plain(t("v.remind.detail", phone=display_phone(self.draft.phone))),
            id="remind-detail",
            classes="v-line",
        )
        with Vertical(id="remind-answers"):
            yield Button(plain(t("v.remind.no")), id="remind-no", classes="v-choice")
            yield Button(plain(t("v.remind.yes")), id="remind-yes", classes="v-choice")

    def on_mount(self) -> None:
        self.query_one("#remind-no", Button).focus()

    @on(Button.Pressed, "#remind-yes, #remind-no")
    def _answered(self, event: Button.Pressed) -> None:
        self.draft.remind = event.button.id == "remind-yes"
        self.app.push_screen(self.following(self.draft))
