"""``python -m bench.live`` (part of ``make bench``): live updates and browser sessions.

- latency: a CLI ``kiosk book`` in another process, timed from the moment that process has
  committed (it exited) to the moment the new row is on the browser's screen, for the
  console on file events and on the polling fallback (``KIOSK_WATCH=poll``);
- memory: the resident size (RSS and PSS) of one browser session's App process, and what
  the server itself takes.

Drives `kiosk serve` in Debian's chromium through Playwright, like tests/browser. Prints a
table and writes ``bench/live.json`` (``--out FILE`` elsewhere). No pass/fail: it measures.
Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.procs import descendants
from kiosk.demo import seed_demo
from kiosk.domain.clock import FixedClock
from kiosk.services import build_services
from kiosk.web.drive import SCREEN_JS, click_text, wait_for_text
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Served, open_page, type_keys
from tests.conftest import NOW, PIN, set_pin

HERE = Path(__file__).resolve().parent
BOOKINGS = 6  # per mode: each is one CLI process and one row to wait for


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


def _app_processes(server_pid: int) -> list[int]:
    pids = []
    for pid in descendants(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part == b"kiosk" for part in cmd) and b"librarian" in cmd:
            pids.append(pid)
    return pids


def _log_in(page: Any) -> None:
    click_text(page, "Įveskite PIN")
    type_keys(page, PIN)
    page.keyboard.press("Enter")
    wait_for_text(page, "Šiandien")


def _latencies(browser: Any, served: Served) -> list[float]:
    page = open_page(browser, served.url)
    _log_in(page)
    day = NOW.date().isoformat()
    free: dict[tuple[str, str], str] = {}  # (start, e-scout) -> a topic: today's free times
    for topic in json.loads(served.cli("topics").stdout):
        found = served.cli("slots", "--topic", topic["slug"], "--date", day, "--days", "1")
        for slot in json.loads(found.stdout):
            free.setdefault((slot["start"], slot["scout"]), topic["slug"])
    results = []
    for i, ((start, scout), topic) in enumerate(sorted(free.items())[:BOOKINGS]):
        booked = served.cli(
            "book",
            "--topic",
            topic,
            "--start",
            start,
            "--scout",
            scout,
            "--name",
            f"Bench{'abcdefgh'[i]}",
        )
        committed = time.perf_counter()
        code = json.loads(booked.stdout)["code"]
        page.wait_for_function(
            f"() => ({SCREEN_JS})().some(row => row.includes({code!r}))",
            polling="raf",
            timeout=30_000,
        )
        results.append(time.perf_counter() - committed)
    page.context.close()
    return results


def _row(name: str, times: list[float]) -> dict[str, Any]:
    ms = sorted(t * 1000 for t in times)
    return {
        "name": name,
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "max_ms": round(ms[-1], 1),
        "min_ms": round(ms[0], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parser.add_argument("--out", default=str(HERE / "live.json"), help="the JSON report")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"bench.live: {CHROMIUM} is missing; skipped", file=sys.stderr)
        return 0
    from playwright.sync_api import sync_playwright

    rows: list[dict[str, Any]] = []
    memory: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for mode, watch in (("file events", ""), ("polling (fallback)", "poll")):
            os.environ["KIOSK_WATCH"] = watch
            data_dir = Path(tmp) / f"data-{watch or 'events'}"
            services = build_services(data_dir, FixedClock(NOW))
            seed_demo(services.store, services.clock)
            set_pin(services)  # tests.conftest.PIN
            served = Served(data_dir)
            try:
                rows.append(_row(f"CLI book -> row on screen, {mode}", _latencies(browser, served)))
                if not watch:
                    memory = _sessions_memory(browser, served)
            finally:
                served.stop()
        os.environ.pop("KIOSK_WATCH", None)
        browser.close()
    print(f"{'latency':<50} {'n':>3} {'median':>9} {'min':>9} {'max':>9}")
    for row in rows:
        print(
            f"{row['name']:<50} {row['n']:>3} {row['median_ms']:>7.0f}ms"
            f" {row['min_ms']:>7.0f}ms {row['max_ms']:>7.0f}ms"
        )
    print(
        f"memory of one browser session's App process: RSS {memory['session_rss_mb']} MB, "
        f"PSS {memory['session_pss_mb']} MB; the server: RSS {memory['server_rss_mb']} MB"
    )
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average": os.getloadavg(),
        "latency": rows,
        "memory": memory,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


def _sessions_memory(browser: Any, served: Served) -> dict[str, Any]:
    """Two logged-in tabs; the mean per App process, measured once both are idle."""
    pages = []
    for _ in range(2):
        page = open_page(browser, served.url)
        _log_in(page)
        pages.append(page)
    time.sleep(1.0)  # let both settle after their first reload (a benchmark, not a test)
    apps = _app_processes(served.process.pid)
    sizes = [_memory_kb(pid) for pid in apps]
    server_rss, _ = _memory_kb(served.process.pid)
    for page in pages:
        page.context.close()
    return {
        "sessions": len(apps),
        "session_rss_mb": round(statistics.mean(s[0] for s in sizes) / 1024, 1),
        "session_pss_mb": round(statistics.mean(s[1] for s in sizes) / 1024, 1),
        "server_rss_mb": round(server_rss / 1024, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
