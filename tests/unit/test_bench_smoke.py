"""The benchmark runs through at its smoke size, every row measured, so it cannot rot unnoticed.

It asserts no speed: times and ratios are the benchmark's report, never a test's target.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import (
    CPU_ROW,
    HERE,
    NO_BASELINE,
    PEAK_ROW,
    RSS_ROW,
    START_ROW,
    TAP_ROW,
    main,
)

ROWS = [
    "book",
    "free times, 1 topic, 14 days, 50 e-scouts",
    "check-in by token",
    "look-up by code",
    "look-up by code, archived booking",
    START_ROW,
    RSS_ROW,
    CPU_ROW,
    TAP_ROW,
    PEAK_ROW,
]


def test_every_row_is_measured_at_the_smoke_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = HERE / "results.json"
    before = committed.stat().st_mtime_ns if committed.exists() else None
    out = tmp_path / "results.json"

    assert main(["--smoke", "--out", str(out)]) == 0

    report = json.loads(out.read_text())
    assert report["results"], "no data set was measured"
    for result in report["results"]:
        rows = result["rows"]
        size = result["size"]
        assert [name for name in ROWS if name not in rows] == [], f"{size}: rows missing"
        for name, row in rows.items():
            assert "skipped" not in row, f"{size} {name}: skipped ({row['skipped']})"
            ours, naive = row["ours"], row["naive"]
            assert ours["n"] > 0 and ours["median_ms"] is not None, f"{size} {name}: {ours}"
            if name in NO_BASELINE:
                continue
            assert naive["n"] > 0 and naive["median_ms"] is not None, f"{size} {name}: {naive}"
            assert row["ratio"] is not None, f"{size} {name}: no ratio"
    printed = capsys.readouterr().out
    for name in (RSS_ROW, CPU_ROW):
        assert name in printed, f"the table does not show {name!r}"
    # The committed results are the full run's, never the smoke run's.
    assert (committed.stat().st_mtime_ns if committed.exists() else None) == before
