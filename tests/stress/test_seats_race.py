"""A 4-seat group session raced by 12 separate processes: exactly 4 get a seat."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from db.store import DATA_FILE
from kiosk.seed import seed_demo
from kiosk.services import build_services
from tests.stress.test_stress import _env

pytestmark = pytest.mark.slow


def test_twelve_processes_race_for_four_seats(data_dir: Path, clock) -> None:
    services = build_services(data_dir, clock)
    seed_demo(services.store, clock, with_bookings=False)
    group = next(s for s in services.booking.free_slots("smart-id") if s.seats == 4)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk",
                "book",
                "--topic",
                "smart-id",
                "--start",
                group.start.isoformat(),
                "--scout",
                group.scout,
                "--name",
                "Ona",
                "--phone",
                f"+3706{n:07d}",
            ],
            env=_env(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(12)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]
    won = [json.loads(out)["code"] for rc, out, _ in results if rc == 0]
    refused = [err for rc, _, err in results if rc != 0]
    data = json.loads((data_dir / DATA_FILE).read_text(encoding="utf-8"))
    stored = [b for b in data["bookings"].values() if b["start"] == group.start.isoformat()]
    assert len(won) == 4 and len(refused) == 8, results
    assert {b["code"] for b in stored} == set(won)
    assert all(err.count("\n") == 1 and "Traceback" not in err for err in refused)
