"""``kiosk [--data-dir DIR] COMMAND``: the contract scripts and tests rely on.

JSON goes to stdout, times are ISO 8601 with offset; every refusal is one line on
stderr and a non-zero exit (2: bad input or refused, 3: data dir unusable, 1: a bug,
still one line). A PIN is never read from the command line.

Each module holds one area's commands and registers them (``register``), in the order
``kiosk --help`` lists them:

- ``run``: run, librarian, serve, demo, seed-demo, set-pin
- ``catalog``: topics, slots
- ``bookings``: book, bookings, check-in, cancel, done, no-show, undo, unrecorded, move,
  follow-up, waitlist
- ``data``: export, backup, restore, purge
- ``paper``: ticket, scout-card
- ``scouts``: scout-pin, scout-hours
- ``programme``: results merge|report (files only, no data dir)
- ``fitcheck``: fitcheck (its own throwaway data dir with the demo library)

``common`` is what they share: one-line refusals, JSON out, checked arguments and paths.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from db import StoreError
from kiosk.cli import bookings, catalog, data, fitcheck, paper, programme, run, scouts
from kiosk.cli.common import (
    EXIT_REFUSED,
    EXIT_STORE,
    EXIT_UNEXPECTED,
    MAX_STORE_LINE,
    Command,
    Parser,
    say,
)
from kiosk.domain.clock import clock_from_env
from kiosk.domain.errors import KioskError
from kiosk.services import build_services, default_data_dir

LOCK_FILE = "kiosk.lock"  # the store's lock file: creating it proves the dir is usable


class DataDirUnusable(StoreError):
    """The data dir exists but this process cannot create files in it."""


def _shown(path: Path) -> str:
    """A path for a message: whole unless absurdly long (it may be what someone typed)."""
    text = str(path)
    return text if len(text) <= 200 else text[:199] + "\u2026"


def _data_dir(raw: str | None) -> Path:
    """The data dir to open; refuses an empty name and a folder no file can be made in."""
    if raw is not None and not raw.strip():
        raise KioskError("bad_data_dir", "--data-dir is empty; name a folder")
    if raw is not None and "\x00" in raw:
        raise KioskError("bad_data_dir", "--data-dir holds a NUL character")
    path = Path(raw) if raw is not None else default_data_dir()
    try:
        if path.exists():
            if not path.is_dir():
                raise DataDirUnusable(f"cannot use the data dir {_shown(path)}: not a folder")
            # The file lock would otherwise wait its whole timeout and report "busy".
            os.close(os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        raise DataDirUnusable(
            f"cannot use the data dir {_shown(path)}: {exc.strerror or exc}"
        ) from None
    return path


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="kiosk", description="E-scout booking kiosk")
    p.add_argument(
        "--data-dir", help="data directory (default: KIOSK_DATA_DIR or the user data dir)"
    )
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    for area in (run, catalog, bookings, data, paper, scouts, programme, fitcheck):
        area.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage refusal already printed as one line
        return exc.code if isinstance(exc.code, int) else EXIT_REFUSED
    func: Command = getattr(args, "func", run.cmd_run)
    try:
        file_func = getattr(args, "file_func", None)
        if file_func is not None:  # works on files only: no data dir is opened
            return int(file_func(args))
        try:
            clock = clock_from_env()
        except ValueError as exc:
            raise KioskError("bad_now", str(exc)) from None
        data_dir = _data_dir(args.data_dir)
        try:
            services = build_services(data_dir, clock, open_store=getattr(args, "open_store", True))
        except OSError as exc:
            raise DataDirUnusable(
                f"cannot use the data dir {_shown(data_dir)}: {exc.strerror or exc}"
            ) from None
        return func(services, args)
    except KioskError as exc:
        say(exc.message)
        return EXIT_REFUSED
    except StoreError as exc:
        say(str(exc), MAX_STORE_LINE)
        return EXIT_STORE
    except OSError as exc:
        say(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), MAX_STORE_LINE)
        return EXIT_STORE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, and a distinct exit code
        say(f"unexpected error ({type(exc).__name__}): {exc}")
        if os.environ.get("KIOSK_DEBUG"):
            raise
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
