"""What every service is built on: the store it reads and writes and the clock it reads."""

from __future__ import annotations

from datetime import datetime

from db import Store
from kiosk.domain.clock import Clock, as_local


class StoreService:
    """A service over one store and one clock, both passed in (no globals), so a test gives
    it a temporary store and a fixed clock."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def now(self) -> datetime:
        """The clock's time in Vilnius."""
        return as_local(self.clock.now())
