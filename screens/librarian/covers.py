"""Covers to confirm: e-scouts' shifts offered to others at the kiosk, open or taken.

Confirming a taken cover moves the shift and its bookings to the taker (the visitors are
then in "Who to call": tell them the new e-scout); "Not this one" opens it again for others.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable

from kiosk.domain.clock import as_local
from kiosk.domain.covers import CoverRequest, CoverStatus
from kiosk.domain.errors import KioskError
from kiosk.i18n import Translator
from screens.common import MessageLine, cell, services_of, store_work
from screens.dialogs import Dialog
from screens.librarian.common import cursor_key, refusal
from screens.widgets.words import Words, WordsLabel


def request_key(request: CoverRequest) -> str:
    return f"{request.scout.id}|{as_local(request.shift.start).isoformat()}"


def status_words(t: Translator, request: CoverRequest) -> str:
    if request.status is CoverStatus.TAKEN and request.taker is not None:
        return t("lib.covers.taken", name=request.taker.name)
    return t("lib.covers.open")


class CoversScreen(Dialog[None]):
    """The covers asked at the kiosk and not settled, soonest first; confirm or decline."""

    @dataclass
    class Loaded(Message):
        requests: list[CoverRequest]

    @dataclass
    class Acted(Message):
        text: str
        error: bool = False

    def __init__(self) -> None:
        super().__init__(id="covers-screen")
        self.requests: list[CoverRequest] = []
        self._acted_once = False

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="lib-dialog lib-wide", id="covers-dialog"):
            yield WordsLabel(t("lib.covers.title"), classes="lib-dialog-title")
            yield Words(cell(t("lib.covers.body")))
            yield DataTable(id="covers-table", cursor_type="row")
            yield MessageLine(id="covers-message", marks_success=False)
            with Horizontal(classes="lib-buttons"):
                yield Button(t("lib.covers.confirm"), id="covers-confirm", variant="primary")
                yield Button(t("lib.covers.decline"), id="covers-decline")
                yield Button(t("lib.back"), id="covers-close")

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one("#covers-table", DataTable)
        for key, width in (
            ("date", 11),
            ("time", 12),
            ("scout", 14),
            ("visitors", 9),
            ("status", 30),
        ):
            table.add_column(self.t(f"lib.covers.col.{key}"), key=key, width=width)
        self._load()

    @store_work(group="covers-load")
    def _load(self) -> None:
        self.post_message(self.Loaded(services_of(self).scout_day.covers.pending()))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        t = self.t
        self.requests = message.requests
        table: DataTable[Text] = self.query_one("#covers-table", DataTable)
        keep = cursor_key(table)
        table.clear()
        for r in self.requests:
            start, end = as_local(r.shift.start), as_local(r.shift.end)
            table.add_row(
                cell(f"{start:%Y-%m-%d}"),
                cell(f"{start:%H:%M}\u2013{end:%H:%M}"),
                cell(r.scout.name),
                cell(str(r.bookings)),
                cell(status_words(t, r)),
                key=request_key(r),
            )
        keys = [request_key(r) for r in self.requests]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        if not self.requests and not self._acted_once:
            self.query_one(MessageLine).say(t("lib.covers.none"))  # what was done stays

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        action = str(event.button.id).removeprefix("covers-")
        if action == "close":
            self.dismiss(None)
            return
        if action not in ("confirm", "decline"):
            return
        event.stop()
        key = cursor_key(self.query_one("#covers-table", DataTable))
        request = next((r for r in self.requests if request_key(r) == key), None)
        if request is None:
            self.query_one(MessageLine).say(self.t("lib.today.choose_row"), error=True)
            return
        self._run(self.t, action, request)

    @store_work(group="covers-act")
    def _run(self, t: Translator, action: str, request: CoverRequest) -> None:
        covers = services_of(self).scout_day.covers
        try:
            if action == "confirm":
                moved = covers.confirm(request.scout.id, request.shift.start)
                taker = request.taker.name if request.taker else ""
                said = t.n(
                    "lib.covers.did_confirm", len(moved), name=taker, scout=request.scout.name
                )
            else:
                covers.decline(request.scout.id, request.shift.start)
                said = t("lib.covers.did_decline", scout=request.scout.name)
        except KioskError as exc:
            self.post_message(self.Acted(refusal(t, exc), error=True))
            return
        self.post_message(self.Acted(said))

    @on(Acted)
    def _acted(self, message: Acted) -> None:
        self._acted_once = True
        self.query_one(MessageLine).say(message.text, error=message.error)
        self._load()
