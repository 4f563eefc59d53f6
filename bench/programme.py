"""``python -m bench.programme``: the national programme's results, merged and reported.

Size: ``--size LIBRARIESxYEARS`` or ``BENCH_PROGRAMME`` (default ``100x1``; the full
country is ``1221x5``, about 12 million consultations). Generates one results file per
library and year with the real writer, merges them into DuckDB, runs the full report
(JSON tables, then the HTML with charts), and, as the baseline, computes the same tables
with plain Python over the files. Prints the times and writes ``bench/programme.json``.
No pass/fail: it measures (goals: merge <= 60 s, report <= 5 s on a 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kiosk.programme.file import (
    ARROW_SCHEMA,
    KIND_BOOKING,
    KIND_CONSULTATION,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    Header,
    write_results_table,
)
from kiosk.programme.html import programme_html
from kiosk.programme.report import merge, report

HERE = Path(__file__).resolve().parent
CONSULTATIONS_PER_LIBRARY_YEAR = 1966  # 12 million over 1,221 libraries x 5 years
LAST_YEAR = 2025
TOPICS = [
    "smartphone", "email", "video-social", "e-banking", "smart-id", "epaslaugos", "e-health",
    "sodra-vmi", "safety", "fake-news", "shopping", "leisure", "photos", "jobs",
]  # fmt: skip
AGES = (["under_30", "30_49", "50_64", "65_74", "75_plus"], [0.05, 0.15, 0.3, 0.32, 0.18])
OUTCOMES = (["solved", "partly", "referred", "follow_up"], [0.6, 0.25, 0.05, 0.1])
SOURCES = (["kiosk", "librarian", "walk_in"], [0.5, 0.2, 0.3])
LANGUAGES = (["lt", "en", "ru", "uk"], [0.88, 0.04, 0.05, 0.03])
STATUSES = (["done", "no_show", "cancelled"], [0.75, 0.1, 0.15])


def municipalities() -> list[str]:
    return [f"Savivaldybė {n:02d}" for n in range(1, 61)]  # Lithuania has 60


def _pick(rng: np.random.Generator, choices: tuple[list[str], list[float]], n: int) -> pa.Array:
    values, weights = choices
    return pa.array(values).take(pa.array(rng.choice(len(values), n, p=weights)))


def library_year(rng: np.random.Generator, library: int, year: int, scale: float) -> pa.Table:
    """One library's year: consultations (forms) and bookings, as the kiosk would export."""
    first = date(year, 1, 1)
    days = (date(year, 12, 31) - first).days + 1
    n_c = int(rng.poisson(CONSULTATIONS_PER_LIBRARY_YEAR * scale))
    n_b = int(rng.poisson(CONSULTATIONS_PER_LIBRARY_YEAR * scale * 0.93))
    n = n_c + n_b
    scouts = pa.array([f"{rng.integers(2**63):016x}" for _ in range(int(rng.integers(2, 10)))])
    kind = pa.array([KIND_CONSULTATION] * n_c + [KIND_BOOKING] * n_b)
    day = pa.array(rng.integers(0, days, n) + (first - date(1970, 1, 1)).days, pa.int32())
    n_topics = rng.choice([1, 2], n, p=[0.8, 0.2])
    offsets = np.concatenate([[0], np.cumsum(n_topics)]).astype(np.int32)
    topic_values = pa.array(TOPICS).take(pa.array(rng.integers(0, len(TOPICS), offsets[-1])))
    source = _pick(rng, SOURCES, n).to_pylist()
    walk_in = np.array([s == "walk_in" for s in source[:n_c]] + [False] * n_b)
    for i in range(n_c, n):
        if source[i] == "walk_in":
            source[i] = "kiosk"
    consult = np.arange(n) < n_c

    def only(mask: np.ndarray, array: pa.Array) -> pa.Array:
        return pa.compute.if_else(pa.array(mask), array, pa.nulls(n, array.type))

    muni = municipalities()[library % 60]
    return pa.table(
        {
            "library_id": pa.array([f"LT-{library:04d}"] * n),
            "municipality": pa.array([muni] * n),
            "kind": kind,
            "date": day.cast(pa.date32()),
            "hour": only(~walk_in, pa.array(rng.integers(10, 19, n), pa.int8())),
            "minutes": pa.array(
                rng.choice([30, 45, 60, 90], n, p=[0.5, 0.2, 0.25, 0.05]), pa.int16()
            ),
            "topics": pa.ListArray.from_arrays(pa.array(offsets), topic_values),
            "scout": scouts.take(pa.array(rng.integers(0, len(scouts), n))),
            "age_group": only(consult, _pick(rng, AGES, n)),
            "outcome": only(consult, _pick(rng, OUTCOMES, n)),
            "first_visit": only(consult, pa.array(rng.random(n) < 0.6)),
            "status": only(~consult, _pick(rng, STATUSES, n)),
            "source": pa.array(source),
            "language": only(~walk_in, _pick(rng, LANGUAGES, n)),
        },
        schema=ARROW_SCHEMA,
    )


def generate(folder: Path, libraries: int, years: int) -> tuple[int, int]:
    """Write every library-year file; returns (files, consultations)."""
    rng = np.random.default_rng(1221)
    scales = rng.lognormal(0, 0.5, libraries)
    scales /= scales.mean()
    consultations = 0
    files = 0
    for lib in range(libraries):
        for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
            table = library_year(rng, lib, year, float(scales[lib]))
            consultations += int(
                pa.compute.sum(pa.compute.equal(table["kind"], KIND_CONSULTATION)).as_py()
            )
            header = Header(
                schema=SCHEMA_NAME,
                version=SCHEMA_VERSION,
                library_id=f"LT-{lib:04d}",
                municipality=municipalities()[lib % 60],
                first=date(year, 1, 1),
                last=date(year, 12, 31),
                exported_at=f"{LAST_YEAR + 1}-01-15T10:00:00+02:00",
                rows=table.num_rows,
            )
            write_results_table(folder / f"LT-{lib:04d}" / f"{year}.parquet", table, header)
            files += 1
    return files, consultations


def plain_python(folder: Path) -> dict[str, Any]:
    """The report's tables by plain Python over the files (the baseline)."""
    totals: Counter[str] = Counter()
    groups: dict[str, Counter[Any]] = {
        g: Counter()
        for g in (
            "month",
            "municipality",
            "library",
            "topic",
            "age",
            "outcome",
            "language",
            "visit",
        )
    }
    minutes_by: dict[str, Counter[Any]] = {g: Counter() for g in groups}
    status: Counter[str] = Counter()
    scouts: set[tuple[str, str]] = set()
    for path in sorted(folder.rglob("*.parquet")):
        cols = pq.read_table(path).to_pydict()
        rows = zip(
            cols["library_id"], cols["municipality"], cols["kind"], cols["date"],
            cols["minutes"], cols["topics"], cols["scout"], cols["age_group"],
            cols["outcome"], cols["first_visit"], cols["status"], cols["language"],
            strict=True,
        )  # fmt: skip
        for lib, muni, kind, day, minutes, topics, scout, age, outcome, first, st, lang in rows:
            if kind == KIND_BOOKING:
                status[st] += 1
                continue
            totals["consultations"] += 1
            totals["minutes"] += minutes
            totals["people"] += bool(first)
            scouts.add((lib, scout))
            keys = {
                "month": day.strftime("%Y-%m"),
                "municipality": muni,
                "library": lib,
                "age": age,
                "outcome": outcome,
                "language": lang or "unknown",
                "visit": "first" if first else "repeat",
            }
            for g, k in keys.items():
                groups[g][k] += 1
                minutes_by[g][k] += minutes
            for t in topics:
                groups["topic"][t] += 1
                minutes_by["topic"][t] += minutes
    settled = status["done"] + status["checked_in"] + status["no_show"]
    return {
        "totals": {
            **totals,
            "scouts_active": len(scouts),
            "bookings": sum(status.values()),
            "no_show_rate": round(100 * status["no_show"] / settled, 1) if settled else None,
        },
        "groups": {g: dict(c) for g, c in groups.items()},
    }


CPU: dict[str, float] = {}  # process CPU seconds of each step (all threads): load-independent


def timed(fn: Any, *args: Any, step: str = "") -> tuple[float, Any]:
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    if step:
        CPU[step] = round(time.process_time() - c, 2)
    return time.perf_counter() - t, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programme", description=__doc__)
    parser.add_argument("--size", default=os.environ.get("BENCH_PROGRAMME", "100x1"))
    parser.add_argument("--out", default=str(HERE / "programme.json"))
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-Python run")
    parser.add_argument(
        "--files", help="keep the generated files in this folder, or reuse the ones there"
    )
    args = parser.parse_args(argv)
    libraries, years = (int(x) for x in args.size.lower().split("x"))

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-programme-"))
    load = {"before": os.getloadavg()[0]}
    try:
        files_dir = Path(args.files) if args.files else work / "files"
        if files_dir.is_dir() and any(files_dir.rglob("*.parquet")):
            gen_s, files, consultations = 0.0, len(list(files_dir.rglob("*.parquet"))), 0
            log(f"reusing the files in {files_dir}")
        else:
            gen_s, (files, consultations) = timed(generate, files_dir, libraries, years)
        size_mb = sum(p.stat().st_size for p in files_dir.rglob("*.parquet")) / 1e6
        log(f"generated {files} files, {consultations} consultations, {size_mb:.0f} MB")
        log(f"  in {gen_s:.1f} s")
        db = work / "programme.duckdb"
        merge_s, merged = timed(merge, [files_dir], db, step="merge")
        log(f"merge: {merge_s:.1f} s ({merged.rows} rows)")
        # A library re-sends one year: it replaces, never doubles.
        resend = sorted(files_dir.rglob("*.parquet"))[0]
        resend_s, _ = timed(merge, [resend], db, step="resend")
        report_s, prog = timed(report, db, step="report")
        consultations = consultations or prog.totals["consultations"]
        log(f"report (every table): {report_s:.2f} s")
        html_s, page = timed(programme_html, prog, step="html")
        log(f"HTML with charts: {html_s:.2f} s ({len(page) / 1e3:.0f} kB)")
        row: dict[str, Any] = {
            "libraries": libraries,
            "years": years,
            "files": files,
            "consultations": consultations,
            "files_mb": round(size_mb, 1),
            "generate_s": round(gen_s, 1),
            "merge_s": round(merge_s, 2),
            "resend_one_file_s": round(resend_s, 2),
            "report_s": round(report_s, 2),
            "html_s": round(html_s, 2),
            "db_mb": round(db.stat().st_size / 1e6, 1),
            "cpu_s": CPU,
        }
        if not args.no_baseline:
            naive_s, naive = timed(plain_python, files_dir, step="plain_python")
            agree = (
                naive["totals"]["consultations"] == prog.totals["consultations"]
                and naive["totals"]["minutes"] == prog.totals["minutes"]
                and naive["totals"]["scouts_active"] == prog.totals["scouts_active"]
                and naive["totals"]["no_show_rate"] == prog.totals["no_show_rate"]
            )
            log(f"plain Python over the files: {naive_s:.1f} s (totals agree: {agree})")
            row.update(
                plain_python_s=round(naive_s, 1),
                ratio_report_to_plain_python=round(report_s / naive_s, 4),
                totals_agree=agree,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # The machine is shared: the load average says how much of it the run had.
    load["after"] = os.getloadavg()[0]
    row["load_average"] = {k: round(v, 1) for k, v in load.items()}
    log(f"CPU seconds per step: {CPU}; load average {row['load_average']}")
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "result": row,
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(
        "| libraries x years | consultations | merge s | report s | html s "
        "| plain Python s | ratio |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {libraries} x {years} | {consultations} | {row['merge_s']} | {row['report_s']} | "
        f"{row['html_s']} | {row.get('plain_python_s', '—')} | "
        f"{row.get('ratio_report_to_plain_python', '—')} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
