"""``kiosk [--data-dir DIR] COMMAND``: the contract scripts and tests rely on.

JSON goes to stdout, times are ISO 8601 with offset; every refusal is one line on
stderr and a non-zero exit (2: bad input or refused, 3: data dir unusable, 1: a bug,
still one line; 141, silently: the reader of stdout went away). A PIN is never read from
the command line. Every file written on request passes ``common.output_path`` first.

Each module holds one area's commands and registers them (``register``), in the order
``kiosk --help`` lists them:

- ``run``: run, librarian, serve, demo, seed-demo, set-pin
- ``catalog``: topics, slots
- ``bookings``: book, bookings, check-in, cancel, done, no-show, undo, unrecorded, move,
  follow-up, waitlist
- ``data``: export, backup, restore, purge
- ``config``: config get|set (the library's settings)
- ``remind``: remind [--dry-run], remind log, scout-sms (messages to visitors and e-scouts)
- ``paper``: ticket, scout-card, poster
- ``scouts``: scout-pin, scout-hours
- ``programme``: results merge|report (files only, no data dir)
- ``fitcheck``: fitcheck (its own throwaway data dir with the demo library)

``common`` is what they share: one-line refusals, JSON out, checked arguments and paths.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from db import StoreError
from kiosk.cli import (
    bookings,
    catalog,
    config,
    data,
    fitcheck,
    paper,
    programme,
    remind,
    run,
    scouts,
)
from kiosk.cli.common import (
    EXIT_REFUSED,
    EXIT_STORE,
    EXIT_UNEXPECTED,
    MAX_STORE_LINE,
    Command,
    Parser,
    cut,
    reason,
    say,
)
from kiosk.domain.clock import clock_from_env
from kiosk.domain.errors import KioskError
from kiosk.services import build_services, default_data_dir

LOCK_FILE = "kiosk.lock"  # the store's lock file: creating it proves the dir is usable
# The reader of our stdout went away (``kiosk bookings | head``): the code a shell shows
# for a tool that SIGPIPE ended (128 + 13), so `set -o pipefail` scripts see it the same.
EXIT_BROKEN_PIPE = 141


class DataDirUnusable(StoreError):
    """The data dir exists but this process cannot create files in it."""


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
                raise DataDirUnusable(f"cannot use the data dir {cut(path)}: not a folder")
            # The file lock would otherwise wait its whole timeout and report "busy".
            # Never through a link planted as the lock file (its target is anyone's file).
            flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
            os.close(os.open(path / LOCK_FILE, flags, 0o600))
    except OSError as exc:
        raise DataDirUnusable(
            f"cannot use the data dir {cut(path)}: {exc.strerror or exc}"
        ) from None
    return path


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="kiosk", description="E-scout booking kiosk")
    p.add_argument(
        "--data-dir", help="data directory (default: KIOSK_DATA_DIR or the user data dir)"
    )
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    for area in (run, catalog, bookings, data, config, remind, paper, scouts, programme, fitcheck):
        area.register(sub)
    return p


def _stdout_gone() -> int:
    """End quietly after the reader of stdout went away, as Unix tools do.

    stdout is pointed at /dev/null so the interpreter's last flush of what is still
    buffered cannot fail again and print "Exception ignored ... BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is no real file (a test's capture): nothing is left to flush
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        return _stdout_gone()


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage refusal already printed as one line
        return exc.code if isinstance(exc.code, int) else EXIT_REFUSED
    func: Command = getattr(args, "func", run.cmd_run)
    try:
        file_func = getattr(args, "file_func", None)
        if file_func is not None:  # works on files only: no data dir is opened
            code = int(file_func(args))
        else:
            try:
                clock = clock_from_env()
            except ValueError as exc:
                raise KioskError("bad_now", str(exc)) from None
            data_dir = _data_dir(args.data_dir)
            try:
                services = build_services(
                    data_dir, clock, open_store=getattr(args, "open_store", True)
                )
            except OSError as exc:
                raise DataDirUnusable(
                    f"cannot use the data dir {cut(data_dir)}: {reason(exc)}"
                ) from None
            code = func(services, args)
        sys.stdout.flush()  # here, not at exit, so a reader gone away is noticed in main
        return code
    except BrokenPipeError:
        raise
    except KioskError as exc:
        say(exc.message)
        return EXIT_REFUSED
    except StoreError as exc:
        say(str(exc), MAX_STORE_LINE)
        return EXIT_STORE
    except OSError as exc:
        where = f": {cut(exc.filename)}" if exc.filename else ""
        say(f"{reason(exc)}{where}", MAX_STORE_LINE)
        # A name too long for any file system is bad input, not an unusable data dir.
        return EXIT_REFUSED if exc.errno == errno.ENAMETOOLONG else EXIT_STORE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, and a distinct exit code
        say(f"unexpected error ({type(exc).__name__}): {exc}")
        if os.environ.get("KIOSK_DEBUG"):
            raise
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
