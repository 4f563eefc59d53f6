"""What every command module shares: one-line refusals, JSON out, checked arguments and paths."""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from db.storage import write_bytes_atomic
from kiosk.domain.clock import check_day
from kiosk.domain.errors import KioskError
from kiosk.services import Services

EXIT_REFUSED = 2
EXIT_STORE = 3
EXIT_UNEXPECTED = 1
# A refusal may echo what was typed: never let that flood the terminal. Store messages
# name files (data file, newest backup) that must stay whole, so their cap is far higher.
MAX_LINE = 300
MAX_STORE_LINE = 8000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]+")

Command = Callable[[Services, argparse.Namespace], int]
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """``text`` as one line: control characters and bidi overrides out, a long tail cut."""
    flat = _CONTROL.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def say(text: str, limit: int = MAX_LINE) -> None:
    """A refusal or error: one line on stderr."""
    print(f"kiosk: {one_line(text, limit)}", file=sys.stderr)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line, not argparse's usage dump.
        self.exit(EXIT_REFUSED, f"kiosk: {one_line(message)} (see kiosk --help)\n")


def add_command(sub: Subcommands, name: str, func: Command, help_: str) -> argparse.ArgumentParser:
    """Register ``kiosk NAME``, run by ``func`` on the opened data dir."""
    sp = sub.add_parser(name, help=help_)
    sp.set_defaults(func=func)
    return sp


def emit(value: Any) -> None:
    """The command's answer: JSON on stdout."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def date_arg(text: str) -> date:
    """A ``YYYY-MM-DD`` argument, within the years the kiosk handles."""
    try:
        return check_day(date.fromisoformat(text))
    except ValueError as exc:
        if "outside" in str(exc):
            raise argparse.ArgumentTypeError(str(exc)) from None
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text[:40]!r}") from None


def lang_arg(text: str) -> str:
    """A ``--lang`` argument: a two- or three-letter language code."""
    if not re.fullmatch(r"[a-z]{2,3}", text):
        raise argparse.ArgumentTypeError(f"not a language code such as lt or en: {text[:40]!r}")
    return text


def output_path(raw: str, option: str) -> Path:
    """A path the CLI may replace: a plain file or nothing yet, in an existing folder.

    A symbolic link is refused (never followed, never its dangling target created), as are
    folders and devices: the file is replaced by rename, which must not hit ``/dev/...``.
    """
    if not raw.strip():
        raise KioskError("bad_output", f"{option} is empty; name a file")
    path = Path(raw)
    try:
        found = path.lstat()
    except FileNotFoundError:
        found = None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise KioskError("bad_output", f"{option} {raw!r}: {reason}") from None
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise KioskError("output_symlink", f"{option} {raw!r} is a symbolic link; name the file")
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise KioskError("output_not_file", f"{option} {raw!r} is a folder; name a file")
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise KioskError("output_not_file", f"{option} {raw!r} is not a regular file")
    if not path.parent.is_dir():
        raise KioskError("output_no_folder", f"{option} {raw!r}: the folder does not exist")
    return path


def backup_folder(raw: str, option: str, data_dir: Path, same_disk: bool = False) -> Path:
    """A folder off this PC that backups may be copied into (a USB stick, a mounted share).

    It must exist already (nothing is made: a stick that is not mounted must not turn
    into a folder on the kiosk's own disk), be a folder and not a link to one, be
    writable by this user, lie outside the data dir and, unless ``same_disk``, on
    another file system than the data dir: a copy on the same disk is no backup off it.
    """
    if not raw.strip():
        raise KioskError("bad_output", f"{option} is empty; name a folder")
    path = Path(raw)
    try:
        found = path.lstat()
        data_dev = data_dir.stat().st_dev
    except FileNotFoundError:
        raise KioskError(
            "backup_no_folder",
            f"{option} {raw!r}: the folder does not exist (is the USB stick or share mounted?)",
        ) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise KioskError("bad_output", f"{option} {raw!r}: {reason}") from None
    if stat.S_ISLNK(found.st_mode):
        raise KioskError("output_symlink", f"{option} {raw!r} is a symbolic link; name the folder")
    if not stat.S_ISDIR(found.st_mode):
        raise KioskError("backup_not_folder", f"{option} {raw!r} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise KioskError("backup_not_writable", f"{option} {raw!r}: this user cannot write there")
    if path.resolve().is_relative_to(data_dir.resolve()):
        raise KioskError("backup_in_data_dir", f"{option} {raw!r} is inside the data dir")
    if found.st_dev == data_dev and not same_disk:
        raise KioskError(
            "backup_same_disk",
            f"{option} {raw!r} is on the same disk as the data dir (is the USB stick or share "
            "mounted?); add --same-disk to copy there anyway",
        )
    return path


def write_private(path: Path, payload: bytes) -> None:
    """Replace ``path`` by rename, durably, mode 0600 whatever the umask (it may be personal)."""
    try:
        write_bytes_atomic(path, payload)
    except OSError as exc:
        raise KioskError("write_failed", f"cannot write {path}: {exc.strerror or exc}") from None


def deliver(payload: bytes, out: str | None) -> None:
    """Write a report to ``--out`` (privately, atomically) or to stdout."""
    if out:
        write_private(output_path(out, "--out"), payload)
        emit({"written": str(out), "bytes": len(payload)})
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
