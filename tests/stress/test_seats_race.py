"""A 4-seat group session raced by 12 separate processes: exactly 4 get a seat.

All 12 are waiting at a start gate inside ``book()`` before any of them books, and their
``book()`` calls overlap (see processes.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db.store import DATA_FILE
from kiosk.demo import seed_demo
from kiosk.services import build_services
from tests.stress.processes import race_cli

pytestmark = pytest.mark.slow


@pytest.mark.xdist_group("processes")
def test_twelve_processes_race_for_four_seats(data_dir: Path, clock, tmp_path: Path) -> None:
    services = build_services(data_dir, clock)
    seed_demo(services.store, clock, with_bookings=False)
    group = next(s for s in services.booking.free_slots("smart-id") if s.seats == 4)
    commands = [
        [
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
        ]
        for n in range(12)
    ]
    race = race_cli(data_dir, tmp_path / "gate", commands)
    # They raced: none booked before all twelve were waiting at the gate, and most were
    # inside book() at once (all of them, as a rule; a majority so that one racer
    # held back on a busy machine does not fail the test).
    assert all(r.entered_ns > race.gate_opened_ns for r in race.racers)
    assert race.inside_at_first_finish() > len(race.racers) // 2, race
    results = [(r.rc, r.out, r.err) for r in race.racers]
    won = [json.loads(out)["code"] for rc, out, _ in results if rc == 0]
    refused = [err for rc, _, err in results if rc != 0]
    data = json.loads((data_dir / DATA_FILE).read_text(encoding="utf-8"))
    stored = [b for b in data["bookings"].values() if b["start"] == group.start.isoformat()]
    assert len(won) == 4 and len(refused) == 8, results
    assert {b["code"] for b in stored} == set(won)
    assert all(err.count("\n") == 1 and "Traceback" not in err for err in refused)
