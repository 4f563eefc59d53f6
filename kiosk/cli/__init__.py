"""``kiosk [--data-dir DIR] COMMAND``: the contract scripts and tests rely on.

JSON goes to stdout, times are ISO 8601 with offset; every refusal is one line on
stderr and a non-zero exit (2: bad input or refused, 3: data dir unusable, 1: a bug,
still one line). A PIN is never read from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import socket
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from db import StoreError
from db.storage import write_bytes_atomic
from kiosk.domain.booking import Ticket
from kiosk.domain.clock import check_day, clock_from_env, parse_instant
from kiosk.domain.errors import KioskError
from kiosk.domain.models import BookingStatus, Scout, Source
from kiosk.services import Services, build_services, default_data_dir

EXIT_REFUSED = 2
EXIT_STORE = 3
EXIT_UNEXPECTED = 1
MAX_DAYS = 366  # the longest --days worth asking for; the booking horizon trims it further
# A refusal may echo what was typed: never let that flood the terminal. Store messages
# name files (data file, newest backup) that must stay whole, so their cap is far higher.
MAX_LINE = 300
MAX_STORE_LINE = 8000
LOCK_FILE = "kiosk.lock"  # the store's lock file: creating it proves the dir is usable
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]+")


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """``text`` as one line: control characters and bidi overrides out, a long tail cut."""
    flat = _CONTROL.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def _say(text: str, limit: int = MAX_LINE) -> None:
    print(f"kiosk: {one_line(text, limit)}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line, not argparse's usage dump.
        self.exit(EXIT_REFUSED, f"kiosk: {one_line(message)} (see kiosk --help)\n")


class DataDirUnusable(StoreError):
    """The data dir exists but this process cannot create files in it."""


def _emit(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _day(text: str) -> date:
    try:
        return check_day(date.fromisoformat(text))
    except ValueError as exc:
        if "outside" in str(exc):
            raise argparse.ArgumentTypeError(str(exc)) from None
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text[:40]!r}") from None


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text[:40]!r}") from None
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_DAYS} days, not {text[:40]}")
    return days


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (1-65535): {text[:40]!r}")
    return int(text)


def _lang(text: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}", text):
        raise argparse.ArgumentTypeError(f"not a language code such as lt or en: {text[:40]!r}")
    return text


def _output_path(raw: str, option: str) -> Path:
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


def _write_private(path: Path, payload: bytes) -> None:
    """Replace ``path`` by rename, durably, mode 0600 whatever the umask (it may be personal)."""
    try:
        write_bytes_atomic(path, payload)
    except OSError as exc:
        raise KioskError("write_failed", f"cannot write {path}: {exc.strerror or exc}") from None


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


def _console_place() -> str:
    """Where a PIN typed into this command comes from, for the per-place lock-out."""
    return f"cli:{socket.gethostname()}"


# -- commands --------------------------------------------------------------------------


def cmd_run(services: Services, args: argparse.Namespace) -> int:
    from kiosk.app import run_app

    return run_app(services, mode="visitor")


def cmd_librarian(services: Services, args: argparse.Namespace) -> int:
    from kiosk.app import run_app

    return run_app(services, mode="librarian")


def cmd_serve(services: Services, args: argparse.Namespace) -> int:
    from kiosk.web.serve import ServeOptions, serve

    options = ServeOptions(
        data_dir=services.data_dir.resolve(),
        kiosk=args.kiosk,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        behind_proxy=args.behind_proxy,
        allow_hosts=args.allow_host,
    )
    return serve(options, lambda: services.booking.settings().web_max_sessions)


def cmd_demo(services: Services, args: argparse.Namespace) -> int:
    from kiosk.seed import seed_demo

    seed_demo(services.store, services.clock)
    return cmd_run(services, args)


def cmd_seed_demo(services: Services, args: argparse.Namespace) -> int:
    from kiosk.seed import seed_demo

    seeded = seed_demo(services.store, services.clock)
    _emit({"seeded": seeded, "data_dir": str(services.data_dir)})
    return 0


def _read_secret(prompt: str) -> str:
    """One secret: asked on a tty without echo, else one line of stdin (never argv)."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def cmd_set_pin(services: Services, args: argparse.Namespace) -> int:
    from kiosk.domain.auth import PinService, pin_refusal

    pins = PinService(services.store, services.clock)
    if pins.is_set():
        if args.reset:
            answer = _read_secret("Replace the PIN without the current one? Type RESET: ")
            if answer.strip() != "RESET":
                raise KioskError("reset_not_confirmed", "reset not confirmed; nothing was changed")
        else:
            current = _read_secret("Current librarian PIN: ")
            result = pins.login(current, place=_console_place())
            if not result.ok:
                code = "pin_locked" if result.locked_until is not None else "pin_wrong"
                raise KioskError(code, pin_refusal(result) + "; nothing was changed")
    if sys.stdin.isatty():
        pin = getpass.getpass("New librarian PIN (4-12 digits): ")
        if getpass.getpass("Repeat the PIN: ") != pin:
            raise KioskError("pin_mismatch", "the two PINs differ; nothing was changed")
    else:
        pin = sys.stdin.readline().strip()
    pins.set_pin(pin)
    _emit({"pin_set": True})
    return 0


def cmd_topics(services: Services, args: argparse.Namespace) -> int:
    lang = args.lang
    _emit(
        [
            {
                "slug": t.slug,
                "name": t.name(lang),
                "description": t.description(lang),
                "translated": lang in t.names,  # False: the name shown is the Lithuanian one
                "names": t.names,
                "order": t.order,
                "active": t.active,
            }
            for t in services.booking.topics(active_only=not args.all)
        ]
    )
    return 0


def cmd_slots(services: Services, args: argparse.Namespace) -> int:
    slots = services.booking.free_slots(
        args.topic, first_day=args.date, days=args.days, language=args.lang
    )
    names = {s.id: s.name for s in services.booking.scouts()}
    _emit([{**s.to_dict(), "scout_name": names.get(s.scout, s.scout)} for s in slots])
    return 0


def _start(text: str) -> datetime:
    """``--start`` as an aware time, or a one-line refusal."""
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise KioskError("bad_start", f"--start: {exc}") from None


def _emit_ticket(ticket: Ticket) -> None:
    _emit({**ticket.booking.public_dict(), "token": ticket.token})


def cmd_book(services: Services, args: argparse.Namespace) -> int:
    ticket = services.booking.book(
        args.topic,
        _start(args.start),
        args.name,
        phone=args.phone,
        scout=args.scout,
        language=args.lang,
        source=Source(args.source),
    )
    _emit_ticket(ticket)
    return 0


def cmd_bookings(services: Services, args: argparse.Namespace) -> int:
    found = services.booking.bookings(day=args.date, status=args.status)
    _emit([b.public_dict() for b in found])
    return 0


def cmd_check_in(services: Services, args: argparse.Namespace) -> int:
    outcome = services.arrivals.check_in(args.ticket)
    out: dict[str, Any] = {"result": outcome.result.value}
    if outcome.booking is not None:
        b = outcome.booking
        out.update(
            code=b.code,
            status=b.status,
            start=b.start,
            place=b.place,
            scout=b.scout,
            checked_in_at=b.checked_in_at,
        )
    if outcome.opens_at is not None:
        out["opens_at"] = outcome.opens_at.isoformat()
    _emit(out)
    if not outcome.ok:
        print(f"kiosk: check-in refused: {outcome.result.value}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def cmd_cancel(services: Services, args: argparse.Namespace) -> int:
    _emit(services.booking.cancel(args.code).public_dict())
    return 0


def cmd_done(services: Services, args: argparse.Namespace) -> int:
    _emit(services.desk.mark_done(args.code).public_dict())
    return 0


def cmd_no_show(services: Services, args: argparse.Namespace) -> int:
    _emit(services.desk.mark_no_show(args.code).public_dict())
    return 0


def cmd_undo(services: Services, args: argparse.Namespace) -> int:
    _emit(services.desk.undo(args.code, args.reason).public_dict())
    return 0


def cmd_move(services: Services, args: argparse.Namespace) -> int:
    _emit(services.booking.move(args.code, _start(args.start), scout=args.scout).public_dict())
    return 0


def cmd_unrecorded(services: Services, args: argparse.Namespace) -> int:
    _emit([b.public_dict() for b in services.desk.unrecorded()])
    return 0


def cmd_follow_up(services: Services, args: argparse.Namespace) -> int:
    if args.start is None:
        _emit([s.to_dict() for s in services.booking.follow_up_slots(args.code)])
        return 0
    _emit_ticket(services.booking.book_follow_up(args.code, _start(args.start), args.scout))
    return 0


def cmd_waitlist(services: Services, args: argparse.Namespace) -> int:
    _emit([e.to_dict() for e in services.waitlist.entries(args.topic)])
    return 0


def cmd_waitlist_add(services: Services, args: argparse.Namespace) -> int:
    entry = services.waitlist.add(args.topic, args.name, args.phone, args.lang)
    _emit(entry.to_dict())
    return 0


def cmd_waitlist_remove(services: Services, args: argparse.Namespace) -> int:
    _emit(services.waitlist.remove(args.id).to_dict())
    return 0


def cmd_export(services: Services, args: argparse.Namespace) -> int:
    from kiosk.results.reports import export_results

    if args.format == "results":
        return cmd_export_programme(services, args)
    if args.from_ is None or args.to is None:
        raise KioskError("bad_period", "--from and --to are required for csv and json")
    if args.to < args.from_:
        raise KioskError("bad_period", "--to is before --from")
    if args.format in ("months", "scouts", "rows"):
        payload = _export_table(services, args)
    else:
        payload = export_results(
            services.booking, services.activity, args.from_, args.to, args.format, args.lang
        )
    _deliver(payload, args.out)
    return 0


def _export_table(services: Services, args: argparse.Namespace) -> bytes:
    """``--format months|scouts|rows`` as ``--as`` csv, json or xlsx (else the --out suffix)."""
    from kiosk.results import tables as report_tables

    kind = args.as_ or (Path(args.out).suffix.lstrip(".").lower() if args.out else "")
    kind = kind if kind in ("csv", "json", "xlsx") else "csv"
    span = (services.booking, services.activity, args.from_, args.to)
    if args.format == "months":
        return report_tables.export_months(*span, kind, args.lang)
    if args.format == "scouts":
        return report_tables.export_scouts(*span, kind, args.lang)
    from kiosk.programme.file import pseudonym, results_salt

    salt = results_salt(services)
    return report_tables.export_rows(*span, lambda s: pseudonym(salt, s), kind, args.lang)


def _deliver(payload: bytes, out: str | None) -> None:
    """Write a report to ``--out`` (privately, atomically) or to stdout."""
    if out:
        _write_private(_output_path(out, "--out"), payload)
        _emit({"written": str(out), "bytes": len(payload)})
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()


def cmd_export_programme(services: Services, args: argparse.Namespace) -> int:
    from kiosk.programme.file import export_programme_results

    if not args.out:
        raise KioskError("no_out", "--format results needs --out FILE (it is a Parquet file)")
    header = export_programme_results(services, Path(args.out), args.from_, args.to)
    _emit(
        {
            "written": str(args.out),
            "library_id": header.library_id,
            "from": header.first.isoformat(),
            "to": header.last.isoformat(),
            "rows": header.rows,
            "schema_version": header.version,
        }
    )
    return 0


def cmd_results_merge(args: argparse.Namespace) -> int:
    from kiosk.programme.report import merge

    outcome = merge([Path(p) for p in args.paths], Path(args.out))
    for line in outcome.refused:
        print(f"kiosk: refused {line}", file=sys.stderr)
    _emit({**outcome.to_dict(), "db": str(args.out)})
    return EXIT_REFUSED if outcome.refused else 0


def cmd_results_report(args: argparse.Namespace) -> int:
    from kiosk.programme.report import programme_csv, programme_json, report

    if args.from_ and args.to and args.to < args.from_:
        raise KioskError("bad_period", "--to is before --from")
    prog = report(Path(args.db), args.from_, args.to)
    if args.format == "html":
        from kiosk.programme.html import programme_html

        payload = programme_html(prog)
    elif args.format == "csv":
        payload = programme_csv(prog)
    else:
        payload = programme_json(prog)
    _deliver(payload, args.out)
    return 0


def cmd_backup(services: Services, args: argparse.Namespace) -> int:
    path = services.maintenance.backup()
    kept = [str(p) for p in services.maintenance.backups()]
    _emit({"backup": str(path) if path else None, "kept": kept})
    return 0


def cmd_restore(services: Services, args: argparse.Namespace) -> int:
    backup = Path(args.backup)
    if not backup.is_file():
        raise KioskError("no_backup", f"no backup file at {backup}")
    # Checked before asking for --yes: a file that would not load is refused either way.
    services.maintenance.validate_file(backup)
    if not args.yes:
        raise KioskError("confirm", "restoring replaces all current data; repeat with --yes")
    saved = services.maintenance.restore(backup)
    _emit({"restored": str(backup), "saved_as": str(saved) if saved else None})
    return 0


def cmd_purge(services: Services, args: argparse.Namespace) -> int:
    _emit(services.retention.purge().to_dict())
    return 0


def cmd_ticket(services: Services, args: argparse.Namespace) -> int:
    from kiosk.paper.ticket_render import ticket_pdf, ticket_svg

    if not args.svg and not args.pdf:
        raise KioskError("bad_output", "name a file: --svg FILE and/or --pdf FILE")
    # option -> (path, renderer): the same ticket content in every format.
    targets = {
        option: (_output_path(raw, f"--{option}"), render)
        for option, raw, render in (
            ("svg", args.svg, lambda c: ticket_svg(c).encode("utf-8")),
            ("pdf", args.pdf, ticket_pdf),
        )
        if raw
    }
    written: list[Path] = []

    def write(ticket: Ticket) -> None:
        booking = ticket.booking
        content = services.catalog.ticket_content(booking, ticket.token, booking.language)
        for target, render in targets.values():
            _write_private(target, render(content))
            written.append(target)

    # The files are written before the new token is committed: a failed write leaves the
    # visitor's current ticket valid; a failed commit removes the files nobody can use.
    try:
        ticket = services.arrivals.reissue_ticket(args.code, deliver=write)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    out = {option: str(path) for option, (path, _) in targets.items()}
    _emit({"code": ticket.booking.code, "token": ticket.token, **out})
    return 0


def _targets(args: argparse.Namespace) -> dict[str, Path]:
    """The files named by --svg / --pdf, checked (plain files or new, never symlinks)."""
    return {
        option: _output_path(raw, f"--{option}")
        for option, raw in (("svg", args.svg), ("pdf", getattr(args, "pdf", None)))
        if raw
    }


def cmd_scout_card(services: Services, args: argparse.Namespace) -> int:
    from kiosk.i18n import Translator
    from kiosk.paper.scout_card import build_card_content, card_pdf, card_svg

    access = services.scout_access
    if args.revoke:
        if args.svg or args.pdf or args.reissue:
            raise KioskError("bad_output", "--revoke takes no --svg, --pdf or --reissue")
        services.booking.scout(args.scout_id)  # unknown_scout for a typo
        access.revoke_card(args.scout_id)
        _emit({"scout": args.scout_id, "card": False})
        return 0
    if not args.svg and not args.pdf:
        raise KioskError("bad_output", "name a file: --svg FILE and/or --pdf FILE")
    targets = _targets(args)
    if access.has_card(args.scout_id) and not args.reissue:
        raise KioskError(
            "card_exists",
            f"e-scout {args.scout_id!r} has a card; --reissue makes a new one (the old one "
            "then stops working)",
        )
    library = services.catalog.settings().library_name
    renders = {"svg": lambda c: card_svg(c).encode("utf-8"), "pdf": card_pdf}
    written: list[Path] = []

    def write(scout: Scout, token: str) -> None:
        card = build_card_content(Translator(args.lang), library, scout.name, token)
        for option, path in targets.items():
            _write_private(path, renders[option](card))
            written.append(path)

    # The files are written before the new card is saved: a failed write leaves the old
    # card working; a failed save removes the files, whose card would never work.
    try:
        access.issue_card(args.scout_id, deliver=write)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    _emit({"scout": args.scout_id, "card": True, **{k: str(v) for k, v in targets.items()}})
    return 0


def cmd_scout_pin(services: Services, args: argparse.Namespace) -> int:
    services.booking.scout(args.scout_id)  # unknown_scout before anyone types a PIN
    if sys.stdin.isatty():
        pin = getpass.getpass("The e-scout's new PIN (4-12 digits): ")
        again = getpass.getpass("Repeat the PIN: ")
    else:
        pin, again = sys.stdin.readline().strip(), sys.stdin.readline().strip()
    if pin != again:
        raise KioskError("pin_mismatch", "the two PINs differ; nothing was changed")
    services.scout_access.set_pin(args.scout_id, pin)
    _emit({"scout": args.scout_id, "pin_set": True})
    return 0


def cmd_scout_hours(services: Services, args: argparse.Namespace) -> int:
    from kiosk.paper.certificate import certificate_pdf

    if args.to < args.from_:
        raise KioskError("bad_period", f"--to {args.to} is before --from {args.from_}")
    target = _output_path(args.pdf, "--pdf") if args.pdf else None
    hours = services.scout_day.hours(args.scout_id, args.from_, args.to)
    out: dict[str, Any] = {
        "scout": hours.scout.id,
        "name": hours.scout.name,
        "from": hours.first.isoformat(),
        "to": hours.last.isoformat(),
        "consultations": hours.consultations,
        "minutes": hours.minutes,
        "hours": hours.hours,
        "by_topic": hours.by_topic,
    }
    if target is not None:
        pdf = certificate_pdf(services, args.scout_id, args.from_, args.to, args.lang)
        _write_private(target, pdf)
        out["pdf"] = str(target)
    _emit(out)
    return 0


# -- parser ----------------------------------------------------------------------------

Command = Callable[[Services, argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kiosk", description="E-scout booking kiosk")
    p.add_argument(
        "--data-dir", help="data directory (default: KIOSK_DATA_DIR or the user data dir)"
    )
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def add(name: str, func: Command, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.set_defaults(func=func)
        return sp

    add("run", cmd_run, "the visitor kiosk (default)")
    add("librarian", cmd_librarian, "the librarian console")
    sp = add("serve", cmd_serve, "the librarian console (or --kiosk: the kiosk) in a browser")
    sp.add_argument("--kiosk", action="store_true", help="serve the visitor kiosk instead")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=_port, default=8080, help="port (default 8080)")
    sp.add_argument("--public-url", help="the address browsers use, e.g. https://kiosk.lan")
    sp.add_argument(
        "--behind-proxy",
        action="store_true",
        help="a reverse proxy on this host: take the client's address from X-Forwarded-For",
    )
    sp.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name browsers use for this server (repeatable)",
    )
    add("demo", cmd_demo, "seed demo data if the data dir is empty, then run the kiosk")
    add("seed-demo", cmd_seed_demo, "only seed the demo data")
    sp = add(
        "set-pin",
        cmd_set_pin,
        "set the librarian PIN (asks on a tty, else reads lines from stdin: the current PIN "
        "if one is set, then the new one)",
    )
    sp.add_argument(
        "--reset",
        action="store_true",
        help="replace a forgotten PIN without the current one (asks you to type RESET)",
    )
    sp = add("topics", cmd_topics, "list help topics")
    sp.add_argument(
        "--lang", type=_lang, default="lt", help="names in this language (lt, en, ru, uk, pl)"
    )
    sp.add_argument("--all", action="store_true", help="include inactive topics")
    sp = add("slots", cmd_slots, "free times for a topic")
    sp.add_argument("--topic", required=True)
    sp.add_argument("--date", type=_day)
    sp.add_argument("--days", type=_days, help=f"1 to {MAX_DAYS}")
    sp.add_argument("--lang", type=_lang, default="lt", help="the visitor's language (default lt)")
    sp = add("book", cmd_book, "book a free time")
    sp.add_argument("--topic", required=True)
    sp.add_argument("--start", required=True)
    sp.add_argument("--name", required=True)
    sp.add_argument("--phone")
    sp.add_argument("--scout")
    sp.add_argument("--lang", type=_lang, default="lt")
    sp.add_argument("--source", choices=[s.value for s in Source], default=Source.KIOSK.value)
    sp = add("bookings", cmd_bookings, "list bookings")
    sp.add_argument("--date", type=_day)
    sp.add_argument("--status", choices=[s.value for s in BookingStatus])
    sp = add("check-in", cmd_check_in, "check in by token or code")
    sp.add_argument("ticket")
    sp = add("cancel", cmd_cancel, "cancel a booking by code")
    sp.add_argument("code")
    sp = add("done", cmd_done, "mark a booking done")
    sp.add_argument("code")
    sp = add("no-show", cmd_no_show, "mark a booking as a no-show")
    sp.add_argument("code")
    sp = add("undo", cmd_undo, "take back a booking's last status change (same day)")
    sp.add_argument("code")
    sp.add_argument("--reason", required=True)
    add("unrecorded", cmd_unrecorded, "bookings of past days still booked or checked in")
    sp = add("move", cmd_move, "move a booking to another free time (same code and ticket)")
    sp.add_argument("code")
    sp.add_argument("--start", required=True, help="ISO 8601 time")
    sp.add_argument("--scout", help="e-scout id (default: any who covers the topic)")
    sp = add("follow-up", cmd_follow_up, "the next session for a booking's visitor and topic")
    sp.add_argument("code")
    sp.add_argument("--start", help="book this time (without it: list the free times)")
    sp.add_argument("--scout")
    sp = add("waitlist", cmd_waitlist, "who waits for a time (add / remove: see below)")
    sp.add_argument("--topic")
    waits = sp.add_subparsers(dest="waitlist_command", parser_class=_Parser)
    wp = waits.add_parser("add", help="put a visitor on the waiting list for a topic")
    wp.set_defaults(func=cmd_waitlist_add)
    wp.add_argument("--topic", required=True)
    wp.add_argument("--name", required=True)
    wp.add_argument("--phone")
    wp.add_argument("--lang", type=_lang, default="lt")
    wp = waits.add_parser("remove", help="take an entry off the waiting list")
    wp.set_defaults(func=cmd_waitlist_remove)
    wp.add_argument("id")
    sp = add("export", cmd_export, "export results for a period")
    sp.add_argument("--from", dest="from_", type=_day)
    sp.add_argument("--to", type=_day)
    sp.add_argument(
        "--format",
        choices=["csv", "json", "results", "months", "scouts", "rows"],
        default="csv",
        help="csv/json: the results summary; months: month tables and trend; scouts: hours "
        "per e-scout; rows: every activity form, anonymous; results: the programme's file",
    )
    sp.add_argument(
        "--as", dest="as_", choices=["csv", "json", "xlsx"], help="file type of months|scouts|rows"
    )
    sp.add_argument("--lang", type=_lang, default="lt", help="labels and headers: lt or en")
    sp.add_argument("--out")
    add("backup", cmd_backup, "copy the data file to backups/ (rotating)")
    sp = add("restore", cmd_restore, "replace the data with a backup (checked first)")
    sp.add_argument("backup")
    sp.add_argument("--yes", action="store_true")
    # A restore is how a refused data file is repaired, so it must not need to open it.
    sp.set_defaults(open_store=False)
    add("purge", cmd_purge, "erase visitor names and phones past the retention period")
    sp = add("ticket", cmd_ticket, "reissue a booking's ticket as a printable SVG and/or PDF")
    sp.add_argument("code")
    sp.add_argument("--svg", help="write the ticket as an SVG file")
    sp.add_argument("--pdf", help="write the ticket as a PDF file (for a desk printer or lp)")
    sp = add("scout-card", cmd_scout_card, "issue an e-scout's sign-in card (SVG/PDF) or revoke it")
    sp.add_argument("scout_id", metavar="ID")
    sp.add_argument("--svg", help="write the card as an SVG file")
    sp.add_argument("--pdf", help="write the card as an A6 PDF file")
    sp.add_argument(
        "--reissue", action="store_true", help="replace an existing card (the old one stops)"
    )
    sp.add_argument("--revoke", action="store_true", help="the card stops working; no new one")
    sp.add_argument("--lang", type=_lang, default="lt", help="the card's words (default lt)")
    sp = add(
        "scout-pin",
        cmd_scout_pin,
        "set an e-scout's PIN (asks twice on a tty, else reads two lines from stdin)",
    )
    sp.add_argument("scout_id", metavar="ID")
    sp = add("scout-hours", cmd_scout_hours, "an e-scout's volunteer hours (JSON) or certificate")
    sp.add_argument("scout_id", metavar="ID")
    sp.add_argument("--from", dest="from_", type=_day, required=True)
    sp.add_argument("--to", type=_day, required=True)
    sp.add_argument("--pdf", help="write the certificate as an A4 PDF")
    sp.add_argument("--lang", type=_lang, default="lt", help="the certificate's language")
    _add_results_commands(sub)
    return p


def _add_results_commands(sub: Any) -> None:
    """``kiosk results merge|report``: the programme's side, on files, no data dir."""
    results = sub.add_parser("results", help="merge libraries' results files and report")
    rsub = results.add_subparsers(dest="results_command", parser_class=_Parser, required=True)
    sp = rsub.add_parser("merge", help="load results files (or folders of them) into DuckDB")
    sp.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    sp.add_argument("--out", required=True, metavar="DB")
    sp.set_defaults(file_func=cmd_results_merge)
    sp = rsub.add_parser("report", help="the programme's tables from a merged database")
    sp.add_argument("db", metavar="DB")
    sp.add_argument("--from", dest="from_", type=_day)
    sp.add_argument("--to", type=_day)
    sp.add_argument("--format", choices=["json", "csv", "html"], default="json")
    sp.add_argument("--out")
    sp.set_defaults(file_func=cmd_results_report)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage refusal already printed as one line
        return exc.code if isinstance(exc.code, int) else EXIT_REFUSED
    func: Command = getattr(args, "func", cmd_run)
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
        _say(exc.message)
        return EXIT_REFUSED
    except StoreError as exc:
        _say(str(exc), MAX_STORE_LINE)
        return EXIT_STORE
    except OSError as exc:
        _say(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), MAX_STORE_LINE)
        return EXIT_STORE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, and a distinct exit code
        _say(f"unexpected error ({type(exc).__name__}): {exc}")
        if os.environ.get("KIOSK_DEBUG"):
            raise
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
