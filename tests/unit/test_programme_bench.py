"""The programme's benchmark runs through at a tiny size, and its plain-Python baseline
agrees with the report on every table: the bench checks what the report says, so it must
not rot. No speed is asserted (the bench reports times; a test never targets them)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.programme import disagreements, generate, main, plain_python
from kiosk.programme.file import read_results
from kiosk.programme.report import merge, report


def test_the_bench_writes_version_2_files_and_every_table_agrees(tmp_path: Path) -> None:
    out = tmp_path / "programme.json"
    assert main(["--size", "3x2", "--out", str(out), "--files", str(tmp_path / "f")]) == 0
    result = json.loads(out.read_text())["result"]
    assert result["tables_agree"] is True
    assert result["tables_checked"] == 18  # 17 tables and the totals
    assert set(result["load_average_after_step"]) >= {"merge", "report", "plain_python"}
    header, table = read_results(sorted((tmp_path / "f").rglob("*.parquet"))[0])
    assert header.version == 2 and header.topic_names
    counts = [r["consultations"] for r in table.to_pylist() if r["kind"] == "consultations"]
    assert counts and min(counts) >= 3


def test_the_baseline_sees_a_changed_figure(tmp_path: Path) -> None:
    generate(tmp_path / "f", 2, 1)
    merge([tmp_path / "f"], tmp_path / "p.duckdb")
    prog = report(tmp_path / "p.duckdb")
    naive = plain_python(tmp_path / "f")
    assert disagreements(prog, naive) == []
    naive["tables"]["by_weekday_hour"][0]["count"] += 1
    naive["totals"]["no_shows"] += 1
    differ = disagreements(prog, naive)
    assert len(differ) == 2 and differ[0].startswith("totals.no_shows"), differ
