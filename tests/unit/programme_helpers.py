"""What the test_programme_* files share: a library of their own, activity forms written
straight into it, and the file a kiosk of schema version 1 wrote (the files the damage tests
break: a row per visit, so a test can count the rows it changed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from kiosk.demo import seed_demo
from kiosk.domain.activity import ACTIVITIES
from kiosk.domain.clock import FixedClock, as_local
from kiosk.domain.models import ActivityRecord
from kiosk.domain.records import SETTINGS
from kiosk.programme.file import (
    SCHEMA_NAME,
    V1_SCHEMA,
    Header,
    install_identity,
    library_identity,
    pseudonym,
    results_rows,
    results_salt,
    write_results_table,
)
from kiosk.services import Services, build_services
from tests.conftest import NOW

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def make_library(data_dir: Path, library_id: str, municipality: str) -> Services:
    """A demo library (no demo bookings) with its own id and municipality."""
    services = build_services(data_dir, FixedClock(NOW))
    seed_demo(services.store, services.clock, with_bookings=False)
    with services.store.transaction() as tx:
        tx.update(SETTINGS, {"library_id": library_id, "municipality": municipality}, key="library")
    return services


def form_record(n: int, f: dict[str, Any]) -> ActivityRecord:
    """An activity form from a few fields (defaults for the rest)."""
    return ActivityRecord(
        id=f.get("id", f"form-{n}"),
        date=f["date"].isoformat(),
        scout=f.get("scout", "ieva"),
        minutes=f.get("minutes", 30),
        topics=f.get("topics", ["email"]),
        age_group=f.get("age_group", "65_74"),
        outcome=f.get("outcome", "solved"),
        first_visit=f.get("first_visit", True),
        note=f.get("note", ""),
        booking_id=f.get("booking_id"),
        created_at=NOW.isoformat(),
    )


def add_forms(services: Services, forms: list[dict[str, Any]]) -> None:
    """Activity forms written straight into the store (one transaction)."""
    with services.store.transaction() as tx:
        for n, f in enumerate(forms):
            tx.insert(ACTIVITIES, form_record(n, f).to_dict())


def v1_file(lib: Services, path: Path, first: date, last: date) -> Header:
    """The file a kiosk of schema version 1 wrote: a row per consultation and booking."""
    salt = results_salt(lib)
    library = library_identity(lib, salt)
    rows = results_rows(lib, first, last, library)
    for row in rows:
        row["scout"] = pseudonym(salt, row["scout"])
    install, earlier = install_identity(lib, salt, library[0])  # as its kiosk would
    header = Header(SCHEMA_NAME, 1, library[0], library[1], first, last,
                    as_local(lib.clock.now()).isoformat(), len(rows), install,
                    tuple(earlier))  # fmt: skip
    return write_results_table(path, pa.Table.from_pylist(rows, schema=V1_SCHEMA), header)
