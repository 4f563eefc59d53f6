"""The kiosk starts lean: no PDF, image, spreadsheet, printer, Parquet, DuckDB or plot library.

DESIGN.md: heavy libraries load when their feature is used, never at the kiosk's start. A
fresh interpreter imports the entry points, builds the App and runs it headless to Welcome;
none of those libraries may be loaded then. (qrcode loads Pillow with it, so the QR library
loads when the first ticket is shown.) A failure names
the import chain (the project's and the libraries' frames) that pulled each one in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "fpdf",  # fpdf2
    "PIL",  # Pillow
    "fontTools",
    "numpy",
    "openpyxl",
    "escpos",  # python-escpos
    "usb",
    "serial",
    "pyarrow",
    "duckdb",
    "matplotlib",
)

PROBE = r"""
import asyncio, json, sys, traceback

heavy, root, data_dir = set(sys.argv[1].split(",")), sys.argv[2], sys.argv[3]
chains = {}


class Spy:
    # First in sys.meta_path: sees every import by name, records who asked, finds nothing.
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in heavy and top not in chains:
            chains[top] = [
                f"{frame.filename.rpartition('site-packages/')[2].removeprefix(root)}:"
                f"{frame.lineno} {(frame.line or '').strip()}"
                for frame in traceback.extract_stack()[:-1]
                if not frame.filename.startswith("<")
            ]
        return None


sys.meta_path.insert(0, Spy())

import kiosk.app
import kiosk.cli
from kiosk.domain.clock import FixedClock, parse_instant
from kiosk.services import build_services
from kiosk.domain.tickets import new_token, qr_matrix


async def to_welcome():
    services = build_services(data_dir, clock=FixedClock(parse_instant("2026-11-24T09:00")))
    app = kiosk.app.KioskApp(services)
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(1000):
            if type(app.screen).__name__ == "WelcomeScreen" and app.screen.is_mounted:
                break
            await pilot.pause()
        return type(app.screen).__name__


screen = asyncio.run(to_welcome())
loaded = sorted({name.partition(".")[0] for name in sys.modules} & heavy)
assert "qrcode" not in sys.modules, "qrcode loaded before the first ticket"
qr_matrix(new_token())  # the first ticket's QR still draws

print(json.dumps({"screen": screen, "loaded": loaded, "chains": chains}))
"""


def test_kiosk_start_loads_no_heavy_library(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY), f"{ROOT}/", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["screen"] == "WelcomeScreen"
    loaded = report["loaded"]
    chains = "\n\n".join(
        f"{name} imported by:\n  " + "\n  ".join(report["chains"].get(name, ["?"]))
        for name in loaded
    )
    assert loaded == [], f"loaded at the kiosk's start: {loaded}\n\n{chains}"
