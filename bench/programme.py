"""``python -m bench.programme``: the national programme's results, merged and reported.

Size: ``--size LIBRARIESxYEARS`` or ``BENCH_PROGRAMME`` (default ``100x1``; the full
country is ``1221x5``, about 12 million consultations). Generates one results file per
library and year (schema version 2: a year of visits counted by the kiosk's own code, then
written with the real writer), merges them into DuckDB, runs the full report
(JSON tables, then the HTML with charts), and, as the baseline, computes the same tables
with plain Python over the files and checks every table against it. Prints the times, the
CPU seconds and the load average beside them, and writes ``bench/programme.json``.
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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kiosk.programme.file import (
    HELP_CALLS,
    KIND_BOOKING,
    KIND_CONSULTATION,
    NO_FREE_TIME,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    SCOUT_MONTHS,
    UNMET,
    V1_SCHEMA,
    Header,
    counts_table,
    visit_counts,
    write_results_table,
)
from kiosk.programme.html import programme_html
from kiosk.programme.report import Programme, merge, report

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
    """One library's year of visits, a row per consultation and booking (as the kiosk holds
    them before it counts them): never written, counted by the kiosk's own code."""
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
        schema=V1_SCHEMA,
    )


TOPIC_NAMES = tuple(sorted((t, f"Tema: {t}", f"Topic: {t}") for t in TOPICS))


def library_file(
    rng: np.random.Generator, library: int, year: int, scale: float
) -> tuple[pa.Table, Header]:
    """One library's year as the kiosk exports it (schema version 2): its visits counted by
    month with the kiosk's own code (no row under 3), e-scouts' shifts and the waiting list."""
    counted = visit_counts(library_year(rng, library, year, scale), by_month=True)
    tables = dict(counted.tables)
    scouts = tables[SCOUT_MONTHS]
    months = scouts.num_rows
    tables[SCOUT_MONTHS] = scouts.append_column(
        "shifts_held", pa.array(rng.poisson(8 * scale, months), pa.int32())
    ).append_column("shifts_missed", pa.array(rng.poisson(0.5, months), pa.int32()))
    waiting = [
        (date(year, m, 1), t)
        for m in range(1, 13)
        for t in rng.choice(TOPICS, int(rng.integers(0, 4)), replace=False)
    ]
    tables[UNMET] = pa.table(
        {
            "date": pa.array([d for d, _ in waiting], pa.date32()),
            "topic": pa.array([str(t) for _, t in waiting], pa.string()),
            "waitlist": pa.array(rng.integers(1, 6, len(waiting)), pa.int32()),
        }
    )
    tables[HELP_CALLS] = pa.table(
        {
            "date": pa.array([date(year, m, 1) for m in range(1, 13)], pa.date32()),
            "help_calls": pa.array(rng.poisson(4 * scale, 12), pa.int32()),
        }
    )
    full = waiting[: len(waiting) // 2]
    tables[NO_FREE_TIME] = pa.table(
        {
            "date": pa.array([d for d, _ in full], pa.date32()),
            "topic": pa.array([str(t) for _, t in full], pa.string()),
            "days_no_free_time": pa.array(rng.integers(1, 20, len(full)), pa.int32()),
        }
    )
    library_id, muni = f"LT-{library:04d}", municipalities()[library % 60]
    table = counts_table(tables, library_id, muni)
    header = Header(
        schema=SCHEMA_NAME,
        version=SCHEMA_VERSION,
        library_id=library_id,
        municipality=muni,
        first=date(year, 1, 1),
        last=date(year, 12, 31),
        exported_at=f"{LAST_YEAR + 1}-01-15T10:00:00+02:00",
        rows=table.num_rows,
        suppressed_consultations=counted.suppressed_consultations,
        suppressed_bookings=counted.suppressed_bookings,
        topic_names=TOPIC_NAMES,
    )
    return table, header


def generate(folder: Path, libraries: int, years: int) -> tuple[int, int]:
    """Write every library-year file; returns (files, consultations in them)."""
    rng = np.random.default_rng(1221)
    scales = rng.lognormal(0, 0.5, libraries)
    scales /= scales.mean()
    consultations = 0
    files = 0
    for lib in range(libraries):
        for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
            table, header = library_file(rng, lib, year, float(scales[lib]))
            consultations += int(pa.compute.sum(table["consultations"]).as_py() or 0)
            write_results_table(folder / f"LT-{lib:04d}" / f"{year}.parquet", table, header)
            files += 1
    return files, consultations


def _key(value: Any) -> str:
    return str(value) if value not in (None, "") else "unknown"


def _rate(no_shows: int, settled: int) -> float | None:
    return round(100 * no_shows / settled, 1) if settled else None


def _months_text(lo: date, hi: date) -> str:
    a, b = f"{lo:%Y-%m}", f"{hi:%Y-%m}"
    return a if a == b else f"{a} – {b}"


def plain_python(folder: Path) -> dict[str, Any]:
    """Every table and total of the report, by plain Python over the files (the baseline):
    each row of each file read as a dict and added up."""
    c_sums: dict[str, dict[str, list[int]]] = {}  # table -> key -> [count, minutes, people]
    muni_month: dict[tuple[str, str], list[int]] = {}
    status: Counter[str] = Counter()
    no_shows: dict[str, list[int]] = {}  # month -> [bookings, no_shows, settled]
    hours: Counter[tuple[int, int]] = Counter()
    scouts: dict[str, list[int]] = {}  # month -> [active, held, missed, minutes]
    unmet: dict[str, dict[str, Any]] = {}  # topic -> row
    unmet_months: dict[str, dict[str, Any]] = {}  # month -> row
    periods: dict[str, list[tuple[date, date]]] = {}
    municipality_of: dict[str, str] = {}
    suppressed = 0
    for path in sorted(folder.rglob("*.parquet")):
        parquet = pq.ParquetFile(path)
        meta = {k.decode(): v.decode() for k, v in (parquet.metadata.metadata or {}).items()}
        library = meta["escout.library_id"]
        municipality_of[library] = meta["escout.municipality"]
        suppressed += int(meta.get("escout.suppressed_consultations", 0))
        periods.setdefault(library, []).append(
            (date.fromisoformat(meta["escout.from"]), date.fromisoformat(meta["escout.to"]))
        )
        for r in parquet.read().to_pylist():
            month = r["date"].strftime("%Y-%m")
            kind = r["kind"]
            if kind == "consultations":
                visit = {True: "first", False: "repeat"}.get(r["first_visit"], "other")
                language = "walk_in" if r["source"] == "walk_in" else _key(r["language"])
                keys = {
                    "by_month": month, "by_municipality": _key(r["municipality"]),
                    "by_library": library, "by_topic": _key(r["topic"]),
                    "by_age": _key(r["age_group"]), "by_outcome": _key(r["outcome"]),
                    "by_language": language, "by_source": _key(r["source"]), "by_visit": visit,
                }  # fmt: skip
                for table, key in [*keys.items(), ("total", "")]:
                    sums = c_sums.setdefault(table, {}).setdefault(key, [0, 0, 0])
                    sums[0] += r["consultations"]
                    sums[1] += r["minutes"]
                    sums[2] += r["people"]
                mm = muni_month.setdefault((r["municipality"], month), [0, 0])
                mm[0] += r["consultations"]
                mm[1] += r["people"]
            elif kind == "bookings":
                status[r["status"]] += r["bookings"]
                ns = no_shows.setdefault(month, [0, 0, 0])
                ns[0] += r["bookings"]
                ns[1] += r["no_shows"]
                if r["status"] in ("checked_in", "done", "no_show"):
                    ns[2] += r["bookings"]
            elif kind == "booking_hours":
                hours[(r["weekday"], r["hour"])] += r["bookings"]
            elif kind == "scout_months":
                s = scouts.setdefault(month, [0, 0, 0, 0])
                for i, name in enumerate(
                    ("scouts_active", "shifts_held", "shifts_missed", "scout_minutes")
                ):
                    s[i] += r[name] or 0
            elif kind in ("unmet", "help_calls", "no_free_time"):
                m = unmet_months.setdefault(
                    month, {"key": month, "waitlist": 0, "help_calls": 0, "days_no_free_time": 0}
                )
                for name in ("waitlist", "help_calls", "days_no_free_time"):
                    m[name] += r[name] or 0
                if kind != "help_calls":
                    topic = str(r["topic"])
                    u = unmet.setdefault(
                        topic, {"key": topic, "waitlist": 0, "days_no_free_time": 0}
                    )
                    u["waitlist"] += r["waitlist"] or 0
                    u["days_no_free_time"] += r["days_no_free_time"] or 0

    def row(key: str, sums: list[int]) -> dict[str, Any]:
        return {"key": key, "consultations": sums[0], "hours": round(sums[1] / 60, 1),
                "people": sums[2]}  # fmt: skip

    tables: dict[str, list[dict[str, Any]]] = {
        name: [row(k, v) for k, v in keyed.items()]
        for name, keyed in c_sums.items()
        if name != "total"
    }
    for r in tables.get("by_month", []):
        r["scouts_active"] = scouts.get(r["key"], [0])[0]
    for r in tables.get("by_library", []):
        r["municipality"] = municipality_of[r["key"]]
    tables["by_municipality_month"] = [
        {"key": f"{m}|{month}", "municipality": m, "month": month, "consultations": c,
         "people": p}
        for (m, month), (c, p) in muni_month.items()
    ]  # fmt: skip
    tables["no_shows_by_month"] = [
        {"key": m, "bookings": b, "no_shows": x, "no_show_rate": _rate(x, s)}
        for m, (b, x, s) in no_shows.items()
    ]
    tables["by_weekday_hour"] = [
        {"key": f"{w}-{h:02d}", "weekday": w, "hour": h, "count": c}
        for (w, h), c in hours.items()
        if w is not None and h is not None
    ]
    tables["scouts_by_month"] = [
        {"key": m, "scouts_active": a, "shifts_held": h, "shifts_missed": x,
         "hours": round(mi / 60, 1)}
        for m, (a, h, x, mi) in scouts.items()
    ]  # fmt: skip
    tables["unmet_by_month"] = list(unmet_months.values())
    tables["unmet_by_topic"] = list(unmet.values())
    tables["by_status"] = [{"key": s, "count": c} for s, c in status.items()]
    reporting = []
    for library, spans in sorted(periods.items()):
        joined: list[list[date]] = []
        for lo, hi in sorted(spans):
            if joined and lo <= joined[-1][1] + timedelta(days=1):
                joined[-1][1] = max(joined[-1][1], hi)
            else:
                joined.append([lo, hi])
        gaps = [
            _months_text(a[1] + timedelta(days=1), b[0] - timedelta(days=1))
            for a, b in zip(joined, joined[1:], strict=False)
        ]
        reporting.append(
            {"key": library, "periods": ", ".join(_months_text(lo, hi) for lo, hi in joined),
             "gaps": ", ".join(gaps)}
        )  # fmt: skip
    tables["reporting"] = reporting
    count, minutes, people = c_sums.get("total", {}).get("", [0, 0, 0])
    settled = status["done"] + status["checked_in"] + status["no_show"]
    totals = {
        "consultations": count,
        "minutes": minutes,
        "hours": round(minutes / 60, 1),
        "people": people,
        "repeat_visits": count - people,
        "scouts_active": max((s[0] for s in scouts.values()), default=0),
        "libraries": len(tables.get("by_library", [])),
        "municipalities": sum(
            1 for r in tables.get("by_municipality", []) if r["key"] != "unknown"
        ),
        "bookings": sum(status.values()),
        "no_shows": status["no_show"],
        "no_show_rate": _rate(status["no_show"], settled),
        "suppressed_consultations": suppressed,
    }
    return {"totals": totals, "tables": tables}


def disagreements(prog: Programme, naive: dict[str, Any]) -> list[str]:
    """Where the report and the plain-Python baseline differ: every table, every row, every
    figure but the label (the baseline has no catalogue)."""
    out = [
        f"totals.{k}: {prog.totals.get(k)} != {v}"
        for k, v in naive["totals"].items()
        if prog.totals.get(k) != v
    ]
    for name in sorted(set(prog.tables) | set(naive["tables"])):
        ours = {
            r["key"]: {k: v for k, v in r.items() if k != "label"}
            for r in prog.tables.get(name, [])
        }
        theirs = {r["key"]: r for r in naive["tables"].get(name, [])}
        if ours != theirs:
            keys = sorted(set(ours) ^ set(theirs)) or sorted(
                k for k in ours if ours[k] != theirs.get(k)
            )
            out.append(f"{name}: {len(keys)} rows differ, e.g. {keys[:3]}")
    return out


CPU: dict[str, float] = {}  # process CPU seconds of each step (all threads): load-independent
# The 1-minute load average as each step ended: the machine is shared, and a wall time means
# little without it.
LOAD: dict[str, float] = {}


def timed(fn: Any, *args: Any, step: str = "") -> tuple[float, Any]:
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    if step:
        CPU[step] = round(time.process_time() - c, 2)
        LOAD[step] = round(os.getloadavg()[0], 1)
    return time.perf_counter() - t, out


def _beside(step: str) -> str:
    return f"{CPU.get(step, 0)} CPU-s, load average {LOAD.get(step, 0)}"


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
            gen_s, (files, consultations) = timed(
                generate, files_dir, libraries, years, step="generate"
            )
        size_mb = sum(p.stat().st_size for p in files_dir.rglob("*.parquet")) / 1e6
        log(f"generated {files} files, {consultations} consultations, {size_mb:.0f} MB")
        log(f"  in {gen_s:.1f} s")
        db = work / "programme.duckdb"
        merge_s, merged = timed(merge, [files_dir], db, step="merge")
        log(f"merge: {merge_s:.1f} s ({merged.rows} rows; {_beside('merge')})")
        # A library re-sends one year: it replaces, never doubles.
        resend = sorted(files_dir.rglob("*.parquet"))[0]
        resend_s, _ = timed(merge, [resend], db, step="resend")
        report_s, prog = timed(report, db, step="report")
        consultations = consultations or prog.totals["consultations"]
        log(f"report (every table): {report_s:.2f} s ({_beside('report')})")
        html_s, page = timed(programme_html, prog, step="html")
        log(f"HTML with charts: {html_s:.2f} s ({len(page) / 1e3:.0f} kB; {_beside('html')})")
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
            "load_average_after_step": LOAD,
        }
        if not args.no_baseline:
            naive_s, naive = timed(plain_python, files_dir, step="plain_python")
            differ = disagreements(prog, naive)
            log(
                f"plain Python over the files: {naive_s:.1f} s ({_beside('plain_python')}; "
                f"every table agrees: "
                f"{not differ}){''.join(chr(10) + '  ' + d for d in differ)}"
            )
            row.update(
                plain_python_s=round(naive_s, 1),
                ratio_report_to_plain_python=round(report_s / naive_s, 4),
                tables_agree=not differ,
                tables_checked=len(naive["tables"]) + 1,
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
        "| libraries x years | consultations | merge s (load) | report s (load) | html s "
        "| plain Python s | ratio | tables agree |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| {libraries} x {years} | {consultations} | {row['merge_s']} ({LOAD['merge']}) | "
        f"{row['report_s']} ({LOAD['report']}) | {row['html_s']} | "
        f"{row.get('plain_python_s', '—')} | {row.get('ratio_report_to_plain_python', '—')} | "
        f"{row.get('tables_agree', '—')} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
