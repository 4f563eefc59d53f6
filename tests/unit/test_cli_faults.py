"""Hostile and mistaken CLI input: every refusal is one line on stderr, never a traceback.

Each case runs ``python -m kiosk`` as a real process, as a script or a tired librarian
would, and checks the exit code (2: bad input or refused, 3: the data dir cannot be used).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from kiosk.cli import main
from kiosk.cli.common import MAX_LINE
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
HUGE = "A" * 100_000
DATA = "{data}"  # stands for the seeded data dir in a case's arguments
START = "2026-11-25T14:00:00+02:00"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("faults") / "data"
    result = _kiosk(["--data-dir", str(data), "seed-demo"], cwd=data.parent)
    assert result.returncode == 0, result.stderr
    return data


def _kiosk(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    base.update(PYTHONPATH=str(ROOT), KIOSK_NOW=NOW.isoformat())
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        cwd=cwd,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def d(*args: str) -> list[str]:
    """A command against the seeded data dir."""
    return ["--data-dir", DATA, *args]


def book(*extra: str, start: str = START, name: str = "Ona") -> list[str]:
    return d("book", "--topic", "email", "--start", start, "--name", name, *extra)


def export(out: str) -> list[str]:
    return d("export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", out)


def slots(*extra: str) -> list[str]:
    return d("slots", "--topic", "email", *extra)


class Case(NamedTuple):
    name: str
    args: list[str]
    code: int  # 2: bad input or refused, 3: the data dir cannot be used
    needle: str  # part of the one line on stderr
    env: dict[str, str] = {}


BEYOND = "9999-12-31T23:59:59+02:00"
CASES = [
    Case("start beyond the calendar", book(start=BEYOND), 2, "outside the dates"),
    Case("start before the calendar", book(start="0001-01-01T00:00+02:00"), 2, "outside the"),
    Case("start not a time", book(start="soon"), 2, "not an ISO 8601 time"),
    Case("date beyond the calendar", slots("--date", "9999-12-31"), 2, "outside the dates"),
    Case("date five-digit year", d("bookings", "--date", "10000-01-01"), 2, "not a date"),
    Case("days far too many", slots("--days", "999999999"), 2, "1 to 366"),
    Case("days beyond any int", slots("--days", "99999999999999999999"), 2, "1 to 366"),
    Case("days negative", slots("--days", "-5"), 2, "1 to 366"),
    Case("days zero", slots("--days", "0"), 2, "1 to 366"),
    Case("days not a number", slots("--days", "1e9"), 2, "whole number"),
    Case("KIOSK_NOW garbage", d("topics"), 2, "KIOSK_NOW", {"KIOSK_NOW": "garbage"}),
    Case("KIOSK_NOW beyond", d("topics"), 2, "outside the dates", {"KIOSK_NOW": BEYOND}),
    Case("empty data dir", ["--data-dir", "", "topics"], 2, "--data-dir is empty"),
    Case("data dir in /proc", ["--data-dir", "/proc/1", "topics"], 3, "cannot use the data"),
    Case("data dir under /proc", ["--data-dir", "/proc/1/k", "topics"], 3, "cannot use the"),
    Case("data dir is a file", ["--data-dir", "/etc/hostname", "topics"], 3, "not a folder"),
    Case("data dir too long", ["--data-dir", "/tmp/" + "d" * 5000, "topics"], 3, "cannot use"),
    Case("name too long", book(name=HUGE), 2, "too long"),
    Case("name with control characters", book(name="O\x01na"), 2, "control characters"),
    Case("name with bidi override", book(name="On\u202ea"), 2, "control characters"),
    Case("phone huge", book("--phone", "8" * 10_000), 2, "phone"),
    Case("topic huge", d("slots", "--topic", HUGE), 2, "no topic"),
    Case("topic newline and bidi", d("slots", "--topic", "a\nb\u202ec"), 2, "no topic"),
    Case("scout huge", book("--scout", HUGE), 2, "not free"),
    Case("language huge", book("--lang", HUGE), 2, "language code"),
    Case("source unknown", book("--source", "web"), 2, "invalid choice"),
    Case("cancel huge code", d("cancel", HUGE), 2, "no booking with code"),
    Case("check-in huge", d("check-in", HUGE), 2, "malformed"),
    Case(
        "export backwards", d("export", "--from", "2026-11-30", "--to", "2026-11-01"), 2, "before"
    ),
    Case("export to /dev/full", export("/dev/full"), 2, "not a regular file"),
    Case("export to a folder", export("/tmp"), 2, "is a folder"),
    Case("export to a missing folder", export("/nonexistent/x.csv"), 2, "folder does not exist"),
    Case("ticket to /dev/full", d("ticket", "ACDEFG", "--svg", "/dev/full"), 2, "regular file"),
    Case("unknown command", d(HUGE), 2, "invalid choice"),
    Case("pin on the command line", d("set-pin", "--pin", "2468"), 2, "unrecognized"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_in_one_line(seeded: Path, tmp_path: Path, case: Case) -> None:
    before = (seeded / "kiosk.json").read_bytes()
    argv = [str(seeded) if a == DATA else a for a in case.args]
    result = _kiosk(argv, cwd=tmp_path, env=case.env)
    assert result.returncode == case.code, result.stderr[:500]
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kiosk: ")
    assert case.needle in result.stderr
    assert len(result.stderr) <= MAX_LINE + 40  # what was typed is echoed, but cut short
    assert list(tmp_path.iterdir()) == []  # nothing made in the working directory
    assert (seeded / "kiosk.json").read_bytes() == before  # and nothing changed


def test_a_dir_that_cannot_be_used_is_not_reported_busy(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "kiosk.lock").mkdir()  # even root cannot open a folder as the lock file
    result = _kiosk(["--data-dir", str(folder), "topics"], cwd=tmp_path)
    assert result.returncode == 3 and "cannot use the data dir" in result.stderr
    assert "busy" not in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["book", "--topic", "email", "--start", START, "--name", "O\x00na"],
        ["book", "--topic", "email", "--start", "2026-11-25T14:00\x00", "--name", "Ona"],
        ["slots", "--topic", "e\x00mail"],
        ["ticket", "ACDEFG", "--svg", "t\x00.svg"],
        ["export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", "r\x00.csv"],
    ],
)
def test_nul_bytes_are_refused_in_one_line(
    seeded: Path,
    tmp_path: Path,
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A real argv cannot hold NUL; a caller of main() or a future web form can.
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    monkeypatch.setenv("KIOSK_NOW", NOW.isoformat())
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(data), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kiosk: ") and "\x00" not in err


def test_nul_in_the_data_dir_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", "d\x00ata", "topics"]) == 2
    assert capsys.readouterr().err.count("\n") == 1 and list(tmp_path.iterdir()) == []
