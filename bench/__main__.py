"""``python -m bench`` (``make bench``): the benchmark of every everyday operation.

Sizes: ``--sizes 10000,100000`` or ``BENCH_SIZES`` (default 10k and 100k; add 1000000 for
the 1M set, which takes a few minutes). Every row runs the real ``BookingService`` on the
kiosk's store (hot file + archive, after the daily ``archive_history``) and, as the naive
baseline, the same service on TinyDB's default ``JSONStorage`` holding the same bookings in
one file. Prints a table and writes ``bench/results.json`` (``--out FILE`` elsewhere). No
pass/fail: it measures. ``--smoke``: one small set, few repetitions and kiosk starts (a few
seconds; tests/unit/test_bench_smoke.py runs it so the benchmark cannot rot unnoticed).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from bench.data import NOW, RETENTION_DAYS, DataSet, build
from bench.naive import NaiveStore
from db import Store
from db.storage import write_json_atomic
from kiosk.domain.arrivals import ArrivalService
from kiosk.domain.booking import BookingService
from kiosk.domain.clock import FixedClock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARCHIVE_MARGIN_DAYS = 7
REPS = 30
NAIVE_BUDGET_S = 25.0  # per row: the baseline at 1M takes seconds per operation
# The smallest set whose history reaches past 90 days, so the archived look-up has codes.
SMOKE_SIZE = 6000
SMOKE_REPS = 3
START_ROW = "kiosk start to interactive Welcome (headless)"
TAP_ROW = "tap to next screen drawn (headless Pilot)"
RSS_ROW = "memory of the kiosk process after start (MB)"
CPU_ROW = "CPU time of the kiosk process to interactive Welcome"
PEAK_ROW = "peak memory of the kiosk process (MB)"
# Rows with nothing to compare against: the naive kiosk is never tapped.
NO_BASELINE = frozenset({TAP_ROW})


@dataclass(frozen=True)
class Starts:
    """How many fresh kiosk processes a size starts: ours, the naive one's, taps in the last."""

    ours: int = 6
    naive: int = 3
    taps: int = 10


SMOKE_STARTS = Starts(ours=1, naive=1, taps=2)


def measure(fn: Callable[[int], Any], reps: int, budget_s: float | None = None) -> list[float]:
    times = []
    spent = 0.0
    for i in range(reps):
        gc.collect()
        t = time.perf_counter()
        fn(i)
        took = time.perf_counter() - t
        times.append(took)
        spent += took
        if budget_s is not None and spent > budget_s and len(times) >= 1:
            break
    return times


def stats(times: list[float]) -> dict[str, Any]:
    if not times:
        return {"median_ms": None, "p95_ms": None, "n": 0}
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "n": len(ordered),
    }


def prepare(ds: DataSet, work: Path) -> tuple[Store, Path, dict[str, float]]:
    """The kiosk's data dir (archived as the daily job would) and the naive file."""
    info: dict[str, float] = {}
    kiosk_dir = work / "kiosk"
    kiosk_dir.mkdir()
    t = time.perf_counter()
    write_json_atomic(kiosk_dir / "kiosk.json", ds.tables)
    naive_path = work / "naive.json"
    naive_path.write_bytes(orjson.dumps(ds.tables))
    info["write_s"] = time.perf_counter() - t
    store = Store(kiosk_dir).open()
    t = time.perf_counter()
    store.archive_history(NOW - timedelta(days=RETENTION_DAYS + ARCHIVE_MARGIN_DAYS))
    info["archive_s"] = time.perf_counter() - t
    info["hot_file_mb"] = (kiosk_dir / "kiosk.json").stat().st_size / 1e6
    info["archive_mb"] = store.history.size_bytes() / 1e6
    info["naive_file_mb"] = naive_path.stat().st_size / 1e6
    with store.snapshot() as tx:
        info["hot_bookings"] = len(tx.all("bookings"))
    return store, naive_path, info


def run_child(data_dir: Path, naive: Path | None, taps: int) -> tuple[float, dict]:
    """Run bench/kiosk_child.py; returns (spawn to first screen mounted, in s; its report)."""
    env = {**os.environ, "KIOSK_NOW": NOW.isoformat(), "PYTHONPATH": str(ROOT)}
    env.pop("TEXTUAL_ALLOW_SIGNALS", None)
    spawned = time.time()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.kiosk_child", str(data_dir), str(naive or "-"), str(taps)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return 0.0, {"note": f"child failed: {proc.stderr.strip()[-300:]}", "taps": []}
    out = json.loads(lines[-1])
    # Without a first screen (the naive child's data load only): time to its report.
    ready = out.get("ready_at", time.time())
    return ready - spawned, out


def bench_size(
    size: int, reps: int, log: Callable[[str], None], starts_n: Starts = Starts()
) -> dict[str, Any]:
    t = time.perf_counter()
    ds = build(size)
    log(f"[{size}] generated in {time.perf_counter() - t:.1f} s (history from {ds.first_day})")
    work = Path(tempfile.mkdtemp(prefix=f"kiosk-bench-{size}-"))
    try:
        store, naive_path, info = prepare(ds, work)
        log(
            f"[{size}] files written; archived in {info['archive_s']:.1f} s; "
            f"hot {info['hot_bookings']:.0f} bookings ({info['hot_file_mb']:.1f} MB), "
            f"naive file {info['naive_file_mb']:.0f} MB"
        )
        del ds.tables
        gc.collect()
        clock = FixedClock(NOW)
        fast = BookingService(store, clock)
        naive = NaiveStore(naive_path)
        slow = BookingService(naive, clock)  # type: ignore[arg-type]
        fast_arrivals = ArrivalService(store, clock)
        slow_arrivals = ArrivalService(naive, clock)  # type: ignore[arg-type]
        rows: dict[str, Any] = {}
        budget = NAIVE_BUDGET_S

        def row(
            name: str, ours: Callable[[int], Any], naive: Callable[[int], Any] | None, n: int = reps
        ) -> None:
            ours(n)  # warm-up (its own argument): first use builds the in-memory index
            a = stats(measure(ours, n))
            b = stats(measure(naive, n, budget)) if naive else stats([])
            ratio = (
                round(a["median_ms"] / b["median_ms"], 4)
                if a["median_ms"] and b["median_ms"]
                else None
            )
            rows[name] = {"ours": a, "naive": b, "ratio": ratio}
            log(f"[{size}] {name}: {a['median_ms']} ms vs naive {b['median_ms']} ms")

        topic = ds.topic
        free = fast.free_slots(topic)
        rnd = random.Random(size)
        rnd.shuffle(free)
        # Distinct free slots for each booking, the naive side books the same ones.
        ours_slots = free[: reps + 1]
        names = [f"Bench{chr(65 + i // 26)}{chr(97 + i % 26)}" for i in range(2 * reps + 2)]

        def book_ours(i: int) -> None:
            s = ours_slots[i]
            fast.book(topic, s.start, names[i], scout=s.scout)

        def book_naive(i: int) -> None:  # its own copy of the data: the same slots
            s = ours_slots[i]
            slow.book(topic, s.start, names[reps + 1 + i], scout=s.scout)

        row("book", book_ours, book_naive, n=min(reps, len(ours_slots) - 1))
        row(
            "free times, 1 topic, 14 days, 50 e-scouts",
            lambda i: fast.free_slots(topic, days=14),
            lambda i: slow.free_slots(topic, days=14),
        )
        tickets = list(ds.today_tickets)
        rnd.shuffle(tickets)
        half = len(tickets) // 2
        mine, theirs = tickets[:half], tickets[half:]

        def check_in(service: ArrivalService, ticket: tuple[str, datetime]) -> None:
            token, start = ticket
            # The visitor arrives at the start, inside the check-in window whatever its
            # length (it opens ``checkin_before_minutes`` before the start, closes at the end).
            clock.current = start
            answer = service.check_in(token)
            if not answer.ok:
                raise RuntimeError(f"check-in by token answered {answer.result.value!r}, not ok")

        row(
            "check-in by token",
            lambda i: check_in(fast_arrivals, mine[i]),
            lambda i: check_in(slow_arrivals, theirs[i]),
            n=min(reps, half - 1),
        )
        clock.current = NOW
        codes = ds.future_codes
        row(
            "look-up by code",
            lambda i: fast.lookup(codes[i % len(codes)]),
            lambda i: slow.lookup(codes[i % len(codes)]),
        )
        old = ds.old_codes
        if old:
            row(
                "look-up by code, archived booking",
                lambda i: fast.lookup(old[i % len(old)]),
                lambda i: slow.lookup(old[i % len(old)]),
            )

        # Kiosk start, tap and memory: fresh processes.
        starts, naive_starts, taps, notes = [], [], [], []
        rss, naive_rss, peak, naive_peak, cpu, naive_cpu = [], [], [], [], [], []
        for k in range(starts_n.ours):
            wall, out = run_child(
                store.data_dir, None, starts_n.taps if k == starts_n.ours - 1 else 0
            )
            if "ready_s" in out:
                starts.append(wall)
                peak.append(out.get("maxrss_mb", 0.0))
                rss.append(out["rss_mb"])
                cpu.append(out["cpu_s"])
            taps += out.get("taps", [])
            if out.get("note"):
                notes.append(out["note"])
        spent = 0.0
        for _ in range(starts_n.naive):
            wall, out = run_child(store.data_dir, naive_path, 0)
            if "ready_s" in out:
                naive_starts.append(wall)
                naive_peak.append(out.get("maxrss_mb", 0.0))
                naive_rss.append(out["rss_mb"])
                naive_cpu.append(out["cpu_s"])
            elif out.get("note"):
                # Without the app the naive start is still the data load it would pay.
                naive_starts.append(wall)
                naive_peak.append(out.get("maxrss_mb", 0.0))
            spent += wall
            if spent > budget:
                break
        note = "; ".join(sorted(set(notes)))

        def compared(a: dict[str, Any], b: dict[str, Any], unit: str = "") -> dict[str, Any]:
            ratio = round(a["median_ms"] / b["median_ms"], 4) if b["median_ms"] else None
            return {"ours": a, "naive": b, "ratio": ratio} | ({"unit": unit} if unit else {})

        def megabytes(values: list[float]) -> dict[str, Any]:
            # The shape of a time row: its fields say ms, the row's unit says MB.
            return stats([v / 1000 for v in values])

        if starts:
            rows[START_ROW] = compared(stats(starts), stats(naive_starts))
            rows[RSS_ROW] = compared(megabytes(rss), megabytes(naive_rss), "MB")
            rows[CPU_ROW] = compared(stats(cpu), stats(naive_cpu))
        else:
            for name in (START_ROW, RSS_ROW, CPU_ROW):
                rows[name] = {"skipped": note}
        if taps:
            rows[TAP_ROW] = {"ours": stats(taps), "naive": stats([]), "ratio": None}
        else:
            rows[TAP_ROW] = {"skipped": note or "no tap was measured"}
        if peak:
            rows[PEAK_ROW] = {
                "ours": {
                    "median_ms": round(max(peak), 1),
                    "p95_ms": round(max(peak), 1),
                    "n": len(peak),
                },
                "naive": {
                    "median_ms": round(max(naive_peak), 1) if naive_peak else None,
                    "p95_ms": round(max(naive_peak), 1) if naive_peak else None,
                    "n": len(naive_peak),
                },
                "ratio": round(max(peak) / max(naive_peak), 4) if naive_peak else None,
                "unit": "MB",
            }
        else:
            rows[PEAK_ROW] = {"skipped": note}
        if note:
            log(f"[{size}] note: {note}")
        return {"size": size, "info": info, "rows": rows, "note": note}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if 0 < v < 0.001:
            return f"{v:.1g}"  # a ratio of 0.0001 is not 0.000
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    return str(v)


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| operation | bookings | median ms | p95 ms | naive median ms | naive p95 ms | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names: list[str] = []
    for r in results:
        for name in r["rows"]:
            if name not in names:
                names.append(name)
    for name in names:
        for r in results:
            row = r["rows"].get(name)
            if row is None:
                continue
            if "skipped" in row:
                lines.append(f"| {name} | {r['size']} | skipped: {row['skipped']} | | | | |")
                continue
            unit = " (MB)" if row.get("unit") == "MB" else ""
            lines.append(
                f"| {name}{'' if unit in name else unit} | {r['size']} | "
                f"{fmt(row['ours']['median_ms'])} | {fmt(row['ours']['p95_ms'])} | "
                f"{fmt(row['naive']['median_ms'])} | {fmt(row['naive']['p95_ms'])} | "
                f"{fmt(row['ratio'])} |"
            )
    return "\n".join(lines)


def growth(results: list[dict[str, Any]]) -> str:
    if len(results) < 2:
        return ""
    lo, hi = results[0], results[-1]
    out = [f"growth of the median from {lo['size']} to {hi['size']} bookings:"]
    for name, row in hi["rows"].items():
        base = lo["rows"].get(name, {})
        if "ours" in row and "ours" in base and base["ours"]["median_ms"]:
            out.append(f"  {name}: {row['ours']['median_ms'] / base['ours']['median_ms']:.2f}x")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        help="comma-separated data set sizes (env BENCH_SIZES; default 10000,100000); "
        "e.g. 10000,100000,1000000",
    )
    parser.add_argument("--reps", type=int, help=f"repetitions per row (env BENCH_REPS; {REPS})")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"a few seconds: {SMOKE_SIZE} bookings, {SMOKE_REPS} repetitions, "
        f"{SMOKE_STARTS.ours + SMOKE_STARTS.naive} kiosk starts; ignores BENCH_SIZES and "
        "BENCH_REPS (--sizes and --reps still apply)",
    )
    parser.add_argument("--out", default=str(HERE / "results.json"), help="the JSON report")
    args = parser.parse_args(argv)
    # The smoke run reads no BENCH_* variables: a test must not turn into a 1M run.
    env: dict[str, str] = {} if args.smoke else dict(os.environ)
    sizes_text = (
        args.sizes or env.get("BENCH_SIZES") or (str(SMOKE_SIZE) if args.smoke else "10000,100000")
    )
    sizes = [int(s.replace("_", "")) for s in sizes_text.split(",") if s.strip()]
    reps = args.reps or int(env.get("BENCH_REPS") or (SMOKE_REPS if args.smoke else REPS))
    starts = SMOKE_STARTS if args.smoke else Starts()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    results = [bench_size(size, reps, log, starts) for size in sizes]
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "sizes": sizes,
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }
    Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    g = growth(results)
    if g:
        print()
        print(g)
    print(f"\nwritten to {args.out} in {report['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
