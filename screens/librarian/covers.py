"""Covers to confirm: e-scouts' shifts offered to others at the kiosk, open or taken.

Confirming a taken cover moves the shift and its bookings to the taker (the visitors are
then in "Who to call": tell them the new e-scout); "Not this one" opens it again for others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from kiosk.domain.clock import as_local
from kiosk.domain.covers import CoverRequest, CoverStatus
from kiosk.i18n import Translator
from screens.common import cell
from screens.librarian.common import ListToClear

if TYPE_CHECKING:
    from kiosk.services import Services


def request_key(request: CoverRequest) -> str:
    return f"{request.scout.id}|{as_local(request.shift.start).isoformat()}"


def status_words(t: Translator, request: CoverRequest) -> str:
    if request.status is CoverStatus.TAKEN and request.taker is not None:
        return t("lib.covers.taken", name=request.taker.name)
    return t("lib.covers.open")


class CoversScreen(ListToClear[CoverRequest]):
    """The covers asked at the kiosk and not settled, soonest first; confirm or decline."""

    prefix = "covers"
    title_key, body_key, none_key = "lib.covers.title", "lib.covers.body", "lib.covers.none"
    actions = (
        ("confirm", "lib.covers.confirm", "primary"),
        ("decline", "lib.covers.decline", "default"),
    )

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
        super().on_mount()

    def read(self, services: Services) -> list[CoverRequest]:
        return services.scout_day.covers.pending()

    def key_of(self, item: CoverRequest) -> str:
        return request_key(item)

    def fill(self, table: DataTable[Text]) -> None:
        t = self.t
        table.clear()
        for r in self.items:
            start, end = as_local(r.shift.start), as_local(r.shift.end)
            table.add_row(
                cell(f"{start:%Y-%m-%d}"),
                cell(f"{start:%H:%M}\u2013{end:%H:%M}"),
                cell(r.scout.name),
                cell(str(r.bookings)),
                cell(status_words(t, r)),
                key=request_key(r),
            )

    def act(self, t: Translator, services: Services, action: str, key: str) -> str:
        request = next(r for r in self.items if request_key(r) == key)
        covers = services.scout_day.covers
        if action == "confirm":
            moved = covers.confirm(request.scout.id, request.shift.start)
            taker = request.taker.name if request.taker else ""
            return t.n("lib.covers.did_confirm", len(moved), name=taker, scout=request.scout.name)
        covers.decline(request.scout.id, request.shift.start)
        return t("lib.covers.did_decline", scout=request.scout.name)
