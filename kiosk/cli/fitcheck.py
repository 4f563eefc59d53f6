"""``kiosk fitcheck --size WxH``: the kiosk walks its own visitor screens and says what is cut.

Runs on a throwaway data dir with the demo library (never the data dir of ``--data-dir``),
headless, once per size and language; a fixed moment (a Tuesday morning, or ``KIOSK_NOW``)
so that the same screens with the same dates are checked on every run.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from datetime import datetime

from kiosk.cli.common import Subcommands, lang_arg, say
from kiosk.domain.clock import TZ, Clock, FixedClock, clock_from_env
from kiosk.domain.errors import KioskError

# A Tuesday morning: the demo library has times that day and the days after, and a booking
# made for today can be checked in. KIOSK_NOW moves it.
DEFAULT_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
MIN_SIZE = (20, 8)  # smaller than this the app has nothing sensible to draw
MAX_SIZE = (400, 200)
EXIT_UNFIT = 1


def size_arg(text: str) -> tuple[int, int]:
    """A ``--size`` argument: ``WxH`` in terminal cells, e.g. ``80x24``."""
    found = re.fullmatch(r"\s*(\d{1,4})\s*[xX\u00d7]\s*(\d{1,4})\s*", text)
    if found is None:
        raise argparse.ArgumentTypeError(f"not a size such as 80x24: {text[:40]!r}")
    width, height = int(found[1]), int(found[2])
    if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
        raise argparse.ArgumentTypeError(
            f"size {width}x{height} is outside {MIN_SIZE[0]}x{MIN_SIZE[1]} to "
            f"{MAX_SIZE[0]}x{MAX_SIZE[1]}"
        )
    return width, height


def _clock() -> Clock:
    if os.environ.get("KIOSK_NOW", "").strip():
        try:
            return clock_from_env()
        except ValueError as exc:
            raise KioskError("bad_now", str(exc)) from None
    return FixedClock(DEFAULT_NOW)


def cmd_fitcheck(args: argparse.Namespace) -> int:
    from kiosk.demo import seed_demo
    from kiosk.fitcheck import fit_check
    from kiosk.i18n import available_languages
    from kiosk.services import build_services

    offered = available_languages()
    langs = list(dict.fromkeys(args.lang or ["lt"]))
    for lang in langs:
        if lang not in offered:
            raise KioskError(
                "bad_languages", f"no visitor language {lang!r}; there are {', '.join(offered)}"
            )
    sizes = list(dict.fromkeys(args.size))
    clock = _clock()
    unfit: list[str] = []
    for width, height in sizes:
        for lang in langs:
            with tempfile.TemporaryDirectory(prefix="kiosk-fitcheck-") as tmp:
                services = build_services(tmp, clock)
                seed_demo(services.store, clock)
                report = fit_check(services, (width, height), lang)
            head = f"fitcheck: {width}x{height} {lang}:"
            for problem in report.problems:
                print(f"{head} {problem.line()}")
            if report.fits:
                print(f"{head} {len(report.screens)} screens fit")
            else:
                bad = report.unfit_screens
                verb = "screen does" if len(bad) == 1 else "screens do"
                print(f"{head} {len(bad)} {verb} not fit: {', '.join(bad)}")
                unfit.append(f"{width}x{height} {lang}")
            sys.stdout.flush()
    if unfit:
        say(f"fitcheck: screens do not fit at {', '.join(unfit)}")
        return EXIT_UNFIT
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk fitcheck``: sets ``file_func``, run on its own throwaway data dir."""
    sp = sub.add_parser(
        "fitcheck",
        help="walk every visitor screen at a terminal size (demo data, headless) and "
        "list what is cut, scrolls or is paged",
    )
    sp.add_argument(
        "--size",
        type=size_arg,
        action="append",
        required=True,
        metavar="WxH",
        help="terminal size in cells, e.g. 80x24 (repeatable)",
    )
    sp.add_argument(
        "--lang",
        type=lang_arg,
        action="append",
        metavar="L",
        help="visitor language (default lt; repeatable)",
    )
    sp.set_defaults(file_func=cmd_fitcheck)
