"""``python -m bench.soak``: the console through a librarian's day (minutes; not in ``make test``).

A real console process on a demo data dir, logged in, every tab visited once; then one of
two phases, each on its own console and data dir, while another process makes 100 bookings
into that data dir through the domain services, as a kiosk does (the console hears of them
through its file watcher):

- ``burst``: 2,000 tab keys (F2..F10) in bursts of 50, as quickly as keys come. The console
  takes typed-ahead tab keys together, so most of them never become a tab switch.
- ``paced``: 2,000 keys one at a time, each to another tab and each sent only once the last
  one is a finished switch: the screen's bar under the tab titles stands where it stood on
  that tab's first visit (so the tab is active and the bar's slide has ended), and the
  console's CPU time has stood still for 50 ms. Every key is checked so; one whose tab is not
  shown within 30 s is a missed switch, and a missed switch fails the run.

Measured on the console's App process: its resident size (VmRSS) after the first visit of
every tab and at the end, and how long after the last key it is idle again (its CPU time
grows by under 2 % of a core over a 1 s window).

Two routes: ``tmux`` (``kiosk librarian`` in a tmux pane, keys by ``tmux send-keys``, the
screen by ``capture-pane``) and ``browser`` (``kiosk serve``, Debian's chromium through
Playwright, keys by ``page.keyboard``, the screen from xterm.js's buffer; the App process is
a child of the server). ``--together`` runs the routes and phases side by side. Prints a
table, writes ``bench/soak.json`` (``--out FILE`` elsewhere) and exits 1 when a phase misses
a target: within 15 MB of the start and idle within 10 s. A proof at unit scale runs in the
suite: ``tests/ui/test_librarian_keys.py`` counts Textual's watchers once every tab is
mounted and 20 switches on, and again after 100 more.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.procs import descendants
from kiosk.demo import seed_demo
from kiosk.domain.clock import FixedClock
from kiosk.domain.errors import KioskError
from kiosk.services import build_services
from screens.librarian.console import TABS
from tests.conftest import NOW, PIN, set_pin

HERE = Path(__file__).resolve().parent
KEYS = [f"F{n}" for n in range(2, 2 + len(TABS))]
RSS_TARGET_MB = 15.0
IDLE_TARGET_S = 10.0
IDLE_SHARE = 0.02  # of one core, over IDLE_WINDOW_S
IDLE_WINDOW_S = 1.0
IDLE_LIMIT_S = 900.0  # give up waiting for idle after this
BURST = 50  # keys a burst
BURST_GAP_S = 0.3
PACED_QUIET_S = 0.05  # a paced key waits until the console's CPU time stands this long
PACED_SHOW_LIMIT_S = 30.0  # a paced key whose tab is not shown by then is a missed switch
PACED_GUESS_S = 0.4  # a paced switch takes about this long: spreads the bookings
UNDERLINE_ROW = 2  # the screen row under the tab titles: the active tab's bar
TICKS = os.sysconf("SC_CLK_TCK")


# -- the console process --------------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def wait_idle(pid: int, limit: float = IDLE_LIMIT_S) -> float:
    """Seconds until ``pid`` spends under IDLE_SHARE of a core over IDLE_WINDOW_S."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(IDLE_WINDOW_S)
        if cpu_seconds(pid) - before < IDLE_SHARE * IDLE_WINDOW_S:
            # The window that proved it idle is not counted as busy time.
            return max(time.monotonic() - started - IDLE_WINDOW_S, 0.0)
    return float("inf")


def console_pid(parent: int) -> int:
    """The App process under ``parent``: a python running ``kiosk ... librarian``."""
    for pid in descendants(parent):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"librarian" in cmd and any(part.endswith(b"kiosk") for part in cmd):
            return pid
    raise RuntimeError("no console process found")


# -- the other process: bookings as a kiosk makes them ----------------------------------


def visitor_name(n: int) -> str:
    """A first name for the n-th booking (letters only, as the kiosk asks)."""
    return "Soak" + chr(ord("a") + n // 26 % 26) + chr(ord("a") + n % 26)


def book(data_dir: Path, count: int, pause: float) -> int:
    """Make ``count`` bookings into ``data_dir`` through the domain services."""
    services = build_services(data_dir, FixedClock(NOW))
    free = sorted(
        {
            (slot.start, slot.scout, topic.slug)
            for topic in services.booking.topics()
            for slot in services.booking.free_slots(topic.slug)
        }
    )
    made, used = 0, set()
    for start, scout, topic in free:
        if made == count:
            break
        if (start, scout) in used:
            continue
        try:
            services.booking.book(topic, start, visitor_name(made), scout=scout)
        except KioskError:
            continue
        used.add((start, scout))
        made += 1
        time.sleep(pause)
    print(made)
    return 0 if made == count else 1


def start_booker(data_dir: Path, count: int, pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.soak", "--book", str(data_dir), str(count), str(pause)],
        stdout=subprocess.PIPE,
        text=True,
    )


def seeded(tmp: Path, name: str) -> Path:
    data_dir = tmp / name
    services = build_services(data_dir, FixedClock(NOW))
    seed_demo(services.store, services.clock)
    set_pin(services)  # tests.conftest.PIN
    return data_dir


def settle(pid: int, quiet: float = PACED_QUIET_S, limit: float = IDLE_LIMIT_S) -> None:
    """Wait until ``pid``'s CPU time has not grown for ``quiet`` seconds."""
    deadline = time.monotonic() + limit
    last, since = cpu_seconds(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(quiet / 5)
        now = cpu_seconds(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def visit_all(
    pid: int, press: Callable[[list[str]], object], underline: Callable[[], str]
) -> dict[str, str]:
    """Every pane laid out once (the start counts what a visit adds); each tab's bar row."""
    marks = {}
    for key in KEYS:
        press([key])
        time.sleep(0.5)
        wait_idle(pid)
        marks[key] = underline()
    if len(set(marks.values())) != len(KEYS):
        raise RuntimeError(f"the tabs' bars do not tell the tabs apart: {marks}")
    return marks


def soak(
    pid: int,
    press: Callable[[list[str]], object],
    underline: Callable[[], str],
    data_dir: Path,
    switches: int,
    bookings: int,
) -> dict[str, Any]:
    """Bursts, the same for both routes: ``press`` sends a burst of keys."""
    visit_all(pid, press, underline)
    start_rss = rss_mb(pid)
    rnd = random.Random(1)
    bursts = -(-switches // BURST)
    booker = start_booker(data_dir, bookings, pause=bursts * BURST_GAP_S / bookings / 2)
    began = time.monotonic()
    sent = 0
    while sent < switches:
        burst = [rnd.choice(KEYS) for _ in range(min(BURST, switches - sent))]
        press(burst)
        sent += len(burst)
        time.sleep(BURST_GAP_S)
    sending = time.monotonic() - began
    return {"switches": sent, **_after(pid, booker, 300, sending, start_rss, 0.0)}


def soak_paced(
    pid: int,
    press: Callable[[list[str]], object],
    underline: Callable[[], str],
    data_dir: Path,
    switches: int,
    bookings: int,
) -> dict[str, Any]:
    """One key at a time, each to another tab, sent once the last one is a finished switch.

    A key counts as a switch when the screen's bar under the tab titles stands exactly where
    it stood when that tab was first visited (the bar slides there, so it is only there once
    the tab is active and its slide has ended); the next key waits until then and until the
    console's CPU time has stood still for PACED_QUIET_S."""
    marks = visit_all(pid, press, underline)
    current = KEYS[-1]
    start_rss = rss_mb(pid)
    start_cpu = cpu_seconds(pid)
    rnd = random.Random(2)
    booker = start_booker(data_dir, bookings, pause=switches * PACED_GUESS_S / bookings / 2)
    began = time.monotonic()
    shown = missed = 0
    for _ in range(switches):
        key = rnd.choice([k for k in KEYS if k != current])
        press([key])
        deadline = time.monotonic() + PACED_SHOW_LIMIT_S
        while underline() != marks[key]:
            if time.monotonic() > deadline:
                missed += 1
                break
            time.sleep(0.01)
        else:
            shown += 1
        settle(pid)
        current = key
    sending = time.monotonic() - began
    figures = _after(pid, booker, 900, sending, start_rss, start_cpu)
    return {
        "switches": shown,
        "missed": missed,
        **figures,
        "per_switch_s": round(sending / switches, 3),
    }


def _after(
    pid: int,
    booker: subprocess.Popen[str],
    timeout: float,
    sending: float,
    start_rss: float,
    start_cpu: float,
) -> dict[str, Any]:
    """What every phase reports once its keys are sent: the outside bookings made, then the
    console's time to idle, its memory against ``start_rss`` and its CPU since ``start_cpu``."""
    made = booker.communicate(timeout=timeout)[0].strip()
    idle = wait_idle(pid)
    end_rss = rss_mb(pid)
    return {
        "bookings": int(made or 0),
        "sending_s": round(sending, 1),
        "start_rss_mb": round(start_rss, 1),
        "end_rss_mb": round(end_rss, 1),
        "grown_mb": round(end_rss - start_rss, 1),
        "idle_after_s": round(idle, 1) if idle != float("inf") else None,
        "cpu_s": round(cpu_seconds(pid) - start_cpu, 1),
    }


PHASES = {"burst": soak, "paced": soak_paced}


# -- the routes ---------------------------------------------------------------------------


def tmux_route(tmp: Path, phase: str, switches: int, bookings: int) -> dict[str, Any]:
    tmux = shutil.which("tmux")
    if tmux is None:
        raise RuntimeError("tmux is not installed")
    socket = f"kiosk-soak-{os.getpid()}-{phase}"
    name = f"soak-{uuid.uuid4().hex[:8]}"
    data_dir = seeded(tmp, f"data-tmux-{phase}")

    def run(*args: str) -> str:
        done = subprocess.run([tmux, "-L", socket, *args], capture_output=True, text=True)
        return done.stdout

    def wait_for(text: str, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if text in run("capture-pane", "-p", "-t", name):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{text!r} never showed in the console")

    command = (
        f"env KIOSK_NOW={NOW.isoformat()} TERM=xterm-256color "
        f"{sys.executable} -m kiosk --data-dir {data_dir} librarian"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
    subprocess.run(
        [tmux, "-L", socket, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command],
        check=True,
        env=env,
    )
    try:
        wait_for("PIN")
        pane = int(run("display-message", "-p", "-t", name, "#{pane_pid}").strip())
        pid = pane if b"librarian" in Path(f"/proc/{pane}/cmdline").read_bytes() else 0
        pid = pid or console_pid(pane)
        run("send-keys", "-t", name, "-l", PIN)
        run("send-keys", "-t", name, "Enter")
        wait_for("Atsijungti")
        result = PHASES[phase](
            pid,
            lambda keys: run("send-keys", "-t", name, *keys),
            lambda: run("capture-pane", "-p", "-t", name).splitlines()[UNDERLINE_ROW],
            data_dir,
            switches,
            bookings,
        )
        run("send-keys", "-t", name, "F12")  # still answering: logs out to the PIN prompt
        try:
            wait_for("Įveskite PIN", limit=30)
            result["answers"] = True
        except RuntimeError:
            result["answers"] = False
            result["screen"] = run("capture-pane", "-p", "-t", name)
        return result
    finally:
        run("kill-server")


def browser_route(tmp: Path, phase: str, switches: int, bookings: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from kiosk.web.drive import click_text, screen, wait_for_text
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Served, open_page

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing")
    data_dir = seeded(tmp, f"data-browser-{phase}")
    served = Served(data_dir)
    try:
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = open_page(browser, served.url)
            click_text(page, "Įveskite PIN")  # the terminal takes the keys
            page.keyboard.type(PIN)
            page.keyboard.press("Enter")
            wait_for_text(page, "Atsijungti")
            pid = console_pid(served.process.pid)

            def press(keys: list[str]) -> None:
                for key in keys:
                    page.keyboard.press(key)

            def underline() -> str:
                rows = screen(page)
                return rows[UNDERLINE_ROW] if len(rows) > UNDERLINE_ROW else ""

            result = PHASES[phase](pid, press, underline, data_dir, switches, bookings)
            if console_pid(served.process.pid) != pid:
                raise RuntimeError("the page started a new session during the soak")
            browser.close()
        return result
    finally:
        served.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--switches", type=int, default=2000, help="tab keys a route")
    parser.add_argument("--bookings", type=int, default=100)
    parser.add_argument("--route", choices=["tmux", "browser", "both"], default="both")
    parser.add_argument("--phase", choices=["burst", "paced", "both"], default="both")
    parser.add_argument(
        "--together", action="store_true", help="run the routes and phases side by side"
    )
    parser.add_argument("--out", default=str(HERE / "soak.json"), help="the JSON report")
    parser.add_argument("--book", nargs=3, metavar=("DIR", "N", "PAUSE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.book:
        return book(Path(args.book[0]), int(args.book[1]), float(args.book[2]))
    routes = {"tmux": tmux_route, "browser": browser_route}
    jobs = [
        (route, phase)
        for route in (list(routes) if args.route == "both" else [args.route])
        for phase in (list(PHASES) if args.phase == "both" else [args.phase])
    ]
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    began = time.monotonic()
    workers = len(jobs) if args.together else 1
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            job: pool.submit(routes[job[0]], Path(tmp), job[1], args.switches, args.bookings)
            for job in jobs
        }
        for (route, phase), future in futures.items():
            rows.setdefault(route, {})[phase] = future.result()
    failed = []
    print(
        f"{'route':<8} {'phase':<6} {'switches':>8} {'bookings':>8} {'start MB':>9} "
        f"{'end MB':>8} {'grown':>7} {'idle after':>10} {'wall':>7}"
    )
    for route, phases in rows.items():
        for phase, row in phases.items():
            idle = row["idle_after_s"]
            print(
                f"{route:<8} {phase:<6} {row['switches']:>8} {row['bookings']:>8} "
                f"{row['start_rss_mb']:>9.1f} {row['end_rss_mb']:>8.1f} {row['grown_mb']:>6.1f}M "
                f"{'never' if idle is None else f'{idle:.1f}s':>10} {row['sending_s']:>6.0f}s"
            )
            where = f"{route} {phase}"
            if row["grown_mb"] > RSS_TARGET_MB:
                failed.append(f"{where}: RSS grew by {row['grown_mb']} MB (target {RSS_TARGET_MB})")
            if idle is None or idle > IDLE_TARGET_S:
                failed.append(f"{where}: idle after {idle} s (target {IDLE_TARGET_S})")
            if row["bookings"] != args.bookings:
                failed.append(f"{where}: {row['bookings']} of {args.bookings} bookings made")
            if phase == "paced" and row["switches"] < args.switches:
                failed.append(f"{where}: {row['switches']} of {args.switches} keys became switches")
    Path(args.out).write_text(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "load_average": os.getloadavg(),
                "side_by_side": args.together,
                "wall_s": round(time.monotonic() - began),
                "targets": {"rss_mb": RSS_TARGET_MB, "idle_s": IDLE_TARGET_S},
                "routes": rows,
            },
            indent=2,
        )
        + "\n"
    )
    for line in failed:
        print(f"bench.soak: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
