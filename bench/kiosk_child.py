"""Run in a fresh process by the bench: start the kiosk headless, report when it is usable.

Prints one JSON line: ``ready_s`` and ``ready_at`` (first screen mounted; the parent
subtracts its spawn time), ``rss_mb`` and ``cpu_s`` at that moment (resident memory after
start; CPU seconds, user + system, since the interpreter started), ``taps`` (seconds from
the tap reaching the app, i.e. its MouseUp, to the first frame the next screen draws),
``maxrss_mb`` (peak memory of this process alone, taps included) and ``note``. Frames are
caught at ``App._display``, where the headless driver would write them; Pilot's own waiting
is not counted.
``--naive FILE``: first read FILE through TinyDB's default JSONStorage and answer the first
screen's free-times question from it (what a naive kiosk would do before Welcome).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

T0 = time.perf_counter()


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _rss_mb() -> float:
    """Peak resident memory of this program: VmHWM is per address space and starts anew at
    exec, unlike ru_maxrss, which a child inherits from its (large) parent at fork."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    """Resident memory now (the peak where /proc is missing)."""
    now = _status_mb("VmRSS")
    return now if now is not None else _rss_mb()


async def _run(data_dir: str, naive: str | None, taps: int) -> dict:
    out: dict = {"taps": [], "note": ""}
    from kiosk.services import build_services

    services = build_services(data_dir)
    if naive:
        from pathlib import Path

        from bench.naive import NaiveStore
        from kiosk.domain.booking import BookingService

        slow = BookingService(NaiveStore(Path(naive)), services.clock)  # type: ignore[arg-type]
        topic = slow.topics()[0].slug
        slow.free_slots(topic)
    try:
        from kiosk.app import KioskApp
    except ImportError as exc:
        out["note"] = f"kiosk.app does not import yet ({exc})"
        return out
    from textual import events

    # The bench taps as soon as a screen is drawn: no guard against a visitor's double tap.
    app = KioskApp(services, tap_guard_seconds=0)
    frames: list[tuple[float, object]] = []
    taps_at: list[float] = []
    show = app._display
    dispatch = app.on_event

    def spy_display(screen, renderable):  # type: ignore[no-untyped-def]
        if renderable is not None:
            frames.append((time.perf_counter(), screen))
        show(screen, renderable)

    async def spy_event(event):  # type: ignore[no-untyped-def]
        # Pilot spaces MouseDown and MouseUp with its own waits; a real tap sends them
        # together, so the clock starts when the MouseUp (the end of the tap) arrives.
        if isinstance(event, events.MouseUp):
            taps_at.append(time.perf_counter())
        await dispatch(event)

    app._display = spy_display  # type: ignore[method-assign]
    app.on_event = spy_event  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        first = None
        for _ in range(500):
            screen = app.screen
            if type(screen).__name__ != "Screen" and screen.is_mounted:
                first = screen
                break
            await pilot.pause(0.005)
        out["ready_s"] = time.perf_counter() - T0
        out["ready_at"] = time.time()  # the parent subtracts its spawn time: start to ready
        out["cpu_s"] = time.process_time()  # the whole process: interpreter, imports, data
        out["rss_mb"] = _current_rss_mb()
        out["first_screen"] = type(first).__name__ if first else None
        if first is None:
            out["note"] = "no screen was mounted"
            return out
        from textual.widgets import Button

        for _ in range(taps):
            buttons = [b for b in first.query(Button) if b.display and not b.disabled]
            if not buttons:
                out["note"] = f"{type(first).__name__} has no button to tap yet"
                break
            frames.clear()
            taps_at.clear()
            await pilot.click(buttons[0])
            for _ in range(400):
                if app.screen is not first and app.screen.is_mounted:
                    break
                await pilot.pause(0.002)
            else:
                out["note"] = "tapping the first button did not open another screen"
                break
            await app.workers.wait_for_complete()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            drawn = [at for at, screen in frames if screen is not first]
            if taps_at and drawn:
                out["taps"].append(drawn[0] - taps_at[0])
            while app.screen is not first and len(app.screen_stack) > 1:
                app.pop_screen()
                await pilot.pause()
    return out


def main() -> None:
    data_dir = sys.argv[1]
    naive = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
    taps = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    try:
        out = asyncio.run(_run(data_dir, naive, taps))
    except Exception as exc:  # report, never hang the bench
        out = {"taps": [], "note": f"{type(exc).__name__}: {exc}"}
    out["maxrss_mb"] = _rss_mb()
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
