"""``kiosk [--data-dir DIR] COMMAND``: the contract scripts and tests rely on.

JSON goes to stdout, times are ISO 8601 with offset; every refusal is one line on
stderr and a non-zero exit (2: bad input or refused, 3: data dir unusable).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from db import StoreError
from kiosk.clock import parse_instant
from kiosk.errors import KioskError
from kiosk.models import BookingStatus, Source
from kiosk.services import Services, build_services

EXIT_REFUSED = 2
EXIT_STORE = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line, not argparse's usage dump.
        self.exit(EXIT_REFUSED, f"kiosk: {message} (see kiosk --help)\n")


def _emit(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


# -- commands --------------------------------------------------------------------------


def cmd_run(services: Services, args: argparse.Namespace) -> int:
    from kiosk.app import run_app

    return run_app(services, mode="visitor")


def cmd_librarian(services: Services, args: argparse.Namespace) -> int:
    from kiosk.app import run_app

    return run_app(services, mode="librarian")


def cmd_demo(services: Services, args: argparse.Namespace) -> int:
    from kiosk.seed import seed_demo

    seed_demo(services.store, services.clock)
    return cmd_run(services, args)


def cmd_seed_demo(services: Services, args: argparse.Namespace) -> int:
    from kiosk.seed import seed_demo

    seeded = seed_demo(services.store, services.clock)
    _emit({"seeded": seeded, "data_dir": str(services.data_dir)})
    return 0


def cmd_set_pin(services: Services, args: argparse.Namespace) -> int:
    from kiosk.auth import PinService

    pin = args.pin
    if pin is None:
        if not sys.stdin.isatty():
            pin = sys.stdin.readline().strip()
        else:
            pin = getpass.getpass("New librarian PIN (4-12 digits): ")
            if getpass.getpass("Repeat the PIN: ") != pin:
                raise KioskError("pin_mismatch", "the two PINs differ; nothing was changed")
    PinService(services.store, services.clock).set_pin(pin)
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
                "names": t.names,
                "order": t.order,
                "active": t.active,
            }
            for t in services.booking.topics(active_only=not args.all)
        ]
    )
    return 0


def cmd_slots(services: Services, args: argparse.Namespace) -> int:
    slots = services.booking.free_slots(args.topic, first_day=args.date, days=args.days)
    names = {s.id: s.name for s in services.booking.scouts()}
    _emit([{**s.to_dict(), "scout_name": names.get(s.scout, s.scout)} for s in slots])
    return 0


def cmd_book(services: Services, args: argparse.Namespace) -> int:
    try:
        start = parse_instant(args.start)
    except ValueError:
        raise KioskError("bad_start", f"not an ISO 8601 time: {args.start!r}") from None
    ticket = services.booking.book(
        args.topic,
        start,
        args.name,
        phone=args.phone,
        scout=args.scout,
        language=args.lang,
        source=Source(args.source),
    )
    _emit({**ticket.booking.public_dict(), "token": ticket.token})
    return 0


def cmd_bookings(services: Services, args: argparse.Namespace) -> int:
    found = services.booking.bookings(day=args.date, status=args.status)
    _emit([b.public_dict() for b in found])
    return 0


def cmd_check_in(services: Services, args: argparse.Namespace) -> int:
    outcome = services.booking.check_in(args.ticket)
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
    _emit(out)
    if not outcome.ok:
        print(f"kiosk: check-in refused: {outcome.result.value}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def cmd_cancel(services: Services, args: argparse.Namespace) -> int:
    _emit(services.booking.cancel(args.code).public_dict())
    return 0


def cmd_done(services: Services, args: argparse.Namespace) -> int:
    _emit(services.booking.mark_done(args.code).public_dict())
    return 0


def cmd_no_show(services: Services, args: argparse.Namespace) -> int:
    _emit(services.booking.mark_no_show(args.code).public_dict())
    return 0


def cmd_export(services: Services, args: argparse.Namespace) -> int:
    from kiosk.reports import export_results

    if args.format == "results":
        return cmd_export_programme(services, args)
    if args.from_ is None or args.to is None:
        raise KioskError("bad_period", "--from and --to are required for csv and json")
    if args.to < args.from_:
        raise KioskError("bad_period", "--to is before --from")
    payload = export_results(services, args.from_, args.to, args.format)
    if args.out:
        Path(args.out).write_bytes(payload)
        _emit({"written": str(args.out), "bytes": len(payload)})
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    return 0


def cmd_export_programme(services: Services, args: argparse.Namespace) -> int:
    from kiosk.programme import export_programme_results

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
    from kiosk.programme_report import merge

    outcome = merge([Path(p) for p in args.paths], Path(args.out))
    for line in outcome.refused:
        print(f"kiosk: refused {line}", file=sys.stderr)
    _emit({**outcome.to_dict(), "db": str(args.out)})
    return EXIT_REFUSED if outcome.refused else 0


def cmd_results_report(args: argparse.Namespace) -> int:
    from kiosk.programme_report import programme_csv, programme_json, report

    if args.from_ and args.to and args.to < args.from_:
        raise KioskError("bad_period", "--to is before --from")
    prog = report(Path(args.db), args.from_, args.to)
    if args.format == "html":
        from kiosk.programme_html import programme_html

        payload = programme_html(prog)
    elif args.format == "csv":
        payload = programme_csv(prog)
    else:
        payload = programme_json(prog)
    if args.out:
        Path(args.out).write_bytes(payload)
        _emit({"written": str(args.out), "bytes": len(payload)})
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    return 0


def cmd_backup(services: Services, args: argparse.Namespace) -> int:
    path = services.store.backup(reason="manual")
    _emit(
        {"backup": str(path) if path else None, "kept": [str(p) for p in services.store.backups()]}
    )
    return 0


def cmd_restore(services: Services, args: argparse.Namespace) -> int:
    backup = Path(args.backup)
    if not backup.is_file():
        raise KioskError("no_backup", f"no backup file at {backup}")
    if not args.yes:
        raise KioskError("confirm", "restoring replaces all current data; repeat with --yes")
    services.store.restore(backup)
    _emit({"restored": str(backup)})
    return 0


def cmd_purge(services: Services, args: argparse.Namespace) -> int:
    from kiosk.retention import purge

    _emit(purge(services).to_dict())
    return 0


def cmd_ticket(services: Services, args: argparse.Namespace) -> int:
    from kiosk.tickets import qr_svg

    ticket = services.booking.reissue_ticket(args.code)
    b = ticket.booking
    caption = f"{b.code}  {b.starts:%Y-%m-%d %H:%M}"
    Path(args.svg).write_text(qr_svg(ticket.token, caption), encoding="utf-8")
    _emit({"code": b.code, "token": ticket.token, "svg": str(args.svg)})
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
    add("demo", cmd_demo, "seed demo data if the data dir is empty, then run the kiosk")
    add("seed-demo", cmd_seed_demo, "only seed the demo data")
    sp = add("set-pin", cmd_set_pin, "set the librarian PIN (asks, or reads one line from stdin)")
    sp.add_argument("--pin", help=argparse.SUPPRESS)
    sp = add("topics", cmd_topics, "list help topics")
    sp.add_argument("--lang", default="lt")
    sp.add_argument("--all", action="store_true", help="include inactive topics")
    sp = add("slots", cmd_slots, "free times for a topic")
    sp.add_argument("--topic", required=True)
    sp.add_argument("--date", type=_day)
    sp.add_argument("--days", type=int)
    sp = add("book", cmd_book, "book a free time")
    sp.add_argument("--topic", required=True)
    sp.add_argument("--start", required=True)
    sp.add_argument("--name", required=True)
    sp.add_argument("--phone")
    sp.add_argument("--scout")
    sp.add_argument("--lang", default="lt")
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
    sp = add("export", cmd_export, "export results for a period")
    sp.add_argument("--from", dest="from_", type=_day)
    sp.add_argument("--to", type=_day)
    sp.add_argument("--format", choices=["csv", "json", "results"], default="csv")
    sp.add_argument("--out")
    add("backup", cmd_backup, "copy the data file to backups/ (rotating)")
    sp = add("restore", cmd_restore, "replace the data with a backup")
    sp.add_argument("backup")
    sp.add_argument("--yes", action="store_true")
    add("purge", cmd_purge, "erase visitor names and phones past the retention period")
    sp = add("ticket", cmd_ticket, "reissue a booking's QR ticket as a printable SVG")
    sp.add_argument("code")
    sp.add_argument("--svg", required=True)
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
            return file_func(args)
        services = build_services(args.data_dir)
        return func(services, args)
    except KioskError as exc:
        print(f"kiosk: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except StoreError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_STORE
    except OSError as exc:
        print(f"kiosk: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_STORE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
