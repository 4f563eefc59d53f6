"""The one factory that builds every service; the CLI, the app and the tests all call it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from db import Store
from kiosk.domain.activity import ActivityService
from kiosk.domain.arrivals import ArrivalService
from kiosk.domain.auth import PinService
from kiosk.domain.booking import BookingService
from kiosk.domain.catalog import CatalogService
from kiosk.domain.clock import Clock, clock_from_env
from kiosk.domain.desk import DeskService
from kiosk.domain.helpcalls import HelpCallService
from kiosk.domain.maintenance import (
    MaintenanceService,
    backups_keep,
    check_rows,
    refuse_unusable,
)
from kiosk.domain.pepper import Pepper
from kiosk.domain.reminders import RemindService
from kiosk.domain.retention import RetentionService
from kiosk.domain.scout_access import ScoutAccessService
from kiosk.domain.scout_day import ScoutDayService
from kiosk.domain.waitlist import WaitlistService

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
    arrivals: ArrivalService
    desk: DeskService
    catalog: CatalogService
    activity: ActivityService
    auth: PinService
    maintenance: MaintenanceService
    retention: RetentionService
    waitlist: WaitlistService
    helpcalls: HelpCallService
    scout_access: ScoutAccessService
    scout_day: ScoutDayService
    remind: RemindService

    @property
    def data_dir(self) -> Path:
        return self.store.data_dir


def build_services(
    data_dir: str | os.PathLike[str] | None = None,
    clock: Clock | None = None,
    open_store: bool = True,
) -> Services:
    """Open (create, migrate or refuse) the data dir and wire the services to it.

    ``open_store=False`` leaves the data file unread: for a restore, which must work on a
    data dir whose file the kiosk refuses to open."""
    store = Store(
        Path(data_dir) if data_dir is not None else default_data_dir(),
        # Backups keep the library's setting; rotation keeps only files the domain can read.
        backups_keep=backups_keep,
        check_rows=check_rows,
    )
    if open_store:
        store.open()
        # Every row through the models and its meaning (settings in range, dates in the
        # calendar): a hand-edited file is refused here, as a restore would refuse it.
        refuse_unusable(store)
    clock = clock or clock_from_env()
    booking = BookingService(store, clock)
    maintenance = MaintenanceService(store, clock)
    activity = ActivityService(store, clock)
    # The PINs' pepper, outside the data dir; read when a PIN is first set or checked.
    pepper = Pepper.for_data_dir(store.data_dir)
    return Services(
        store=store,
        clock=clock,
        booking=booking,
        arrivals=ArrivalService(store, clock),
        desk=DeskService(store, clock),
        catalog=CatalogService(store, clock),
        activity=activity,
        auth=PinService(store, clock, pepper),
        maintenance=maintenance,
        retention=RetentionService(store, clock, maintenance),
        waitlist=WaitlistService(store, clock, booking),
        helpcalls=HelpCallService(store, clock),
        scout_access=ScoutAccessService(store, clock, pepper),
        scout_day=ScoutDayService(store, clock, activity),
        remind=RemindService(store, clock, booking),
    )
