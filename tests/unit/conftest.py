"""What the unit tests of the command line share."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main

Cli = Callable[..., tuple[int, object, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``kiosk ARGS`` in this process on a data dir of the test's own (at the tests' moment,
    tests/conftest.py): its exit code, the JSON it printed (or None) and its stderr.
    ``stdin=`` is what a script would pipe in."""
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "cli-data"))

    def run(*args: str, stdin: str = "") -> tuple[int, object, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        rc = main(list(args))
        out, err = capsys.readouterr()
        return rc, (json.loads(out) if out.strip() else None), err

    return run
