"""The one factory that builds every service; the CLI, the app and the tests all call it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from db import Store
from kiosk.activity import ActivityService
from kiosk.auth import PinService
from kiosk.booking import BookingService
from kiosk.catalog import CatalogService
from kiosk.clock import Clock, clock_from_env

APP_NAME = "escout-kiosk"


def default_data_dir() -> Path:
    """``KIOSK_DATA_DIR`` if set, else the per-user data dir of this OS."""
    env = os.environ.get("KIOSK_DATA_DIR", "").strip()
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass
class Services:
    store: Store
    clock: Clock
    booking: BookingService
    catalog: CatalogService
    activity: ActivityService
    auth: PinService

    @property
    def data_dir(self) -> Path:
        return self.store.data_dir


def build_services(
    data_dir: str | os.PathLike[str] | None = None, clock: Clock | None = None
) -> Services:
    """Open (create, migrate or refuse) the data dir and wire the services to it."""
    store = Store(Path(data_dir) if data_dir is not None else default_data_dir()).open()
    clock = clock or clock_from_env()
    return Services(
        store=store,
        clock=clock,
        booking=BookingService(store, clock),
        catalog=CatalogService(store, clock),
        activity=ActivityService(store, clock),
        auth=PinService(store, clock),
    )
