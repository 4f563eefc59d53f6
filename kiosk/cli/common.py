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
from kiosk.services import Services, default_data_dir

EXIT_REFUSED = 2
EXIT_STORE = 3
EXIT_UNEXPECTED = 1
# A refusal may echo what was typed: never let that flood the terminal. Store messages
# name files (data file, newest backup) that must stay whole, so their cap is far higher.
MAX_LINE = 300
MAX_STORE_LINE = 8000
# How much of one typed value (a path, a code) a message echoes.
SHOWN = 80
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


def cut(text: object, limit: int = SHOWN) -> str:
    """What someone typed, for a message: its first ``limit`` characters, then "…"."""
    raw = str(text)
    return raw if len(raw) <= limit else raw[:limit] + "\u2026"


def reason(exc: BaseException) -> str:
    """An OS error's own words ("Permission denied"), without the path it names."""
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def data_dir_named(args: argparse.Namespace) -> Path | None:
    """The data dir a command names (else the default), without opening or making it.

    For commands that work on files only: what they write must not land in it either."""
    raw = getattr(args, "data_dir", None)
    if raw is not None and (not raw.strip() or "\x00" in raw):
        return None
    return Path(raw) if raw is not None else default_data_dir()


def _not_a_file(mode: int) -> tuple[str, str] | None:
    """(code, why) when what is already at an output path may not be replaced, else None."""
    if stat.S_ISLNK(mode):
        return "output_symlink", "is a symbolic link; name the file itself"
    if stat.S_ISDIR(mode):
        return "output_not_file", "is a folder; name a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "output_not_file", "is a device, not a regular file"
    if stat.S_ISFIFO(mode):
        return "output_not_file", "is a FIFO (named pipe), not a regular file"
    if not stat.S_ISREG(mode):
        return "output_not_file", "is not a regular file"
    return None


def _inside(folder: Path, data_dir: Path) -> bool:
    """True if ``folder`` is the data dir or lies in it, by any path (links, bind mounts)."""
    try:
        home = data_dir.stat()
    except (OSError, ValueError):
        return False  # no data dir yet: nothing lies in it
    real = Path(os.path.realpath(folder))
    for place in (real, *real.parents):
        try:
            found = place.stat()
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (home.st_dev, home.st_ino):
            return True
    return False


def output_path(
    raw: str, option: str, data_dir: Path | None, inputs: tuple[Path, ...] = ()
) -> Path:
    """The one guard for every file the CLI writes on request (``--out``, ``--svg``, ...).

    Allowed: a new file, or a plain file that is replaced by rename, in a folder that
    exists and this user can write in. Refused (exit 2), before anything is computed or
    written: an empty name; a symbolic link (never followed, its dangling target never
    made); a folder, device, FIFO or socket (a rename must not replace ``/dev/full``); a
    folder that does not exist (none is made); anything inside the data dir (the live
    data file, its backups, its lock); and one of the command's own ``inputs``.
    """
    if not raw.strip():
        raise KioskError("bad_output", f"{option} is empty; name a file")
    name = f"{option} {cut(raw)!r}"
    if raw.endswith(("/", os.sep)):
        raise KioskError("output_not_file", f"{name} names a folder; name a file")
    path = Path(raw)
    try:
        found = path.lstat()
    except FileNotFoundError:
        found = None
    except (OSError, ValueError) as exc:
        raise KioskError("bad_output", f"{name}: {reason(exc)}") from None
    refused = _not_a_file(found.st_mode) if found is not None else None
    if refused is not None:
        raise KioskError(refused[0], f"{name} {refused[1]}")
    folder = path.parent
    try:
        is_folder = folder.is_dir()
    except (OSError, ValueError) as exc:
        raise KioskError("bad_output", f"{name}: {reason(exc)}") from None
    if not is_folder:
        raise KioskError(
            "output_no_folder", f"{name}: the folder does not exist (none is made; make it first)"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise KioskError("bad_output", f"{name}: this user cannot write in its folder")
    if data_dir is not None and _inside(folder, data_dir):
        raise KioskError(
            "output_in_data_dir", f"{name} is inside the data dir; name a file outside it"
        )
    if found is not None:
        for source in inputs:
            try:
                same = os.path.samefile(source, path)
            except (OSError, ValueError):
                same = False
            if same:
                raise KioskError("bad_output", f"{name} is the file this command reads")
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
    name = f"{option} {cut(raw)!r}"
    path = Path(raw)
    try:
        found = path.lstat()
        data_dev = data_dir.stat().st_dev
    except FileNotFoundError:
        raise KioskError(
            "backup_no_folder",
            f"{name}: the folder does not exist (is the USB stick or share mounted?)",
        ) from None
    except (OSError, ValueError) as exc:
        raise KioskError("bad_output", f"{name}: {reason(exc)}") from None
    if stat.S_ISLNK(found.st_mode):
        raise KioskError("output_symlink", f"{name} is a symbolic link; name the folder")
    if not stat.S_ISDIR(found.st_mode):
        raise KioskError("backup_not_folder", f"{name} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise KioskError("backup_not_writable", f"{name}: this user cannot write there")
    if _inside(path, data_dir):
        raise KioskError("backup_in_data_dir", f"{name} is inside the data dir")
    if found.st_dev == data_dev and not same_disk:
        raise KioskError(
            "backup_same_disk",
            f"{name} is on the same disk as the data dir (is the USB stick or share "
            "mounted?); add --same-disk to copy there anyway",
        )
    return path


def write_private(path: Path, payload: bytes) -> None:
    """Replace ``path`` by rename, durably, mode 0600 whatever the umask (it may be personal)."""
    try:
        write_bytes_atomic(path, payload)
    except OSError as exc:
        raise KioskError("write_failed", f"cannot write {cut(path)!r}: {reason(exc)}") from None


def deliver(payload: bytes, target: Path | None) -> None:
    """Write a report to ``target`` (checked by ``output_path``; privately, atomically),
    or to stdout when no ``--out`` was given."""
    if target is not None:
        write_private(target, payload)
        emit({"written": str(target), "bytes": len(payload)})
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
