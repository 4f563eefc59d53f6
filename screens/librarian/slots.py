"""The desk's one way to pick a free time: moving a booking and booking a walk-in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select

from kiosk.domain.models import Slot
from screens.common import ConsoleWords, safe_text

MAX_SLOTS = 60  # a list longer than this is no help at the desk


class SlotPicker(Select[str], ConsoleWords):
    """Free times as the desk reads them: day, weekday, time, e-scout and place; the first
    one chosen. The caller loads the times (in a worker) and hands them to ``offer``."""

    def __init__(self, scouts: dict[str, str], *, id: str) -> None:
        super().__init__([], id=id)
        self.scouts = scouts
        self.slots: list[Slot] = []

    def compose(self) -> ComposeResult:
        self.prompt = self.t("lib.walkin.choose_slot")  # once in the console: its words
        yield from super().compose()

    def offer(self, slots: list[Slot]) -> bool:
        """Show ``slots`` (the first ``MAX_SLOTS``); False when there is none to offer."""
        self.slots = slots[:MAX_SLOTS]
        self.set_options([(self._label(slot), str(n)) for n, slot in enumerate(self.slots)])
        if self.slots:
            self.value = "0"
        return bool(self.slots)

    @property
    def chosen(self) -> Slot | None:
        value = self.value
        return self.slots[int(value)] if isinstance(value, str) else None

    def _label(self, slot: Slot) -> str:
        start = slot.start
        weekday = self.t(f"lib.weekday_short.{start.weekday()}")
        scout = self.scouts.get(slot.scout, slot.scout)
        return safe_text(f"{start:%m-%d} {weekday} {start:%H:%M} · {scout} · {slot.place}")
