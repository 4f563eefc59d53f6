"""Run in a fresh process by the bench: start the kiosk headless, report when it is usable.

Prints one JSON line: ``ready_s`` (process start to the first screen mounted, measured by
the parent too), ``taps`` (seconds from a Pilot click on the first screen's first button to
the next screen mounted and drawn), ``maxrss_mb`` (peak memory) and ``note``.
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


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _run(data_dir: str, naive: str | None, taps: int) -> dict:
    out: dict = {"taps": [], "note": ""}
    from kiosk.services import build_services

    services = build_services(data_dir)
    if naive:
        from pathlib import Path

        from bench.naive import NaiveStore
        from kiosk.booking import BookingService

        slow = BookingService(NaiveStore(Path(naive)), services.clock)  # type: ignore[arg-type]
        topic = slow.topics()[0].slug
        slow.free_slots(topic)
    try:
        from kiosk.app import KioskApp
    except ImportError as exc:
        out["note"] = f"kiosk.app does not import yet ({exc})"
        return out
    app = KioskApp(services)
    async with app.run_test(size=(100, 32)) as pilot:
        first = None
        for _ in range(500):
            screen = app.screen
            if type(screen).__name__ != "Screen" and screen.is_mounted:
                first = screen
                break
            await pilot.pause(0.005)
        out["ready_s"] = time.perf_counter() - T0
        out["first_screen"] = type(first).__name__ if first else None
        if first is None:
            out["note"] = "no screen was mounted"
            return out
        try:
            from textual.widgets import Button
        except ImportError:  # pragma: no cover
            return out
        for _ in range(taps):
            buttons = [b for b in first.query(Button) if b.display and not b.disabled]
            if not buttons:
                out["note"] = f"{type(first).__name__} has no button to tap yet"
                break
            started = time.perf_counter()
            await pilot.click(buttons[0])
            for _ in range(400):
                if app.screen is not first and app.screen.is_mounted:
                    break
                await pilot.pause(0.002)
            else:
                out["note"] = "tapping the first button did not open another screen"
                break
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()  # the new screen has been drawn
            out["taps"].append(time.perf_counter() - started)
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
