"""Separate processes for the stress tests: their environment, and a race started at a gate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
GATED_CLI = Path(__file__).with_name("gated_cli.py")
READY_TIMEOUT_S = 120.0


def env_for(data_dir: Path) -> dict[str, str]:
    """The environment of a kiosk subprocess: this data dir, the fixed test clock."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_DATA_DIR"] = str(data_dir)
    env["KIOSK_NOW"] = NOW.isoformat()
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass(frozen=True)
class Racer:
    """One CLI process of a race: its exit code, output, and its ``book()`` call's interval."""

    rc: int
    out: str
    err: str
    entered_ns: int
    left_ns: int


@dataclass(frozen=True)
class Race:
    gate_opened_ns: int
    racers: list[Racer]

    def inside_at_first_finish(self) -> int:
        """How many racers were inside ``book()`` when the first one came out of it."""
        first_left = min(r.left_ns for r in self.racers)
        return sum(r.entered_ns < first_left for r in self.racers)


def race_cli(data_dir: Path, gate_dir: Path, commands: list[list[str]]) -> Race:
    """Run each ``kiosk`` CLI command in its own process; all of them call ``book()`` at once.

    The gate opens only when every process has opened the data dir and is waiting inside
    ``book()`` (see gated_cli.py), so no racer can book before the last one is ready."""
    gate_dir.mkdir()
    gate_read, gate_write = os.pipe()  # both ends non-inheritable: children get only stdin
    processes: list[subprocess.Popen[str]] = []
    try:
        for n, command in enumerate(commands):
            processes.append(
                subprocess.Popen(
                    [sys.executable, str(GATED_CLI), str(gate_dir), str(n), *command],
                    stdin=gate_read,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env_for(data_dir),
                    text=True,
                )
            )
        os.close(gate_read)
        gate_read = -1
        _wait_until_all_ready(gate_dir, processes)
        gate_opened_ns = time.monotonic_ns()
        os.close(gate_write)
        gate_write = -1
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for fd in (gate_read, gate_write):
            if fd >= 0:
                os.close(fd)
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.communicate()
    racers = []
    for n, (p, (out, err)) in enumerate(zip(processes, outputs, strict=True)):
        times = gate_dir / f"{n}.times"
        assert times.exists(), f"racer {n} never came out of book(): {err}"
        entered_ns, left_ns = json.loads(times.read_text())
        racers.append(Racer(p.returncode, out, err, entered_ns, left_ns))
    return Race(gate_opened_ns, racers)


def _wait_until_all_ready(gate_dir: Path, processes: list[subprocess.Popen[str]]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        ready = sum((gate_dir / f"{n}.ready").exists() for n in range(len(processes)))
        if ready == len(processes):
            return
        gone = [p for p in processes if p.poll() is not None]
        assert not gone, f"a racer ended before the gate: {gone[0].communicate()}"
        assert time.monotonic() < deadline, f"only {ready} of {len(processes)} racers ready"
        time.sleep(0.01)
