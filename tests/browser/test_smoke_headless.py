"""The deploy smoke test itself (deploy/smoke-headless.sh): the shipped units' commands under
cage on a virtual panel, driven by touch and a scanner, pass on the real kiosk and fail on a
screen too small for it.

It needs what install.sh installs for it (cage, grim, Xvfb, xdotool, xwininfo, chromium; `make
test` installs them as root) and, as root, a user to run the screen as, since cage refuses
root: ``nobody`` here, the kiosk user on a kiosk PC.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "deploy" / "smoke-headless.sh"
TOOLS = ("cage", "grim", "Xvfb", "xdotool", "xwininfo", "chromium")

# Its own worker, beside the other browser tests: it starts a whole screen per panel.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("smoke")]


def run_smoke(out: Path, *sizes: str) -> subprocess.CompletedProcess[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"the smoke test must run under CI: {', '.join(missing)} missing")
        pytest.skip(f"{', '.join(missing)} missing (make test installs them as root)")
    env = {**os.environ, "ESCOUT_PREFIX": str(Path(sys.prefix).parent), "SMOKE_USER": "nobody"}
    env.pop("KIOSK_NOW", None)  # the script's own fixed Tuesday morning
    return subprocess.run(
        ["bash", str(SMOKE), "--out", str(out), *sizes],
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
    )


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_the_real_route_books_and_checks_in_by_touch_and_scan(tmp_path: Path) -> None:
    done = run_smoke(tmp_path, "1024x768")
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    for step in (
        "kiosk fitcheck: every visitor screen fits",
        "booked by taps",
        "checked in by taps",
        "checked in by a scan right after a page load",
        "smoke: OK: 1024x768 (browser)",
    ):
        assert step in log, log
    # The screenshot is the compositor's whole output, with the ticket's QR code on it.
    shot = tmp_path / "kiosk-ticket-1024x768.png"
    assert png_size(shot) == (1024, 768)
    codes = zxingcpp.read_barcodes(Image.open(shot))
    assert len(codes) == 1 and len(codes[0].text) == 26, codes  # the ticket's token


def test_a_panel_too_small_for_the_screens_fails(tmp_path: Path) -> None:
    done = run_smoke(tmp_path, "320x160")
    log = done.stdout + done.stderr
    assert done.returncode == 1, log
    assert "is under 78x18: screens cut" in log, log
    assert "smoke: OK" not in log
